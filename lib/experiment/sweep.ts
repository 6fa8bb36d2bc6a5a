/**
 * A sweep as MLflow's UI groups one: a parent run with the sweep's runs nested under it
 * (`mlflow.parentRunId`), the parent recording the values swept, how many runs failed, the best
 * run and its metrics, and a chart of the sweep.
 *
 * @module
 */

import { paramVsMetric } from "../charts/param_vs_metric.ts";
import { toSvg } from "../charts/render.ts";
import type { Run, TrackingStore } from "../tracking/mod.ts";
import { getStore } from "../tracking/mod.ts";

/** Options of {@linkcode summarizeSweep}. */
export interface SweepSummaryOptions {
  /** The hyperparameters swept (params of the runs), each with the values tried. */
  swept: Readonly<Record<string, readonly (string | number)[]>>;
  /** The metric that picks the best run. @default "test_accuracy" */
  metric?: string;
  /** Whether a higher value of `metric` is better. @default true */
  greaterIsBetter?: boolean;
  /** How many of the sweep's runs failed. @default 0 */
  failed?: number;
  /**
   * Ids of the runs (among `runs`) that an earlier sweep logged and this one reused instead of
   * training again; they stay nested under their own parent. @default none
   */
  reused?: readonly string[];
  /** The store holding the runs. @default the store behind the tracking URI */
  store?: TrackingStore;
}

/** The run of `runs` whose `metric` is best (runs without it, or with NaN, never are). */
function bestOf(runs: readonly Run[], metric: string, greaterIsBetter: boolean): Run | null {
  let best: Run | null = null;
  for (const run of runs) {
    const v = run.data.metrics[metric];
    if (v === undefined || Number.isNaN(v)) continue;
    const b = best?.data.metrics[metric];
    if (b === undefined || (greaterIsBetter ? v > b : v < b)) best = run;
  }
  return best;
}

/**
 * Records a sweep on its parent run: the values swept as params (each a JSON list), tags
 * `sweep.runs` (every point, failed and reused ones included), `sweep.failed`, `sweep.reused`
 * and `sweep.best_run_id`/`sweep.best_run_name`, the best run's metrics as `best_<metric>`, the
 * sweep's runs (`sweep_runs.json`: id, name, whether reused, `metric`) and a chart of `metric`
 * against the first swept value (`sweep.vl.json` and `sweep.svg`). Returns the best run, or null
 * when no run has the metric.
 *
 * @example A parent and its three children
 * ```ts
 * import { summarizeSweep } from "./sweep.ts";
 * import { getRun, logMetric, logParam, setTrackingUri, withRun } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const parent = await withRun({ runName: "sweep" }, async (run) => {
 *   const children = [];
 *   for (const [k, acc] of [[1, 0.88], [5, 0.93], [9, 0.91]] as const) {
 *     children.push(await withRun({ runName: `k${k}`, nested: true }, async (child) => {
 *       await logParam("n_neighbors", k);
 *       await logMetric("test_accuracy", acc);
 *       return child.info.runId;
 *     }));
 *   }
 *   const runs = await Promise.all(children.map((id) => getRun(id)));
 *   const best = await summarizeSweep(run.info.runId, runs, { swept: { n_neighbors: [1, 5, 9] } });
 *   assert.equal(best?.info.runName, "k5");
 *   return run.info.runId;
 * });
 * const back = await getRun(parent);
 * assert.equal(back.data.params.n_neighbors, "[1, 5, 9]");
 * assert.equal(back.data.metrics.best_test_accuracy, 0.93);
 * assert.equal(back.data.tags["sweep.best_run_name"], "k5");
 * assert.equal(back.data.tags["sweep.reused"], "0");
 * ```
 */
export async function summarizeSweep(
  parentRunId: string,
  runs: readonly Run[],
  options: SweepSummaryOptions,
): Promise<Run | null> {
  const {
    swept,
    metric = "test_accuracy",
    greaterIsBetter = true,
    failed = 0,
    reused = [],
    store = getStore(),
  } = options;
  const best = bestOf(runs, metric, greaterIsBetter);
  const params: Record<string, string> = {};
  for (const [name, values] of Object.entries(swept)) params[name] = `[${values.join(", ")}]`;
  const tags: Record<string, string> = {
    "sweep.runs": String(runs.length + failed),
    "sweep.failed": String(failed),
    "sweep.reused": String(reused.length),
    "sweep.metric": metric,
  };
  if (best) {
    tags["sweep.best_run_id"] = best.info.runId;
    tags["sweep.best_run_name"] = best.info.runName;
  }
  const metrics = Object.entries(best?.data.metrics ?? {}).map(([key, value]) => ({
    key: `best_${key}`,
    value,
  }));
  await store.logBatch(parentRunId, { params, metrics, tags });
  const listed = runs.map((run) => ({
    run_id: run.info.runId,
    run_name: run.info.runName,
    reused: reused.includes(run.info.runId),
    [metric]: run.data.metrics[metric] ?? null,
  }));
  await store.writeArtifact(parentRunId, "sweep_runs.json", JSON.stringify(listed, null, 2) + "\n");
  const [first, second] = Object.keys(swept);
  if (first && best) {
    const spec = paramVsMetric(runs, {
      param: first,
      metric,
      ...(second ? { color: second } : {}),
      title: `${metric} across the sweep (${runs.length} runs${
        failed ? `, ${failed} failed` : ""
      })`,
    });
    await store.writeArtifact(parentRunId, "sweep.vl.json", JSON.stringify(spec, null, 2) + "\n");
    await store.writeArtifact(parentRunId, "sweep.svg", await toSvg(spec));
  }
  return best;
}
