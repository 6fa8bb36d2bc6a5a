"""The original project's data and models in scikit-learn: for each seed, make_classification(
n_samples=1000, n_features=20, n_informative=5, random_state=seed) split with train_test_split(
stratify=y, random_state=seed), and the test accuracy of StandardScaler → KNeighborsClassifier(5)
on it; for the first seed also the split itself and the mean test accuracy of StandardScaler →
RandomForestClassifier(max_depth=3, n_estimators=20) over random_state 0–9 (the original forest
script set none).

input (JSON on stdin): {"seeds": [...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def split(seed):
    X, y = make_classification(n_features=20, n_informative=5, n_samples=1000, random_state=seed)
    return train_test_split(X, y, stratify=y, random_state=seed)


def knn(a, b, c, d):
    return make_pipeline(StandardScaler(), KNeighborsClassifier(5)).fit(a, c).score(b, d)


def forest(a, b, c, d):
    return float(np.mean([make_pipeline(StandardScaler(), RandomForestClassifier(
        max_depth=3, n_estimators=20, random_state=s)).fit(a, c).score(b, d) for s in range(10)]))


seeds = read_input()["seeds"]
first = split(seeds[0])
emit({
    "split": dict(zip(["XTrain", "XTest", "yTrain", "yTest"], first)),
    "forest": forest(*first),
    "knn": [knn(*split(seed)) for seed in seeds],
})
