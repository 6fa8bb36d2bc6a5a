"""The labels make_classification(**params) draws for each of the seeds given.

input (JSON on stdin): {"params": {...}, "seeds": [...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn.datasets import make_classification

data = read_input()
emit([make_classification(**data["params"], random_state=s)[1].tolist() for s in data["seeds"]])
