/**
 * Logging to a local MLflow tracking server (`mlflow server` over SQLite, one worker), through
 * this library and through Python MLflow's client, in one run:
 * (a) 20,000 metric points logged without waiting on each call (ours: `logMetric` calls merged
 *     into `runs/log-batch` requests; Python: `log_metric(synchronous=False)` with its batching
 *     turned on by `MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS`);
 * (b) 20,000 points sent as 20 batches of 1,000 (`logBatch` / `MlflowClient.log_batch`);
 * (c) 2,000 `logMetric` calls each awaited before the next (one request each; bound by the
 *     server's commit per request, so fewer calls).
 * Each side's points are counted on the server afterwards.
 *
 * @module
 */

import { endRun, logMetric, setExperiment, setTrackingUri, startRun } from "../lib/mod.ts";
import { getStore } from "../lib/tracking/mod.ts";
import { runPython, runPythonScript } from "../harness/python.ts";
import { startTrackingServer } from "../harness/mlflow_server.ts";
import type { BenchRow } from "./_table.ts";

const POINTS = 20_000;
const AWAITED = 2_000;

async function countPoints(url: string, runId: string): Promise<number> {
  const res = await fetch(
    `${url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m&max_results=50000`,
  );
  return ((await res.json()) as { metrics?: unknown[] }).metrics?.length ?? 0;
}

const PYTHON = new URL("./py/mlflow_server_logging.py", import.meta.url);

async function python(
  url: string,
  mode: string,
  n: number,
): Promise<{ ms: number; runId: string }> {
  const { stdout } = await runPythonScript(PYTHON, [url, mode, String(n)], {
    env: { MLFLOW_ASYNC_LOGGING_BUFFERING_SECONDS: "1" },
  });
  const line = stdout.trim().split("\n").pop()!;
  const j = JSON.parse(line) as { ms: number; run_id: string };
  return { ms: j.ms, runId: j.run_id };
}

async function ours(mode: string, n: number): Promise<{ ms: number; runId: string }> {
  await setExperiment("bench-deno");
  const run = await startRun();
  const t0 = performance.now();
  if (mode === "async") {
    await Promise.all(Array.from({ length: n }, (_, i) => logMetric("m", i * 0.5, { step: i })));
  } else if (mode === "batch") {
    const now = Date.now();
    for (let start = 0; start < n; start += 1000) {
      await getStore().logBatch(run.info.runId, {
        metrics: Array.from(
          { length: Math.min(1000, n - start) },
          (_, j) => ({ key: "m", value: (start + j) * 0.5, step: start + j, timestamp: now }),
        ),
      });
    }
  } else {
    for (let i = 0; i < n; i++) await logMetric("m", i * 0.5, { step: i });
  }
  const ms = performance.now() - t0;
  await endRun();
  return { ms, runId: run.info.runId };
}

/** Runs the server logging benchmark. */
export async function run(): Promise<BenchRow[]> {
  await using server = await startTrackingServer();
  setTrackingUri(server.url);
  const { stdout } = await runPython("import mlflow; print(mlflow.__version__)");
  const version = stdout.trim();
  const cases = [
    {
      mode: "async",
      n: POINTS,
      case: `${
        POINTS.toLocaleString("en-US")
      } metric points to a local server, calls not awaited one by one`,
      reference: `Python MLflow ${version} (log_metric(synchronous=False), buffering 1 s)`,
      ours: "logMetric calls merged into log-batch",
    },
    {
      mode: "batch",
      n: POINTS,
      case: `${POINTS.toLocaleString("en-US")} metric points to a local server in batches of 1,000`,
      reference: `Python MLflow ${version} (MlflowClient.log_batch)`,
      ours: "TrackingStore.logBatch",
    },
    {
      mode: "awaited",
      n: AWAITED,
      case: `${AWAITED.toLocaleString("en-US")} logMetric calls to a local server, each awaited`,
      reference: `Python MLflow ${version} (mlflow.log_metric)`,
      ours: "await logMetric",
    },
  ];
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const py = await python(server.url, c.mode, c.n);
    const mine = await ours(c.mode, c.n);
    const counts = [
      await countPoints(server.url, py.runId),
      await countPoints(server.url, mine.runId),
    ];
    rows.push({
      case: c.case,
      reference: c.reference,
      referenceMs: py.ms,
      ours: c.ours,
      oursMs: mine.ms,
      note: counts.every((k) => k === c.n)
        ? `${c.n.toLocaleString("en-US")} points on the server from each`
        : `POINTS MISSING: python ${counts[0]}, ours ${counts[1]}`,
    });
  }
  return rows;
}
