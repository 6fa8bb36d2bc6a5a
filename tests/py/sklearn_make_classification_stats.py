"""Statistics of data sets from make_classification against the project's ("ours" of each
config), over the seeds given: accuracy of logistic regression and k-neighbours, features
significant in an ANOVA F-test (and, unshuffled, noise features that are), class shares.

input (JSON on stdin): {"configs": [{"name", "params", "nClasses", "nUseful", "ours": [{"X", "y"},
...]}], "seeds": [...]}; see sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.datasets import make_classification
from sklearn.feature_selection import f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def stats(datasets, n_classes, n_useful, unshuffled):
    out = {"logistic": [], "knn": [], "significant": [], "significantNoise": [], "shares": []}
    for X, y in datasets:
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        a, b, c, d = train_test_split(X, y, test_size=0.5, random_state=0)
        out["logistic"].append(
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(a, c).score(b, d))
        out["knn"].append(make_pipeline(StandardScaler(), KNeighborsClassifier(5)).fit(a, c).score(b, d))
        _, p = f_classif(X, y)
        significant = p < 1e-3
        out["significant"].append(int(significant.sum()))
        out["significantNoise"].append(int(significant[n_useful:].sum()) if unshuffled else 0)
        out["shares"].append((np.bincount(y, minlength=n_classes) / len(y)).tolist())
    return out


data = read_input()
result = {}
for config in data["configs"]:
    params = {k: v for k, v in config["params"].items()}
    seeds = data["seeds"]
    theirs = [make_classification(**params, random_state=s) for s in seeds]
    ours = [(d["X"], d["y"]) for d in config["ours"]]
    unshuffled = params.get("shuffle", True) is False
    result[config["name"]] = {
        "ours": stats(ours, config["nClasses"], config["nUseful"], unshuffled),
        "theirs": stats(theirs, config["nClasses"], config["nUseful"], unshuffled),
    }
emit(result)
