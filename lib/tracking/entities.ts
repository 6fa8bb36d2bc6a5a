/**
 * MLflow's entities in camelCase: experiments, runs (info + data), metric history points and
 * artifact listings.
 *
 * @module
 */

/**
 * Run statuses, in MLflow's enum order (RUNNING = 1 … KILLED = 5, as stored in meta.yaml).
 *
 * @example The number a file store's meta.yaml holds for a status
 * ```ts
 * import { RUN_STATUSES } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RUN_STATUSES.indexOf("FINISHED") + 1, 3);
 * ```
 */
export const RUN_STATUSES = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] as const;
/** A run's status name. */
export type RunStatus = typeof RUN_STATUSES[number];

/** Lifecycle stages of runs and experiments. */
export type LifecycleStage = "active" | "deleted";

/** An experiment, as `mlflow.get_experiment` returns it. */
export interface Experiment {
  /** Decimal id, e.g. `"0"` for Default. */
  experimentId: string;
  /** Unique name. */
  name: string;
  /** Where its runs' artifacts go, a `file:` URI. */
  artifactLocation: string;
  /** `active`, or `deleted` once moved to `.trash`. */
  lifecycleStage: LifecycleStage;
  /** Milliseconds since the epoch, or null in stores older than MLflow 1.29. */
  creationTime: number | null;
  /** Milliseconds since the epoch, or null. */
  lastUpdateTime: number | null;
  /** Experiment tags. */
  tags: Record<string, string>;
}

/** A run's metadata (`run.info` in MLflow). */
export interface RunInfo {
  /** 32 lowercase hex characters. */
  runId: string;
  /** The experiment the run belongs to. */
  experimentId: string;
  /** Display name, mirrored in the `mlflow.runName` tag. */
  runName: string;
  /** Who ran it (`mlflow.user`). */
  userId: string;
  /** RUNNING until ended. */
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** Milliseconds since the epoch, or null while running. */
  endTime: number | null;
  /** `file:` URI of the run's artifact folder. */
  artifactUri: string;
  /** `active` or `deleted`. */
  lifecycleStage: LifecycleStage;
}

/** A run's logged data (`run.data` in MLflow). */
export interface RunData {
  /** Params, as logged (strings). */
  params: Record<string, string>;
  /** The latest value of each metric (greatest step, then timestamp, then value). */
  metrics: Record<string, number>;
  /** Tags, system tags (`mlflow.*`) included. */
  tags: Record<string, string>;
}

/** One point of a metric's history. */
export interface Metric {
  /** Metric name. */
  key: string;
  /** The value; NaN and ±Infinity are kept. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Integer step. */
  step: number;
}

/** One entry of an artifact listing. */
export interface FileInfo {
  /** Path relative to the run's artifact root, with `/` separators. */
  path: string;
  /** Whether it is a folder. */
  isDir: boolean;
  /** Size in bytes (files only). */
  fileSize?: number;
}

/**
 * Logged-model statuses, in MLflow's enum order (UNSPECIFIED = 0 … UPLOAD_FAILED = 3, as a file
 * store's meta.yaml holds them).
 *
 * @example
 * ```ts
 * import { LOGGED_MODEL_STATUSES } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(LOGGED_MODEL_STATUSES.indexOf("LOGGED_MODEL_READY"), 2);
 * ```
 */
export const LOGGED_MODEL_STATUSES = [
  "LOGGED_MODEL_STATUS_UNSPECIFIED",
  "LOGGED_MODEL_PENDING",
  "LOGGED_MODEL_READY",
  "LOGGED_MODEL_UPLOAD_FAILED",
] as const;
/** A logged model's status name. */
export type LoggedModelStatus = typeof LOGGED_MODEL_STATUSES[number];

/** An MLflow 3 logged model, as `MlflowClient.get_logged_model` returns it. */
export interface LoggedModelInfo {
  /** `m-` and 32 lowercase hex characters. */
  modelId: string;
  /** The experiment it belongs to. */
  experimentId: string;
  /** Its name, e.g. `"model"`. */
  name: string;
  /** Where its files are: a `file:` URI, or a server's `mlflow-artifacts:` URI. */
  artifactLocation: string;
  /** The run that produced it, or null. */
  sourceRunId: string | null;
  /** PENDING while its files are written, then READY (or UPLOAD_FAILED). */
  status: LoggedModelStatus;
  /** Milliseconds since the epoch. */
  creationTimestamp: number;
  /** Milliseconds since the epoch. */
  lastUpdatedTimestamp: number;
  /** Params recorded with it. */
  params: Record<string, string>;
  /** Tags recorded with it. */
  tags: Record<string, string>;
}

