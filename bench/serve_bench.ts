/**
 * Scoring servers on the same logged model, side by side in one run: `mlflow models serve -m
 * <uri> --env-manager local` (MLflow's defaults: one uvicorn worker) and `deno task serve
 * <uri>`, each in its own process, driven by the same closed-loop load generator
 * (`./_load.ts`) with `dataframe_split` requests of 1 and 100 rows from 1 and 8 concurrent
 * clients. Each case runs twice, alternating the servers, and keeps each server's better run;
 * every answer is checked against the predictions both servers agree on. Reported: requests per
 * second (the table's time column is its inverse) and p50/p99 latency.
 *
 * @module
 */

import * as lib from "../lib/mod.ts";
import { runPython } from "../harness/python.ts";
import { startDenoModelServer, startMlflowModelServer } from "../harness/model_servers.ts";
import { load, type LoadResult } from "./_load.ts";
import type { BenchRow } from "./_table.ts";

const DURATION_MS = 3_000;
const ROUNDS = 2;

const MODELS: [string, (X: number[][], y: number[]) => lib.Pipeline][] = [
  ["k-neighbours, k = 5", (X, y) => lib.trainKNeighbors(X, y, { nNeighbors: 5, autolog: false })],
  [
    "random forest, depth 10 × 100 trees",
    (X, y) => lib.trainRandomForest(X, y, { maxDepth: 10, nEstimators: 100, autolog: false }),
  ],
];

function better(a: LoadResult | undefined, b: LoadResult): LoadResult {
  return a === undefined || b.rps > a.rps ? b : a;
}

const fmt = (n: number) => n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(2);

/** Runs the scoring server benchmark. */
export async function run(): Promise<BenchRow[]> {
  const store = await Deno.makeTempDir({ prefix: "serve-bench-" });
  lib.setTrackingUri(store);
  await lib.setExperiment("serve-bench");
  const { XTrain, yTrain, XTest } = lib.seedDataset();
  const version = (await runPython("import mlflow; print(mlflow.__version__)")).stdout.trim();
  const columns = Array.from({ length: XTrain[0]!.length }, (_, j) => `x${j}`);
  const rows: BenchRow[] = [];
  try {
    for (const [name, train] of MODELS) {
      const { modelUri } = await lib.withRun({}, () => lib.logModel(train(XTrain, yTrain)));
      const mlflow = await startMlflowModelServer(modelUri, { trackingUri: store });
      const ours = await startDenoModelServer(modelUri, { trackingUri: store });
      try {
        for (const size of [1, 100]) {
          const body = JSON.stringify({ dataframe_split: { columns, data: XTest.slice(0, size) } });
          const answers = await Promise.all([mlflow, ours].map(async (s) => {
            const r = await fetch(`${s.url}/invocations`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
            return await r.text();
          }));
          if (answers[0] !== answers[1]) {
            throw new Error(`The servers disagree: ${answers[0]} / ${answers[1]}`);
          }
          for (const clients of [1, 8]) {
            let theirs: LoadResult | undefined;
            let mine: LoadResult | undefined;
            for (let round = 0; round < ROUNDS; round++) {
              const request = (url: string) => ({
                url: `${url}/invocations`,
                contentType: "application/json",
                body,
                expected: answers[0]!,
              });
              theirs = better(theirs, await load(request(mlflow.url), clients, DURATION_MS));
              mine = better(mine, await load(request(ours.url), clients, DURATION_MS));
            }
            rows.push({
              case: `scoring server, ${name}: ${size} row${size > 1 ? "s" : ""} a request, ` +
                `${clients} client${clients > 1 ? "s" : ""}`,
              reference: `mlflow models serve ${version} (--env-manager local, 1 worker)`,
              referenceMs: 1000 / theirs!.rps,
              ours: "deno task serve",
              oursMs: 1000 / mine!.rps,
              note: `${fmt(theirs!.rps)} → ${fmt(mine!.rps)} req/s; p50 ${fmt(theirs!.p50)} → ` +
                `${fmt(mine!.p50)} ms, p99 ${fmt(theirs!.p99)} → ${fmt(mine!.p99)} ms`,
            });
            console.error(rows.at(-1)!.case, rows.at(-1)!.note);
          }
        }
      } finally {
        await Promise.all([mlflow.stop(), ours.stop()]);
      }
    }
  } finally {
    await Deno.remove(store, { recursive: true });
  }
  return rows;
}
