"""scikit-learn's roc_auc_score of {"y", "s"} (true labels and scores), in a list.

input (JSON on stdin): {"y": [...], "s": [...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn.metrics import roc_auc_score

data = read_input()
emit([roc_auc_score(data["y"], data["s"])])
