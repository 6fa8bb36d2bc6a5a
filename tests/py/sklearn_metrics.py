"""Scores each case with scikit-learn's metrics (accuracy, precision, recall, f1, ROC AUC, log
loss, confusion matrix) and answers its value, or the error scikit-learn raises.

input (JSON on stdin): a list of cases {"fn", "yTrue", "yPred" | "yScore" | "yProb", "average",
"posLabel", ...}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, log_loss, precision_score,
                             recall_score, roc_auc_score)

data = read_input()
prf = {"precision": precision_score, "recall": recall_score, "f1": f1_score}
out = []
for c in data:
    kw = {}
    for key, name in [("average", "average"), ("posLabel", "pos_label"), ("labels", "labels"),
                      ("normalize", "normalize")]:
        if c.get(key) is not None:
            kw[name] = c[key]
    if c.get("zeroDivision") is not None:
        kw["zero_division"] = np.nan if c["zeroDivision"] == "nan" else c["zeroDivision"]
    try:
        fn = c["fn"]
        if fn == "accuracy":
            value = accuracy_score(c["yTrue"], c["yPred"], **kw)
        elif fn in prf:
            value = prf[fn](c["yTrue"], c["yPred"], **kw)
        elif fn == "roc_auc":
            value = roc_auc_score(c["yTrue"], c["yScore"])
        elif fn == "log_loss":
            value = log_loss(c["yTrue"], y_proba=c["yProb"], **kw)
        else:
            value = confusion_matrix(c["yTrue"], c["yPred"], **kw)
        out.append({"value": value.tolist() if hasattr(value, "tolist") else float(value)})
    except Exception as e:
        out.append({"error": type(e).__name__ + ": " + str(e)})
emit(out)
