/**
 * Experiment tracking in MLflow's file-store layout or on an MLflow tracking server: the fluent
 * API (`setExperiment`, `startRun`, `logParam`, `logMetric`, `searchRuns`, …), the two stores
 * underneath, syncing a local store to a server, entities and the search grammar.
 *
 * @example Log a run and find it again
 * ```ts
 * import { logMetric, logParam, searchRuns, setExperiment, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await setExperiment("demo");
 * await withRun({ runName: "knn-5" }, async () => {
 *   await logParam("n_neighbors", 5);
 *   await logMetric("test_accuracy", 0.93);
 * });
 * const [best] = await searchRuns({ orderBy: ["metrics.test_accuracy DESC"] });
 * assert.equal(best?.data.params.n_neighbors, "5");
 * ```
 *
 * @module
 */

export * from "./entities.ts";
export { type ErrorCode, MlflowError } from "./errors.ts";
export * from "./fluent.ts";
export { JUPYTER_DISPLAY, Run, RunList, runsTableHtml, type RunsTableOptions } from "./run.ts";
export type {
  Awaitable,
  CreateRunOptions,
  RunInfoChanges,
  StoreSearchExperimentsOptions,
  TrackingStore,
} from "./backend.ts";
export { BATCH_LIMITS, isServerUri, type RestOptions, RestStore } from "./rest.ts";
export {
  DIGEST_TAG,
  MANIFEST_TAG,
  SOURCE_MODEL_TAG,
  SOURCE_RUN_TAG,
  type SyncCounts,
  type SyncEvent,
  type SyncOptions,
  type SyncOutcome,
  type SyncReport,
  syncStore,
} from "./sync.ts";
export {
  type Batch,
  FileStore,
  type MetricInput,
  type SearchResult,
  type SkippedRun,
  type ViewType,
} from "./store.ts";
export {
  compileExperimentFilter,
  compileFilter,
  compileOrderBy,
  EXPERIMENT_GRAMMAR,
  type Grammar,
  parseFilter,
  parseOrderBy,
  RUN_GRAMMAR,
  sortExperiments,
} from "./search.ts";
