import type { AnyVegaLiteSpec } from "./spec.ts";
import { logText } from "../tracking/mod.ts";
import { badArtifactName } from "./_messages.ts";
import { Chart } from "./chart.ts";

/** The artifact paths {@linkcode saveChart} wrote, relative to the run's artifact root. */
export interface SavedChart {
  /** The spec as indented JSON: `<name>.vl.json`. */
  spec: string;
  /** The rendered chart: `<name>.svg`. */
  svg: string;
}

/**
 * Saves a chart on the active run (starting one if none is active, as every logging call does)
 * as two artifacts: the Vega-Lite spec `<name>.vl.json`, which the Vega editor and MLflow's
 * artifact view open, and the rendered `<name>.svg`.
 *
 * `name` is an artifact path without extension, e.g. `"accuracy"` or `"charts/accuracy"`.
 *
 * @example A line chart saved on a run
 * ```ts
 * import { saveChart } from "./save_chart.ts";
 * import { artifactPath, setTrackingUri, withRun } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const spec = {
 *   data: { values: [{ k: 1, acc: 0.9 }, { k: 5, acc: 0.93 }] },
 *   mark: "line" as const,
 *   encoding: {
 *     x: { field: "k", type: "quantitative" as const },
 *     y: { field: "acc", type: "quantitative" as const },
 *   },
 * };
 * const runId = await withRun({ runName: "charts" }, async (run) => {
 *   assert.deepEqual(await saveChart(spec, "charts/accuracy"), {
 *     spec: "charts/accuracy.vl.json",
 *     svg: "charts/accuracy.svg",
 *   });
 *   return run.info.runId;
 * });
 * const folder = await artifactPath(runId, "charts");
 * assert.deepEqual(JSON.parse(await Deno.readTextFile(`${folder}/accuracy.vl.json`)), spec);
 * assert.match(await Deno.readTextFile(`${folder}/accuracy.svg`), /^<svg/);
 * ```
 */
export async function saveChart(chart: Chart | AnyVegaLiteSpec, name: string): Promise<SavedChart> {
  if (typeof name !== "string" || !/[^/]$/.test(name) || /\.(vl\.json|svg)$/i.test(name)) {
    throw new TypeError(badArtifactName(name));
  }
  const c = chart instanceof Chart ? chart : new Chart(chart);
  const svg = await c.svg();
  const saved = { spec: `${name}.vl.json`, svg: `${name}.svg` };
  await logText(JSON.stringify(c.spec, null, 2) + "\n", saved.spec);
  await logText(svg, saved.svg);
  return saved;
}
