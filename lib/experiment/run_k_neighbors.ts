/**
 * The original project's k-neighbours training script as a function.
 *
 * @module
 */

import { seedDataset } from "../data/mod.ts";
import { trainKNeighbors } from "../models/mod.ts";
import { getRun, type Run, setExperiment, withRun } from "../tracking/mod.ts";
import { recordFit } from "./_record_fit.ts";
import { EXPERIMENTS, type RunOptions } from "./run_options.ts";

/**
 * Trains `StandardScaler → k-neighbours` on the seed data set inside a new run of the
 * "k-neighbours" experiment (tagged `model_family`) and logs everything; returns the finished
 * run.
 *
 * @example Log a k-neighbours run
 * ```ts
 * import { runKNeighbors } from "./run_k_neighbors.ts";
 * import { setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await runKNeighbors({ nNeighbors: 5 });
 * assert.equal(run.info.runName, "knn-k5");
 * assert.equal(run.data.params.n_neighbors, "5");
 * assert.ok(run.data.metrics.test_accuracy! > 0.7);
 * ```
 */
export async function runKNeighbors(
  options: RunOptions & { nNeighbors?: number } = {},
): Promise<Run> {
  const { nNeighbors = 5, data = seedDataset() } = options;
  await setExperiment(options.experimentName ?? EXPERIMENTS.kNeighbors);
  const runName = options.runName ?? `knn-k${nNeighbors}`;
  const tags = { model_family: EXPERIMENTS.kNeighbors };
  const runId = await withRun({ runName, tags, nested: options.nested ?? false }, async (run) => {
    const model = trainKNeighbors(data.XTrain, data.yTrain, { nNeighbors });
    await recordFit(model, data, options);
    return run.info.runId;
  });
  return await getRun(runId);
}
