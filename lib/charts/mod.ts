/**
 * Charts of runs: builders that turn runs, metric histories and confusion matrices into
 * Vega-Lite 5 specs (pure functions, data inline), {@linkcode toSvg} to render a spec in-process,
 * {@linkcode Chart} to show one in a notebook (the spec for JupyterLab and VS Code, SVG for
 * exports), {@linkcode saveChart} to keep one with a run, and {@linkcode progress} for loops.
 *
 * @example From runs to a saved chart
 * ```ts
 * import { chart, paramVsMetric, saveChart } from "./mod.ts";
 * import { searchRuns, setTrackingUri, withRun, logParam, logMetric } from "../tracking/mod.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * for (const [k, accuracy] of [[1, 0.88], [5, 0.93], [9, 0.91]] as const) {
 *   await withRun({ runName: `knn-${k}` }, async () => {
 *     await logParam("n_neighbors", k);
 *     await logMetric("test_accuracy", accuracy);
 *   });
 * }
 * const spec = paramVsMetric(await searchRuns(), { param: "n_neighbors", metric: "test_accuracy" });
 * const c = chart(spec); // a notebook cell ending with `c` shows the chart
 * const bundle = await c[JUPYTER_DISPLAY]();
 * assert.match(bundle["image/svg+xml"], /<text[^>]*>n_neighbors<\/text>/);
 * await withRun({ runName: "report" }, () => saveChart(c, "charts/k_vs_accuracy"));
 * ```
 *
 * @module
 */

export { paramVsMetric, type ParamVsMetricOptions } from "./param_vs_metric.ts";
export {
  type BarAggregate,
  groupedBars,
  type GroupedBarsOptions,
  type PlainRow,
} from "./grouped_bars.ts";
export { type MetricHistory, metricHistory, type MetricHistoryOptions } from "./metric_history.ts";
export {
  confusionMatrixHeatmap,
  type ConfusionMatrixHeatmapOptions,
} from "./confusion_matrix_heatmap.ts";
export { parallelCoordinates, type ParallelCoordinatesOptions } from "./parallel_coordinates.ts";
export { trainVsTest, type TrainVsTestOptions } from "./train_vs_test.ts";
export { toSvg, type ToSvgOptions } from "./render.ts";
export { Chart, chart, type ChartBundle, VEGA_LITE_MIME } from "./chart.ts";
export { saveChart, type SavedChart } from "./save_chart.ts";
export {
  type Progress,
  progress,
  type ProgressExtra,
  type ProgressOptions,
} from "../display/progress.ts";
export {
  type DisplayFn,
  type DisplayOptions,
  type HtmlBundle as ProgressBundle,
} from "../display/jupyter.ts";
export { type RunLike, VEGA_LITE_SCHEMA } from "./_runs.ts";
export type { AnyVegaLiteSpec, VegaLiteSpec } from "./spec.ts";
