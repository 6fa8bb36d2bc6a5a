/**
 * What every training run logs about its fitted model. Not part of the public API.
 *
 * @module
 */

import { confusionMatrixHeatmap, saveChart } from "../charts/mod.ts";
import { confusionMatrix } from "../metrics/mod.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { logMetrics } from "../tracking/mod.ts";
import { logModel } from "../flavor/mod.ts";
import { evaluateModel, type Split } from "./evaluate.ts";
import type { RunOptions } from "./run_options.ts";

/**
 * Logs, on the active run, the model's train and test metrics, a chart of its test confusion
 * matrix (`confusion_matrix.vl.json` and `.svg`) and, unless `options.logModel` is false, the
 * model with five test rows as its input example.
 *
 * @example A k-neighbours fit, without the model
 * ```ts
 * import { recordFit } from "./_record_fit.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import { listArtifacts, setTrackingUri, withRun } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const data = seedDataset();
 * const model = trainKNeighbors(data.XTrain, data.yTrain, { autolog: false });
 * const runId = await withRun({}, async (run) => {
 *   await recordFit(model, data, { logModel: false });
 *   return run.info.runId;
 * });
 * const files = (await listArtifacts(runId)).map((f) => f.path);
 * assert.deepEqual(files, ["confusion_matrix.svg", "confusion_matrix.vl.json"]);
 * ```
 */
export async function recordFit(model: Pipeline, data: Split, options: RunOptions): Promise<void> {
  await logMetrics(evaluateModel(model, data));
  const matrix = confusionMatrix(data.yTest, model.predict(data.XTest), {
    labels: [...model.classes],
  });
  await saveChart(
    confusionMatrixHeatmap(matrix, {
      labels: model.classes.map(String),
      title: "Test confusion matrix",
    }),
    "confusion_matrix",
  );
  if (options.logModel ?? true) {
    await logModel(model, "model", { inputExample: data.XTest.slice(0, 5) });
  }
}
