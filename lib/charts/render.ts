import { asTopLevel } from "./_runs.ts";
import type { AnyVegaLiteSpec } from "./spec.ts";
import { badScale } from "./_messages.ts";
import { loadVega } from "./_vega.ts";

/** Options of {@linkcode toSvg}. */
export interface ToSvgOptions {
  /** Multiplies the SVG's width and height (its `viewBox` stays the same). @default 1 */
  scale?: number;
  /**
   * Receives each warning Vega-Lite gives while compiling, instead of the console.
   * @default `console.warn`
   */
  onWarning?: (message: string) => void;
}

/**
 * Renders a Vega-Lite spec to an SVG string in-process: Vega-Lite compiles it to Vega, and a
 * headless Vega view (`renderer: "none"`) draws it, with no browser, canvas or network (data
 * must be inline). Axis titles, labels and legends are real `<text>` elements; without a
 * canvas their widths are estimated, which is close enough for layout.
 *
 * The spec is not modified (Vega works on a copy, as it tags the data objects it reads). A small
 * chart takes a few milliseconds once vega is loaded (the first call imports it).
 *
 * @example A bar chart
 * ```ts
 * import { toSvg } from "./render.ts";
 * import assert from "node:assert/strict";
 *
 * const svg = await toSvg({
 *   $schema: "https://vega.github.io/schema/vega-lite/v5.json",
 *   data: { values: [{ model: "knn", accuracy: 0.91 }, { model: "forest", accuracy: 0.94 }] },
 *   mark: "bar",
 *   encoding: {
 *     x: { field: "model", type: "nominal" },
 *     y: { field: "accuracy", type: "quantitative" },
 *   },
 * });
 * assert.match(svg, /^<svg/);
 * assert.match(svg, /<text[^>]*>forest<\/text>/);
 * ```
 */
export async function toSvg(spec: AnyVegaLiteSpec, options: ToSvgOptions = {}): Promise<string> {
  const { scale = 1, onWarning } = options;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(badScale(scale));
  }
  const { vega, vl } = await loadVega();
  const logger = onWarning === undefined ? undefined : warningLogger(vega, onWarning);
  // Vega tags every data object it ingests (a symbol-keyed id), so it gets a copy, not `spec`.
  const input = asTopLevel(structuredClone(spec));
  const compiled = vl.compile(input, logger === undefined ? {} : { logger });
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: "none",
    logLevel: vega.Warn,
  });
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}

/** A Vega logger that sends warnings to `onWarning` and errors to the console. */
function warningLogger(
  vega: typeof import("npm:vega@5.33.1"),
  onWarning: (message: string) => void,
) {
  const base = vega.logger(vega.Warn);
  const logger = {
    level(_?: number) {
      return _ === undefined ? base.level() : logger;
    },
    error(...args: readonly unknown[]) {
      base.error(...args);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      onWarning(args.map(String).join(" "));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as ReturnType<typeof vega.logger>;
}
