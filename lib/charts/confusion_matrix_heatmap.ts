import type { VegaLiteSpec } from "./spec.ts";
import { badCount, badLabels, EMPTY_MATRIX, notSquare } from "./_messages.ts";
import { asJson, titled, VEGA_LITE_SCHEMA } from "./_runs.ts";

/** Options of {@linkcode confusionMatrixHeatmap}. */
export interface ConfusionMatrixHeatmapOptions {
  /** Class names, in the matrix's row order. @default "0", "1", … */
  labels?: readonly (string | number)[];
  /** Chart title. @default "Confusion matrix" */
  title?: string;
  /** Side of one cell, in pixels. @default 48 */
  cellSize?: number;
}

/**
 * A confusion matrix as a heatmap, each cell's count written in it (white on dark cells: those
 * above half the largest count, which the chart computes from its data, so the spec is the same
 * for every matrix of the same classes but its values).
 *
 * Follows scikit-learn's convention, as `confusionMatrix` returns it: row `i` is the true class,
 * column `j` the predicted one, so `matrix[i][j]` counts samples of class `i` predicted as `j`.
 * The matrix must be square with finite counts `>= 0` (a `RangeError` otherwise) and `labels`,
 * when given, must be as many distinct names as classes. The input is not modified.
 *
 * @example A binary classifier
 * ```ts
 * import { confusionMatrixHeatmap } from "./confusion_matrix_heatmap.ts";
 * import assert from "node:assert/strict";
 *
 * const spec = confusionMatrixHeatmap([[50, 3], [7, 40]], { labels: ["negative", "positive"] });
 * const cells = (spec.data as { values: { actual: string; predicted: string; count: number }[] })
 *   .values;
 * assert.deepEqual(cells[1], { actual: "negative", predicted: "positive", count: 3 });
 * assert.throws(() => confusionMatrixHeatmap([[1, 2]]), RangeError);
 * ```
 */
export function confusionMatrixHeatmap(
  matrix: readonly (readonly number[])[],
  options: ConfusionMatrixHeatmapOptions = {},
): VegaLiteSpec {
  const { title = "Confusion matrix", cellSize = 48 } = options;
  const size = matrix.length;
  if (size === 0) throw new RangeError(EMPTY_MATRIX);
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== size) {
      throw new RangeError(notSquare(i, Array.isArray(row) ? row.length : 0, size));
    }
    row.forEach((value, j) => {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new RangeError(badCount(i, j, value));
      }
    });
  });
  const labels = (options.labels ?? matrix.map((_, i) => i)).map(String);
  if (labels.length !== size || new Set(labels).size !== size) {
    throw new RangeError(badLabels(new Set(labels).size, size));
  }

  const values = matrix.flatMap((row, i) =>
    row.map((count, j) => ({ actual: labels[i]!, predicted: labels[j]!, count }))
  );
  const axis = { labelAngle: 0 };
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    data: { values },
    transform: [{ joinaggregate: [{ op: "max", field: "count", as: "count_max" }] }],
    width: { step: cellSize },
    height: { step: cellSize },
    encoding: {
      x: { field: "predicted", type: "nominal", sort: labels, title: "predicted", axis },
      y: { field: "actual", type: "nominal", sort: labels, title: "actual", axis },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "count",
            type: "quantitative",
            title: "count",
            scale: { scheme: "blues", domainMin: 0 },
          },
          tooltip: [
            { field: "actual", type: "nominal", title: "actual" },
            { field: "predicted", type: "nominal", title: "predicted" },
            { field: "count", type: "quantitative", title: "count" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 13 },
        encoding: {
          text: { field: "count", type: "quantitative", format: "~g" },
          color: {
            condition: { test: "datum.count > datum.count_max / 2", value: "white" },
            value: "black",
          },
        },
      },
    ],
  });
}
