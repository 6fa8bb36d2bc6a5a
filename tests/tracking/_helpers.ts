// Shared helpers for the tracking tests: temporary stores, Python MLflow runs, tree snapshots.

import { join } from "node:path";
import { MersenneTwister19937, Random } from "random-js";
import { FileStore, type MetricInput } from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

/** A fresh temporary folder for a store. */
export async function tempStore(): Promise<string> {
  return join(await Deno.makeTempDir({ prefix: "mlruns-test-" }), "mlruns");
}

/** What real MLflow sees in a store (see tests/py/mlflow_dump.py). */
export interface MlflowView {
  experiments: {
    experiment_id: string;
    name: string;
    lifecycle_stage: string;
    artifact_location: string;
    tags: Record<string, string>;
  }[];
  runs: Record<string, {
    experiment_id: string;
    run_name: string;
    status: string;
    start_time: number;
    end_time: number | null;
    user_id: string;
    lifecycle_stage: string;
    artifact_uri: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    metrics: Record<string, number | string>;
    history: Record<string, [number, number | string, number][]>;
    artifacts: { path: string; is_dir: boolean; file_size: number | null }[];
  }>;
  searches: ({ ids: string[] } | { error: string })[];
}

/** Asks real MLflow (the project's venv) to read a store and run searches. */
export async function mlflowView(
  store: string,
  searches: {
    experiment_ids: string[];
    filter?: string;
    order_by?: string[];
    max_results?: number;
  }[] = [],
): Promise<MlflowView> {
  const { stdout } = await runPythonScript(pyScript("mlflow_dump.py"), [
    store,
    JSON.stringify({ searches }),
  ]);
  return JSON.parse(stdout) as MlflowView;
}

/** MLflow's JSON text for a metric value ('nan', 'inf', '-inf' as strings). */
export function pyNum(v: number): number | string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}

/** Every file under `root` with its content, for before/after comparisons. */
export function snapshotTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        out.set(r + "/", "");
        walk(p, r);
      } else out.set(r, Deno.readTextFileSync(p));
    }
  };
  walk(root, "");
  return out;
}

/** A store with many runs designed to exercise ordering ties, missing values and NaN. */
export function buildSearchStore(
  root: string,
  seed: number,
): { a: string; b: string; ids: string[] } {
  const store = new FileStore(root);
  store.ensureRoot();
  const a = store.createExperiment("search-a");
  const b = store.createExperiment("search-b");
  const rnd = new Random(MersenneTwister19937.seed(seed));
  const ids: string[] = [];
  for (let i = 0; i < 70; i++) {
    const model = rnd.pick(["rf", "knn", "RF"]);
    const run = store.createRun({
      experimentId: i % 5 === 0 ? b : a,
      runName: `${model}-${i}`,
      startTime: 1000 + rnd.integer(0, 6),
      userId: "tester",
    });
    const id = run.info.runId;
    ids.push(id);
    const params: Record<string, string> = { model };
    if (rnd.bool(0.8)) params.max_depth = rnd.pick(["3", "5", "10"]);
    const metrics: MetricInput[] = [];
    if (rnd.bool(0.85)) {
      const acc = rnd.bool(0.1) ? NaN : Math.round(rnd.real(0.6, 1) * 100) / 100;
      metrics.push({ key: "acc", value: acc, timestamp: 5 });
    }
    if (rnd.bool(0.7)) metrics.push({ key: "f1 score", value: rnd.real(0.5, 1), timestamp: 5 });
    metrics.push({ key: "loss", value: rnd.integer(0, 4) / 10, step: 1, timestamp: 5 });
    metrics.push({ key: "loss", value: 9, step: 0, timestamp: 6 }); // an older step: not latest
    const tags: Record<string, string> = {};
    if (rnd.bool(0.5)) tags.team = rnd.pick(["alpha", "beta", "Alpha"]);
    store.logBatch(id, { params, metrics, tags });
    const status = rnd.pick(["FINISHED", "FINISHED", "FAILED", "RUNNING"] as const);
    if (status !== "RUNNING") {
      store.updateRunInfo(id, { status, endTime: 2000 + rnd.integer(0, 3) });
    }
    if (i % 17 === 3) store.setRunLifecycle(id, "deleted");
  }
  return { a, b, ids };
}

/** A search request as the Python dump script takes it. */
export interface SearchCase {
  experiment_ids: string[];
  filter: string;
  order_by?: string[];
  max_results?: number;
}

/** A spread of filter and order-by pairs over {@linkcode buildSearchStore}'s runs. */
export function searchCases(ids: string[], a: string, b: string): SearchCase[] {
  const filters = [
    "",
    "metrics.acc > 0.9",
    "metrics.acc >= 0.85 and params.max_depth = '3'",
    "tags.mlflow.runName LIKE 'rf%'",
    "tags.mlflow.runName ILIKE 'rf-1%'",
    "attributes.run_name LIKE '%-1_'",
    "attributes.status = 'FINISHED'",
    "attr.status != 'RUNNING' and metrics.loss <= 0.2",
    "metrics.`f1 score` < 0.8",
    "params.model != 'rf'",
    "tags.team IS NULL",
    "params.max_depth IS NOT NULL AND tags.team = 'alpha'",
    "attributes.start_time > 1003",
    "attributes.created <= 1002",
    "metrics.acc != 0.7",
    `params."max_depth" = "5"`,
    "params.`model` LIKE '_f'",
    "attributes.end_time > 2001",
    `attributes.run_id IN ('${ids[1]}', '${ids[2]!.toUpperCase()}', '${ids[3]}')`,
    `run_id NOT IN ('${ids[4]}')`,
    "attributes.user_id = 'tester' and metrics.loss = 0",
    "metrics.acc > 2",
  ];
  const orders: (string[] | undefined)[] = [
    undefined,
    ["metrics.acc DESC"],
    ["metrics.acc"],
    ["params.max_depth ASC", "metrics.`f1 score` DESC"],
    ["tags.team DESC"],
    ["attributes.end_time"],
    ["attributes.run_name DESC"],
    ["metrics.loss DESC", "attributes.start_time ASC"],
    ["start_time"],
    ["params.model", "tags.team", "metrics.acc DESC"],
  ];
  const searches: SearchCase[] = [];
  filters.forEach((filter, i) => {
    for (const [j, order] of orders.entries()) {
      if ((i + j) % 3 !== 0 && filter !== "") continue; // a spread of pairs, every order once empty
      searches.push({
        experiment_ids: i % 4 === 0 ? [a, b] : [a],
        filter,
        ...(order ? { order_by: order } : {}),
        ...(j === 7 ? { max_results: 5 } : {}),
      });
    }
  });
  return searches;
}
