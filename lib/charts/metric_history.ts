import type { VegaLiteSpec } from "./spec.ts";
import type { Metric } from "../tracking/entities.ts";
import { asJson, checkName, titled, VEGA_LITE_SCHEMA } from "./_runs.ts";

/** The history of one run's metric(s), as `getMetricHistory` returns it, under the run's name. */
export interface MetricHistory {
  /** The line's label; histories sharing a name are told apart by a ` #2`, ` #3`… suffix. */
  readonly runName: string;
  /** The points, in any order; only `key`, `value`, `step` and `timestamp` are read. */
  readonly points: readonly Readonly<Metric>[];
}

/** Options of {@linkcode metricHistory}. */
export interface MetricHistoryOptions {
  /** Plot only points with this key. @default every key present (one dash style per key) */
  metric?: string;
  /** What the x axis shows: the logged `step`, or the `timestamp` as time. @default "step" */
  x?: "step" | "timestamp";
  /** Scale of the y axis: `"log"` suits losses spanning decades. @default "linear" */
  scale?: "linear" | "log";
  /** Chart title. @default "<metric> by <x>" */
  title?: string;
}

/**
 * Lines of a metric over steps (or time), one per run: training curves side by side.
 *
 * Points whose value is NaN or infinite are left out, and so are histories left with no points.
 * Lines are coloured by run when there are several; when no `metric` is given and the points
 * carry several keys, each key gets its own dash style. Points are sorted by step (then
 * timestamp) within each line. The input is not modified.
 *
 * @example Loss curves of two runs
 * ```ts
 * import { metricHistory } from "./metric_history.ts";
 * import assert from "node:assert/strict";
 *
 * const curve = (values: number[]) =>
 *   values.map((value, step) => ({ key: "loss", value, step, timestamp: 1_700_000_000_000 + step }));
 * const spec = metricHistory([
 *   { runName: "lr-0.1", points: curve([0.9, 0.5, 0.3]) },
 *   { runName: "lr-0.01", points: curve([0.9, 0.8, 0.7]) },
 * ], { metric: "loss" });
 * assert.equal((spec.data as { values: unknown[] }).values.length, 6);
 * assert.equal(spec.title, "loss by step");
 * ```
 */
export function metricHistory(
  histories: readonly MetricHistory[],
  options: MetricHistoryOptions = {},
): VegaLiteSpec {
  const { metric, x = "step", scale = "linear" } = options;
  if (metric !== undefined) checkName("metric", metric);

  const seen = new Map<string, number>();
  const values: { run: string; key: string; step: number; time: number; value: number }[] = [];
  for (const history of histories) {
    const points = history.points
      .filter((p) => (metric === undefined || p.key === metric) && Number.isFinite(p.value))
      .map((p) => ({ key: p.key, step: p.step, time: p.timestamp, value: p.value }))
      .sort((a, b) => a.step - b.step || a.time - b.time);
    if (points.length === 0) continue;
    const n = (seen.get(history.runName) ?? 0) + 1;
    seen.set(history.runName, n);
    const run = n === 1 ? history.runName : `${history.runName} #${n}`;
    for (const p of points) values.push({ run, ...p });
  }

  const keys = [...new Set(values.map((v) => v.key))];
  const runs = new Set(values.map((v) => v.run));
  const yTitle = metric ?? (keys.length === 1 ? keys[0]! : "value");
  const { title = `${yTitle} by ${x === "step" ? "step" : "time"}` } = options;
  const longest = Math.max(0, ...[...runs].map((r) => values.filter((v) => v.run === r).length));
  const xEncoding = x === "step"
    ? { field: "step", type: "quantitative" as const, title: "step" }
    : { field: "time", type: "temporal" as const, title: "time" };
  return asJson({
    $schema: VEGA_LITE_SCHEMA,
    ...titled(title),
    width: 400,
    height: 240,
    data: { values },
    mark: { type: "line", point: longest <= 50, interpolate: "linear" },
    encoding: {
      x: xEncoding,
      y: {
        field: "value",
        type: "quantitative",
        title: yTitle,
        scale: scale === "log" ? { type: scale } : { type: scale, zero: false },
      },
      ...(runs.size > 1 ? { color: { field: "run", type: "nominal", title: "run" } } : {}),
      detail: { field: "run", type: "nominal" },
      ...(keys.length > 1
        ? { strokeDash: { field: "key", type: "nominal", title: "metric" } }
        : {}),
      order: { field: x === "step" ? "step" : "time", type: "quantitative" },
      tooltip: [
        { field: "run", type: "nominal", title: "run" },
        { field: "key", type: "nominal", title: "metric" },
        { field: "step", type: "quantitative", title: "step" },
        { field: "value", type: "quantitative", title: "value", format: ".4~g" },
      ],
    },
  });
}
