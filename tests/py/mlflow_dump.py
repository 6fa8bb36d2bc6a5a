"""Dumps what real MLflow sees in a file store, as JSON, for the interop tests.

usage: python mlflow_dump.py <store-path or server URL> [<request-json>]
The request may ask for searches: {"searches": [{"experiment_ids": [...], "filter": "...",
"order_by": [...], "max_results": N}]}; the answer lists the run ids each search returns.
"""
import json
import math
import sys

from mlflow import MlflowClient
from mlflow.entities import ViewType


def num(v):
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return repr(v)  # 'nan', 'inf', '-inf'
    return v


def artifacts(client, run_id, path=None, out=None):
    out = [] if out is None else out
    for f in client.list_artifacts(run_id, path):
        out.append({"path": f.path, "is_dir": f.is_dir, "file_size": f.file_size})
        if f.is_dir:
            artifacts(client, run_id, f.path, out)
    return out


def main():
    store = sys.argv[1]
    request = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    uri = store if store.startswith(("http://", "https://")) else "file://" + store
    client = MlflowClient(tracking_uri=uri)
    out = {"experiments": [], "runs": {}, "searches": []}
    for exp in client.search_experiments(view_type=ViewType.ALL):
        out["experiments"].append({
            "experiment_id": exp.experiment_id, "name": exp.name,
            "lifecycle_stage": exp.lifecycle_stage, "artifact_location": exp.artifact_location,
            "tags": exp.tags,
        })
        for run in client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL,
                                      max_results=50000):
            info = run.info
            history = {
                key: [[m.timestamp, num(m.value), m.step]
                      for m in client.get_metric_history(info.run_id, key)]
                for key in run.data.metrics
            }
            out["runs"][info.run_id] = {
                "experiment_id": info.experiment_id, "run_name": info.run_name,
                "status": info.status, "start_time": info.start_time, "end_time": info.end_time,
                "user_id": info.user_id, "lifecycle_stage": info.lifecycle_stage,
                "artifact_uri": info.artifact_uri,
                "params": run.data.params, "tags": run.data.tags,
                "metrics": {k: num(v) for k, v in run.data.metrics.items()},
                "history": history,
                "artifacts": artifacts(client, info.run_id),
            }
    for s in request.get("searches", []):
        try:
            runs = client.search_runs(s["experiment_ids"], s.get("filter", ""),
                                      order_by=s.get("order_by"),
                                      max_results=s.get("max_results", 1000))
            out["searches"].append({"ids": [r.info.run_id for r in runs]})
        except Exception as e:  # a refused filter is an answer too
            out["searches"].append({"error": type(e).__name__ + ": " + str(e)})
    print(json.dumps(out))


main()
