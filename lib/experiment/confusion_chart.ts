/**
 * The chart every training run keeps: the test confusion matrix of its model.
 *
 * @module
 */

import { confusionMatrixHeatmap, type VegaLiteSpec } from "../charts/mod.ts";
import { confusionMatrix } from "../metrics/mod.ts";
import type { Pipeline } from "../models/pipeline.ts";
import type { Split } from "./evaluate.ts";

/**
 * A heatmap of the model's confusion matrix on the test rows ("Test confusion matrix": actual
 * class against predicted class, one cell per pair), ready for `saveChart` or `chart`.
 *
 * @example The 250 test rows of the seed data set
 * ```ts
 * import { confusionMatrixChart } from "./confusion_chart.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * const model = trainKNeighbors(data.XTrain, data.yTrain, { autolog: false });
 * const spec = confusionMatrixChart(model, data);
 * const cells = (spec.data as { values: { count: number }[] }).values;
 * assert.equal(cells.length, 4);
 * assert.equal(cells.reduce((sum, cell) => sum + cell.count, 0), 250);
 * ```
 */
export function confusionMatrixChart(
  model: Pipeline,
  split: Pick<Split, "XTest" | "yTest">,
): VegaLiteSpec {
  const matrix = confusionMatrix(split.yTest, model.predict(split.XTest), {
    labels: [...model.classes],
  });
  return confusionMatrixHeatmap(matrix, {
    labels: model.classes.map(String),
    title: "Test confusion matrix",
  });
}
