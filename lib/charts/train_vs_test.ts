import type { VegaLiteSpec } from "./spec.ts";
import {
  asJson,
  categoryColor,
  categoryOf,
  categoryTitle,
  checkName,
  finiteMetric,
  NO_VALUE,
  runLabels,
  type RunLike,
  titled,
  VEGA_LITE_SCHEMA,
} from "./_runs.ts";

/** Options of {@linkcode trainVsTest}. */
export interface TrainVsTestOptions {
  /** The training-set metric, on the x axis. @default "train_accuracy" */
  train?: string;
  /** The held-out metric, on the y axis. @default "test_accuracy" */
  test?: string;
  /**
   * Colour points by this category: a param or tag key (looked up in params then tags, or
   * prefixed `params.`/`tags.`). @default no colour
   */
  color?: string;
  /** Chart title. @default "<test> vs <train>" */
  title?: string;
}

/**
 * Each run's held-out metric against its training metric, with the diagonal `y = x` dashed:
 * runs far below the diagonal fit the training set much better than new data (overfitting).
 *
 * Both axes share one domain (the range of all plotted values, padded by 5%), so the diagonal
 * is at 45°. The tooltip shows the run, both values and the gap `train − test`. Runs missing
 * either metric, or with a NaN or infinite one, are left out. The input is not modified.
 *
 * @example Spotting the overfitted run
 * ```ts
 * import { trainVsTest } from "./train_vs_test.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, train: number, test: number) => ({
 *   info: { runName: name, runId: name.padEnd(32, "0") },
 *   data: { params: {}, metrics: { train_accuracy: train, test_accuracy: test }, tags: {} },
 * });
 * const spec = trainVsTest([run("deep", 1, 0.84), run("shallow", 0.9, 0.89)]);
 * const values = (spec.data as { values: { run: string; gap: number }[] }).values;
 * assert.equal(values.find((v) => v.run === "deep")!.gap.toFixed(2), "0.16");
 * ```
 */
export function trainVsTest(
  runs: readonly RunLike[],
  options: TrainVsTestOptions = {},
): VegaLiteSpec {
  const { train = "train_accuracy", test = "test_accuracy", color } = options;
  const { title = `${test} vs ${train}` } = options;
  checkName("train", train);
  checkName("test", test);
  if (color !== undefined) checkName("color", color);

  const labels = runLabels(runs);
  const values: { run: string; train: number; test: number; gap: number; color?: string }[] = [];
  runs.forEach((run, i) => {
    const x = finiteMetric(run, train);
    const y = finiteMetric(run, test);
    if (x === undefined || y === undefined) return;
    values.push({
      run: labels[i]!,
      train: x,
      test: y,
      gap: x - y,
      ...(color === undefined ? {} : { color: categoryOf(run, color) ?? NO_VALUE }),
    });
  });

  const all = values.flatMap((v) => [v.train, v.test]);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 0.05;
  [lo, hi] = [lo - pad, hi + pad];
  // Every layer states the same fixed domain: otherwise the merged scale includes zero.
  const scale = { domain: [lo, hi], zero: false, nice: false };
  const colorTitle = color === undefined ? undefined : categoryTitle(color);
  const colorField = colorTitle === undefined
    ? undefined
    : categoryColor(values.map((row) => row.color!), colorTitle);
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    width: 300,
    height: 300,
    data: { values },
    layer: [
      {
        data: { values: [{}] }, // one rule, not one per run
        mark: { type: "rule", strokeDash: [4, 4], color: "#999" },
        encoding: {
          x: { datum: lo, type: "quantitative", scale },
          y: { datum: lo, type: "quantitative", scale },
          x2: { datum: hi },
          y2: { datum: hi },
        },
      },
      {
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          x: { field: "train", type: "quantitative", title: train, scale, axis: { grid: true } },
          y: { field: "test", type: "quantitative", title: test, scale, axis: { grid: true } },
          ...(colorField === undefined ? {} : { color: colorField }),
          tooltip: [
            { field: "run", type: "nominal", title: "run" },
            { field: "train", type: "quantitative", title: train, format: ".4~g" },
            { field: "test", type: "quantitative", title: test, format: ".4~g" },
            { field: "gap", type: "quantitative", title: "train − test", format: ".4~g" },
            ...(colorField === undefined
              ? []
              : [{ field: "color", type: colorField.type, title: colorField.title }]),
          ],
        },
      },
    ],
  });
}
