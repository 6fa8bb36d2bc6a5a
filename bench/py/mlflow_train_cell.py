"""Times the original project's training cell in Python: inside `mlflow.start_run()`, log the
hyperparameters, fit `StandardScaler → KNeighborsClassifier` or `→ RandomForestClassifier`
(n_jobs=1) on the seed split, log train and test accuracy and `mlflow.sklearn.log_model(pipe,
name="model")`, into a fresh file store — what `scripts/train_kneighbors.py` and
`scripts/train_random_forest.py` did, warm (after `warmup` cells in the same process). Also
times the fit and prediction alone. Prints, as JSON, MLflow's and scikit-learn's versions and,
per case, the median cell and fit-and-score times in milliseconds and every cell time.

usage: python mlflow_train_cell.py STORE '[{"model": "knn", "nNeighbors": 5}, {"model": "forest",
       "maxDepth": 3, "nEstimators": 20}]' [repeats] [warmup]
"""
import json
import os
import sys
import time
import warnings

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
warnings.filterwarnings("ignore")

import mlflow  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

store, cases = sys.argv[1], json.loads(sys.argv[2])
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 9
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 2
mlflow.set_tracking_uri("file://" + store)

# The original scripts/data.py.
X, y = make_classification(n_features=20, n_informative=5, n_samples=1000, random_state=123)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=123)


TRUSTED = ["sklearn.tree._tree.Tree"]


def pipeline(case):
    if case["model"] == "knn":
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=case["nNeighbors"]))
    return make_pipeline(
        StandardScaler(),
        RandomForestClassifier(
            max_depth=case["maxDepth"], n_estimators=case["nEstimators"], n_jobs=1
        ),
    )


def params(case):
    if case["model"] == "knn":
        return {"n_neighbors": case["nNeighbors"]}
    return {"max_depth": case["maxDepth"], "n_estimators": case["nEstimators"]}


def fit_and_score(case):
    pipe = pipeline(case).fit(X_train, y_train)
    return pipe, {
        "train_accuracy": pipe.score(X_train, y_train),
        "test_accuracy": pipe.score(X_test, y_test),
    }


def cell(case):
    with mlflow.start_run():
        mlflow.log_params(params(case))
        pipe, metrics = fit_and_score(case)
        mlflow.log_metrics(metrics)
        # MLflow 3.17 saves with skops, which loads a forest's trees back only when trusted.
        # Without pip_requirements (the original scripts), MLflow infers them by loading the
        # model in a subprocess; given them, it does not.
        pinned = {"pip_requirements": [f"scikit-learn=={sklearn.__version__}"]}
        mlflow.sklearn.log_model(
            pipe, name="model", skops_trusted_types=TRUSTED, **({} if case.get("infer", True) else pinned)
        )


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def timed(fn, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


out = {"mlflow": mlflow.__version__, "sklearn": sklearn.__version__, "cases": []}
for case in cases:
    mlflow.set_experiment(f"cell-{case['model']}")
    timed(lambda: cell(case), warmup)
    cells = timed(lambda: cell(case), repeats)
    fits = timed(lambda: fit_and_score(case), repeats)
    out["cases"].append({"cellMs": median(cells), "fitMs": median(fits), "cells": cells})
print(json.dumps(out))
