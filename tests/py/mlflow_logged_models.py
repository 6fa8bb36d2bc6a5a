"""Prints, as JSON, what MLflow sees of the logged model of each run: its ids, name, status,
source run, params and metrics, the MLmodel's flavors, signature and input example, and the
models search_logged_models lists in the run's experiment.

usage: python mlflow_logged_models.py <store-path> '["<run_id>", ...]'
"""
import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.models import Model

mlflow.set_tracking_uri("file://" + sys.argv[1])
c = MlflowClient()
out = []
for run_id in json.loads(sys.argv[2]):
    run = c.get_run(run_id)
    ids = [o.model_id for o in run.outputs.model_outputs]
    lm = c.get_logged_model(ids[0])
    m = Model.load(f"runs:/{run_id}/model")
    found = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id], output_format="list")
    out.append({"ids": ids, "name": lm.name, "status": str(lm.status), "source_run_id": lm.source_run_id,
                "params": lm.params, "metrics": {x.key: x.value for x in lm.metrics},
                "flavors": list(m.flavors), "inputs": m.signature.inputs.to_dict() if m.signature else None,
                "example": m.saved_input_example_info, "listed": sorted(x.model_id for x in found)})
print(json.dumps(out))
