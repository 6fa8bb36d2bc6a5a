/**
 * A hyperparameter grid over both model families, and logging it as sweeps: per family, a
 * parent run with one nested run per point, reusing points already logged when asked.
 *
 * @module
 */

import { seedDataset } from "../data/mod.ts";
import { progress } from "../display/progress.ts";
import type { ModelParams } from "../models/mod.ts";
import { getRun, type Run, setExperiment, withRun } from "../tracking/mod.ts";
import { findReusable, loggedRuns } from "./_reuse.ts";
import { splitDatasets } from "./datasets.ts";
import type { Split } from "./evaluate.ts";
import { runKNeighbors } from "./run_k_neighbors.ts";
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";
import { kNeighborsRunParams, randomForestRunParams } from "./run_params.ts";
import { runRandomForest } from "./run_random_forest.ts";
import { summarizeSweep } from "./sweep.ts";

/** One point of a hyperparameter grid: a model family and its settings. */
export type GridPoint =
  | { family: "k-neighbours"; nNeighbors: number }
  | { family: "random-forest"; maxDepth: number; nEstimators: number };

/**
 * Every combination of the given hyperparameter values, k-neighbours first.
 *
 * @example Two k-neighbours points and two forests
 * ```ts
 * import { grid } from "./grid.ts";
 * import assert from "node:assert/strict";
 *
 * const points = grid({ nNeighbors: [3, 5], maxDepth: [2], nEstimators: [10, 20] });
 * assert.equal(points.length, 4);
 * assert.deepEqual(points[2], { family: "random-forest", maxDepth: 2, nEstimators: 10 });
 * ```
 */
export function grid(values: {
  nNeighbors?: readonly number[];
  maxDepth?: readonly number[];
  nEstimators?: readonly number[];
}): GridPoint[] {
  const points: GridPoint[] = [];
  for (const nNeighbors of values.nNeighbors ?? []) {
    points.push({ family: "k-neighbours", nNeighbors });
  }
  for (const maxDepth of values.maxDepth ?? []) {
    for (const nEstimators of values.nEstimators ?? []) {
      points.push({ family: "random-forest", maxDepth, nEstimators });
    }
  }
  return points;
}

/** Options of {@linkcode runGrid}: those of the runs, and how the sweep goes. */
export interface RunGridOptions extends Omit<RunOptions, "runName" | "nested"> {
  /** The name shown before the progress bar. @default "runs" */
  label?: string;
  /**
   * Reuse, instead of training again, a point already logged with the same code and data: a
   * FINISHED run of the experiment with the same params, the same training and test data (the
   * digests of its `training` and `testing` inputs) and the same git commit
   * (`mlflow.source.git.commit`; outside a git checkout nothing is reused) — and a logged model,
   * unless `logModel` is false. The sweep's parent counts the reused run as one of its results;
   * the run stays nested under its own parent.
   * @default false
   */
  skipExisting?: boolean;
}

/** What {@linkcode runGrid} returns: the points' runs in grid order, and what the sweeps did. */
export interface GridRuns extends Array<Run> {
  /** The sweeps' parent runs as they ended, one per model family swept. */
  parents: Run[];
  /** The runs reused instead of logged again (`skipExisting`), in grid order. */
  reused: Run[];
}

/**
 * Logs one run per grid point (see {@linkcode runKNeighbors} and {@linkcode runRandomForest}) as
 * a sweep: per model family, a parent run in its experiment with the points' runs nested under
 * it, as MLflow's UI groups them, the parent recording the values swept, the best run and its
 * metrics, and a chart ({@linkcode summarizeSweep}). A point whose run fails ends FAILED, and one
 * whose hyperparameters are invalid logs no run; the sweep goes on and the parent counts the
 * failures. With `skipExisting`, points already logged with the same code and data are reused.
 * Progress shows as a bar updated in place in a notebook, a progress line on a terminal (saying
 * which runs were reused). Returns the runs that finished or were reused, in grid order.
 *
 * @example Three runs in two sweeps, without their models
 * ```ts
 * import { grid, runGrid } from "./grid.ts";
 * import { getRun, setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const points = grid({ nNeighbors: [1, 3], maxDepth: [2], nEstimators: [5] });
 * const runs = await runGrid(points, { logModel: false });
 * assert.deepEqual(runs.map((run) => run.info.runName), ["knn-k1", "knn-k3", "rf-d2-n5"]);
 * const parent = await getRun(runs[0]!.data.tags["mlflow.parentRunId"]!);
 * assert.equal(parent.data.params.n_neighbors, "[1, 3]");
 * assert.equal(parent.data.tags["sweep.runs"], "2");
 * assert.equal(runs.parents.length, 2);
 * ```
 *
 * @example The same sweep twice, reusing its runs
 * ```ts
 * import { grid, runGrid } from "./grid.ts";
 * import { searchRuns, setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const points = grid({ nNeighbors: [1, 3] });
 * const first = await runGrid(points, { logModel: false, skipExisting: true });
 * const again = await runGrid(points, { logModel: false, skipExisting: true });
 * assert.deepEqual(again.map((run) => run.info.runId), first.map((run) => run.info.runId));
 * assert.equal(again.reused.length, 2);
 * assert.equal(again.parents[0]!.data.tags["sweep.reused"], "2");
 * assert.equal((await searchRuns({ experimentNames: ["k-neighbours"] })).length, 4); // 2 parents
 * ```
 */
