"""For each train_test_split case, the per-class counts of every train/test outcome scikit-learn
produces over 40 stratified splits (or the train and test sizes when not stratified), or the
error it raises.

input (JSON on stdin): a list of cases {"y", "testSize", "trainSize", "stratify"}; see
sklearn_io.py.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

import numpy as np
from sklearn.model_selection import StratifiedShuffleSplit, train_test_split

data = read_input()
out = []
for case in data:
    y = np.asarray(case["y"])
    X = np.arange(len(y))
    k = int(y.max()) + 1
    try:
        tr, te = train_test_split(
            X, test_size=case.get("testSize"), train_size=case.get("trainSize"),
            stratify=y if case["stratify"] else None, random_state=0)
        if not case["stratify"]:
            out.append({"outcomes": [[[len(tr)], [len(te)]]]})
            continue
        splitter = StratifiedShuffleSplit(n_splits=40, test_size=len(te), train_size=len(tr), random_state=0)
        outcomes = {(tuple(np.bincount(y[a], minlength=k)), tuple(np.bincount(y[b], minlength=k)))
                    for a, b in splitter.split(X, y)}
        out.append({"outcomes": sorted([list(map(list, o)) for o in outcomes])})
    except ValueError as e:
        out.append({"error": str(e)})
emit(out)
