"""scikit-learn's PCA(n_components=3, svd_solver="full") of {"X"}: explained variance, its
ratio and the projected rows.

input (JSON on stdin): {"X": [[...], ...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn.decomposition import PCA

data = read_input()
p = PCA(n_components=3, svd_solver="full").fit(data["X"])
emit({"var": p.explained_variance_, "ratio": p.explained_variance_ratio_, "proj": p.transform(data["X"])})
