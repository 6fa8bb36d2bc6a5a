"""MLflow's model registry, seen and written by MLflow's own client, for the registry tests.

usage: python mlflow_registry.py <command> <tracking-uri> < request.json > answer.json

The tracking URI is a file store's path, a `sqlite:///` URI or a server's URL; the registry URI
is the same, as MLflow defaults it.

commands:
  read     what MLflowClient sees: {"models": [...], "versions": [...], "by_alias": {...},
           "model_versions_tags": {model_id: tag}, "files": {uri: [file, ...]}}. The request
           may list "aliases" ["name@alias", ...] to look up, "model_ids" whose logged model's
           `mlflow.modelVersions` tag to read, and "uris" whose model files MLflow downloads
           (`mlflow.artifacts.download_artifacts`).
  migrate  runs `mlflow migrate-filestore` of the file store into the SQLite file named by the
           request's "db", then answers `read` from the database.
  write    registers models with mlflow.register_model and MlflowClient, from the logged model
           "model_id" and the run "run_id" of the request (whose logged model is named "model"),
           and answers what it made (as `read` does).
  search   answers each of the request's "cases" ({"kind": "model" | "version", "filter",
           "order_by", "max_results"}) with {"ids": [...]} (model names, or "name/version") or
           {"error": "<error code or Python exception type>"}: {"answers": [...]}. With
           "sqlite": "<file>", it also migrates the file store into that SQLite file and answers
           the cases there too ("sqlite": [...]), so MLflow's SQL registry answers them as well.
"""
import json
import os
import subprocess
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException


def model_view(m):
    return {"name": m.name, "description": m.description, "tags": dict(m.tags),
            "aliases": {a: int(v) for a, v in m.aliases.items()},
            "latest": sorted(int(v.version) for v in m.latest_versions)}


def version_view(v):
    return {"name": v.name, "version": int(v.version), "source": v.source, "run_id": v.run_id or None,
            "model_id": v.model_id or None, "tags": dict(v.tags), "aliases": sorted(v.aliases),
            "description": v.description or None, "status": str(v.status),
            "current_stage": v.current_stage}


def read(client, request):
    models = sorted(client.search_registered_models(max_results=1000), key=lambda m: m.name)
    versions = []
    for m in models:
        for v in client.search_model_versions(f"name = '{m.name}'", max_results=10000):
            # A version fetched alone carries its aliases on every store.
            versions.append(version_view(client.get_model_version(v.name, v.version)))
    versions.sort(key=lambda v: (v["name"], v["version"]))
    by_alias = {}
    for ref in request.get("aliases", []):
        name, alias = ref.rsplit("@", 1)
        by_alias[ref] = int(client.get_model_version_by_alias(name, alias).version)
    tags = {}
    for model_id in request.get("model_ids", []):
        tags[model_id] = client.get_logged_model(model_id).tags.get("mlflow.modelVersions")
    files = {}
    for uri in request.get("uris", []):
        local = mlflow.artifacts.download_artifacts(uri)
        files[uri] = sorted(os.path.relpath(os.path.join(d, f), local)
                            for d, _, fs in os.walk(local) for f in fs)
    return {"models": [model_view(m) for m in models], "versions": versions,
            "by_alias": by_alias, "model_versions_tags": tags, "files": files}


def write(client, request):
    model_id, run_id = request["model_id"], request["run_id"]
    client.create_registered_model("py-model", tags={"team": "py"}, description="by python")
    v1 = mlflow.register_model(f"models:/{model_id}", "py-model", tags={"k": "v"})
    v2 = mlflow.register_model(f"runs:/{run_id}/model", "py-model")
    client.set_registered_model_alias("py-model", "champion", v1.version)
    client.set_registered_model_alias("py-model", "challenger", v2.version)
    client.update_model_version("py-model", v2.version, "second")
    client.set_model_version_tag("py-model", v2.version, "validated", "true")
    client.set_registered_model_tag("py-model", "stage", "dev")
    mlflow.register_model("models:/py-model/1", "py-copy")
    return read(client, {"aliases": ["py-model@champion", "py-model@challenger"],
                         "model_ids": [model_id]})


def code(e):
    return e.error_code if isinstance(e, MlflowException) else "PYTHON:" + type(e).__name__


def answer_cases(client, request):
    out = []
    for case in request["cases"]:
        kwargs = {"filter_string": case["filter"], "order_by": case.get("order_by"),
                  "max_results": case.get("max_results") or (1000 if case["kind"] == "model" else 10000)}
        try:
            if case["kind"] == "model":
                found = [m.name for m in client.search_registered_models(**kwargs)]
            else:
                found = [f"{v.name}/{v.version}" for v in client.search_model_versions(**kwargs)]
            out.append({"ids": found})
        except Exception as e:  # noqa: BLE001 - every refusal is an answer here
            out.append({"error": code(e)})
    return out


def search(client, request):
    answer = {"answers": answer_cases(client, request)}
    if request.get("sqlite"):
        subprocess.run([sys.executable, "-m", "mlflow", "migrate-filestore", "--source",
                        sys.argv[2], "--target", "sqlite:///" + request["sqlite"],
                        "--no-progress"], check=True, stdout=subprocess.DEVNULL)
        sql = MlflowClient(tracking_uri="sqlite:///" + request["sqlite"])
        answer["sqlite"] = answer_cases(sql, request)
    return answer


def main():
    command, uri = sys.argv[1], sys.argv[2]
    request = json.loads(sys.stdin.read() or "{}")
    if command == "migrate":
        subprocess.run([sys.executable, "-m", "mlflow", "migrate-filestore", "--source", uri,
                        "--target", "sqlite:///" + request["db"], "--no-progress"], check=True,
                       stdout=subprocess.DEVNULL)
        uri = "sqlite:///" + request["db"]
    elif not uri.startswith(("http:", "https:", "sqlite:")):
        uri = "file://" + uri
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    answer = {"read": read, "migrate": read, "write": write, "search": search}[command](client, request)
    print(json.dumps(answer))


main()
