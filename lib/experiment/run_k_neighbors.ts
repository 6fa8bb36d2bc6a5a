/**
 * The original project's k-neighbours training script as a function: the same steps, in the
 * same order, as the `train_kneighbors` notebook's cells.
 *
 * @module
 */

import { saveChart } from "../charts/mod.ts";
import { seedDataset } from "../data/mod.ts";
import { logModel } from "../flavor/mod.ts";
import { trainKNeighbors } from "../models/mod.ts";
import {
  getRun,
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
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";
import { kNeighborsRunParams } from "./run_params.ts";

/**
 * Trains `StandardScaler → k-neighbours` on the seed data set inside a new run of the
 * "k-neighbours" experiment (tagged `model_family`) and returns the finished run. The run
 * records what the `train_kneighbors` notebook records: the params, the train and test parts of
 * the data as inputs (contexts `training` and `testing`), the metrics of
 * {@linkcode evaluateModel}, a chart of the test confusion matrix and the model.
 *
 * The hyperparameters are checked before the run starts ({@linkcode kNeighborsRunParams}): an
 * invalid k throws the model's own error and logs nothing.
 *
 * @example Log a k-neighbours run
 * ```ts
 * import { runKNeighbors } from "./run_k_neighbors.ts";
 * import { searchRuns, setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await runKNeighbors({ nNeighbors: 5 });
 * assert.equal(run.info.runName, "knn-k5");
 * assert.equal(run.data.params.n_neighbors, "5");
 * assert.equal(run.data.metrics.test_accuracy, 0.932);
 * const contexts = run.inputs.datasetInputs.map((i) => i.tags["mlflow.data.context"]).sort();
 * assert.deepEqual(contexts, ["testing", "training"]);
 * await assert.rejects(runKNeighbors({ nNeighbors: 0 }), /nNeighbors must be at least 1/);
 * assert.equal((await searchRuns({ experimentNames: ["k-neighbours"] })).length, 1);
 * ```
 */
export async function runKNeighbors(
  options: RunOptions & { nNeighbors?: number } = {},
): Promise<Run> {
  const { nNeighbors = 5, data = seedDataset() } = options;
  const params = kNeighborsRunParams({ nNeighbors }, data);
  const { training, testing } = splitDatasets(data, { name: options.datasetName });
  await setExperiment(options.experimentName ?? EXPERIMENTS.kNeighbors);
  const runName = options.runName ?? `knn-k${nNeighbors}`;
  const tags = { model_family: EXPERIMENTS.kNeighbors };
  const runId = await withRun({ runName, tags, nested: options.nested ?? false }, async (run) => {
    await logParams(params);
    await logInput(training, { context: "training" });
    await logInput(testing, { context: "testing" });
    const model = trainKNeighbors(data.XTrain, data.yTrain, { nNeighbors });
    await logMetrics(evaluateModel(model, data));
    await saveChart(confusionMatrixChart(model, data), "confusion_matrix");
    if (options.logModel ?? true) {
      await logModel(model, "model", { inputExample: data.XTest.slice(0, 5) });
    }
    return run.info.runId;
  });
  return await getRun(runId);
}
