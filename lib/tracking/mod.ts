/**
 * Experiment tracking in MLflow's file-store layout or on an MLflow tracking server: the fluent
 * API (`setExperiment`, `startRun`, `logParam`, `logMetric`, `searchRuns`, …), MLflow's model
 * registry (`registerModel`, versions, aliases, tags), the store and registry contracts and
 * their two stores each, syncing a local store to a server, entities and errors.
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
export { ERROR_CODES, type ErrorCode, MlflowError } from "./errors.ts";
export * from "./fluent.ts";
export { getStore, getTrackingUri, setTrackingUri } from "./tracking_uri.ts";
export * from "./registry.ts";
export { getRegistry, getRegistryUri, setRegistryUri } from "./registry_uri.ts";
export type {
  CreateModelVersionOptions,
  CreateRegisteredModelOptions,
  RegistryStore,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
} from "./registry_store.ts";
export { FileRegistry, type FileRegistryOptions, MODEL_VERSIONS_TAG } from "./file_registry.ts";
export { RestRegistry } from "./rest_registry.ts";
export {
  type ModelFiles,
  type ModelStores,
  type ParsedModelUri,
  parseModelUri,
  resolveModelUri,
} from "./model_uri.ts";
export { Run, RunList } from "./run.ts";
export type {
  Awaitable,
  Batch,
  CreateLoggedModelOptions,
  CreateRunOptions,
  MetricInput,
  RunInfoChanges,
  RunOutput,
  SearchExperimentsOptions,
  SearchLoggedModelsOptions,
  SearchResult,
  SkippedRun,
  StoreSearchRunsOptions,
  TrackingStore,
  ViewType,
} from "./store.ts";
export { FileStore } from "./file_store.ts";
export { RestStore } from "./rest_store.ts";
export type { RestOptions } from "./http.ts";
export {
  openRegistry,
  type OpenRegistryOptions,
  openStore,
  type OpenStoreOptions,
} from "./store_factory.ts";
export { isServerUri } from "./uri.ts";
export { numpyDataset, type NumpyDatasetOptions } from "./dataset.ts";
export { isStale, PROCESS_TAG, type RunProcess } from "./process.ts";
export { type TidiedRun, type TidyOptions, tidyRuns } from "./tidy.ts";
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
