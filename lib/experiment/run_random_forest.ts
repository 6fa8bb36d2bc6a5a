/**
 * The original project's random-forest training script as a function.
 *
 * @module
 */

import { seedDataset } from "../data/mod.ts";
import { trainRandomForest } from "../models/mod.ts";
import { getRun, getStore, type Run, setExperiment, withRun } from "../tracking/mod.ts";
import { recordFit } from "./_record_fit.ts";
import { forestGrowth } from "./forest_growth.ts";
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";

/**
 * Trains `StandardScaler → random forest` on the seed data set inside a new run of the
 * "random-forest" experiment (tagged `model_family`) and logs everything, including
 * `test_accuracy_by_trees` (one step per number of trees); returns the finished run.
 *
 * @example Log a small forest
 * ```ts
 * import { runRandomForest } from "./run_random_forest.ts";
 * import { getMetricHistory, setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await runRandomForest({ maxDepth: 2, nEstimators: 5, logModel: false });
 * assert.equal(run.info.runName, "rf-d2-n5");
 * const growth = await getMetricHistory(run.info.runId, "test_accuracy_by_trees");
 * assert.deepEqual(growth.map((point) => point.step), [1, 2, 3, 4, 5]);
 * assert.equal(growth.at(-1)?.value, run.data.metrics.test_accuracy);
 * ```
 */
export async function runRandomForest(
  options: RunOptions & { maxDepth?: number; nEstimators?: number; seed?: number } = {},
): Promise<Run> {
  const { maxDepth = 3, nEstimators = 20, seed = 42, data = seedDataset() } = options;
  await setExperiment(options.experimentName ?? EXPERIMENTS.randomForest);
  const runName = options.runName ?? `rf-d${maxDepth}-n${nEstimators}`;
  const tags = { model_family: EXPERIMENTS.randomForest };
  const runId = await withRun({ runName, tags, nested: options.nested ?? false }, async (run) => {
    const model = trainRandomForest(data.XTrain, data.yTrain, { maxDepth, nEstimators, seed });
    await recordFit(model, data, options);
    // The whole growth curve in one batch: one point per number of trees.
    const timestamp = Date.now();
    await getStore().logBatch(run.info.runId, {
      metrics: forestGrowth(model, data.XTest, data.yTest).map((value, i) => ({
        key: "test_accuracy_by_trees",
        value,
        step: i + 1,
        timestamp,
      })),
    });
    return run.info.runId;
  });
  return await getRun(runId);
}
