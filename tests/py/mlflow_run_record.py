"""Prints, as JSON, what MLflow's client reads of each run: its status, params, metric names,
dataset inputs (name, digest, context), artifacts, and logged models (name, flavors, files).

usage: python mlflow_run_record.py <tracking-uri> '["<run_id>", ...]'
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.models import Model  # noqa: E402

mlflow.set_tracking_uri(sys.argv[1])
client = MlflowClient()
out = {}
for run_id in json.loads(sys.argv[2]):
    run = client.get_run(run_id)
    models = []
    for output in run.outputs.model_outputs:
        logged = client.get_logged_model(output.model_id)
        files = sorted(f.path for f in client.list_logged_model_artifacts(output.model_id))
        flavors = sorted(Model.load(f"models:/{output.model_id}").flavors)
        models.append({"name": logged.name, "flavors": flavors, "files": files})
    inputs = []
    for i in run.inputs.dataset_inputs:
        tags = {t.key: t.value for t in i.tags}
        inputs.append([i.dataset.name, i.dataset.digest, tags.get("mlflow.data.context")])
    out[run_id] = {
        "status": run.info.status,
        "params": run.data.params,
        "metrics": sorted(run.data.metrics),
        "inputs": sorted(inputs),
        "artifacts": sorted(f.path for f in client.list_artifacts(run_id)),
        "models": models,
    }
print(json.dumps(out))
