"""Fits scikit-learn's StandardScaler on each matrix and answers its mean, variance, scale and
the transformed matrix.

input (JSON on stdin): a list of matrices; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.preprocessing import StandardScaler

data = read_input()
out = []
for X in data:
    X = np.asarray(X, dtype=float)
    s = StandardScaler().fit(X)
    out.append({"mean": s.mean_, "var": s.var_, "scale": s.scale_, "transformed": s.transform(X)})
emit(out)
