/**
 * The store contract: what the tracking API needs of a place that records runs, and the option
 * and result types it speaks in. Two stores implement it — {@linkcode FileStore} (a local
 * `mlruns/` folder in MLflow's file-store layout) and {@linkcode RestStore} (an MLflow tracking
 * server) — each owning its own layout, logged models included. Both validate input the same
 * way and raise the same `MlflowError`s.
 *
 * @module
 */

import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LoggedModelInfo,
  LoggedModelStatus,
  Metric,
  RunStatus,
} from "./entities.ts";
import type { Run } from "./run.ts";

/** A value, or a Promise of it: the file store answers synchronously, a server does not. */
export type Awaitable<T> = T | Promise<T>;

/** A metric point to log; `timestamp` and `step` default to now and 0. */
export interface MetricInput {
  /** Metric name. */
  key: string;
  /** Any number; NaN and ±Infinity are valid. */
  value: number;
  /** Milliseconds since the epoch. @default Date.now() */
  timestamp?: number;
  /** Integer step. @default 0 */
  step?: number;
}

/** What one {@linkcode TrackingStore.logBatch} call records. */
export interface Batch {
  /** Metric points, appended to each key's history. */
  metrics?: MetricInput[];
  /** Params; a key already logged must keep its value. */
  params?: Record<string, unknown>;
  /** Tags; overwritten freely. */
  tags?: Record<string, unknown>;
}

/** Which lifecycle stages a search covers. */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

/** Options of {@linkcode TrackingStore.searchExperiments} (and of the fluent `searchExperiments`). */
export interface SearchExperimentsOptions {
  /** Active, deleted or all experiments. @default "ACTIVE_ONLY" */
  viewType?: ViewType;
  /** MLflow's experiment filter, e.g. `name LIKE 'rf%' and tags.team = 'ml'`. */
  filter?: string;
  /** MLflow's experiment order-by. @default ["creation_time DESC", "experiment_id ASC"] */
  orderBy?: string[];
  /** At most this many (1 … 50,000). @default 1000 */
  maxResults?: number;
}

/**
 * Options of {@linkcode TrackingStore.searchRuns}: the experiments by id, and what to return in
 * which order (the fluent `searchRuns` also takes experiment names).
 */
export interface StoreSearchRunsOptions {
  /** Experiments to search. */
  experimentIds: string[];
  /** MLflow filter, e.g. `metrics.acc > 0.9 and params.k = '5'`. */
  filter?: string;
  /** MLflow order-by clauses, e.g. `["metrics.acc DESC"]`. */
  orderBy?: string[];
  /**
   * At most this many runs: an integer up to 50,000, sliced as MLflow's file store slices (0
   * gives no runs, `-n` all but the last n). @default 1000
   */
  maxResults?: number;
  /** Which runs by lifecycle stage. @default "ACTIVE_ONLY" */
  runViewType?: ViewType;
}

/** A run the reader could not read, skipped by a search. */
export interface SkippedRun {
  /** The run's folder. */
  path: string;
  /** Why it was skipped. */
  reason: string;
}

/** Runs found by a search, with the ones skipped as malformed. */
export interface SearchResult {
  /** Matching runs in MLflow's order. */
  runs: Run[];
  /** Malformed runs that were skipped (and reported with `console.warn`). */
  skipped: SkippedRun[];
}

/** Options of {@linkcode TrackingStore.createRun}. */
export interface CreateRunOptions {
  /** Experiment id. */
  experimentId: string;
  /** Display name; generated when omitted. */
  runName?: string;
  /** Who runs it. */
  userId?: string;
  /** Milliseconds since the epoch. @default Date.now() */
  startTime?: number;
  /** Tags set at creation. */
  tags?: Record<string, unknown>;
}

/** Changes {@linkcode TrackingStore.updateRunInfo} applies. */
export interface RunInfoChanges {
  /** New status. */
  status?: RunStatus;
  /** End time in ms, or null to clear it (a resumed run). */
  endTime?: number | null;
  /** New display name. */
  runName?: string;
}

/** Options of {@linkcode TrackingStore.createLoggedModel}. */
export interface CreateLoggedModelOptions {
  /** The experiment the model belongs to. */
  experimentId: string;
  /** The model's name, e.g. `"model"` (no `/ : . % " '`). */
  name: string;
  /** The run that produced it. */
  sourceRunId?: string;
  /** Params recorded with the model. */
  params?: Record<string, string>;
  /** Tags recorded with the model. */
  tags?: Record<string, string>;
}

/** A logged model a run produced (`run.outputs.model_outputs` in MLflow). */
export interface RunOutput {
  /** The logged model's id. */
  modelId: string;
  /** The step it belongs to. */
  step: number;
}

/** Options of {@linkcode TrackingStore.searchLoggedModels}. */
export interface SearchLoggedModelsOptions {
  /** Experiments whose models to list. */
  experimentIds: string[];
  /** At most this many (1 … 50,000). @default 1000 */
  maxResults?: number;
}