export async function runGrid(
  points: readonly GridPoint[],
  options: RunGridOptions = {},
): Promise<GridRuns> {
  const { label = "runs", skipExisting = false, ...runOptions } = options;
  const withModel = runOptions.logModel ?? true; // a run reused in place of one with a model has one
  const data = runOptions.data ?? seedDataset();
  const datasets = splitDatasets(data, { name: runOptions.datasetName });
  const bar = progress(points.length, { label });
  const finished = new Map<GridPoint, Run>();
  const reused = new Set<Run>();
  const parents: Run[] = [];
  try {
    for (const family of [EXPERIMENTS.kNeighbors, EXPERIMENTS.randomForest]) {
      const mine = points.filter((p) => p.family === family);
      if (mine.length === 0) continue;
      const swept: Record<string, number[]> = family === EXPERIMENTS.kNeighbors
        ? { n_neighbors: distinct(mine, (p) => p.family === "k-neighbours" ? p.nNeighbors : 0) }
        : {
          max_depth: distinct(mine, (p) => p.family === "random-forest" ? p.maxDepth : 0),
          n_estimators: distinct(mine, (p) => p.family === "random-forest" ? p.nEstimators : 0),
        };
      await setExperiment(runOptions.experimentName ?? family);
      const runName = `sweep-${family}`;
      const parentId = await withRun(
        { runName, tags: { model_family: family } },
        async (parent) => {
          const commit = parent.data.tags["mlflow.source.git.commit"];
          const earlier = skipExisting && commit
            ? await loggedRuns({ experimentId: parent.info.experimentId, commit, datasets })
            : [];
          const children: Run[] = [];
          const reusedIds: string[] = [];
          let failed = 0;
          for (const point of mine) {
            try {
              const existing = earlier.length
                ? await findReusable(earlier, paramsOf(point, data), { withModel })
                : undefined;
              const run = existing ?? await runPoint(point, { ...runOptions, data });
              children.push(run);
              finished.set(point, run);
              const accuracy = run.data.metrics.test_accuracy ?? NaN;
              if (existing) {
                reused.add(existing);
                reusedIds.push(existing.info.runId);
                bar.tick(1, { reused: run.info.runName, test_accuracy: accuracy });
              } else {
                bar.tick(1, { run: run.info.runName, test_accuracy: accuracy });
              }
            } catch (e) {
              failed++;
              bar.tick(1, `failed: ${(e as Error).message.split("\n")[0]}`);
            }
          }
          await summarizeSweep(parent.info.runId, children, { swept, failed, reused: reusedIds });
          return parent.info.runId;
        },
      );
      parents.push(await getRun(parentId));
    }
  } finally {
    await bar.done();
  }
  const runs = points.map((p) => finished.get(p)).filter((r): r is Run => r !== undefined);
  return Object.assign(runs, { parents, reused: runs.filter((r) => reused.has(r)) });
}

/** The params a point's run logs, checked (an invalid point throws the model's error). */
function paramsOf(point: GridPoint, data: Split): ModelParams {
  return point.family === "k-neighbours"
    ? kNeighborsRunParams({ nNeighbors: point.nNeighbors }, data)
    : randomForestRunParams({ maxDepth: point.maxDepth, nEstimators: point.nEstimators }, data);
}

/** Logs the run of one point, nested in the active sweep. */
function runPoint(point: GridPoint, options: RunOptions & { data: Split }): Promise<Run> {
  return point.family === "k-neighbours"
    ? runKNeighbors({ ...options, nested: true, nNeighbors: point.nNeighbors })
    : runRandomForest({
      ...options,
      nested: true,
      maxDepth: point.maxDepth,
      nEstimators: point.nEstimators,
    });
}

/** The distinct values of a field of grid points, in first-seen order. */
function distinct(points: readonly GridPoint[], pick: (p: GridPoint) => number): number[] {
  return [...new Set(points.map(pick))];
}
