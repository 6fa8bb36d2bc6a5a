"""Migrates a file store into SQLite with `mlflow migrate-filestore` and prints how many logged
models the experiment "models" holds there.

usage: python mlflow_migrate_models.py <store-path> <sqlite-file>
"""
import subprocess
import sys

import mlflow

subprocess.run([sys.executable, "-m", "mlflow", "migrate-filestore", "--source", sys.argv[1],
                "--target", "sqlite:///" + sys.argv[2], "--no-progress"], check=True, stdout=subprocess.DEVNULL)
mlflow.set_tracking_uri("sqlite:///" + sys.argv[2])
exp = mlflow.get_experiment_by_name("models")
print(len(mlflow.search_logged_models(experiment_ids=[exp.experiment_id], output_format="list")))
