/**
 * MLflow's file store (`mlruns/`), read and written in the layout Python MLflow uses, so that
 * `mlflow ui`, `MlflowClient` and `mlflow migrate-filestore` read what this writes and this reads
 * what they wrote.
 *
 * Writes are safe with several processes logging into one store, even into one run: metric
 * points are appended with one `write` each (atomic for `O_APPEND` files; a metric's file appears
 * with its first points, hard-linked from staging, so it is never seen empty), params are created
 * with a hard link so the first value wins and a different one is refused, tags and meta.yaml
 * files are replaced by rename, and experiments and runs are built in a staging folder and
 * renamed into place, so a reader never sees half of one.
 *
 * @module
 */

import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import {
  dumpYaml,
  formatMetricLine,
  intField,
  latestPoint,
  type MetricLine,
  parseMetricLines,
  parseYaml,
  strField,
  type YamlScalar,
} from "./_format.ts";
import { invalid, MlflowError, notFound } from "./errors.ts";
import {
  type Experiment,
  type FileInfo,
  type LifecycleStage,
  type Metric,
  RUN_STATUSES,
  type RunData,
  type RunInfo,
  type RunStatus,
} from "./entities.ts";
import {
  limitValue,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  printable,
  stringifyValue,
  validateExperimentId,
  validateExperimentName,
  validateKey,
  validateMetricValue,
  validateRunId,
  validateStep,
  validateTimestamp,
} from "./validation.ts";
import { Run } from "./run.ts";
import {
  compileExperimentFilter,
  compileFilter,
  compileOrderBy,
  type RunFilter,
  sortExperiments,
} from "./search.ts";
import type { CreateRunOptions, StoreSearchExperimentsOptions, TrackingStore } from "./backend.ts";

const TRASH = ".trash";
const STAGING = ".staging.trash"; // ends in ".trash", so MLflow never lists it as an experiment
const RESERVED_IN_EXPERIMENT = new Set(["tags", "datasets", "traces", "models"]);
const DEFAULT_EXPERIMENT_ID = "0";

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

/** What one {@linkcode FileStore.logBatch} call records. */
export interface Batch {
  /** Metric points, appended to each key's history. */
  metrics?: MetricInput[];
  /** Params; a key already logged must keep its value. */
  params?: Record<string, unknown>;
  /** Tags; overwritten freely. */
  tags?: Record<string, unknown>;
}

/** Options of {@linkcode FileStore.searchRuns}. */
export interface SearchRunsOptions {
  /** Experiments to search. */
  experimentIds: string[];
  /** MLflow filter, e.g. `metrics.acc > 0.9 and params.k = '5'`. */
  filter?: string;
  /** MLflow order-by clauses, e.g. `["metrics.acc DESC"]`. */
  orderBy?: string[];
  /** At most this many runs (1 … 50,000). @default 1000 */
  maxResults?: number;
  /** Which runs by lifecycle stage. @default "ACTIVE_ONLY" */
  runViewType?: ViewType;
}

/** Which lifecycle stages a search covers. */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

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

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

