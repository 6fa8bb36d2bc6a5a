"""Times scikit-learn's KNeighborsClassifier(n_neighbors=k, n_jobs=1).predict on the rows it is
given (fitted on "X", "y"; the queries as one NumPy array; a warm-up, then the median of
"repeats"), once as scikit-learn runs by default and once limited to one thread with threadpoolctl
(its brute-force search runs on OpenMP threads whatever n_jobs says), and prints, as JSON,
scikit-learn's version, the search it chose, both medians in milliseconds and the predictions.

input (JSON on stdin): {"X", "y", "queries", "k", "repeats"}
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

data = json.load(sys.stdin)
model = KNeighborsClassifier(n_neighbors=data["k"], n_jobs=1).fit(
    np.asarray(data["X"], dtype=np.float64), np.asarray(data["y"])
)
queries = np.asarray(data["queries"], dtype=np.float64)


def median_ms():
    model.predict(queries)  # warm-up
    times = []
    for _ in range(data["repeats"]):
        t0 = time.perf_counter()
        model.predict(queries)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


default_ms = median_ms()
with threadpool_limits(limits=1):
    one_thread_ms = median_ms()
print(json.dumps({
    "sklearn": sklearn.__version__,
    "algorithm": model._fit_method,
    "defaultMs": default_ms,
    "oneThreadMs": one_thread_ms,
    "predictions": model.predict(queries).tolist(),
}))
