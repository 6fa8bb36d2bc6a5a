"""Runs MlflowClient.search_experiments over a file store for each case and prints, as JSON, the
experiment ids each returns (active experiments only), in MLflow's order.

usage: python mlflow_search_experiments.py <store-path> '[{"filter": "...", "order": [...]}, ...]'
"""
import json
import sys

from mlflow import MlflowClient
from mlflow.entities import ViewType

c = MlflowClient(tracking_uri="file://" + sys.argv[1])
out = []
for case in json.loads(sys.argv[2]):
    kwargs = {"order_by": case["order"]} if case.get("order") else {}
    found = c.search_experiments(view_type=ViewType.ACTIVE_ONLY, filter_string=case["filter"], **kwargs)
    out.append([e.experiment_id for e in found])
print(json.dumps(out))
