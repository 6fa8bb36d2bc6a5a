import type { AnyVegaLiteSpec, VegaLiteSpec } from "./spec.ts";
import { DENO_INSPECT, JUPYTER_DISPLAY } from "../display/jupyter.ts";
import { toSvg } from "./render.ts";

/**
 * The MIME type JupyterLab and VS Code render Vega-Lite 5 specs from.
 *
 * @example The key of the spec in a chart's bundle
 * ```ts
 * import { chart, VEGA_LITE_MIME } from "./chart.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const spec = { data: { values: [{ a: 1 }] }, mark: "point" as const };
 * assert.deepEqual((await chart(spec)[JUPYTER_DISPLAY]())[VEGA_LITE_MIME], spec);
 * ```
 */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** What a {@linkcode Chart} shows as in a notebook: the spec, its SVG rendering and a title. */
export interface ChartBundle {
  /** The Vega-Lite spec, drawn interactively by JupyterLab and VS Code. */
  [VEGA_LITE_MIME]: VegaLiteSpec;
  /** The same chart as a static SVG, for frontends and exports without Vega-Lite (nbconvert). */
  "image/svg+xml": string;
  /** One line naming the chart, for plain-text frontends. */
  "text/plain": string;
}

/**
 * A Vega-Lite spec that shows itself in a notebook: as a cell's last expression (or through
 * `Deno.jupyter.display`) it is sent as one MIME bundle holding the spec, its SVG rendering and
 * a line of text. JupyterLab and VS Code draw the spec; nbconvert's HTML, which has no Vega-Lite
 * renderer, shows the SVG.
 *
 * The display method is async (the SVG is rendered on demand, once): Deno's kernel awaits it,
 * as `Deno.jupyter.Displayable` allows. The spec is copied on construction, so later changes to
 * the object passed in do not reach the chart.
 *
 * @example The bundle of a small chart
 * ```ts
 * import { Chart, VEGA_LITE_MIME } from "./chart.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const chart = new Chart({
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   title: "Accuracy",
 *   data: { values: [{ run: "a", accuracy: 0.9 }] },
 *   mark: "bar",
 *   encoding: { x: { field: "run", type: "nominal" }, y: { field: "accuracy", type: "quantitative" } },
 * });
 * const bundle = await chart[JUPYTER_DISPLAY](); // JUPYTER_DISPLAY is Symbol.for("Jupyter.display")
 * assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]);
 * assert.deepEqual(bundle[VEGA_LITE_MIME], chart.spec);
 * assert.equal(bundle["text/plain"], "Vega-Lite chart: Accuracy");
 * ```
 */
export class Chart {
  /** The chart's Vega-Lite spec (a copy of the one given). */
  readonly spec: VegaLiteSpec;
  #svg: Promise<string> | undefined;

  /** Wraps a copy of `spec`. */
  constructor(spec: AnyVegaLiteSpec) {
    this.spec = structuredClone(spec) as VegaLiteSpec;
  }

  /** The chart's title as text: its `title` (or title's `text`), else its `description`. */
  get title(): string {
    const { title, description } = this.spec as { title?: unknown; description?: unknown };
    const text = typeof title === "object" && title !== null
      ? (title as { text?: unknown }).text
      : title;
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.join(" ");
    return typeof description === "string" ? description : "";
  }

  /** The chart rendered to SVG by {@linkcode toSvg}; rendered on the first call, then kept. */
  svg(): Promise<string> {
    this.#svg ??= toSvg(this.spec).catch((error) => {
      this.#svg = undefined; // let a later call try again
      throw error;
    });
    return this.#svg;
  }

  /** One MIME bundle: the spec, its SVG and a line of text, for Jupyter. */
  async [JUPYTER_DISPLAY](): Promise<ChartBundle> {
    return {
      [VEGA_LITE_MIME]: this.spec,
      "image/svg+xml": await this.svg(),
      "text/plain": this.toString(),
    };
  }

  /** `Vega-Lite chart: <title>`, or `Vega-Lite chart` when untitled. */
  toString(): string {
    const title = this.title;
    return title === "" ? "Vega-Lite chart" : `Vega-Lite chart: ${title}`;
  }

  /** Readable text in `console.log` and the REPL. */
  [DENO_INSPECT](): string {
    return this.toString();
  }
}

/**
 * Wraps a spec as a {@linkcode Chart}, ready to be a notebook cell's last expression:
 * `chart(paramVsMetric(runs, { param: "max_depth", metric: "test_accuracy" }))`.
 *
 * @example An untitled scatter plot
 * ```ts
 * import { chart } from "./chart.ts";
 * import assert from "node:assert/strict";
 *
 * const c = chart({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
 * assert.match(await c.svg(), /<svg/);
 * assert.equal(String(c), "Vega-Lite chart");
 * ```
 */
export function chart(spec: AnyVegaLiteSpec): Chart {
  return new Chart(spec);
}
