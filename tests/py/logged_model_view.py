"""What MLflow's client sees of a logged model and of the run that produced it.

Usage: logged_model_view.py <tracking-uri> <model-id> <run-id>; prints JSON.
"""

import json
import sys

import mlflow
from mlflow import MlflowClient

uri, model_id, run_id = sys.argv[1:4]
mlflow.set_tracking_uri(uri)
client = MlflowClient()
model = client.get_logged_model(model_id)
run = client.get_run(run_id)
print(json.dumps({
    "status": str(model.status),
    "params": model.params,
    "name": model.name,
    "outputs": [[o.model_id, o.step] for o in run.outputs.model_outputs],
    "team": client.get_experiment(model.experiment_id).tags.get("team"),
}))
