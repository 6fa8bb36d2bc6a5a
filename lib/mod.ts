/**
 * Experiment tracking for machine-learning work in Deno notebooks: runs recorded in MLflow's
 * file-store layout (`mlruns/`), so MLflow's own UI and clients read them, or on an MLflow
 * tracking server (`setTrackingUri("http://…")`), and local runs synced to one later.
 *
 * @example
 * ```ts
 * import { getRun, logMetric, logParam, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({ runName: "first" }, async (run) => {
 *   await logParam("max_depth", 3);
 *   await logMetric("test_accuracy", 0.916);
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(runId)).data.params.max_depth, "3");
 * ```
 *
 * @module
 */

export * from "./tracking/mod.ts";
export * from "./data/mod.ts";
export * from "./metrics/mod.ts";
export * from "./models/mod.ts";
export * from "./flavor/mod.ts";
export * from "./charts/mod.ts";
export * from "./experiment/mod.ts";
