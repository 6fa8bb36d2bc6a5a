/**
 * A hyperparameter grid over both model families, and logging it as sweeps: per family, a
 * parent run with one nested run per point.
 *
 * @module
 */

import { seedDataset } from "../data/mod.ts";
import { progress } from "../display/progress.ts";
import { type Run, setExperiment, withRun } from "../tracking/mod.ts";
import { runKNeighbors } from "./run_k_neighbors.ts";
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";
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

/**
 * Logs one run per grid point (see {@linkcode runKNeighbors} and {@linkcode runRandomForest}) as
 * a sweep: per model family, a parent run in its experiment with the points' runs nested under
 * it, as MLflow's UI groups them, the parent recording the values swept, the best run and its
 * metrics, and a chart ({@linkcode summarizeSweep}). A point whose run fails ends FAILED and the
 * sweep goes on; the parent counts the failures. Progress shows as a bar updated in place in a
 * notebook, a progress line on a terminal. Returns the runs that finished, in grid order.
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
 * ```
 */
export async function runGrid(
  points: readonly GridPoint[],
  options: Omit<RunOptions, "runName" | "nested"> & { label?: string } = {},
): Promise<Run[]> {
  const { label = "runs", ...runOptions } = options;
  const data = runOptions.data ?? seedDataset();
  const bar = progress(points.length, { label });
  const finished = new Map<GridPoint, Run>();
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
      await withRun({ runName, tags: { model_family: family } }, async (parent) => {
        const children: Run[] = [];
        let failed = 0;
        for (const point of mine) {
          try {
            const run = point.family === "k-neighbours"
              ? await runKNeighbors({
                ...runOptions,
                data,
                nested: true,
                nNeighbors: point.nNeighbors,
              })
              : await runRandomForest({
                ...runOptions,
                data,
                nested: true,
                maxDepth: point.maxDepth,
                nEstimators: point.nEstimators,
              });
            children.push(run);
            finished.set(point, run);
            bar.tick(1, {
              run: run.info.runName,
              test_accuracy: run.data.metrics.test_accuracy ?? NaN,
            });
          } catch (e) {
            failed++;
            bar.tick(1, `failed: ${(e as Error).message.split("\n")[0]}`);
          }
        }
        await summarizeSweep(parent.info.runId, children, { swept, failed });
      });
    }
  } finally {
    await bar.done();
  }
  return points.map((p) => finished.get(p)).filter((r): r is Run => r !== undefined);
}

/** The distinct values of a field of grid points, in first-seen order. */
function distinct(points: readonly GridPoint[], pick: (p: GridPoint) => number): number[] {
  return [...new Set(points.map(pick))];
}
