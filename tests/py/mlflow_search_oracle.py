"""MLflow as the oracle of the search fuzz: writes file stores with MLflow's own client, then
answers every search case on them, in one process.

usage: python mlflow_search_oracle.py < request.json > answers.json

The request (JSON on stdin):
  {"stores": [{"root": "/tmp/.../mlruns", "experiments": [
      {"name": "...", "tags": {...}, "deleted": false, "runs": [
          {"name": "...", "start": 1000, "user": "u", "status": "FINISHED" | null, "end": 2000,
           "params": {...}, "tags": {...}, "metrics": [[key, value, step, timestamp], ...],
           "deleted": false}]}]}],
   "cases": [{"store": 0, "kind": "runs", "experiments": [0, 1], "filter": "...",
              "order_by": [...] | null, "view": "ACTIVE_ONLY", "max_results": 3 | null},
             {"store": 0, "kind": "experiments", "filter": "...", "order_by": [...] | null,
              "view": "ALL", "max_results": null}]}
Metric values may be "nan", "inf" or "-inf". In filters and order-bys, {{exp:E}} stands for the
id of experiment E of the case's store, {{run:E:R}} for the id of its run R, {{RUN:E:R}} for
that id upper-cased.

The request may also hold "trees": [text, ...]: the answer then has, for each text, the tree
sqlparse (the tokenizer MLflow parses filters with) makes of it — a group as [class name,
[members]], a token as [token type, text] — or "statements" when it holds more than one,
"blank" when none, or "error" when sqlparse refuses it.

The answer: {"stores": [{"experiments": [id, ...], "runs": [[id, ...], ...]}],
             "answers": [{"filter": ..., "order_by": ..., "ids": [...]} or {..., "error": "..."}],
             "trees": [...]}
An answer also carries "eager": "<reason>" when MLflow answered only because no run (or
experiment) reached a clause that its own comparator checks refuse: MLflow's file store checks
comparators run by run, as it evaluates them, while its SQL stores (and the library) check every
clause up front. The reason is computed with MLflow's own check functions.
"""
import json
import re
import sys

import sqlparse
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, ViewType
from mlflow.store.tracking.file_store import FileStore
from mlflow.utils.search_utils import SearchExperimentsUtils, SearchUtils

VIEWS = {"ACTIVE_ONLY": ViewType.ACTIVE_ONLY, "DELETED_ONLY": ViewType.DELETED_ONLY,
         "ALL": ViewType.ALL}


def number(v):
    return float(v) if isinstance(v, str) else v


def write_store(spec):
    client = MlflowClient(tracking_uri="file://" + spec["root"])
    exp_ids, run_ids = [], []
    for exp in spec["experiments"]:
        exp_id = client.create_experiment(exp["name"], tags=exp.get("tags") or None)
        ids = []
        for r in exp["runs"]:
            tags = dict(r.get("tags") or {})
            tags["mlflow.user"] = r["user"]
            run = client.create_run(exp_id, start_time=r["start"], tags=tags, run_name=r["name"])
            run_id = run.info.run_id
            metrics = [Metric(k, number(v), ts, step) for k, v, step, ts in r.get("metrics", [])]
            params = [Param(k, v) for k, v in (r.get("params") or {}).items()]
            if metrics or params:
                client.log_batch(run_id, metrics=metrics, params=params)
            if r.get("status"):
                client.set_terminated(run_id, r["status"], end_time=r["end"])
            if r.get("deleted"):
                client.delete_run(run_id)
            ids.append(run_id)
        if exp.get("deleted"):
            client.delete_experiment(exp_id)
        exp_ids.append(exp_id)
        run_ids.append(ids)
    return client, exp_ids, run_ids


def read_once():
    """The stores do not change while the cases are answered, so MLflow's file store reads each
    experiment's list of runs, and each run, from disk once; its search logic runs unchanged."""
    listed, read = {}, {}
    list_run_infos = FileStore._list_run_infos
    get_run_from_info = FileStore._get_run_from_info

    def cached_list(self, experiment_id, view_type):
        key = (self.root_directory, experiment_id, view_type)
        if key not in listed:
            listed[key] = list_run_infos(self, experiment_id, view_type)
        return list(listed[key])

    def cached_run(self, run_info):
        key = (self.root_directory, run_info.run_id)
        if key not in read:
            read[key] = get_run_from_info(self, run_info)
        return read[key]

    FileStore._list_run_infos = cached_list
    FileStore._get_run_from_info = cached_run


