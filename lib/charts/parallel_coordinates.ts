import type { VegaLiteSpec } from "./spec.ts";
import { emptyList } from "./_messages.ts";
import {
  asJson,
  categoryOf,
  categoryTitle,
  checkName,
  checkNames,
  finiteMetric,
  NO_VALUE,
  parseNumber,
  runLabels,
  type RunLike,
  titled,
  VEGA_LITE_SCHEMA,
} from "./_runs.ts";

/** Options of {@linkcode parallelCoordinates}. */
export interface ParallelCoordinatesOptions {
  /** Numeric params, one axis each, left of the metrics. @default [] */
  params?: readonly string[];
  /** Metrics, one axis each, right of the params. @default [] */
  metrics?: readonly string[];
  /**
   * Colour lines by this category: a param or tag key (looked up in params then tags, or
   * prefixed `params.`/`tags.`). @default no colour
   */
  color?: string;
  /** Height of the axes, in pixels. @default 300 */
  height?: number;
  /** Chart title. @default "Params and metrics by run" */
  title?: string;
}

/**
 * Parallel coordinates: one line per run across one vertical axis per param and metric, each
 * axis normalised to its own min–max range, with the raw max, middle and min written on it.
 *
 * Built with the usual Vega-Lite recipe: `fold` the axes into rows, `joinaggregate` each axis'
 * min and max, then `calculate` the normalised value (0.5 for an axis whose values are all
 * equal). Only runs with every requested value are drawn: a missing metric, a NaN or infinite
 * one, or a param that does not parse as a number leaves the run out. An axis name used both as
 * a param and a metric is shown as `params.<k>` and `metrics.<k>`. The input is not modified.
 *
 * @example Depth and tree count against accuracy
 * ```ts
 * import { parallelCoordinates } from "./parallel_coordinates.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, depth: string, trees: string, acc: number) => ({
 *   info: { runName: name, runId: name.padEnd(32, "0") },
 *   data: { params: { max_depth: depth, n_estimators: trees }, metrics: { accuracy: acc }, tags: {} },
 * });
 * const spec = parallelCoordinates(
 *   [run("a", "3", "20", 0.88), run("b", "10", "100", 0.93), run("c", "none", "50", 0.9)],
 *   { params: ["max_depth", "n_estimators"], metrics: ["accuracy"] },
 * );
 * const values = (spec.data as { values: { run: string }[] }).values;
 * assert.deepEqual(values.map((v) => v.run), ["a", "b"]); // "none" is not a number
 * ```
 */
export function parallelCoordinates(
  runs: readonly RunLike[],
  options: ParallelCoordinatesOptions,
): VegaLiteSpec {
  const {
    params = [],
    metrics = [],
    color,
    height = 300,
    title = "Params and metrics by run",
  } = options;
  if (params.length + metrics.length === 0) throw new RangeError(emptyList("params/metrics"));
  if (params.length > 0) checkNames("params", params);
  if (metrics.length > 0) checkNames("metrics", metrics);
  if (color !== undefined) checkName("color", color);

  // Data fields are `a0`, `a1`, …: names with dots or brackets would read as nested fields.
  const both = new Set(params.filter((p) => metrics.includes(p)));
  const axes = [
    ...params.map((name) => ({ kind: "param" as const, name })),
    ...metrics.map((name) => ({ kind: "metric" as const, name })),
  ].map((axis, i) => ({
    ...axis,
    field: `a${i}`,
    label: both.has(axis.name) ? `${axis.kind}s.${axis.name}` : axis.name,
  }));

  const labels = runLabels(runs);
  const values: Record<string, string | number>[] = [];
  runs.forEach((run, i) => {
    const row: Record<string, string | number> = { run: labels[i]! };
    for (const axis of axes) {
      const value = axis.kind === "metric"
        ? finiteMetric(run, axis.name)
        : Object.hasOwn(run.data.params, axis.name)
        ? parseNumber(run.data.params[axis.name]!)
        : undefined;
      if (value === undefined) return;
      row[axis.field] = value;
    }
    if (color !== undefined) row.color = categoryOf(run, color) ?? NO_VALUE;
    values.push(row);
  });

  const fields = axes.map((a) => a.field);
  const labelOf = Object.fromEntries(axes.map((a) => [a.field, a.label]));
  const x = {
    field: "axis",
    type: "nominal" as const,
    sort: fields,
    title: null,
    axis: { labelExpr: `${JSON.stringify(labelOf)}[datum.value]`, labelAngle: 0 },
  };
  const bound = (at: number, field: "max" | "mid" | "min") => ({
    encoding: { x, y: { value: at } },
    layer: [
      {
        mark: { type: "text" as const, style: "pc_label" },
        encoding: {
          text: { field, aggregate: "min" as const, type: "quantitative" as const, format: ".4~g" },
        },
      },
      { mark: { type: "tick" as const, style: "pc_tick", size: 8, color: "#ccc" } },
    ],
  });
  const colorTitle = color === undefined ? undefined : categoryTitle(color);
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    width: { step: 110 },
    height,
    data: { values },
    transform: [
      { fold: fields, as: ["axis", "value"] },
      {
        joinaggregate: [
          { op: "min", field: "value", as: "min" },
          { op: "max", field: "value", as: "max" },
        ],
        groupby: ["axis"],
      },
      {
        calculate:
          "datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)",
        as: "norm",
      },
      { calculate: "(datum.min + datum.max) / 2", as: "mid" },
      { calculate: `${JSON.stringify(labelOf)}[datum.axis]`, as: "axis_name" },
    ],
    layer: [
      {
        mark: { type: "rule", color: "#ccc" },
        encoding: { detail: { aggregate: "count" }, x },
      },
      {
        mark: { type: "line", opacity: 0.7, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: "norm", type: "quantitative", axis: null, scale: { domain: [0, 1] } },
          detail: { field: "run", type: "nominal" },
          ...(colorTitle === undefined
            ? {}
            : { color: { field: "color", type: "nominal" as const, title: colorTitle } }),
          tooltip: [
            { field: "run", type: "nominal", title: "run" },
            { field: "axis_name", type: "nominal", title: "axis" },
            { field: "value", type: "quantitative", title: "value", format: ".4~g" },
          ],
        },
      },
      bound(0, "max"),
      bound(height / 2, "mid"),
      bound(height, "min"),
    ],
    config: {
      axisX: { domain: false, tickColor: "#ccc", orient: "bottom" },
      view: { stroke: null },
      style: {
        pc_label: { baseline: "middle", align: "right", dx: -5 },
        pc_tick: { orient: "horizontal" },
      },
    },
  });
}