function listDirs(path: string): string[] {
  try {
    const out: string[] = [];
    for (const e of Deno.readDirSync(path)) if (e.isDirectory) out.push(e.name);
    return out;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** Files under `dir`, recursively, as `/`-joined relative paths (MLflow's key rule). */
/**
 * Every file under `dir`, as `/`-separated paths relative to it (none if it is missing).
 *
 * @example
 * ```ts
 * import { walkFiles } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/a`);
 * await Deno.writeTextFile(`${dir}/a/b.txt`, "x");
 * assert.deepEqual(walkFiles(dir), ["a/b.txt"]);
 * assert.deepEqual(walkFiles(`${dir}/missing`), []);
 * ```
 */
export function walkFiles(dir: string, prefix = "", out: string[] = []): string[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return out;
    throw e;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) walkFiles(join(dir, e.name), rel, out);
    else if (e.isFile) out.push(rel);
  }
  return out;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** Converts a `file:` URI or a plain path to an absolute path. */
export function uriToPath(uri: string): string {
  if (uri.startsWith("file:")) {
    const url = new URL(uri.startsWith("file://") ? uri : `file://${uri.slice(5)}`);
    return decodeURIComponent(url.pathname);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    throw invalid(`Unsupported tracking or artifact URI '${uri}': only file: URIs and paths`);
  }
  return resolve(uri);
}

/**
 * A `file:` URI for an absolute path.
 *
 * @example
 * ```ts
 * import { pathToUri } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pathToUri("/tmp/my runs"), "file:///tmp/my%20runs");
 * ```
 */
export function pathToUri(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Validates the path of an artifact file: inside the run's artifacts, and naming a file.
 *
 * @example
 * ```ts
 * import { validateArtifactFile } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(validateArtifactFile("charts/roc.json"), "charts/roc.json");
 * assert.throws(() => validateArtifactFile("../up.txt"));
 * assert.throws(() => validateArtifactFile(""), /a file name is needed/);
 * ```
 */
export function validateArtifactFile(path: string): string {
  const rel = validateArtifactPath(path, "artifact file");
  if (!rel) throw invalid(`Invalid artifact file '${path}': a file name is needed`);
  return rel;
}

/** Rejects artifact paths that could leave the artifact folder. */
export function validateArtifactPath(path: string, what = "artifact path"): string {
  if (typeof path !== "string") throw invalid(`Invalid ${what}: expected a string`);
  if (/[\0\n\r#\\]/.test(path)) {
    throw invalid(`Invalid ${what} '${printable(path)}': contains a NUL, newline, '#' or '\\'`);
  }
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) {
    throw invalid(`Invalid ${what} '${path}': absolute paths are not allowed`);
  }
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw invalid(`Invalid ${what} '${path}': '..' is not allowed`);
  return parts.join("/");
}

/**
 * The tags a new run starts with, validated as MLflow validates them: the given tags (values as
 * strings), `mlflow.runName` (generated when no name is given) and `mlflow.user`.
 *
 * @example
 * ```ts
 * import { runTags } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * const { tags, runName } = runTags({ experimentId: "0", runName: "a", userId: "me", tags: { k: 1 } });
 * assert.equal(runName, "a");
 * assert.deepEqual(tags, { k: "1", "mlflow.runName": "a", "mlflow.user": "me" });
 * ```
 */
export function runTags(
  options: CreateRunOptions,
): { tags: Record<string, string>; runName: string } {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.tags ?? {})) {
    validateKey("tag", k);
    tags[k] = limitValue("tag", k, stringifyValue("tag", k, v), MAX_TAG_VALUE_LENGTH);
  }
  const tagName = tags["mlflow.runName"];
  if (options.runName !== undefined && tagName !== undefined && tagName !== options.runName) {
    throw invalid(
      `Both 'runName' ('${options.runName}') and tag 'mlflow.runName' ('${tagName}') were ` +
        `given and differ`,
    );
  }
  const runName = options.runName ?? tagName ?? generateRunName();
  tags["mlflow.runName"] = runName;
  tags["mlflow.user"] ??= options.userId ?? "unknown";
  return { tags, runName };
}

/** A batch after validation: values as strings, metric points with step and timestamp set. */
export interface NormalizedBatch {
  /** `[key, value]` pairs, values truncated as MLflow truncates them. */
  params: [string, string][];
  /** Metric points; `auto` marks a timestamp defaulted to now. */
  metrics: { key: string; value: number; timestamp: number; step: number; auto: boolean }[];
  /** `[key, value]` pairs. */
  tags: [string, string][];
}

/**
 * Validates a batch as MLflow does before anything is written (keys, values, steps,
 * timestamps) and brings it to the form every store writes. Throws `INVALID_PARAMETER_VALUE`
 * naming the first bad key or value.
 *
 * @example
 * ```ts
 * import { normalizeBatch } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * const b = normalizeBatch({ params: { k: 5 }, metrics: [{ key: "acc", value: 0.9, timestamp: 1 }] });
 * assert.deepEqual(b.params, [["k", "5"]]);
 * assert.equal(b.metrics[0]?.step, 0);
 * assert.throws(() => normalizeBatch({ params: { "../x": 1 } }), /Invalid param name/);
 * ```
 */
export function normalizeBatch(batch: Batch, now: number = Date.now()): NormalizedBatch {
  const params: [string, string][] = [];
  for (const [k, v] of Object.entries(batch.params ?? {})) {
    validateKey("param", k);
    params.push([
      k,
      limitValue("param", k, stringifyValue("param", k, v), MAX_PARAM_VALUE_LENGTH),
    ]);
  }
  const metrics: {
    key: string;
    value: number;
    timestamp: number;
    step: number;
    auto: boolean;
  }[] = [];
  for (const m of batch.metrics ?? []) {
    validateKey("metric", m.key);
    validateMetricValue(m.key, m.value);
    const step = m.step ?? 0;
    validateStep(m.key, step);
    const timestamp = m.timestamp ?? now;
    validateTimestamp(m.key, timestamp);
    metrics.push({
      key: m.key,
      value: m.value,
      step,
      timestamp,
      auto: m.timestamp === undefined,
    });
  }
  const tags: [string, string][] = [];
  for (const [k, v] of Object.entries(batch.tags ?? {})) {
    validateKey("tag", k);
    tags.push([k, limitValue("tag", k, stringifyValue("tag", k, v), MAX_TAG_VALUE_LENGTH)]);
  }
  return { params, metrics, tags };
}

/**
 * An MLflow file store rooted at a folder (usually `mlruns/`).
 *
 * @example Log a run and read it back
 * ```ts
 * import { FileStore } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new FileStore(await Deno.makeTempDir());
 * const run = await store.createRun({ experimentId: "0", runName: "first" });
 * await store.logBatch(run.info.runId, { params: { k: 5 }, metrics: [{ key: "acc", value: 0.9 }] });
 * const back = await store.getRun(run.info.runId);
 * assert.equal(back.data.params.k, "5");
 * assert.equal(back.data.metrics.acc, 0.9);
 * ```
 */
export class FileStore implements TrackingStore {
  /** Absolute path of the store's root folder. */
  readonly root: string;
  #runDirs = new Map<string, string>();
  #lastPoint = new Map<string, MetricLine>();
  #ready = false;

  /** Opens (and on first write creates) the store at `rootUri`, a path or `file:` URI. */
  constructor(rootUri: string) {
    this.root = uriToPath(rootUri);
  }

  /** The store's `file:` URI. */
  get uri(): string {
    return pathToUri(this.root);
  }

  // ---------------------------------------------------------------- layout and atomic writes

  /** Creates the root, the Default experiment and `.trash` if missing. */
  ensureRoot(): void {
    if (this.#ready) return;
    Deno.mkdirSync(join(this.root, STAGING), { recursive: true });
    Deno.mkdirSync(join(this.root, TRASH), { recursive: true });
    const defaultMeta = join(this.root, DEFAULT_EXPERIMENT_ID, "meta.yaml");
    if (!exists(defaultMeta)) {
      this.#withLock(() => {
        if (exists(defaultMeta)) return;
        this.#createExperimentDir(DEFAULT_EXPERIMENT_ID, "Default", Date.now());
      });
    } else {
      // A store kept in git and cloned elsewhere records the Default experiment's artifact
      // location at its old path; point it back inside this store so no client writes outside.
      const wanted = pathToUri(join(this.root, DEFAULT_EXPERIMENT_ID));
      const meta = parseYaml(Deno.readTextFileSync(defaultMeta));
      if (meta && meta["artifact_location"] !== wanted) {
        this.#withLock(() => {
          const exp = this.#readExperiment(join(this.root, DEFAULT_EXPERIMENT_ID));
          this.#atomicWrite(
            defaultMeta,
            dumpYaml({
              ...this.#experimentMeta(exp.experimentId, exp.name, exp.creationTime ?? Date.now()),
              last_update_time: exp.lastUpdateTime ?? exp.creationTime ?? Date.now(),
              lifecycle_stage: exp.lifecycleStage,
            }),
          );
        });
      }
    }
    this.#ready = true;
  }

  #stagingReady = false;

  /**
   * A fresh path in the store's staging folder (on the store's file system, ignored by MLflow's
   * readers): build something there, then rename it into place.
   */
  stagingPath(): string {
    if (!this.#stagingReady) {
      Deno.mkdirSync(join(this.root, STAGING), { recursive: true });
      this.#stagingReady = true;
    }
    return join(this.root, STAGING, `${randomHex(8)}.tmp`);
  }

  /** Replaces a file atomically: write a temp file beside it, then rename over. */
  #atomicWrite(path: string, text: string): void {
    // The temp file lives in the store's staging folder (same file system), so readers never
    // see it beside the real files.
    const tmp = this.stagingPath();
    try {
      Deno.writeTextFileSync(tmp, text);
      Deno.renameSync(tmp, path);
    } catch (e) {
      try {
        Deno.removeSync(tmp);
      } catch { /* already gone */ }
      throw e;
    }
  }

  /** Runs `fn` holding the store-wide lock that guards experiment names and meta.yaml updates. */
  #withLock<T>(fn: () => T): T {
    Deno.mkdirSync(join(this.root, STAGING), { recursive: true });
    const file = Deno.openSync(join(this.root, STAGING, "store.lock"), {
      create: true,
      write: true,
    });
    try {
      file.lockSync(true);
      return fn();
    } finally {
      file.unlockSync();
      file.close();
    }
  }

  // ---------------------------------------------------------------- experiments

  #experimentMeta(id: string, name: string, now: number): Record<string, YamlScalar> {
    return {
      artifact_location: pathToUri(join(this.root, id)),
      creation_time: now,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: "active",
      name,
      workspace: "default",
    };
  }

  /** Builds an experiment folder in staging and renames it into place; false if the id is taken. */
  #createExperimentDir(id: string, name: string, now: number): boolean {
    const stage = this.stagingPath();
    Deno.mkdirSync(join(stage, "tags"), { recursive: true });
    Deno.writeTextFileSync(join(stage, "meta.yaml"), dumpYaml(this.#experimentMeta(id, name, now)));
    if (exists(join(this.root, id)) || exists(join(this.root, TRASH, id))) {
      Deno.removeSync(stage, { recursive: true });
      return false;
    }
    try {
      Deno.renameSync(stage, join(this.root, id));
      return true;
    } catch (e) {
      Deno.removeSync(stage, { recursive: true });
      if (e instanceof Deno.errors.AlreadyExists || (e as { code?: string }).code === "ENOTEMPTY") {
        return false;
      }
      throw e;
    }
  }

  /**
   * Creates an experiment with a fresh 18-digit id (as MLflow generates them) and returns its id.
   * Names are unique across active and deleted experiments, also between processes.
   */
  createExperiment(name: string, tags: Record<string, string> = {}): string {
    validateExperimentName(name);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    this.ensureRoot();
    return this.#withLock(() => {
      const existing = this.#findExperimentByName(name);
      if (existing) {
        throw new MlflowError(
          "RESOURCE_ALREADY_EXISTS",
          `Experiment '${name}' already exists` +
            (existing.lifecycleStage === "deleted" ? " in deleted state" : ""),
        );
      }
      for (;;) {
        const id = String(1 + Math.floor(Math.random() * 9)) +
          [...randomBytes(17)].map((b) => String(b % 10)).join("");
        if (this.#createExperimentDir(id, name, Date.now())) {
          for (const [k, v] of Object.entries(tags)) {
            this.#writeTag(join(this.root, id, "tags"), k, v);
          }
          return id;
        }
      }
    });
  }

  #experimentDir(id: string): string | null {
    validateExperimentId(id);
    for (const dir of [join(this.root, id), join(this.root, TRASH, id)]) {
      if (exists(join(dir, "meta.yaml"))) return dir;
    }
    return null;
  }

  #readExperiment(dir: string): Experiment {
    const meta = parseYaml(Deno.readTextFileSync(join(dir, "meta.yaml")));
    if (!meta) throw new SyntaxError("meta.yaml is empty");
    const id = strField(meta, "experiment_id");
    if (id !== basename(dir)) {
      throw new SyntaxError(`experiment_id '${id}' differs from its folder '${basename(dir)}'`);
    }
    const tags: Record<string, string> = {};
    for (const key of walkFiles(join(dir, "tags"))) {
      tags[key] = Deno.readTextFileSync(join(dir, "tags", key));
    }
    return {
      experimentId: id,
      name: strField(meta, "name"),
      artifactLocation: strField(meta, "artifact_location"),
      lifecycleStage: strField(meta, "lifecycle_stage", "active") as LifecycleStage,
      creationTime: intField(meta, "creation_time"),
      lastUpdateTime: intField(meta, "last_update_time"),
      tags,
    };
  }

  /** The experiment with this id (active or deleted); throws RESOURCE_DOES_NOT_EXIST. */
  getExperiment(id: string): Experiment {
    const dir = this.#experimentDir(id);
    if (!dir) throw notFound(`No Experiment with id=${id} exists`);
    return this.#readExperiment(dir);
  }

  /** Every readable experiment; malformed ones are skipped with a warning. */
  listExperiments(viewType: ViewType = "ACTIVE_ONLY"): Experiment[] {
    const dirs: string[] = [];
    if (viewType !== "DELETED_ONLY") {
      for (const name of listDirs(this.root)) {
        if (!name.endsWith(TRASH) && name !== "models" && !name.startsWith(".")) {
          dirs.push(join(this.root, name));
        }
      }
    }
    if (viewType !== "ACTIVE_ONLY") {
      for (const name of listDirs(join(this.root, TRASH))) dirs.push(join(this.root, TRASH, name));
    }
    const out: Experiment[] = [];
    for (const dir of dirs) {
      try {
        out.push(this.#readExperiment(dir));
      } catch (e) {
        console.warn(`Skipping malformed experiment in ${dir}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  #findExperimentByName(name: string): Experiment | null {
    return this.listExperiments("ALL").find((e) => e.name === name) ?? null;
  }

  /** The experiment with this name (active or deleted), or null. */
  getExperimentByName(name: string): Experiment | null {
    validateExperimentName(name);
    return this.#findExperimentByName(name);
  }

  /** Experiments matching an MLflow experiment filter, in `search_experiments` order. */
  searchExperiments(options: StoreSearchExperimentsOptions = {}): Experiment[] {
    const { viewType = "ACTIVE_ONLY", maxResults = 1000, filter = "", orderBy } = options;
    checkMaxResults(maxResults);
    const keep = compileExperimentFilter(filter);
    this.ensureRoot();
    return sortExperiments(this.listExperiments(viewType).filter(keep), orderBy).slice(
      0,
      maxResults,
    );
  }

  // ---------------------------------------------------------------- runs

  /**
   * Creates a run in RUNNING state: meta.yaml, `metrics/`, `params/`, `artifacts/` and `tags/`
   * (with `mlflow.runName` and `mlflow.user`) built in staging and renamed into the experiment.
   */
  createRun(options: CreateRunOptions): Run {
    const { experimentId, userId = "unknown", startTime = Date.now() } = options;
    const { tags, runName } = runTags(options);
    this.ensureRoot();
    const experiment = this.getExperiment(experimentId);
    if (experiment.lifecycleStage !== "active") {
      throw new MlflowError(
        "INVALID_STATE",
        `Could not create run under non-active experiment with id ${experimentId}`,
      );
    }
    const runId = randomHex(16);
    const expPath = join(this.root, experimentId);
    // Artifacts always live inside this store (even when an experiment's recorded location is
    // stale because the store was cloned or moved), so nothing is written outside it.
    const artifactUri = pathToUri(join(expPath, runId, "artifacts"));
    const info: RunInfo = {
      runId,
      experimentId,
      runName,
      userId,
      status: "RUNNING",
      startTime,
      endTime: null,
      artifactUri,
      lifecycleStage: "active",
    };
    const stage = this.stagingPath();
    for (const sub of ["metrics", "params", "artifacts", "tags"]) {
      Deno.mkdirSync(join(stage, sub), { recursive: true });
    }
    Deno.writeTextFileSync(join(stage, "meta.yaml"), dumpYaml(runMeta(info, null)));
    for (const [k, v] of Object.entries(tags)) this.#writeTag(join(stage, "tags"), k, v);
    Deno.renameSync(stage, join(expPath, runId));
    this.#runDirs.set(runId, join(expPath, runId));
    return new Run(info, { params: {}, metrics: {}, tags });
  }

  /** The folder of a run (active or deleted experiment); throws RESOURCE_DOES_NOT_EXIST. */
  runDir(runId: string): string {
    validateRunId(runId);
    const cached = this.#runDirs.get(runId);
    if (cached && exists(join(cached, "meta.yaml"))) return cached;
    const experimentDirs = [
      ...listDirs(this.root).filter((n) => !n.endsWith(TRASH) && n !== "models")
        .map((n) => join(this.root, n)),
      ...listDirs(join(this.root, TRASH)).map((n) => join(this.root, TRASH, n)),
    ];
    for (const expDir of experimentDirs) {
      const dir = join(expDir, runId);
      if (
        exists(join(dir, "meta.yaml")) && exists(join(dir, "metrics")) &&
        exists(join(dir, "params")) && exists(join(dir, "artifacts"))
      ) {
        this.#runDirs.set(runId, dir);
        return dir;
      }
    }
    throw notFound(`Run '${runId}' not found`);
  }

  #readRunInfo(dir: string): RunInfo {
    const meta = parseYaml(Deno.readTextFileSync(join(dir, "meta.yaml")));
    if (!meta) throw new SyntaxError("meta.yaml is empty");
    const runId = strField(meta, "run_id", strField(meta, "run_uuid"));
    if (runId !== basename(dir)) {
      throw new SyntaxError(`run_id '${runId}' differs from its folder '${basename(dir)}'`);
    }
    const experimentId = strField(meta, "experiment_id");
    if (experimentId !== basename(dirname(dir))) {
      throw new SyntaxError(`experiment_id '${experimentId}' differs from its experiment folder`);
    }
    const startTime = intField(meta, "start_time");
    if (startTime === null) throw new SyntaxError("start_time is missing");
    if (!("end_time" in meta)) throw new SyntaxError("end_time is missing");
    const statusRaw = meta["status"];
    let status: RunStatus = "RUNNING";
    if (statusRaw !== null && statusRaw !== undefined) {
      const asInt = Number(statusRaw);
      const name = Number.isInteger(asInt) ? RUN_STATUSES[asInt - 1] : String(statusRaw);
      if (!name || !(RUN_STATUSES as readonly string[]).includes(name)) {
        throw new SyntaxError(`status ${JSON.stringify(statusRaw)} is not a run status`);
      }
      status = name as RunStatus;
    }
    return {
      runId,
      experimentId,
      runName: strField(meta, "run_name"),
      userId: strField(meta, "user_id"),
      status,
      startTime,
      endTime: intField(meta, "end_time"),
      artifactUri: strField(meta, "artifact_uri"),
      lifecycleStage: strField(meta, "lifecycle_stage", "active") as LifecycleStage,
    };
  }

  #readRunData(dir: string): RunData {
    const params: Record<string, string> = {};
    for (const key of walkFiles(join(dir, "params"))) {
      params[key] = Deno.readTextFileSync(join(dir, "params", key));
    }
    const tags: Record<string, string> = {};
    for (const key of walkFiles(join(dir, "tags"))) {
      tags[key] = Deno.readTextFileSync(join(dir, "tags", key));
    }
    const metrics: Record<string, number> = {};
    for (const key of walkFiles(join(dir, "metrics"))) {
      const points = parseMetricLines(Deno.readTextFileSync(join(dir, "metrics", key)), key);
      metrics[key] = latestPoint(points).value;
    }
    return { params, metrics, tags };
  }

  #readRun(dir: string): Run {
    const info = this.#readRunInfo(dir);
    const data = this.#readRunData(dir);
    if (!info.runName && data.tags["mlflow.runName"]) info.runName = data.tags["mlflow.runName"];
    return new Run(info, data);
  }

  /** A run with its params, latest metrics and tags; throws RESOURCE_DOES_NOT_EXIST. */
  getRun(runId: string): Run {
    const dir = this.runDir(runId);
    try {
      return this.#readRun(dir);
    } catch (e) {
      if (e instanceof MlflowError) throw e;
      throw new MlflowError(
        "INTERNAL_ERROR",
        `Run '${runId}' is malformed: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  #activeRunDir(runId: string): string {
    const dir = this.runDir(runId);
    const info = this.#readRunInfo(dir);
    if (info.lifecycleStage !== "active") {
      throw new MlflowError(
        "INVALID_STATE",
        `The run ${runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`,
      );
    }
    return dir;
  }

  /** Updates a run's status, end time and/or name (meta.yaml replaced atomically). */
  updateRunInfo(
    runId: string,
    changes: { status?: RunStatus; endTime?: number | null; runName?: string },
  ): RunInfo {
    const dir = this.#activeRunDir(runId);
    if (changes.runName !== undefined) {
      this.#writeTag(join(dir, "tags"), "mlflow.runName", changes.runName);
    }
    return this.#withLock(() => {
      const info = this.#readRunInfo(dir);
      if (changes.status !== undefined) info.status = changes.status;
      if (changes.endTime !== undefined) info.endTime = changes.endTime;
      if (changes.runName !== undefined) info.runName = changes.runName;
      this.#atomicWrite(join(dir, "meta.yaml"), dumpYaml(runMeta(info, undefined)));
      return info;
    });
  }

  /** Marks a run deleted (it stays on disk, as in MLflow) or active again. */
  setRunLifecycle(runId: string, stage: LifecycleStage): void {
    const dir = this.runDir(runId);
    this.#withLock(() => {
      const info = this.#readRunInfo(dir);
      info.lifecycleStage = stage;
      this.#atomicWrite(
        join(dir, "meta.yaml"),
        dumpYaml(runMeta(info, stage === "deleted" ? Date.now() : undefined)),
      );
    });
  }

  // ---------------------------------------------------------------- logging

  /**
   * Records params, metrics and tags of a run. Everything is validated before anything is
   * written; then params, metrics and tags are written in that order (as MLflow does). Each
   * value is handed to the operating system before the Promise-returning callers resolve.
   */
  logBatch(runId: string, batch: Batch): void {
    const { params, metrics, tags } = normalizeBatch(batch);
    const dir = this.#activeRunDir(runId);
    // Params whose key exists must keep their value: check them all before writing any.
    for (const [k, v] of params) {
      const old = readIfExists(join(dir, "params", k));
      if (old !== null && old !== v) throw paramChanged(runId, k, old, v);
    }
    for (const [k, v] of params) this.#writeParam(runId, dir, k, v);
    const lines = new Map<string, string>();
    for (const m of metrics) {
      const id = `${runId}/${m.key}`;
      const last = this.#lastPoint.get(id);
      // An identical (timestamp, step, value) line would make `mlflow migrate-filestore` fail on
      // its primary key; a defaulted timestamp moves one millisecond on instead.
      if (
        m.auto && last && last.step === m.step && m.timestamp <= last.timestamp &&
        Object.is(last.value, m.value)
      ) m.timestamp = last.timestamp + 1;
      this.#lastPoint.set(id, { timestamp: m.timestamp, value: m.value, step: m.step });
      lines.set(m.key, (lines.get(m.key) ?? "") + formatMetricLine(m.timestamp, m.value, m.step));
    }
    for (const [key, text] of lines) {
      appendLine(join(dir, "metrics"), key, text, () => this.stagingPath());
    }
    for (const [k, v] of tags) {
      this.#writeTag(join(dir, "tags"), k, v);
      if (k === "mlflow.runName") {
        this.#withLock(() => {
          const info = this.#readRunInfo(dir);
          info.runName = v;
          this.#atomicWrite(join(dir, "meta.yaml"), dumpYaml(runMeta(info, undefined)));
        });
      }
    }
  }

  #writeParam(runId: string, dir: string, key: string, value: string): void {
    const path = join(dir, "params", key);
    ensureParent(join(dir, "params"), key);
    const tmp = this.stagingPath();
    Deno.writeTextFileSync(tmp, value);
    try {
      Deno.linkSync(tmp, path); // fails if the key exists: the first value wins
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw keyClash("param", key, e);
      const old = Deno.readTextFileSync(path);
      if (old !== value) throw paramChanged(runId, key, old, value);
    } finally {
      Deno.removeSync(tmp);
    }
  }

  #writeTag(tagsDir: string, key: string, value: string): void {
    ensureParent(tagsDir, key);
    try {
      this.#atomicWrite(join(tagsDir, key), value);
    } catch (e) {
      throw keyClash("tag", key, e);
    }
  }

  /** Removes a tag from a run. */
  deleteTag(runId: string, key: string): void {
    validateKey("tag", key);
    const dir = this.#activeRunDir(runId);
    try {
      Deno.removeSync(join(dir, "tags", key));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      }
      throw e;
    }
  }

  /** A metric's full history, in the order it was logged. */
  getMetricHistory(runId: string, key: string): Metric[] {
    validateKey("metric", key);
    const dir = this.runDir(runId);
    const text = readIfExists(join(dir, "metrics", key));
    if (text === null) return [];
    return parseMetricLines(text, key).map((p) => ({ key, ...p }));
  }

  // ---------------------------------------------------------------- artifacts

  /** The local folder of a run's artifacts. */
  artifactDir(runId: string): string {
    const dir = this.runDir(runId);
    const uri = this.#readRunInfo(dir).artifactUri;
    if (uri.startsWith("file:") || uri.startsWith("/")) {
      const path = uriToPath(uri);
      // A store moved to another folder keeps its old absolute URIs: fall back to the run folder.
      if (exists(path) || !exists(join(dir, "artifacts"))) return path;
    }
    if (exists(join(dir, "artifacts"))) return join(dir, "artifacts");
    throw invalid(`Artifact URI '${uri}' of run ${runId} is not a local folder`);
  }

  /** Resolves `artifactPath` inside a run's artifact folder, refusing anything that escapes it. */
  artifactTarget(runId: string, artifactPath = ""): string {
    const rel = validateArtifactPath(artifactPath);
    const root = this.artifactDir(runId);
    const target = rel ? join(root, rel) : root;
    const back = relative(root, target);
    if (back.startsWith("..") || isAbsolute(back)) {
      throw invalid(`Invalid artifact path '${artifactPath}': it leaves the artifact folder`);
    }
    // Refuse symlinks inside the artifact folder that point elsewhere.
    let probe = target;
    while (probe.length > root.length) {
      if (exists(probe)) {
        const real = Deno.realPathSync(probe);
        const realRoot = Deno.realPathSync(root);
        if (real !== realRoot && !real.startsWith(realRoot + "/")) {
          throw invalid(`Invalid artifact path '${artifactPath}': it resolves outside the run`);
        }
        break;
      }
      probe = dirname(probe);
    }
    return target;
  }

  /** Copies a local file into the run's artifacts, under `artifactPath` if given. */
  async logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void> {
    await expectLocal(localPath, "file", "Cannot log artifact");
    const dest = this.artifactTarget(runId, artifactPath ?? "");
    await Deno.mkdir(dest, { recursive: true });
    await Deno.copyFile(localPath, join(dest, basename(localPath)));
  }

  /** Copies a local folder's contents into the run's artifacts, under `artifactPath` if given. */
  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    await expectLocal(localDir, "folder", "Cannot log artifacts");
    const dest = this.artifactTarget(runId, artifactPath ?? "");
    for (const rel of walkFiles(localDir)) {
      const to = join(dest, rel);
      await Deno.mkdir(dirname(to), { recursive: true });
      await Deno.copyFile(join(localDir, rel), to);
    }
    await Deno.mkdir(dest, { recursive: true });
  }

  /** Writes `content` as the artifact file `artifactFile` (a path inside the run's artifacts). */
  async writeArtifact(
    runId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    const rel = validateArtifactFile(artifactFile);
    const target = this.artifactTarget(runId, rel);
    await Deno.mkdir(dirname(target), { recursive: true });
    const tmp = this.stagingPath();
    if (typeof content === "string") await Deno.writeTextFile(tmp, content);
    else await Deno.writeFile(tmp, content);
    await Deno.rename(tmp, target);
  }

  /** Lists one level of a run's artifacts (sorted by path), as MLflow's `list_artifacts`. */
  listArtifacts(runId: string, path?: string): FileInfo[] {
    const rel = path ? validateArtifactPath(path) : "";
    const root = this.artifactDir(runId);
    const dir = this.artifactTarget(runId, rel);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
      throw e;
    }
    const out: FileInfo[] = [];
    for (const e of entries) {
      const full = join(dir, e.name);
      const p = relative(root, full).split("\\").join("/");
      if (e.isDirectory) out.push({ path: p, isDir: true });
      else out.push({ path: p, isDir: false, fileSize: Deno.statSync(full).size });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The bytes of one artifact file of a run. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    const rel = validateArtifactFile(path);
    const target = this.artifactTarget(runId, rel);
    try {
      return await Deno.readFile(target);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
        throw notFound(`Run ${runId} has no artifact file '${rel}'`);
      }
      throw e;
    }
  }

  /**
   * The local path of a run's artifact (file or folder). With `dstPath`, a copy is made there
   * (as MLflow's `download_artifacts` does) and its path returned.
   */
  async downloadArtifacts(runId: string, path = "", dstPath?: string): Promise<string> {
    const source = this.artifactTarget(runId, path);
    if (dstPath === undefined) return source;
    const target = join(dstPath, basename(source));
    const stat = await Deno.stat(source).catch(() => null);
    if (!stat) throw notFound(`Run ${runId} has no artifact '${path}'`);
    if (stat.isFile) {
      await Deno.mkdir(dstPath, { recursive: true });
      await Deno.copyFile(source, target);
      return target;
    }
    for (const rel of walkFiles(source)) {
      await Deno.mkdir(dirname(join(target, rel)), { recursive: true });
      await Deno.copyFile(join(source, rel), join(target, rel));
    }
    await Deno.mkdir(target, { recursive: true });
    return target;
  }

  // ---------------------------------------------------------------- search

  /**
   * Runs of the given experiments that match `filter`, in MLflow's order (start time
   * descending, then run id, then each `orderBy` clause). A run the reader cannot parse is
   * skipped and reported, never failing the whole search.
   */
  searchRuns(options: SearchRunsOptions): SearchResult {
    const { experimentIds, maxResults = 1000, runViewType = "ACTIVE_ONLY" } = options;
    checkMaxResults(maxResults);
    const matches = compileFilter(options.filter ?? "");
    const sort = compileOrderBy(options.orderBy ?? []);
    const runs: Run[] = [];
    const skipped: SkippedRun[] = [];
    for (const id of experimentIds) {
      const expDir = this.#experimentDir(id);
      if (!expDir) continue;
      for (const name of listDirs(expDir)) {
        if (RESERVED_IN_EXPERIMENT.has(name) || name.startsWith(".")) continue;
        const dir = join(expDir, name);
        let run: Run;
        try {
          const info = this.#readRunInfo(dir);
          const wanted = runViewType === "ALL" ||
            (runViewType === "ACTIVE_ONLY") === (info.lifecycleStage === "active");
          if (!wanted) continue;
          if (!info.runName) info.runName = readIfExists(join(dir, "tags", "mlflow.runName")) ?? "";
          // Decide on the keys the filter reads before loading the whole run.
          if (!matches.empty && !matches(new Run(info, readSomeData(dir, matches.keys)))) continue;
          run = new Run(info, this.#readRunData(dir));
        } catch (e) {
          skipped.push({ path: dir, reason: (e as Error).message });
          continue;
        }
        runs.push(run);
      }
    }
    for (const s of skipped) console.warn(`Skipping malformed run ${s.path}: ${s.reason}`);
    return { runs: sort(runs).slice(0, maxResults), skipped };
  }
}

