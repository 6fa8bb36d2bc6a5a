/**
 * Experiment tracking for machine-learning work in Deno notebooks: runs recorded in MLflow's
 * file-store layout (`mlruns/`), so MLflow's own UI and clients read them, or on an MLflow
 * tracking server (`setTrackingUri("http://…")`); seeded data, k-neighbours and random-forest
 * pipelines, scikit-learn's metrics, and Vega-Lite charts that render in notebooks and reports.
 *
 * This entry point holds what a notebook needs. The package's other entry points hold the rest:
 * `./tracking` (the stores, the store contract, sync), `./data`, `./models`, `./metrics`,
 * `./charts`, `./display`, `./flavor` and `./experiment`.
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

// Tracking: MLflow's fluent API, its entities and its error.
export {
  activeRun,
  activeRunId,
  artifactPath,
  createExperiment,
  deleteTag,
  downloadArtifacts,
  endRun,
  getExperiment,
  getExperimentByName,
  getMetricHistory,
  getRun,
  listArtifacts,
  loadDict,
  loadText,
  logArtifact,
  logArtifacts,
  logDict,
  logInput,
  type LogInputOptions,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  logText,
  type MetricOptions,
  searchExperiments,
  searchRuns,
  type SearchRunsOptions,
  setExperiment,
  setTag,
  setTags,
  startRun,
  type StartRunOptions,
  withRun,
} from "./tracking/fluent.ts";
export { getTrackingUri, setTrackingUri } from "./tracking/tracking_uri.ts";
// MLflow's model registry: registered models, versions, aliases, tags.
export {
  createRegisteredModel,
  deleteModelVersion,
  deleteModelVersionTag,
  deleteRegisteredModel,
  deleteRegisteredModelAlias,
  deleteRegisteredModelTag,
  getModelVersion,
  getModelVersionByAlias,
  getRegisteredModel,
  registerModel,
  type RegisterModelOptions,
  renameRegisteredModel,
  searchModelVersions,
  searchRegisteredModels,
  setModelVersionTag,
  setRegisteredModelAlias,
  setRegisteredModelTag,
  updateModelVersion,
  updateRegisteredModel,
} from "./tracking/registry.ts";
export { getRegistryUri, setRegistryUri } from "./tracking/registry_uri.ts";
export type {
  CreateRegisteredModelOptions,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
} from "./tracking/registry_store.ts";
export { numpyDataset, type NumpyDatasetOptions } from "./tracking/dataset.ts";
export type { SearchExperimentsOptions, ViewType } from "./tracking/store.ts";
export {
  type Dataset,
  type DatasetInput,
  type Experiment,
  type FileInfo,
  type LifecycleStage,
  type Metric,
  type ModelVersion,
  type RegisteredModel,
  RUN_STATUSES,
  type RunData,
  type RunInfo,
  type RunInputs,
  type RunStatus,
} from "./tracking/entities.ts";
export { ERROR_CODES, type ErrorCode, MlflowError } from "./tracking/errors.ts";
export { Run, RunList } from "./tracking/run.ts";

// Models logged with a run, loaded back, and hyperparameters logged as models train.
export {
  autolog,
  type AutologOptions,
  FLAVOR,
  loadModel,
  type LoggedModel,
  logModel,
  type LogModelOptions,
  runModels,
} from "./flavor/mod.ts";

// Data, models, metrics.
export * from "./data/mod.ts";
export * from "./metrics/mod.ts";
export {
  FastKNeighborsClassifier,
  type KNeighborsOptions,
  loadPipeline,
  MODEL_KINDS,
  type ModelKind,
  type ModelParams,
  type ParamValue,
  type Pipeline,
  type PipelineJSON,
  type RandomForestOptions,
  StandardScaler,
  type StandardScalerJSON,
  trainKNeighbors,
  type TrainOptions,
  trainRandomForest,
} from "./models/mod.ts";

// Charts and notebook display.
export * from "./charts/mod.ts";
export { type HtmlBundle, JUPYTER_DISPLAY } from "./display/mod.ts";

// The original project's two training scripts, as functions.
export * from "./experiment/mod.ts";
