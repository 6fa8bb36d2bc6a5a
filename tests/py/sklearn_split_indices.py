"""scikit-learn's train_test_split indices for each case, or the error it raises.

input (JSON on stdin): a list of {"n", "y", "testSize", "trainSize", "stratify", "shuffle",
"randomState"}; see sklearn_io.py. Answers a list of {"train", "test"} or {"error"}.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.model_selection import train_test_split

out = []
for case in read_input():
    y = np.asarray(case["y"])
    try:
        train, test = train_test_split(
            np.arange(len(y)), test_size=case.get("testSize"), train_size=case.get("trainSize"),
            stratify=y if case.get("stratify") else None, shuffle=case.get("shuffle", True),
            random_state=case["randomState"])
        out.append({"train": train.tolist(), "test": test.tolist()})
    except ValueError as e:
        out.append({"error": str(e)})
emit(out)
