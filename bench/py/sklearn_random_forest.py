"""Times scikit-learn's RandomForestClassifier(n_jobs=1).fit for each case on the first 750 rows
of make_classification(n_samples=1000, n_features=20, n_informative=5, random_state=123) (a
warm-up fit, then the median of 7) and prints, as JSON, scikit-learn's version, the median of
each case in milliseconds, and those rows, so the TypeScript side trains on the same data.

usage: python sklearn_random_forest.py '[{"maxDepth": 3, "nEstimators": 20}, ...]'
"""
import json
import sys
import time

import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

cases = json.loads(sys.argv[1])
X, y = make_classification(n_samples=1000, n_features=20, n_informative=5, random_state=123)
Xt, yt = X[:750], y[:750]
timings = []
for case in cases:
    def fit():
        RandomForestClassifier(
            n_jobs=1, max_depth=case["maxDepth"], n_estimators=case["nEstimators"], random_state=0
        ).fit(Xt, yt)
    fit()  # warm-up
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        fit()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    timings.append(times[len(times) // 2])
print(json.dumps({
    "sklearn": sklearn.__version__,
    "timings": timings,
    "X": Xt.tolist(),
    "y": yt.tolist(),
}))
