import type { VegaLiteSpec } from "./spec.ts";
import {
  asJson,
  categoryColor,
  categoryOf,
  categoryTitle,
  checkName,
  finiteMetric,
  NO_VALUE,
  parseNumber,
  runLabels,
  type RunLike,
  titled,
  VEGA_LITE_SCHEMA,
} from "./_runs.ts";

/** Options of {@linkcode paramVsMetric}. */
export interface ParamVsMetricOptions {
  /** The hyperparameter on the x axis (a key of `run.data.params`). */
  param: string;
  /** The metric on the y axis (a key of `run.data.metrics`). */
  metric: string;
  /**
   * Colour points (and lines) by this category: a param or tag key, looked up in params then
   * tags, or prefixed `params.`/`tags.` to name the place. @default no colour
   */
  color?: string;
  /** Scale of a numeric x axis: `"log"` suits learning rates and regularisation strengths. @default "linear" */
  scale?: "linear" | "log";
  /** Chart title. @default "<metric> vs <param>" */
  title?: string;
}

/**
 * A hyperparameter against a metric, one point per run, with the run name in the tooltip.
 *
 * The param is numeric when every plotted run's value parses as a number; then the x axis is
 * quantitative and a line joins the mean metric at each param value (one line per colour).
 * Otherwise the x axis is nominal and only points are drawn. Runs missing the param or the
 * metric, or whose metric is NaN or infinite, are left out. The input is not modified.
 *
 * @example Test accuracy against the number of neighbours
 * ```ts
 * import { paramVsMetric } from "./param_vs_metric.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, k: string, acc: number) => ({
 *   info: { runName: name, runId: name.padEnd(32, "0") },
 *   data: { params: { n_neighbors: k }, metrics: { test_accuracy: acc }, tags: {} },
 * });
 * const spec = paramVsMetric([run("k1", "1", 0.88), run("k5", "5", 0.93), run("k9", "9", 0.91)], {
 *   param: "n_neighbors",
 *   metric: "test_accuracy",
 * });
 * assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
 * assert.deepEqual((spec.data as { values: { x: number }[] }).values.map((d) => d.x), [1, 5, 9]);
 * ```
 */
export function paramVsMetric(
  runs: readonly RunLike[],
  options: ParamVsMetricOptions,
): VegaLiteSpec {
  const { param, metric, color, scale = "linear", title = `${metric} vs ${param}` } = options;
  checkName("param", param);
  checkName("metric", metric);
  if (color !== undefined) checkName("color", color);

  const labels = runLabels(runs);
  const kept: { run: string; text: string; y: number; color?: string }[] = [];
  runs.forEach((run, i) => {
    const text = Object.hasOwn(run.data.params, param) ? run.data.params[param] : undefined;
    const y = finiteMetric(run, metric);
    if (text === undefined || y === undefined) return;
    kept.push({
      run: labels[i]!,
      text,
      y,
      ...(color === undefined ? {} : { color: categoryOf(run, color) ?? NO_VALUE }),
    });
  });
  const numeric = kept.length > 0 && kept.every((row) => parseNumber(row.text) !== undefined);
  const values = kept.map(({ text, ...row }) => ({
    ...row,
    x: numeric ? parseNumber(text)! : text,
  }));

  const colorTitle = color === undefined ? undefined : categoryTitle(color);
  const colorField = colorTitle === undefined
    ? undefined
    : categoryColor(kept.map((row) => row.color!), colorTitle);
  const colorEncoding = colorField === undefined ? {} : { color: colorField };
  const tooltip = [
    { field: "run", type: "nominal" as const, title: "run" },
    { field: "x", type: numeric ? "quantitative" as const : "nominal" as const, title: param },
    { field: "y", type: "quantitative" as const, title: metric, format: ".4~g" },
    ...(colorField === undefined
      ? []
      : [{ field: "color", type: colorField.type, title: colorField.title }]),
  ];
  const x = numeric
    ? {
      field: "x",
      type: "quantitative" as const,
      title: param,
      scale: scale === "log" ? { type: scale } : { type: scale, zero: false },
    }
    : { field: "x", type: "nominal" as const, title: param, axis: { labelAngle: 0 } };
  const y = { field: "y", type: "quantitative" as const, title: metric, scale: { zero: false } };

  const points = {
    mark: { type: "point" as const, filled: true, size: 70 },
    encoding: { ...colorEncoding, tooltip },
  };
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    width: 360,
    height: 240,
    data: { values },
    encoding: { x, y },
    layer: numeric
      ? [
        {
          mark: { type: "line" as const, opacity: 0.6 },
          encoding: {
            y: {
              field: "y",
              aggregate: "mean" as const,
              type: "quantitative" as const,
              title: metric,
            },
            ...colorEncoding,
          },
        },
        points,
      ]
      : [points],
  });
}
