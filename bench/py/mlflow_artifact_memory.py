"""Logs one local file as an artifact of a new run on a tracking server with Python MLflow, downloads
it back into a folder, and prints, as JSON, the milliseconds each took, the run's id and the peak
resident memory of this process (VmHWM, in kB) with its resident memory before the work (VmRSS).

usage: python mlflow_artifact_memory.py <server-url> <file> <download-folder>
"""
import json
import sys
import time

import mlflow


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


url, path, dst = sys.argv[1], sys.argv[2], sys.argv[3]
mlflow.set_tracking_uri(url)
mlflow.set_experiment("bench-artifact-python")
before = status_kb("VmRSS")
with mlflow.start_run() as run:
    t0 = time.perf_counter()
    mlflow.log_artifact(path)
    log_ms = (time.perf_counter() - t0) * 1000
t0 = time.perf_counter()
local = mlflow.artifacts.download_artifacts(
    run_id=run.info.run_id, artifact_path=path.rsplit("/", 1)[-1], dst_path=dst)
download_ms = (time.perf_counter() - t0) * 1000
print(json.dumps({
    "log_ms": log_ms,
    "download_ms": download_ms,
    "run_id": run.info.run_id,
    "local": local,
    "before_kb": before,
    "peak_kb": status_kb("VmHWM"),
}))
