"""Input and output of the scikit-learn reference programs (tests/data/_sklearn.ts).

The input is JSON on stdin; the answer is one line on stdout, `@@RESULT@@` and its JSON (so
anything else a library prints is ignored). Non-finite numbers travel as the strings "NaN",
"Infinity" and "-Infinity": the answer's are turned back into numbers on the TypeScript side;
the input's stay strings here, for the program to convert where it expects them.

Import this first: it turns Python's warnings off before scikit-learn loads.
"""
import json
import math
import sys
import warnings

warnings.simplefilter("ignore")


def read_input():
    """The JSON document on stdin."""
    return json.load(sys.stdin)


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):
        return _clean(value.tolist())
    return value


def emit(result):
    """Prints the answer (NumPy arrays and scalars included); call it once."""
    print("@@RESULT@@" + json.dumps(_clean(result)))
