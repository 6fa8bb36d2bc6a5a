"""Prints, as JSON, whether MLflow's own validators accept each key as a metric name and as a
param name (the 250-character length limit is checked beside the name rule): [[metric, param], ...].

usage: python mlflow_validate_keys.py '["key", ...]'
"""
import json
import sys

from mlflow.utils.validation import _validate_metric_name, _validate_param_name

out = []
for k in json.loads(sys.argv[1]):
    res = []
    for f in (_validate_metric_name, _validate_param_name):
        try:
            f(k)
            res.append(len(k) <= 250)  # the length limit is checked beside the name rule
        except Exception:
            res.append(False)
    out.append(res)
print(json.dumps(out))
