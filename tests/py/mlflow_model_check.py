"""Prints, as JSON, what MLflow sees of a logged model on a tracking server: its status, name,
source run and flavors, the model id MLflow loads from models:/<id>, the run's model outputs, and
what the model's python_function flavour predicts for its input example.

usage: python mlflow_model_check.py <server-url> <model_id> <run_id>
"""
import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.models import Model

mlflow.set_tracking_uri(sys.argv[1])
client = MlflowClient()
model = client.get_logged_model(sys.argv[2])
mlmodel = Model.load(f"models:/{sys.argv[2]}")
run = client.get_run(sys.argv[3])
pyfunc = mlflow.pyfunc.load_model(f"models:/{sys.argv[2]}")
print(json.dumps({
    "example_predictions": pyfunc.predict(pyfunc.input_example).tolist(),
    "status": str(model.status), "name": model.name, "source_run_id": model.source_run_id,
    "flavors": sorted(mlmodel.flavors), "model_id": mlmodel.model_id,
    "outputs": [o.model_id for o in run.outputs.model_outputs],
}))
