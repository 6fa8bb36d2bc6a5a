"""Runs scikit-learn's data generators and answers each data set.

input (JSON on stdin): a list of {"fn": "make_classification" | "make_blobs" | "make_moons" |
"make_circles", "params": {keyword arguments}}; see sklearn_io.py. Answers a list of
{"X", "y"} (X as nested lists of floats, printed exactly), or {"error"} for a refused call.
"""
from sklearn_io import emit, read_input  # first: it turns warnings off before scikit-learn loads

from sklearn import datasets

out = []
for case in read_input():
    params = dict(case["params"])
    for key in ("n_samples", "center_box"):
        if isinstance(params.get(key), list) and case["fn"] in ("make_moons", "make_circles", "make_blobs") and key == "center_box":
            params[key] = tuple(params[key])
    if case["fn"] in ("make_moons", "make_circles") and isinstance(params.get("n_samples"), list):
        params["n_samples"] = tuple(params["n_samples"])
    try:
        result = getattr(datasets, case["fn"])(**params)
        out.append({"X": result[0], "y": result[1]})
    except ValueError as e:
        out.append({"error": str(e)})
emit(out)
