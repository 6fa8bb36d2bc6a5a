/**
 * What the fluent API needs of a place that records runs. Two stores implement it: the
 * `FileStore` (a local `mlruns/` folder) and the `RestStore` (an MLflow
 * tracking server, spoken to over its REST API). Both validate input the same way and raise the
 * same `MlflowError`s.
 *
 * @module
 */

import type { Experiment, FileInfo, Metric, RunStatus } from "./entities.ts";
import type { Run } from "./run.ts";
import type { Batch, SearchResult, SearchRunsOptions, ViewType } from "./store.ts";

/** A value, or a Promise of it: the file store answers synchronously, a server does not. */
export type Awaitable<T> = T | Promise<T>;

/** Options of {@linkcode TrackingStore.searchExperiments}. */
export interface StoreSearchExperimentsOptions {
  /** Active, deleted or all experiments. @default "ACTIVE_ONLY" */
  viewType?: ViewType;
  /** MLflow's experiment filter. */
  filter?: string;
  /** MLflow's experiment order-by. */
  orderBy?: string[];
  /** At most this many (1 … 50,000). @default 1000 */
  maxResults?: number;
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

/**
 * A tracking store: experiments, runs, logging, search and artifacts.
 *
 * @example Any store, used the same way
 * ```ts
 * import type { TrackingStore } from "./backend.ts";
 * import { FileStore } from "./store.ts";
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
  /** Experiments matching an MLflow experiment filter, in MLflow's order. */
  searchExperiments(options?: StoreSearchExperimentsOptions): Awaitable<Experiment[]>;
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
  /** A metric's full history. */
  getMetricHistory(runId: string, key: string): Awaitable<Metric[]>;
  /** Runs matching an MLflow filter, in MLflow's order. */
  searchRuns(options: SearchRunsOptions): Awaitable<SearchResult>;
  /** Copies a local file into a run's artifacts. */
  logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void>;
  /** Copies a local folder's files into a run's artifacts. */
  logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void>;
  /** Writes one artifact file from memory. */
  writeArtifact(runId: string, artifactFile: string, content: string | Uint8Array): Promise<void>;
  /** One level of a run's artifacts. */
  listArtifacts(runId: string, path?: string): Awaitable<FileInfo[]>;
  /** The bytes of one artifact file. */
  readArtifact(runId: string, path: string): Promise<Uint8Array>;
  /**
   * A local path holding the artifact (file or folder) `path`: the file store's own path, or a
   * copy downloaded into `dstPath` (a fresh temporary folder when omitted).
   */
  downloadArtifacts(runId: string, path?: string, dstPath?: string): Promise<string>;
}