/**
 * A tracking store: experiments, runs, logging, search, artifacts, and MLflow 3's logged models
 * with the run outputs that link them to runs.
 *
 * @example Any store, used the same way
 * ```ts
 * import type { TrackingStore } from "./store.ts";
 * import { FileStore } from "./file_store.ts";
 * import assert from "node:assert/strict";
 *
 * async function logOne(store: TrackingStore): Promise<number> {
 *   const run = await store.createRun({ experimentId: "0", runName: "one" });
 *   await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.5 }] });
 *   return (await store.getRun(run.info.runId)).data.metrics.acc!;
 * }
 * const store = new FileStore((await Deno.makeTempDir()) + "/mlruns");
 * assert.equal(await logOne(store), 0.5);
 * ```
 */
export interface TrackingStore {
  /** The tracking URI this store answers for (`file:///…` or `http(s)://…`). */
  readonly uri: string;
  /** Makes sure the store is usable (creates a local store's Default experiment). */
  ensureRoot(): Awaitable<void>;

  /** Creates an experiment and returns its id; the name must be new. */
  createExperiment(name: string, tags?: Record<string, string>): Awaitable<string>;
  /** The experiment with this id; throws RESOURCE_DOES_NOT_EXIST. */
  getExperiment(id: string): Awaitable<Experiment>;
  /** The experiment with this name (active or deleted), or null. */
  getExperimentByName(name: string): Awaitable<Experiment | null>;
  /** Sets a tag on an experiment. */
  setExperimentTag(id: string, key: string, value: string): Awaitable<void>;
  /** Experiments matching an MLflow experiment filter, in MLflow's order. */
  searchExperiments(options?: SearchExperimentsOptions): Awaitable<Experiment[]>;

  /** Creates a RUNNING run. */
  createRun(options: CreateRunOptions): Awaitable<Run>;
  /** A run by id: info, params, latest metrics, tags. */
  getRun(runId: string): Awaitable<Run>;
  /** Updates status, end time and/or name of an active run. */
  updateRunInfo(runId: string, changes: RunInfoChanges): Awaitable<unknown>;
  /** Marks a run deleted or active again. */
  setRunLifecycle(runId: string, stage: "active" | "deleted"): Awaitable<void>;
  /** Records params, metric points and tags; resolves once the store holds them. */
  logBatch(runId: string, batch: Batch): Awaitable<void>;
  /** Removes a tag. */
  deleteTag(runId: string, key: string): Awaitable<void>;
  /** A metric's full history, in logging order. */
  getMetricHistory(runId: string, key: string): Awaitable<Metric[]>;
  /** Runs matching an MLflow filter, in MLflow's order. */
  searchRuns(options: StoreSearchRunsOptions): Awaitable<SearchResult>;

  /** Copies a local file into a run's artifacts. */
  logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void>;
  /** Copies a local folder's files into a run's artifacts. */
  logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void>;
  /** Writes one artifact file from memory. */
  writeArtifact(runId: string, artifactFile: string, content: string | Uint8Array): Promise<void>;
  /** One level of a run's artifacts, sorted by path. */
  listArtifacts(runId: string, path?: string): Awaitable<FileInfo[]>;
  /** The bytes of one artifact file. */
  readArtifact(runId: string, path: string): Promise<Uint8Array>;
  /**
   * One artifact file as a stream of its bytes, to read a large file without holding it in
   * memory; RESOURCE_DOES_NOT_EXIST when there is no such file.
   */
  openArtifact(runId: string, path: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * A local path holding the artifact (file or folder) `path`: the file store's own path, or a
   * copy downloaded into `dstPath` (a fresh temporary folder when omitted).
   */
  downloadArtifacts(runId: string, path?: string, dstPath?: string): Promise<string>;

  /**
   * Creates a logged model in LOGGED_MODEL_PENDING state and returns it, with the artifact
   * location its files go to. A store may also record the source run's latest metrics with it
   * (the file store does, as MLflow 3's `log_model` does).
   */
  createLoggedModel(options: CreateLoggedModelOptions): Awaitable<LoggedModelInfo>;
  /** Sets a logged model's final status once its files are written (or failed to be). */
  finalizeLoggedModel(
    modelId: string,
    status: Exclude<LoggedModelStatus, "LOGGED_MODEL_PENDING">,
  ): Awaitable<void>;
  /** A logged model by id (`m-` and 32 hex characters); throws RESOURCE_DOES_NOT_EXIST. */
  getLoggedModel(modelId: string): Awaitable<LoggedModelInfo>;
  /** Sets tags of a logged model (a tag already set is overwritten). */
  setLoggedModelTags(modelId: string, tags: Record<string, string>): Awaitable<void>;
  /** The logged models of some experiments, newest first. */
  searchLoggedModels(options: SearchLoggedModelsOptions): Awaitable<LoggedModelInfo[]>;
  /** Writes one file of a logged model's artifacts. */
  writeLoggedModelArtifact(
    modelId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void>;
  /** One level of a logged model's artifacts, sorted by path. */
  listLoggedModelArtifacts(modelId: string, path?: string): Promise<FileInfo[]>;
  /** The bytes of one file of a logged model's artifacts. */
  readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array>;
  /** Links logged models to a run as its outputs. */
  logOutputs(runId: string, outputs: RunOutput[]): Awaitable<void>;
  /** The logged models a run produced. */
  getRunOutputs(runId: string): Awaitable<RunOutput[]>;

  /** Records datasets a run used, each with its input tags (`mlflow.data.context`). */
  logInputs(runId: string, inputs: DatasetInput[]): Awaitable<void>;
}
