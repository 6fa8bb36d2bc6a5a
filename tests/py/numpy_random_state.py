"""Runs each call sequence on numpy.random.RandomState(seed) for every seed and answers, per seed
and call, the SHA-256 of the values (as little-endian float64) and how many there were, plus a
digest of the state afterwards; with "values": true it answers the values themselves.

input (JSON on stdin): {"seeds": [...], "calls": [[name, args, kwargs], ...] or
{"label": [[name, args, kwargs], ...]}, "values": bool}; see sklearn_io.py. A call named
"shuffle" shuffles np.arange(args[0]) and answers it; "state" answers get_state() as
[key..., pos, has_gauss, gauss].
"""
from sklearn_io import emit, read_input

import hashlib

import numpy as np


def run(rs, name, args, kwargs):
    if name == "shuffle":
        a = np.arange(args[0])
        rs.shuffle(a)
        return a
    if name == "state":
        _, key, pos, has_gauss, gauss = rs.get_state()
        return np.concatenate([key.astype(float), [pos, has_gauss, gauss]])
    return getattr(rs, name)(*args, **kwargs)


def digest(values):
    arr = np.asarray(values, dtype="<f8").ravel()
    return [hashlib.sha256(arr.tobytes()).hexdigest(), int(arr.size)]


data = read_input()
out = {}
for label, calls in data["calls"].items():
    per_seed = []
    for seed in data["seeds"]:
        rs = np.random.RandomState(seed)
        results = [run(rs, name, args, kwargs) for name, args, kwargs in calls]
        if data.get("values"):
            per_seed.append([np.asarray(r, dtype=float).ravel().tolist() for r in results])
        else:
            per_seed.append([digest(r) for r in results])
    out[label] = per_seed
emit(out)
