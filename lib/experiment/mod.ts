/**
 * The original project's two training scripts as functions: train a model on the seed data set
 * inside a run and record everything about it — hyperparameters, train and test metrics, the
 * model, a confusion-matrix chart, and (for the forest) test accuracy as trees are added — one
 * run at a time or over a grid. The notebooks and `deno task demo` call these.
 *
 * @example A small grid, then the best run
 * ```ts
 * import { grid, runGrid } from "./mod.ts";
 * import { setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const points = grid({ nNeighbors: [5], maxDepth: [3], nEstimators: [10] });
 * const runs = await runGrid(points, { logModel: false }); // a progress line on standard error
 * assert.deepEqual(runs.map((run) => run.data.tags.model_family), ["k-neighbours", "random-forest"]);
 * const best = runs.reduce((a, b) => b.data.metrics.test_accuracy! > a.data.metrics.test_accuracy! ? b : a);
 * assert.ok(best.data.metrics.test_accuracy! > 0.7);
 * ```
 *
 * @module
 */

export { evaluateModel, type ModelMetrics, type Split } from "./evaluate.ts";
export { confusionMatrixChart } from "./confusion_chart.ts";
export { type SplitDatasets, splitDatasets, type SplitDatasetsOptions } from "./datasets.ts";
export { forestGrowth } from "./forest_growth.ts";
export { kNeighborsRunParams, randomForestRunParams } from "./run_params.ts";
export { EXPERIMENTS, type RunOptions } from "./run_options.ts";
export { runKNeighbors } from "./run_k_neighbors.ts";
export { runRandomForest } from "./run_random_forest.ts";
export { grid, type GridPoint, type GridRuns, runGrid, type RunGridOptions } from "./grid.ts";
export { summarizeSweep, type SweepSummaryOptions } from "./sweep.ts";
export { describeRuns, type DescribeRunsOptions, RunsSummary } from "./describe_runs.ts";
