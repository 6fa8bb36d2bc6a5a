"""MLflow's side of dataset inputs.

Reads JSON on stdin and prints JSON:
- {"describe": [{"features": [[...]], "targets": [...] | null, "name": str, "source": {...}}]}:
  each as mlflow.data.from_numpy describes it (to_dict());
- {"store": uri, "runs": [run ids], "searches": [{"experiment_ids": [...], "filter": str}]}:
  each run's dataset inputs as MlflowClient reads them, and each search's run ids.
"""
import json
import math
import sys
import warnings

warnings.simplefilter("ignore")

import mlflow  # noqa: E402
import numpy as np  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.data.code_dataset_source import CodeDatasetSource  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402


def number(v):
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v)


request = json.load(sys.stdin)
out = {}
if "describe" in request:
    out["describe"] = []
    for item in request["describe"]:
        features = np.array([[number(v) for v in row] for row in item["features"]], dtype=np.float64)
        targets = None if item["targets"] is None else np.array(item["targets"])
        ds = mlflow.data.from_numpy(features, targets=targets, name=item["name"],
                                    source=CodeDatasetSource(tags=item["source"]))
        out["describe"].append(ds.to_dict())
if "store" in request:
    mlflow.set_tracking_uri(request["store"])
    client = MlflowClient()
    out["runs"] = {}
    for run_id in request["runs"]:
        run = client.get_run(run_id)
        out["runs"][run_id] = sorted(
            [[i.dataset.name, i.dataset.digest, i.dataset.source_type, i.dataset.source,
              i.dataset.schema, i.dataset.profile,
              {t.key: t.value for t in i.tags}] for i in run.inputs.dataset_inputs],
            key=lambda r: r[0])
    out["searches"] = []
    for s in request.get("searches", []):
        try:
            runs = client.search_runs(s["experiment_ids"], s["filter"], run_view_type=ViewType.ALL,
                                      max_results=1000)
            out["searches"].append({"ids": [r.info.run_id for r in runs]})
        except Exception as e:  # noqa: BLE001
            out["searches"].append({"error": str(e)})
print(json.dumps(out))
