"""Times scikit-learn generating the seed data set — make_classification(n_samples=1000,
n_features=20, n_informative=5, random_state=123), then train_test_split(X, y, stratify=y,
random_state=123) — in rounds (a warm-up, then the median of `repeats` calls each), and prints,
as JSON, scikit-learn's and NumPy's versions, each round's median in milliseconds, and the data
(X, y, and the split's training and test rows as indices into X), so the TypeScript side can
check it made the same.

usage: python sklearn_seed_data.py '{"rounds": 3, "repeats": 101}'
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

plan = json.loads(sys.argv[1])


def generate():
    X, y = make_classification(n_samples=1000, n_features=20, n_informative=5, random_state=123)
    return X, y, train_test_split(np.arange(len(y)), stratify=y, random_state=123)


generate()  # warm-up
rounds = []
for _ in range(plan["rounds"]):
    times = []
    for _ in range(plan["repeats"]):
        t0 = time.perf_counter()
        generate()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    rounds.append(times[len(times) // 2])
X, y, (train, test) = generate()
print(json.dumps({
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "rounds": rounds,
    "X": X.tolist(),
    "y": y.tolist(),
    "train": train.tolist(),
    "test": test.tolist(),
}))
