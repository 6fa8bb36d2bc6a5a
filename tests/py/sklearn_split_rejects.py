"""For each train_test_split case, whether scikit-learn refuses it with a ValueError.

input (JSON on stdin): a list of cases {"y", "testSize", "trainSize", "stratify", "shuffle"}; see
sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.model_selection import train_test_split

data = read_input()
out = []
for case in data:
    try:
        train_test_split(np.arange(len(case["y"])), case["y"], test_size=case.get("testSize"),
                         train_size=case.get("trainSize"), stratify=case.get("stratify"),
                         shuffle=case.get("shuffle", True))
        out.append(False)
    except ValueError:
        out.append(True)
emit(out)
