/**
 * Tracking against Python MLflow's file store, in one run on one machine:
 * (a) 20,000 single `logMetric` calls into one run;
 * (b) `searchRuns` with a metric filter, a param filter and an order-by over 2,000 runs, with the
 *     results compared for identity.
 *
 * @module
 */

import { join } from "node:path";
import { MersenneTwister19937, Random } from "random-js";
import { endRun, logMetric, setTrackingUri, startRun } from "../lib/mod.ts";
import { FileStore } from "../lib/tracking/mod.ts";
import { runPython, runPythonScript } from "../harness/python.ts";
import { type BenchRow, median } from "./_table.ts";

const CALLS = 20_000;
const RUNS = 2_000;
const FILTER = "metrics.test_accuracy > 0.8 and params.model = 'rf'";
const ORDER = ["metrics.test_accuracy DESC"];

/** A Python program in bench/py/. */
const PY = (name: string) => new URL(`./py/${name}`, import.meta.url);

async function mlflowVersion(): Promise<string> {
  const { stdout } = await runPython("import mlflow; print(mlflow.__version__)");
  return stdout.trim();
}

async function benchLogging(version: string): Promise<BenchRow> {
  const dir = await Deno.makeTempDir({ prefix: "bench-log-" });
  setTrackingUri(join(dir, "ours"));
  await startRun({ runName: "bench" });
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await logMetric("m", i * 0.5, { step: i });
  const oursMs = performance.now() - t0;
  await endRun();

  const { stdout } = await runPythonScript(PY("mlflow_log_metric.py"), [
    join(dir, "python"),
    String(CALLS),
  ]);
  await Deno.remove(dir, { recursive: true });
  return {
    case: `${CALLS.toLocaleString("en-US")} single logMetric calls into a file store, one run`,
    reference: `Python MLflow ${version} (mlflow.log_metric)`,
    referenceMs: Number(stdout.trim()),
    ours: "logMetric",
    oursMs,
  };
}

function buildStore(root: string): string {
  const store = new FileStore(root);
  store.ensureRoot();
  const exp = store.createExperiment("bench-search");
  const rnd = new Random(MersenneTwister19937.seed(1));
  for (let i = 0; i < RUNS; i++) {
    const model = rnd.pick(["rf", "knn"]);
    const run = store.createRun({
      experimentId: exp,
      runName: `${model}-${i}`,
      startTime: 1_700_000_000_000 + i,
    });
    const params = model === "rf"
      ? { model, max_depth: String(rnd.integer(1, 12)), n_estimators: String(rnd.integer(5, 200)) }
      : { model, n_neighbors: String(rnd.integer(1, 30)) };
    store.logBatch(run.info.runId, {
      params,
      metrics: [
        { key: "test_accuracy", value: rnd.real(0.6, 1) },
        { key: "train_accuracy", value: rnd.real(0.7, 1) },
        { key: "f1", value: rnd.real(0.5, 1) },
      ],
      tags: { team: rnd.pick(["a", "b"]) },
    });
    store.updateRunInfo(run.info.runId, { status: "FINISHED", endTime: 1_700_000_100_000 + i });
  }
  return exp;
}

async function benchSearch(version: string): Promise<BenchRow> {
  const dir = await Deno.makeTempDir({ prefix: "bench-search-" });
  const root = join(dir, "mlruns");
  const exp = buildStore(root);
  const times: number[] = [];
  let ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const store = new FileStore(root); // nothing cached between repeats
    const t0 = performance.now();
    ids = store.searchRuns({
      experimentIds: [exp],
      filter: FILTER,
      orderBy: ORDER,
      maxResults: RUNS,
    })
      .runs.map((r) => r.info.runId);
    times.push(performance.now() - t0);
  }
  const { stdout } = await runPythonScript(PY("mlflow_search_runs.py"), [
    root,
    exp,
    FILTER,
    JSON.stringify(ORDER),
    String(RUNS),
  ]);
  const python = JSON.parse(stdout) as { ms: number; ids: string[] };
  const same = JSON.stringify(python.ids) === JSON.stringify(ids);
  await Deno.remove(dir, { recursive: true });
  return {
    case: `searchRuns over ${
      RUNS.toLocaleString("en-US")
    } runs in a file store: metric + param filter, order-by`,
    reference: `Python MLflow ${version} (MlflowClient.search_runs)`,
    referenceMs: python.ms,
    ours: "searchRuns",
    oursMs: median(times),
    note: same ? `identical results (${ids.length} runs, same order)` : "RESULTS DIFFER",
  };
}

/** Runs both tracking benchmarks. */
export async function run(): Promise<BenchRow[]> {
  const version = await mlflowVersion();
  return [await benchLogging(version), await benchSearch(version)];
}
