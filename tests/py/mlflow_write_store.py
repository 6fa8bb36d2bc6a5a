"""Writes a file store with Python MLflow, for the interop tests to read: awkward experiment and
run names, NaN and infinite metric values, a multi-line tag, an artifact, a nested run, a deleted
run and a run logged with log_batch.

usage: python mlflow_write_store.py <store-path>
"""
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

mlflow.set_tracking_uri("file://" + sys.argv[1])
long_name = "a fairly long run name with spaces " * 4
for name in ["on", "1e5", "2024-01-01", "x: y", long_name.strip()]:
    exp_id = mlflow.create_experiment(name)
    with mlflow.start_run(experiment_id=exp_id, run_name=long_name.strip()[:90]) as run:
        mlflow.log_params({"alpha": 0.5, "yes": "no", "date": "2024-01-01"})
        for step, v in enumerate([0.1, float("nan"), float("inf"), 1e-5, 12345678.5]):
            mlflow.log_metric("m", v, step=step)
        mlflow.set_tag("multi", "line one\nline two: 'q'")
        mlflow.log_text("content", "notes/n.txt")
        with mlflow.start_run(nested=True, run_name="0x1F") as child:
            mlflow.log_metric("legacy", 3.0)
    with mlflow.start_run(experiment_id=exp_id, run_name="to delete") as r2:
        pass
    MlflowClient().delete_run(r2.info.run_id)
    with mlflow.start_run(experiment_id=exp_id) as r3:
        MlflowClient().log_batch(r3.info.run_id, metrics=[Metric("b", 2.0, 10, 3)],
                                 params=[Param("p", "1:30")], tags=[RunTag("t", "~")])
