"""Fits StandardScaler + KNeighborsClassifier(k) for k in 1, 5 and 15 on {"XTrain", "yTrain"}
and answers the predictions and probabilities on "XTest" for each k.

input (JSON on stdin): {"XTrain", "yTrain", "XTest"}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = read_input()
out = {}
for k in [1, 5, 15]:
    pipe = make_pipeline(StandardScaler(), KNeighborsClassifier(k)).fit(data["XTrain"], data["yTrain"])
    out[str(k)] = {"predict": pipe.predict(data["XTest"]), "proba": pipe.predict_proba(data["XTest"])}
emit(out)
