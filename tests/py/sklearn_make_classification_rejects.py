"""For each params, whether make_classification refuses it (ValueError or TypeError).

input (JSON on stdin): a list of make_classification keyword arguments; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn.datasets import make_classification

data = read_input()
out = []
for params in data:
    try:
        make_classification(**params, random_state=0)
        out.append(False)
    except (ValueError, TypeError):
        out.append(True)
emit(out)
