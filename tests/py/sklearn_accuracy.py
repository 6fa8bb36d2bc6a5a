"""Test accuracy of scikit-learn's k-neighbours and random forest pipelines on the project's
seed split ("seed"), on its own make_classification data sets ("seeds"), and of the forest on
the project's splits ("splits").

input (JSON on stdin): {"seed": {"XTrain", "XTest", "yTrain", "yTest"}, "seeds": [...],
"splits": [...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def knn(a, b, c, d):
    return make_pipeline(StandardScaler(), KNeighborsClassifier(5)).fit(a, c).score(b, d)


def forest(a, b, c, d, states=range(10)):
    return float(np.mean([make_pipeline(StandardScaler(), RandomForestClassifier(
        max_depth=3, n_estimators=20, random_state=s)).fit(a, c).score(b, d) for s in states]))


def own(seed):
    X, y = make_classification(n_features=20, n_informative=5, n_samples=1000, random_state=seed)
    a, b, c, d = train_test_split(X, y, stratify=y, random_state=seed)
    return a, b, c, d


data = read_input()
s = data["seed"]
rows = (s["XTrain"], s["XTest"], s["yTrain"], s["yTest"])
emit({
    "oursRows": {"knn": knn(*rows), "forest": forest(*rows)},
    "ownSeed": {"knn": knn(*own(123)), "forest": forest(*own(123))},
    "forestOnOurs": [forest(t["XTrain"], t["XTest"], t["yTrain"], t["yTest"], [0]) for t in data["splits"]],
    "forestOnOwn": [forest(*own(seed), [0]) for seed in data["seeds"]],
    "knnOnOwn": [knn(*own(seed)) for seed in data["seeds"]],
})
