import type { VegaLiteSpec } from "./spec.ts";
import { PLAIN_ROWS_NEED_GROUP_BY } from "./_messages.ts";
import {
  asJson,
  categoryOf,
  categoryTitle,
  checkName,
  checkNames,
  finiteMetric,
  isRunLike,
  runLabels,
  type RunLike,
  titled,
  VEGA_LITE_SCHEMA,
} from "./_runs.ts";

/** A plain row for {@linkcode groupedBars}: metric values and category values by name. */
export type PlainRow = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** How several values of one group and metric become one bar. */
export type BarAggregate = "mean" | "median" | "min" | "max";

/** Options of {@linkcode groupedBars}. */
export interface GroupedBarsOptions {
  /** The metrics drawn side by side in each group, one bar each, in this order. */
  metrics: readonly string[];
  /**
   * The category that forms the groups: for runs a param or tag key (looked up in params then
   * tags, or prefixed `params.`/`tags.`), for plain rows a field name.
   * @default each run its own group, labelled with its name (plain rows need it set)
   */
  groupBy?: string;
  /** How the runs of one group combine into a bar. @default "mean" */
  aggregate?: BarAggregate;
  /** Title of the value axis. @default "value" */
  yTitle?: string;
  /** Chart title. @default "<metrics> by <group>" */
  title?: string;
}

/**
 * Bars grouped by run or by category, one bar per metric in each group: train against test
 * accuracy for each run (the overfitting view), or model families side by side.
 *
 * Accepts runs (metrics from `run.data.metrics`) or plain rows (numbers by field name). When
 * several rows fall in one group, the bar shows their `aggregate` (mean by default) and the
 * tooltip says how many rows it combines. Missing, NaN and infinite values are left out. The
 * input is not modified.
 *
 * @example Train and test accuracy per run
 * ```ts
 * import { groupedBars } from "./grouped_bars.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, train: number, test: number) => ({
 *   info: { runName: name, runId: name.padEnd(32, "0") },
 *   data: { params: {}, metrics: { train_accuracy: train, test_accuracy: test }, tags: {} },
 * });
 * const spec = groupedBars([run("deep", 1.0, 0.86), run("shallow", 0.91, 0.9)], {
 *   metrics: ["train_accuracy", "test_accuracy"],
 * });
 * const values = (spec.data as { values: { group: string; metric: string }[] }).values;
 * assert.equal(values.length, 4);
 * assert.deepEqual(values[0], { group: "deep", metric: "train_accuracy", value: 1 });
 * ```
 */
export function groupedBars(
  rows: readonly (RunLike | PlainRow)[],
  options: GroupedBarsOptions,
): VegaLiteSpec {
  const { metrics, groupBy, aggregate = "mean", yTitle = "value" } = options;
  checkNames("metrics", metrics);
  if (groupBy !== undefined) checkName("groupBy", groupBy);

  const runs = rows.filter(isRunLike);
  const labels = new Map(runLabels(runs).map((label, i) => [runs[i], label]));
  const values: { group: string; metric: string; value: number }[] = [];
  for (const row of rows) {
    let group: string | undefined;
    if (isRunLike(row)) {
      group = groupBy === undefined ? labels.get(row)! : categoryOf(row, groupBy);
    } else {
      if (groupBy === undefined) throw new TypeError(PLAIN_ROWS_NEED_GROUP_BY);
      const raw = Object.hasOwn(row, groupBy) ? row[groupBy] : undefined;
      group = raw === undefined || raw === null ? undefined : String(raw);
    }
    if (group === undefined) continue;
    for (const metric of metrics) {
      const value = isRunLike(row) ? finiteMetric(row, metric) : plainNumber(row, metric);
      if (value !== undefined) values.push({ group, metric, value });
    }
  }

  const groupTitle = groupBy === undefined ? "run" : categoryTitle(groupBy);
  const { title = `${metrics.join(", ")} by ${groupTitle}` } = options;
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    data: { values },
    // Each bar carries its value: bars start at zero, which hides 0.908 against 0.876.
    layer: [
      { mark: "bar" },
      {
        mark: { type: "text", dy: -4, fontSize: 9, baseline: "bottom" },
        encoding: {
          text: { field: "value", type: "quantitative", aggregate, format: ".3~f" },
          color: { value: "#333" },
        },
      },
    ],
    width: { step: Math.max(24, 14 * metrics.length + 10) },
    height: 240,
    encoding: {
      x: {
        field: "group",
        type: "nominal",
        title: groupTitle,
        sort: null,
        axis: { labelAngle: -30 },
      },
      xOffset: { field: "metric", type: "nominal", sort: [...metrics] },
      y: { field: "value", type: "quantitative", aggregate, title: yTitle },
      color: { field: "metric", type: "nominal", sort: [...metrics], title: "metric" },
      tooltip: [
        { field: "group", type: "nominal", title: groupTitle },
        { field: "metric", type: "nominal", title: "metric" },
        { field: "value", type: "quantitative", aggregate, title: aggregate, format: ".4~g" },
        { field: "value", type: "quantitative", aggregate: "count", title: "rows" },
      ],
    },
  });
}

function plainNumber(row: PlainRow, key: string): number | undefined {
  const value = Object.hasOwn(row, key) ? row[key] : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