/** Checks that a local path to log exists and is a file (or a folder), naming it if not. */
/**
 * Checks that a local file or folder to log exists, naming it in the error otherwise.
 *
 * @example
 * ```ts
 * import { expectLocal } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => expectLocal("/no/such/file", "file", "Cannot log artifact"), /no\/such/);
 * ```
 */
export async function expectLocal(
  path: string,
  kind: "file" | "folder",
  what: string,
): Promise<void> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw notFound(`${what}: ${kind} '${path}' does not exist`);
    }
    throw e;
  }
  if (kind === "file" ? !stat.isFile : !stat.isDirectory) {
    throw invalid(`${what}: '${path}' is not a ${kind}`);
  }
}

/**
 * Refuses a `max_results` outside 1 … 50,000, as MLflow does.
 *
 * @example
 * ```ts
 * import { checkMaxResults } from "./store.ts";
 * import assert from "node:assert/strict";
 *
 * checkMaxResults(1000);
 * assert.throws(() => checkMaxResults(0), /max_results/);
 * ```
 */
export function checkMaxResults(maxResults: number): void {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50000) {
    throw invalid(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a ` +
        `positive integer at most 50000`,
    );
  }
}

function readIfExists(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    if (e instanceof Deno.errors.IsADirectory) return null;
    throw e;
  }
}

/** Reads only the given metric (latest value), param and tag keys of a run. */
function readSomeData(dir: string, keys: RunFilter["keys"]): RunData {
  const data: RunData = { params: {}, metrics: {}, tags: {} };
  // A key that could not have been logged (e.g. `../x`) is simply absent: never read it as a path.
  const loggable = (kind: "metric" | "param" | "tag", key: string) => {
    try {
      validateKey(kind, key);
      return true;
    } catch {
      return false;
    }
  };
  for (const key of keys.metrics) {
    if (!loggable("metric", key)) continue;
    const text = readIfExists(join(dir, "metrics", key));
    if (text !== null) data.metrics[key] = latestPoint(parseMetricLines(text, key)).value;
  }
  for (const key of keys.params) {
    if (!loggable("param", key)) continue;
    const text = readIfExists(join(dir, "params", key));
    if (text !== null) data.params[key] = text;
  }
  for (const key of keys.tags) {
    if (!loggable("tag", key)) continue;
    const text = readIfExists(join(dir, "tags", key));
    if (text !== null) data.tags[key] = text;
  }
  return data;
}

function ensureParent(base: string, key: string): void {
  if (!key.includes("/")) return;
  try {
    Deno.mkdirSync(dirname(join(base, key)), { recursive: true });
  } catch (e) {
    throw keyClash("key", key, e);
  }
}

/**
 * Appends metric lines with one `write`. A metric's first lines are written to a staging file
 * and hard-linked into place, so a reader never sees the file empty (MLflow's reader calls an
 * empty metric file malformed); later lines are appended (`O_APPEND`).
 */
function appendLine(metricsDir: string, key: string, text: string, staging: () => string): void {
  ensureParent(metricsDir, key);
  const path = join(metricsDir, key);
  const bytes = new TextEncoder().encode(text);
  let file: Deno.FsFile | null = null;
  try {
    file = Deno.openSync(path, { append: true });
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw keyClash("metric", key, e);
  }
  if (!file) {
    const tmp = staging();
    Deno.writeFileSync(tmp, bytes);
    try {
      Deno.linkSync(tmp, path);
      return;
    } catch (e) {
      // Another writer created it first: append after its lines.
      if (!(e instanceof Deno.errors.AlreadyExists)) throw keyClash("metric", key, e);
    } finally {
      Deno.removeSync(tmp);
    }
    try {
      file = Deno.openSync(path, { append: true });
    } catch (e) {
      throw keyClash("metric", key, e);
    }
  }
  try {
    const n = file.writeSync(bytes);
    if (n !== bytes.length) {
      throw new MlflowError("INTERNAL_ERROR", `Short write to metric '${key}'`);
    }
  } finally {
    file.close();
  }
}

function keyClash(kind: string, key: string, cause: unknown): Error {
  if (cause instanceof MlflowError) return cause;
  if (
    cause instanceof Deno.errors.IsADirectory || cause instanceof Deno.errors.NotADirectory ||
    cause instanceof Deno.errors.AlreadyExists
  ) {
    return invalid(
      `Cannot log ${kind} '${key}': it clashes with another key that is a prefix of it ` +
        `(or has it as a prefix), since keys with '/' are stored as folders`,
      cause,
    );
  }
  return cause as Error;
}

function paramChanged(runId: string, key: string, old: string, value: string): MlflowError {
  return invalid(
    `Changing param values is not allowed. Param with key='${key}' was already logged with ` +
      `value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
  );
}

