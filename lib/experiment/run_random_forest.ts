/**
 * The original project's random-forest training script as a function: the same steps, in the
 * same order, as the `train_random_forest` notebook's cells.
 *
 * @module
 */

import { saveChart } from "../charts/mod.ts";
import { seedDataset } from "../data/mod.ts";
import { logModel } from "../flavor/mod.ts";
import { trainRandomForest } from "../models/mod.ts";
import {
  getRun,
  getStore,
  logInput,
  logMetrics,
  logParams,
  type Run,
  setExperiment,
  withRun,
} from "../tracking/mod.ts";
import { confusionMatrixChart } from "./confusion_chart.ts";
import { splitDatasets } from "./datasets.ts";
import { evaluateModel } from "./evaluate.ts";
import { forestGrowth } from "./forest_growth.ts";
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";
import { randomForestRunParams } from "./run_params.ts";

/**
 * Trains `StandardScaler → random forest` on the seed data set inside a new run of the
 * "random-forest" experiment (tagged `model_family`) and returns the finished run. The run
 * records what the `train_random_forest` notebook records: the params, the train and test parts
 * of the data as inputs (contexts `training` and `testing`), the metrics of
 * {@linkcode evaluateModel}, `test_accuracy_by_trees` (one step per number of trees, logged in
 * batches of up to 1,000 points as MLflow's `log_batch` takes them), a chart of the test confusion
 * matrix and the model.
 *
 * The hyperparameters are checked before the run starts ({@linkcode randomForestRunParams}): an
 * invalid value throws the model's own error and logs nothing.
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
 * await assert.rejects(runRandomForest({ nEstimators: 0 }), /nEstimators must be at least 1/);
 * ```
 */
export async function runRandomForest(
  options: RunOptions & { maxDepth?: number; nEstimators?: number; seed?: number } = {},
): Promise<Run> {
  const { maxDepth = 3, nEstimators = 20, seed = 42, data = seedDataset() } = options;
  const params = randomForestRunParams({ maxDepth, nEstimators, seed }, data);
  const { training, testing } = splitDatasets(data, { name: options.datasetName });
  await setExperiment(options.experimentName ?? EXPERIMENTS.randomForest);
  const runName = options.runName ?? `rf-d${maxDepth}-n${nEstimators}`;
  const tags = { model_family: EXPERIMENTS.randomForest };
  const runId = await withRun({ runName, tags, nested: options.nested ?? false }, async (run) => {
    await logParams(params);
    await logInput(training, { context: "training" });
    await logInput(testing, { context: "testing" });
    const model = trainRandomForest(data.XTrain, data.yTrain, { maxDepth, nEstimators, seed });
    await logMetrics(evaluateModel(model, data));
    await logGrowth(run.info.runId, forestGrowth(model, data.XTest, data.yTest));
    await saveChart(confusionMatrixChart(model, data), "confusion_matrix");
    if (options.logModel ?? true) {
      await logModel(model, "model", { inputExample: data.XTest.slice(0, 5) });
    }
    return run.info.runId;
  });
  return await getRun(runId);
}

/** Logs test accuracy by number of trees, one step per tree count, in MLflow-sized batches. */
async function logGrowth(runId: string, growth: number[]): Promise<void> {
  const timestamp = Date.now();
  const points = growth.map((value, i) => ({
    key: "test_accuracy_by_trees",
    value,
    step: i + 1,
    timestamp,
  }));
  for (let i = 0; i < points.length; i += 1000) {
    await getStore().logBatch(runId, { metrics: points.slice(i, i + 1000) });
  }
}
