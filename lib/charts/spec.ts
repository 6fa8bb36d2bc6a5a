/**
 * The JSON form of a Vega-Lite 5 specification, as this package's chart functions take and
 * return it.
 *
 * @module
 */

/**
 * A Vega-Lite 5 specification, as JSON: what the chart builders return, `chart` shows, `toSvg`
 * renders and `saveChart` stores. The builders are written against npm `vega-lite`'s own
 * `TopLevelSpec` type and the tests validate every spec they build against Vega-Lite's JSON
 * schema; the package's signatures use this plain JSON shape, so its documentation stands on
 * its own.
 *
 * @example A hand-written spec
 * ```ts
 * import type { VegaLiteSpec } from "./spec.ts";
 * import { toSvg } from "./render.ts";
 * import assert from "node:assert/strict";
 *
 * const spec: VegaLiteSpec = {
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ k: 1, accuracy: 0.9 }, { k: 5, accuracy: 0.93 }] },
 *   mark: "line",
 *   encoding: { x: { field: "k", type: "quantitative" }, y: { field: "accuracy", type: "quantitative" } },
 * };
 * assert.match(await toSvg(spec), /^<svg/);
 * ```
 */
export interface VegaLiteSpec {
  /** The schema the spec follows, e.g. `https://vega.github.io/schema/vega-lite/v5.json`. */
  $schema?: string;
  /** Any other top-level property of Vega-Lite's grammar: `data`, `mark`, `encoding`, `layer`, … */
  [property: string]: unknown;
}

/**
 * What the chart functions accept: a {@linkcode VegaLiteSpec}, or a spec typed with npm
 * `vega-lite`'s own `TopLevelSpec` (whose interfaces carry no index signature, so they are
 * not a `VegaLiteSpec` to TypeScript).
 *
 * @example
 * ```ts
 * import type { AnyVegaLiteSpec } from "./spec.ts";
 * import { chart } from "./chart.ts";
 * import assert from "node:assert/strict";
 *
 * const spec: AnyVegaLiteSpec = { mark: "point", data: { values: [{ a: 1 }] } };
 * assert.equal(chart(spec).spec.mark, "point");
 * ```
 */
export type AnyVegaLiteSpec = VegaLiteSpec | { $schema?: string };