/** meta.yaml of a run: current and legacy keys, so MLflow 2.x and 3.x both read it. */
function runMeta(
  info: RunInfo,
  deletedTime: number | null | undefined,
): Record<string, YamlScalar> {
  const meta: Record<string, YamlScalar> = {
    artifact_uri: info.artifactUri,
    end_time: info.endTime,
    entry_point_name: "",
    experiment_id: info.experimentId,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
    run_name: info.runName,
    run_uuid: info.runId,
    source_name: "",
    source_type: 4,
    source_version: "",
    start_time: info.startTime,
    status: RUN_STATUSES.indexOf(info.status) + 1,
    tags: [],
    user_id: info.userId,
  };
  if (deletedTime !== undefined) meta.deleted_time = deletedTime;
  return meta;
}

const ADJECTIVES = [
  "bold",
  "brave",
  "bright",
  "calm",
  "clever",
  "crisp",
  "eager",
  "fair",
  "gentle",
  "glad",
  "keen",
  "lucky",
  "merry",
  "nimble",
  "proud",
  "quick",
  "quiet",
  "sharp",
  "sunny",
  "swift",
  "tidy",
  "vivid",
  "warm",
  "wise",
  "zesty",
];
const NOUNS = [
  "ant",
  "bass",
  "bear",
  "crane",
  "deer",
  "dove",
  "finch",
  "fox",
  "gull",
  "hare",
  "hawk",
  "heron",
  "lark",
  "lynx",
  "mole",
  "newt",
  "otter",
  "owl",
  "panda",
  "robin",
  "seal",
  "slug",
  "toad",
  "wolf",
  "wren",
];

/** A random `<adjective>-<noun>-<number>` run name, as MLflow makes when none is given. */
export function generateRunName(): string {
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1000)}`;
}
