"""Rows per class of make_classification(**params, random_state=0) for each params.

input (JSON on stdin): a list of make_classification keyword arguments; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.datasets import make_classification

data = read_input()
emit([np.bincount(make_classification(**params, random_state=0)[1], minlength=params.get("n_classes", 2)).tolist()
      for params in data])
