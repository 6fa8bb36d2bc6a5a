"""Times MlflowClient.search_runs over one experiment of a file store (the median of 3) and
prints, as JSON, the milliseconds and the run ids of the last search, in MLflow's order.

usage: python mlflow_search_runs.py <store-path> <experiment_id> <filter> '<order-by JSON list>'
                                    <max_results>
"""
import json
import sys
import time

from mlflow import MlflowClient

store, experiment_id, filter_string = sys.argv[1], sys.argv[2], sys.argv[3]
order_by, max_results = json.loads(sys.argv[4]), int(sys.argv[5])
c = MlflowClient(tracking_uri="file://" + store)
times = []
for _ in range(3):
    t0 = time.perf_counter()
    runs = c.search_runs([experiment_id], filter_string, order_by=order_by,
                         max_results=max_results)
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": sorted(times)[1], "ids": [r.info.run_id for r in runs]}))
