"""Logs n points of metric "m" into a new run on a tracking server with Python MLflow and prints,
as JSON, the milliseconds it took and the run's id. Modes: "async" (log_metric(synchronous=False)
then flush_async_logging(); its batching needs MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS), "batch"
(MlflowClient.log_batch, 1,000 points a call), "awaited" (log_metric, one call per point).

usage: python mlflow_server_logging.py <server-url> async|batch|awaited <n>
"""
import json
import sys
import time

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric

mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("bench-python")
mode, n = sys.argv[2], int(sys.argv[3])
with mlflow.start_run() as run:
    t0 = time.perf_counter()
    if mode == "async":
        for i in range(n):
            mlflow.log_metric("m", i * 0.5, step=i, synchronous=False)
        mlflow.flush_async_logging()
    elif mode == "batch":
        client, now = MlflowClient(), int(time.time() * 1000)
        for start in range(0, n, 1000):
            client.log_batch(run.info.run_id, metrics=[
                Metric("m", i * 0.5, now, i) for i in range(start, min(n, start + 1000))])
    else:
        for i in range(n):
            mlflow.log_metric("m", i * 0.5, step=i)
    ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "run_id": run.info.run_id}))
