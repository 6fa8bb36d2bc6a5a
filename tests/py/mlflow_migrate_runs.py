"""Migrates a file store into SQLite with `mlflow migrate-filestore` and prints, as JSON, what
MLflow reads back for every run: {run_id: {"name", "status", "params", "n": {metric: points}}}.

usage: python mlflow_migrate_runs.py <store-path> <sqlite-file>
"""
import json
import subprocess
import sys

from mlflow import MlflowClient
from mlflow.entities import ViewType

src, db = sys.argv[1], sys.argv[2]
subprocess.run([sys.executable, "-m", "mlflow", "migrate-filestore", "--source", src,
                "--target", "sqlite:///" + db, "--no-progress"], check=True,
               stdout=subprocess.DEVNULL)
c = MlflowClient(tracking_uri="sqlite:///" + db)
out = {}
for e in c.search_experiments(view_type=ViewType.ALL):
    for r in c.search_runs([e.experiment_id], run_view_type=ViewType.ALL, max_results=50000):
        out[r.info.run_id] = {"name": r.info.run_name, "status": r.info.status,
            "params": r.data.params,
            "n": {k: len(c.get_metric_history(r.info.run_id, k)) for k in r.data.metrics}}
print(json.dumps(out))