/** A dataset as MLflow records it (`mlflow.entities.Dataset`): what data a run used. */
export interface Dataset {
  /** Its name, e.g. `"seed-train"`. */
  name: string;
  /** A short fingerprint of its contents (8 hex characters for MLflow's own datasets). */
  digest: string;
  /** The kind of source: `code`, `local`, `http`, … */
  sourceType: string;
  /** Where it came from, as JSON text (its form depends on the source type). */
  source: string;
  /** Its schema as JSON text, or null. */
  schema: string | null;
  /** Its profile (sizes, shapes) as JSON text, or null. */
  profile: string | null;
}

/** A dataset a run used, with its input tags (`mlflow.data.context`: training, testing, …). */
export interface DatasetInput {
  /** The dataset. */
  dataset: Dataset;
  /** Input tags; `mlflow.data.context` says what the run used it for. */
  tags: Record<string, string>;
}

/** What a run used (`run.inputs` in MLflow): its datasets. */
export interface RunInputs {
  /** Datasets, each with its context. */
  datasetInputs: DatasetInput[];
}

/**
 * A version of a registered model, as `MlflowClient.get_model_version` returns it: which model
 * files it names (`source`, and the logged model or run they came from), its description, tags
 * and the aliases that point at it.
 *
 * @example The version a `runs:/` registration makes of an MLflow 3 logged model
 * ```ts
 * import type { ModelVersion } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * const v: ModelVersion = {
 *   name: "knn", version: 1, creationTimestamp: 0, lastUpdatedTimestamp: 0, description: null,
 *   source: `models:/m-${"0".repeat(32)}`, runId: "a".repeat(32), modelId: `m-${"0".repeat(32)}`,
 *   status: "READY", statusMessage: null, currentStage: "None", userId: null, runLink: null,
 *   tags: {}, aliases: ["champion"],
 * };
 * assert.equal(v.source, `models:/${v.modelId}`);
 * ```
 */
export interface ModelVersion {
  /** The registered model's name. */
  name: string;
  /** Its number, counting from 1 within the registered model. */
  version: number;
  /** Milliseconds since the epoch. */
  creationTimestamp: number;
  /** Milliseconds since the epoch. */
  lastUpdatedTimestamp: number;
  /** Its description, or null. */
  description: string | null;
  /**
   * Where its files were registered from: `models:/<model_id>` for an MLflow 3 logged model,
   * `models:/<name>/<version>` for a copy of another version, a run's artifact URI for a model
   * folder under a run's artifacts.
   */
  source: string;
  /** The run that produced it, or null. */
  runId: string | null;
  /** The MLflow 3 logged model it registers, or null. */
  modelId: string | null;
  /** `READY` once created (MLflow's stores create versions ready). */
  status: string;
  /** A message about its status, or null. */
  statusMessage: string | null;
  /** Its (deprecated) stage: `None`, `Staging`, `Production` or `Archived`. */
  currentStage: string;
  /** Who created it, or null. */
  userId: string | null;
  /** A link to the run that produced it, or null. */
  runLink: string | null;
  /** Its tags. */
  tags: Record<string, string>;
  /** The aliases of its registered model that point at it, sorted. */
  aliases: string[];
}

/**
 * A registered model, as `MlflowClient.get_registered_model` returns it: a name under which
 * model versions are registered, with tags, a description, and aliases naming versions.
 *
 * @example A model whose alias `champion` names version 2
 * ```ts
 * import type { RegisteredModel } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * const model: RegisteredModel = {
 *   name: "knn", creationTimestamp: 0, lastUpdatedTimestamp: 0, description: null, tags: {},
 *   aliases: { champion: 2 }, latestVersions: [],
 * };
 * assert.equal(model.aliases.champion, 2);
 * ```
 */
export interface RegisteredModel {
  /** Its name (unique in the registry). */
  name: string;
  /** Milliseconds since the epoch. */
  creationTimestamp: number;
  /** Milliseconds since the epoch. */
  lastUpdatedTimestamp: number;
  /** Its description, or null. */
  description: string | null;
  /** Its tags. */
  tags: Record<string, string>;
  /** Its aliases, each naming a version number. */
  aliases: Record<string, number>;
  /** The newest version of each stage (with no stages in use: the newest version). */
  latestVersions: ModelVersion[];
}
