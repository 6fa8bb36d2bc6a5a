"""The runs of an experiment as MLflow's client reads them, with the notebook files attached.

Reads JSON on stdin: {"tracking_uri": str, "experiment": name}. Prints JSON:
{"runs": [{"id", "name", "status", "params", "tags", "parent", "artifacts": [paths],
           "notebook": {path: {"size": bytes, "html": bool, "cells": n, "injected": [sources]}}}]}
where "notebook" describes each file under the run's `notebook/` artifacts, downloaded through
MLflow (an executed notebook read with nbformat: its cells and its injected-parameters cells).
"""
import json
import os
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")

import nbformat  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

request = json.load(sys.stdin)
client = MlflowClient(request["tracking_uri"])
experiment = client.get_experiment_by_name(request["experiment"])
out = {"runs": []}
for run in client.search_runs([experiment.experiment_id], max_results=1000):
    rid = run.info.run_id
    entry = {
        "id": rid,
        "name": run.info.run_name,
        "status": run.info.status,
        "params": run.data.params,
        "tags": run.data.tags,
        "parent": run.data.tags.get("mlflow.parentRunId"),
        "artifacts": sorted(a.path for a in client.list_artifacts(rid)),
        "notebook": {},
    }
    files = [a.path for a in client.list_artifacts(rid, "notebook")]
    if files:
        local = client.download_artifacts(rid, "notebook", tempfile.mkdtemp())
        for path in files:
            name = os.path.join(local, os.path.basename(path))
            info = {"size": os.path.getsize(name)}
            if path.endswith(".html"):
                with open(name, encoding="utf-8") as f:
                    info["html"] = "<html" in f.read(2000).lower()
            if path.endswith(".ipynb"):
                nb = nbformat.read(name, as_version=4)
                info["cells"] = len(nb.cells)
                info["injected"] = [
                    c.source for c in nb.cells
                    if "injected-parameters" in c.metadata.get("tags", [])
                ]
            entry["notebook"][path] = info
    out["runs"].append(entry)
print(json.dumps(out))