def substitute(text, exp_ids, run_ids):
    def one(m):
        kind, rest = m.group(1), m.group(2).split(":")
        if kind == "exp":
            return exp_ids[int(rest[0])]
        run_id = run_ids[int(rest[0])][int(rest[1])]
        return run_id.upper() if kind == "RUN" else run_id
    return re.sub(r"\{\{(exp|run|RUN):([0-9:]+)\}\}", one, text)


def eager_runs(filter_string, order_by):
    """Raises what MLflow's run-by-run checks would raise for a clause a run reached."""
    for sed in SearchUtils.parse_search_filter(filter_string):
        key_type = sed["type"]
        key = SearchUtils.translate_key_alias(sed["key"])
        comparator = sed["comparator"].upper()
        (SearchUtils.is_metric(key_type, comparator)
         or SearchUtils.is_param(key_type, comparator)
         or SearchUtils.is_tag(key_type, comparator)
         or SearchUtils.is_string_attribute(key_type, key, comparator)
         or SearchUtils.is_numeric_attribute(key_type, key, comparator)
         or SearchUtils.is_dataset(key_type, comparator))
        if key_type == "attribute" and isinstance(sed["value"], tuple) and "LIKE" in comparator:
            raise TypeError("LIKE on a list")
    for clause in order_by or []:
        key_type, _, _ = SearchUtils.parse_order_by_for_search_runs(clause)
        if key_type == "dataset":
            raise ValueError("Invalid order_by entity type 'dataset'")


def eager_experiments(filter_string):
    U = SearchExperimentsUtils
    for sed in U.parse_search_filter(filter_string):
        key_type, key = sed["type"], sed["key"]
        comparator = sed["comparator"].upper()
        if not (U.is_string_attribute(key_type, key, comparator)
                or U.is_numeric_attribute(key_type, key, comparator)
                or U.is_tag(key_type, comparator)):
            raise ValueError(f"Invalid search expression type '{key_type}'")
        if key_type == "attribute" and isinstance(sed["value"], tuple) and "LIKE" in comparator:
            raise TypeError("LIKE on a list")


def answer(client, case, exp_ids, run_ids):
    filter_string = substitute(case["filter"], exp_ids, run_ids)
    order_by = case.get("order_by")
    if order_by is not None:
        order_by = [substitute(o, exp_ids, run_ids) for o in order_by]
    out = {"filter": filter_string, "order_by": order_by}
    kwargs = {}
    if case.get("max_results") is not None:
        kwargs["max_results"] = case["max_results"]
    if order_by is not None:
        kwargs["order_by"] = order_by
    view = VIEWS[case.get("view") or "ACTIVE_ONLY"]
    try:
        if case["kind"] == "runs":
            ids = [exp_ids[i] for i in case["experiments"]]
            found = client.search_runs(ids, filter_string, run_view_type=view, **kwargs)
            out["ids"] = [r.info.run_id for r in found]
        else:
            found = client.search_experiments(view_type=view, filter_string=filter_string,
                                              **kwargs)
            out["ids"] = [e.experiment_id for e in found]
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        out["error"] = f"{type(e).__name__}: {e}"
        return out
    try:
        if case["kind"] == "runs":
            eager_runs(filter_string, order_by)
        else:
            eager_experiments(filter_string)
    except Exception as e:  # noqa: BLE001
        out["eager"] = f"{type(e).__name__}: {e}"
    return out


def tree(token):
    if token.is_group:
        return [type(token).__name__, [tree(t) for t in token.tokens]]
    return [str(token.ttype)[len("Token."):], token.value]


def sqlparse_tree(text):
    try:
        statements = sqlparse.parse(text)
    except sqlparse.exceptions.SQLParseError:
        return "error"
    if not statements:
        return "blank"
    return tree(statements[0]) if len(statements) == 1 else "statements"


def main():
    request = json.load(sys.stdin)
    stores, written = [], []
    for spec in request["stores"]:
        client, exp_ids, run_ids = write_store(spec)
        stores.append({"experiments": exp_ids, "runs": run_ids})
        written.append((client, exp_ids, run_ids))
    read_once()
    answers = []
    for case in request["cases"]:
        client, exp_ids, run_ids = written[case["store"]]
        answers.append(answer(client, case, exp_ids, run_ids))
    trees = [sqlparse_tree(text) for text in request.get("trees", [])]
    json.dump({"stores": stores, "answers": answers, "trees": trees}, sys.stdout)


main()
