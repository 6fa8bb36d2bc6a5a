/**
 * A hyperparameter grid over both model families, and logging one run per point.
 *
 * @module
 */

import { seedDataset } from "../data/mod.ts";
import { progress } from "../display/progress.ts";
import type { Run } from "../tracking/mod.ts";
import { runKNeighbors } from "./run_k_neighbors.ts";
import type { RunOptions } from "./run_options.ts";
import { runRandomForest } from "./run_random_forest.ts";

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
 * Logs one run per grid point (see {@linkcode runKNeighbors} and {@linkcode runRandomForest}),
 * showing progress — a bar updated in place in a notebook, a progress line on a terminal — and
 * returns the finished runs in grid order.
 *
 * @example Three runs, without their models
 * ```ts
 * import { grid, runGrid } from "./grid.ts";
 * import { setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const points = grid({ nNeighbors: [1, 3], maxDepth: [2], nEstimators: [5] });
 * const runs = await runGrid(points, { logModel: false });
 * assert.deepEqual(runs.map((run) => run.info.runName), ["knn-k1", "knn-k3", "rf-d2-n5"]);
 * ```
 */
export async function runGrid(
  points: readonly GridPoint[],
  options: Omit<RunOptions, "runName"> & { label?: string } = {},
): Promise<Run[]> {
  const { label = "runs", ...runOptions } = options;
  const data = runOptions.data ?? seedDataset();
  const bar = progress(points.length, { label });
  const runs: Run[] = [];
  try {
    for (const point of points) {
      const run = point.family === "k-neighbours"
        ? await runKNeighbors({ ...runOptions, data, nNeighbors: point.nNeighbors })
        : await runRandomForest({
          ...runOptions,
          data,
          maxDepth: point.maxDepth,
          nEstimators: point.nEstimators,
        });
      runs.push(run);
      bar.tick(1, { run: run.info.runName, test_accuracy: run.data.metrics.test_accuracy ?? NaN });
    }
  } finally {
    await bar.done();
  }
  return runs;
}
