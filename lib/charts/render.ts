import { asTopLevel } from "./_runs.ts";
import type { AnyVegaLiteSpec } from "./spec.ts";
import { badScale } from "./_messages.ts";
import { loadVega } from "./_vega.ts";
import { type CompileWarning, fromTemplate, recordingLogger, splitValues } from "./_templates.ts";
import { drawingKey, keepDrawing, keptDrawing } from "./_drawings.ts";

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
 * chart takes a few milliseconds once vega is loaded (the first call imports it), and about a
 * third of that when the same chart was drawn before with other data: a spec with its data inline
 * at the top (`data: { values }`, as every builder here writes it) is compiled to Vega once per
 * layout — the spec less those values, for the 32 layouts drawn last — and each drawing builds
 * a new view of that layout with its own values, so the SVG is the one the whole spec draws. A
 * spec drawn lately at the same scale (one of the last 32) is not drawn again: its SVG is
 * returned (with the same numbering of legend gradients inside it) and its warnings given again.
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
  const compileWarning = onWarning === undefined
    // Vega-Lite's own logger prints "WARN" and the message; onWarning gets the message.
    ? (w: CompileWarning) => console.warn("WARN", ...w)
    : (w: CompileWarning) => onWarning(w.map(String).join(" "));
  const key = drawingKey(spec, scale);
  const kept = key === null ? undefined : keptDrawing(key);
  if (kept !== undefined) {
    kept.compileWarnings.forEach(compileWarning);
    for (const w of kept.viewWarnings) console.warn("WARN", ...w);
    return kept.svg;
  }
  const { vega, vl } = await loadVega();
  const split = splitValues(spec);
  let drawn = split === null ? null : await fromTemplate(split.key, split.values);
  if (drawn === null) {
    // Vega tags every data object it ingests (a symbol-keyed id), so it gets a copy, not `spec`.
    const input = asTopLevel(structuredClone(spec));
    const warnings: CompileWarning[] = [];
    const compiled = vl.compile(input, { logger: recordingLogger(vega, warnings) });
    drawn = { runtime: vega.parse(compiled.spec), warnings };
  }
  drawn.warnings.forEach(compileWarning);
  const viewWarnings: CompileWarning[] = [];
  const view = new vega.View(drawn.runtime, {
    renderer: "none",
    logger: recordingLogger(vega, viewWarnings),
    logLevel: vega.Warn,
  });
  let svg: string;
  try {
    svg = await view.toSVG(scale);
  } finally {
    view.finalize();
    for (const w of viewWarnings) console.warn("WARN", ...w);
  }
  if (key !== null) {
    keepDrawing(key, { svg, compileWarnings: drawn.warnings, viewWarnings });
  }
  return svg;
}
