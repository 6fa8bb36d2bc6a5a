/**
 * Reading runs for charts: labels that stay distinct when run names repeat, params as numbers,
 * and category lookups in params then tags.
 *
 * @module
 */

import type { TopLevelSpec } from "npm:vega-lite@5.23.0";
import type { RunData, RunInfo } from "../tracking/entities.ts";
import { badName, emptyList } from "./_messages.ts";
import type { AnyVegaLiteSpec, VegaLiteSpec } from "./spec.ts";

/**
 * What the builders read from a run: its name and id, and its params, latest metrics and tags.
 * A {@linkcode Run} from the tracking API fits, and so does a plain object of the same shape.
 */
export interface RunLike {
  /** The run's metadata; only the name and id are read. */
  readonly info: Readonly<Pick<RunInfo, "runName" | "runId">>;
  /** The run's params, latest metrics and tags. */
  readonly data: Readonly<
    {
      [K in keyof RunData]: Readonly<RunData[K]>;
    }
  >;
}

/**
 * The `$schema` every builder writes: Vega-Lite 5, which JupyterLab and VS Code render.
 *
 * @example A builder's spec
 * ```ts
 * import { VEGA_LITE_SCHEMA } from "./_runs.ts";
 * import { confusionMatrixHeatmap } from "./confusion_matrix_heatmap.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(confusionMatrixHeatmap([[1, 0], [0, 1]]).$schema, VEGA_LITE_SCHEMA);
 * ```
 */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The label a category gets when a run has no value for it. */
export const NO_VALUE = "(none)";

/** Whether `value` is a run (has `info` and `data` objects) rather than a plain row. */
export function isRunLike(value: unknown): value is RunLike {
  if (typeof value !== "object" || value === null) return false;
  const { info, data } = value as { info?: unknown; data?: unknown };
  return typeof info === "object" && info !== null && typeof data === "object" && data !== null;
}

/**
 * One distinct label per run, in order: the run name, with the first 8 characters of the run id
 * added to every run whose name is shared by another run (so bars and lines of namesakes stay
 * apart), and ` #2`, ` #3`… should that still repeat.
 */
export function runLabels(runs: readonly RunLike[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.info.runName, (counts.get(run.info.runName) ?? 0) + 1);
  const labels = runs.map((run) => {
    const name = run.info.runName;
    return (counts.get(name) ?? 0) > 1 ? `${name} (${run.info.runId.slice(0, 8)})` : name;
  });
  // Ids sharing their first 8 characters (or a run listed twice): number the repeats.
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

/** A param string as a number, or undefined when it is not one (`""`, `"abc"`, `"NaN"`). */
export function parseNumber(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** A metric of a run, or undefined when missing or not finite (NaN and ±∞ cannot be plotted). */
export function finiteMetric(run: RunLike, key: string): number | undefined {
  const value = Object.hasOwn(run.data.metrics, key) ? run.data.metrics[key] : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * A category of a run: `params.<k>`, `tags.<k>` or `metrics.<k>` name the place; a bare key is
 * looked up in params, then tags. Undefined when absent.
 */
export function categoryOf(run: RunLike, key: string): string | undefined {
  const own = (record: Readonly<Record<string, string | number>>, k: string) =>
    Object.hasOwn(record, k) ? String(record[k]) : undefined;
  for (const place of ["params", "tags", "metrics"] as const) {
    if (key.startsWith(`${place}.`)) return own(run.data[place], key.slice(place.length + 1));
  }
  return own(run.data.params, key) ?? own(run.data.tags, key);
}

/**
 * The colour encoding of a category field: ordered (an ordinal scale, legend sorted by number)
 * when every value is a number, as hyperparameters such as `n_estimators` are, so 10, 20, 100
 * read in that order and in graded colours; nominal otherwise.
 */
export function categoryColor(
  values: readonly string[],
  title: string,
): { field: "color"; type: "ordinal" | "nominal"; title: string; sort?: string[] } {
  const distinct = [...new Set(values)];
  const numbers = distinct.map(parseNumber);
  if (distinct.length === 0 || numbers.some((n) => n === undefined)) {
    return { field: "color", type: "nominal", title };
  }
  const sort = distinct.map((v, i) => [v, numbers[i]!] as const).sort((a, b) => a[1] - b[1])
    .map(([v]) => v);
  return { field: "color", type: "ordinal", title, sort };
}

/** The title a category key shows under: the key without its `params.`/`tags.` prefix. */
export function categoryTitle(key: string): string {
  return key.replace(/^(params|tags|metrics)\./, "");
}

/** Throws a TypeError unless `value` is a non-empty string. */
export function checkName(option: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || value === "") throw new TypeError(badName(option, value));
}

/** Throws unless `values` is a non-empty list of non-empty strings. */
export function checkNames(option: string, values: readonly unknown[]): void {
  if (!Array.isArray(values) || values.length === 0) throw new RangeError(emptyList(option));
  values.forEach((v, i) => checkName(`${option}[${i}]`, v));
}

/** The optional `title` of a spec, set only when given. */
export function titled(title: string | undefined): Pick<TopLevelSpec, "title"> {
  return title === undefined ? {} : { title };
}

/** A spec built against Vega-Lite's own types, as the JSON the package's signatures use. */
export function asJson(spec: TopLevelSpec): VegaLiteSpec {
  return spec as unknown as VegaLiteSpec;
}

/** A spec in JSON form, as Vega-Lite's own type (for compiling it). */
export function asTopLevel(spec: AnyVegaLiteSpec): TopLevelSpec {
  return spec as unknown as TopLevelSpec;
}
