/**
 * MLflow's file store (`mlruns/`), read and written in the layout Python MLflow uses, so that
 * `mlflow ui`, `MlflowClient` and `mlflow migrate-filestore` read what this writes and this reads
 * what they wrote — MLflow 3's logged models and run outputs included.
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

import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { exists } from "../_internal/fs.ts";
import {
  dumpYaml,
  formatMetricLine,
  type MetricLine,
  parseMetricLines,
  parseYaml,
} from "./_format.ts";
import { isWriteFailure, readNoFollow, Staging, writeKeyFile } from "./_atomic.ts";
import { LoggedModelFolders } from "./_file_models.ts";
import {
  datasetId,
  datasetInputMeta,
  datasetMeta,
  experimentFolders,
  experimentMeta,
  inputId,
  readExperiment,
  readRunData,
  readRunFolders,
  readRunInfo,
  readRunInputs,
  readRunOutputs,
  runMeta,
  TRASH,
} from "./_file_layout.ts";
import { invalid, MlflowError, notFound } from "./errors.ts";
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LifecycleStage,
  LoggedModelInfo,
  LoggedModelStatus,
  Metric,
  RunInfo,
  RunStatus,
} from "./entities.ts";
import { LocalArtifactRepository, openArtifactFile } from "./artifact_repo.ts";
import { Run } from "./run.ts";
import {
  checkRunsMaxResults,
  compileExperimentFilter,
  compileFilter,
  compileOrderBy,
  sortExperiments,
} from "./search.ts";
import type {
  Batch,
  CreateLoggedModelOptions,
  CreateRunOptions,
  RunInfoChanges,
  RunOutput,
  SearchExperimentsOptions,
  SearchLoggedModelsOptions,
  SearchResult,
  StoreSearchRunsOptions,
  TrackingStore,
  ViewType,
} from "./store.ts";
import { pathToUri, uriToPath } from "./uri.ts";
import {
  checkMaxResults,
  normalizeBatch,
  runTags,
  validateDatasetInputs,
  validateExperimentId,
  validateExperimentName,
  validateKey,
  validateRunId,
} from "./validation.ts";

/** Folders outside a store whose artifacts may be used, `:`-separated (see FileStoreOptions). */
const ALLOWED_ROOTS_VARIABLE = "DENO_MLFLOW_ALLOWED_ARTIFACT_ROOTS";
const STAGING = ".staging.trash"; // ends in ".trash", so MLflow never lists it as an experiment
const DEFAULT_EXPERIMENT_ID = "0";

function paramChanged(runId: string, key: string, old: string, value: string): MlflowError {
  return invalid(
    `Changing param values is not allowed. Param with key='${key}' was already logged with ` +
      `value='${old}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
  );
}

/** Options of {@linkcode FileStore}. */
export interface FileStoreOptions {
  /**
   * Folders outside the store where runs may keep their artifacts (a shared drive the store's
   * runs record as their artifact location). Runs recording any other location outside the
   * store are not followed there.
   * @default the `:`-separated folders in `DENO_MLFLOW_ALLOWED_ARTIFACT_ROOTS`, else none
   */
  allowedArtifactRoots?: string[];
}

/**
 * An MLflow file store rooted at a folder (usually `mlruns/`).
 *
 * @example Log a run and read it back
 * ```ts
 * import { FileStore } from "./file_store.ts";
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
  readonly #staging: Staging;
  readonly #runDirs = new Map<string, string>();
  readonly #lastPoint = new Map<string, MetricLine>();
  readonly #metricSizes = new Map<string, number>(); // metric file → its size after our append
  readonly #models: LoggedModelFolders;
  readonly #allowedRoots: string[];
  readonly #reported = new Set<string>();
  readonly #complete = new Set<string>(); // run folders known to have their four folders
  #ready = false;

  /** Opens (and on first write creates) the store at `rootUri`, a path or `file:` URI. */
  constructor(rootUri: string, options: FileStoreOptions = {}) {
    this.root = uriToPath(rootUri);
    const allowed = options.allowedArtifactRoots ??
      (Deno.env.get(ALLOWED_ROOTS_VARIABLE) ?? "").split(":").filter((p) => p !== "");
    this.#allowedRoots = allowed.map((p) => uriToPath(p));
    this.#staging = new Staging(join(this.root, STAGING));
    this.#models = new LoggedModelFolders(this.#staging, this.root);
  }

  /** The store's `file:` URI. */
  get uri(): string {
    return pathToUri(this.root);
  }

  /**
   * Creates the root, the Default experiment and `.trash` if missing. A complete store (one
   * Python MLflow wrote, a read-only mount) is not written to.
   */
  ensureRoot(): void {
    if (this.#ready) return;
    if (!exists(join(this.root, TRASH))) {
      try {
        Deno.mkdirSync(join(this.root, TRASH), { recursive: true });
      } catch (e) {
        throw this.#staging.failure(e);
      }
    }
    const defaultDir = join(this.root, DEFAULT_EXPERIMENT_ID);
    if (!exists(join(defaultDir, "meta.yaml"))) {
      this.#staging.withLock(() => {
        if (exists(join(defaultDir, "meta.yaml"))) return;
        this.#createExperimentDir(DEFAULT_EXPERIMENT_ID, "Default", Date.now());
      });
    } else {
      // A store kept in git and cloned elsewhere records the Default experiment's artifact
      // location at its old path; point it back inside this store (runs are created inside the
      // store whatever it records, so a store that cannot be written keeps it as it is).
      const wanted = pathToUri(defaultDir);
      const meta = parseYaml(Deno.readTextFileSync(join(defaultDir, "meta.yaml")));
      if (meta && meta["artifact_location"] !== wanted) {
        try {
          this.#staging.withLock(() => {
            const exp = readExperiment(defaultDir);
            const created = exp.creationTime ?? Date.now();
            const fixed = experimentMeta(
              { ...exp, artifactLocation: wanted },
              created,
              exp.lastUpdateTime ?? created,
            );
            this.#staging.replace(join(defaultDir, "meta.yaml"), dumpYaml(fixed));
          });
        } catch (e) {
          if (!isWriteFailure(e)) throw e;
        }
      }
    }
    this.#ready = true;
  }

  // ---------------------------------------------------------------- experiments

  /** Builds an experiment folder in staging and renames it into place; false if the id is taken. */
  #createExperimentDir(id: string, name: string, now: number): boolean {
    if (exists(join(this.root, TRASH, id))) return false;
    const artifactLocation = pathToUri(join(this.root, id));
    const meta = experimentMeta(
      { experimentId: id, name, artifactLocation, lifecycleStage: "active" },
      now,
      now,
    );
    return this.#staging.publish(join(this.root, id), (dir) => {
      Deno.mkdirSync(join(dir, "tags"));
      Deno.writeTextFileSync(join(dir, "meta.yaml"), dumpYaml(meta));
    });
  }

  /**
   * Creates an experiment with a fresh 18-digit id (as MLflow generates them) and returns its id.
   * Names are unique across active and deleted experiments, also between processes.
   */
  createExperiment(name: string, tags: Record<string, string> = {}): string {
    validateExperimentName(name);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    this.ensureRoot();
    return this.#staging.withLock(() => {
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

  /** The folder of an active experiment to create something in; throws for a deleted one. */
  #activeExperimentDir(id: string, what: string): string {
    if (this.getExperiment(id).lifecycleStage !== "active") {
      throw new MlflowError(
        "INVALID_STATE",
        `Could not create ${what} under non-active experiment with id ${id}`,
      );
    }
    return join(this.root, id);
  }

  /** The experiment with this id (active or deleted); throws RESOURCE_DOES_NOT_EXIST. */
  getExperiment(id: string): Experiment {
    const dir = this.#experimentDir(id);
    if (!dir) throw notFound(`No Experiment with id=${id} exists`);
    try {
      return readExperiment(dir);
    } catch (e) {
      throw new MlflowError(
        "INTERNAL_ERROR",
        `Experiment ${id} is malformed: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Every readable experiment; malformed ones are skipped with a warning. */
  listExperiments(viewType: ViewType = "ACTIVE_ONLY"): Experiment[] {
    const out: Experiment[] = [];
    for (const dir of experimentFolders(this.root, viewType)) {
      try {
        out.push(readExperiment(dir));
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

  /** Sets a tag on an experiment. */
  setExperimentTag(id: string, key: string, value: string): void {
    validateKey("tag", key);
    const dir = this.#experimentDir(id);
    if (!dir) throw notFound(`No Experiment with id=${id} exists`);
    this.#writeTag(join(dir, "tags"), key, value);
  }

  /** Experiments matching an MLflow experiment filter, in `search_experiments` order. */
  searchExperiments(options: SearchExperimentsOptions = {}): Experiment[] {
    const { viewType = "ACTIVE_ONLY", maxResults = 1000, filter = "", orderBy } = options;
    checkMaxResults(maxResults);
    const keep = compileExperimentFilter(filter);
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
    const expPath = this.#activeExperimentDir(experimentId, "run");
    const runId = randomBytes(16).toString("hex");
    // Artifacts always live inside this store (even when an experiment's recorded location is
    // stale because the store was cloned or moved), so nothing is written outside it.
    const info: RunInfo = {
      runId,
      experimentId,
      runName,
      userId,
      status: "RUNNING",
      startTime,
      endTime: null,
      artifactUri: pathToUri(join(expPath, runId, "artifacts")),
      lifecycleStage: "active",
    };
    this.#staging.publish(join(expPath, runId), (dir) => {
      for (const sub of ["metrics", "params", "artifacts", "tags"]) Deno.mkdirSync(join(dir, sub));
      Deno.writeTextFileSync(join(dir, "meta.yaml"), dumpYaml(runMeta(info, null)));
      for (const [k, v] of Object.entries(tags)) this.#writeTag(join(dir, "tags"), k, v);
    });
    this.#runDirs.set(runId, join(expPath, runId));
    return new Run(info, { params: {}, metrics: {}, tags });
  }

  /** The folder of a run (active or deleted experiment); throws RESOURCE_DOES_NOT_EXIST. */
  runDir(runId: string): string {
    validateRunId(runId);
    const cached = this.#runDirs.get(runId);
    if (cached && exists(join(cached, "meta.yaml"))) return cached;
    for (const expDir of experimentFolders(this.root, "ALL")) {
      const dir = join(expDir, runId);
      // Only meta.yaml is needed: empty params/, metrics/, tags/ or artifacts/ folders may be
      // missing (`git clone` drops them), and a missing one is empty.
      if (exists(join(dir, "meta.yaml"))) {
        this.#runDirs.set(runId, dir);
        return dir;
      }
    }
    throw notFound(`Run '${runId}' not found`);
  }

  /** A run with its params, latest metrics and tags; throws RESOURCE_DOES_NOT_EXIST. */
  getRun(runId: string): Run {
    const dir = this.runDir(runId);
    try {
      const info = readRunInfo(dir);
      const data = readRunData(dir);
      if (!info.runName && data.tags["mlflow.runName"]) info.runName = data.tags["mlflow.runName"];
      return new Run(info, data, readRunInputs(dir));
    } catch (e) {
      if (e instanceof MlflowError) throw e;
      throw new MlflowError(
        "INTERNAL_ERROR",
        `Run '${runId}' is malformed: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  #activeRunDir(runId: string): string {
    // The folder found last time, read straight away (meta.yaml is read anyway); a run that
    // has moved since is looked for again.
    let dir = this.#runDirs.get(runId);
    let info: RunInfo | undefined;
    if (dir !== undefined) {
      try {
        info = readRunInfo(dir);
      } catch (e) {
        const cause = (e as Error).cause;
        if (
          !(cause instanceof Deno.errors.NotFound || cause instanceof Deno.errors.NotADirectory)
        ) {
          throw e;
        }
        dir = undefined;
      }
    }
    if (dir === undefined || info === undefined) {
      dir = this.runDir(runId);
      info = readRunInfo(dir);
    }
    if (info.lifecycleStage !== "active") {
      throw new MlflowError(
        "INVALID_STATE",
        `The run ${runId} must be in the 'active' state. Current state is ${info.lifecycleStage}.`,
      );
    }
    if (!this.#complete.has(dir)) {
      // Before the first write, bring back the empty folders MLflow needs to find the run
      // (`git clone` drops them).
      for (const sub of ["metrics", "params", "artifacts", "tags"]) {
        if (!exists(join(dir, sub))) {
          try {
            Deno.mkdirSync(join(dir, sub));
          } catch (e) {
            throw this.#staging.failure(e);
          }
        }
      }
      this.#complete.add(dir);
    }
    return dir;
  }

  /** Rewrites a run's meta.yaml under the store lock, after `change` edits its info. */
  #updateMeta(dir: string, change: (info: RunInfo) => number | null | undefined): RunInfo {
    return this.#staging.withLock(() => {
      const info = readRunInfo(dir);
      const deletedTime = change(info);
      this.#staging.replace(join(dir, "meta.yaml"), dumpYaml(runMeta(info, deletedTime)));
      return info;
    });
  }

  /** Updates a run's status, end time and/or name (meta.yaml replaced atomically). */
  updateRunInfo(runId: string, changes: RunInfoChanges): RunInfo {
    const dir = this.#activeRunDir(runId);
    if (changes.runName !== undefined) {
      this.#writeTag(join(dir, "tags"), "mlflow.runName", changes.runName);
    }
    return this.#updateMeta(dir, (info) => {
      if (changes.status !== undefined) info.status = changes.status as RunStatus;
      if (changes.endTime !== undefined) info.endTime = changes.endTime;
      if (changes.runName !== undefined) info.runName = changes.runName;
      return undefined;
    });
  }

  /** Marks a run deleted (it stays on disk, as in MLflow) or active again. */
  setRunLifecycle(runId: string, stage: LifecycleStage): void {
    this.#updateMeta(this.runDir(runId), (info) => {
      info.lifecycleStage = stage;
      return stage === "deleted" ? Date.now() : undefined;
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
    // Params whose key exists must keep their value: check them all before writing any. One
    // already there with the same value is left as it is (params are never rewritten).
    const fresh = params.filter(([k, v]) => {
      const old = readNoFollow(join(dir, "params", k));
      if (old !== null && old !== v) throw paramChanged(runId, k, old, v);
      return old === null;
    });
    for (const [k, v] of fresh) {
      const old = writeKeyFile("param", join(dir, "params"), k, (path) => {
        return this.#staging.createOnce(path, v); // the first value wins
      });
      if (old !== null && old !== v) throw paramChanged(runId, k, old, v);
    }
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
      writeKeyFile("metric", join(dir, "metrics"), key, (path) => {
        this.#metricSizes.set(path, this.#staging.append(path, text, this.#metricSizes.get(path)));
      });
    }
    for (const [k, v] of tags) {
      this.#writeTag(join(dir, "tags"), k, v);
      if (k === "mlflow.runName") this.#updateMeta(dir, (info) => void (info.runName = v));
    }
  }

  #writeTag(tagsDir: string, key: string, value: string): void {
    writeKeyFile("tag", tagsDir, key, (path) => this.#staging.replace(path, value));
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
    const text = readNoFollow(join(this.runDir(runId), "metrics", key));
    if (text === null) return [];
    return parseMetricLines(text, key).map((p) => ({ key, ...p }));
  }

  // ---------------------------------------------------------------- artifacts

  /** The local folder of a run's artifacts. */
  /**
   * The local folder of a run's artifacts: the location its meta.yaml records when that is
   * inside this store (or an allowed root), else the run's own `artifacts/` folder. A store is
   * data from anyone (a clone, a colleague's zip): a recorded location elsewhere is never
   * followed. When it does not exist (a moved or cloned store) the run's own folder is used
   * quietly; when it does, the run is reported, and refused if it has no folder of its own.
   */
  artifactDir(runId: string): string {
    const dir = this.runDir(runId);
    const own = join(dir, "artifacts");
    const uri = readRunInfo(dir).artifactUri;
    const local = uri.startsWith("file:") || uri.startsWith("/");
    const recorded = local ? uriToPath(uri) : null;
    if (recorded !== null && this.#mayUse(recorded)) return recorded;
    if (!local || !exists(recorded!)) {
      if (this.#mayUse(own)) return own;
    } else if (exists(own) && this.#mayUse(own)) {
      this.#report(runId, uri, `its own folder ${own} is used instead`);
      return own;
    }
    throw new MlflowError(
      "PERMISSION_DENIED",
      `Run ${runId} records its artifacts at '${uri}', outside the store ${this.root}; refusing ` +
        `to follow it. If that location is meant to be used, allow it: ` +
        `new FileStore(root, { allowedArtifactRoots: [...] }) or ${ALLOWED_ROOTS_VARIABLE}`,
    );
  }

  /** Whether a folder lies inside the store or an allowed root, symbolic links resolved. */
  #mayUse(path: string): boolean {
    const inside = (p: string, root: string) => {
      const back = relative(root, p);
      return !back.startsWith("..") && !isAbsolute(back);
    };
    const roots = [this.root, ...this.#allowedRoots];
    if (!roots.some((root) => inside(resolve(path), root))) return false;
    // The folder (or the nearest folder above it that exists) must really be there too.
    let probe = resolve(path);
    while (!exists(probe)) probe = dirname(probe);
    const real = Deno.realPathSync(probe);
    return roots.some((root) => exists(root) && inside(real, Deno.realPathSync(root)));
  }

  /** Warns once per run that its recorded artifact location was not followed. */
  #report(runId: string, uri: string, what: string): void {
    if (this.#reported.has(runId)) return;
    this.#reported.add(runId);
    console.warn(
      `Run ${runId} records its artifacts at '${uri}', outside the store ${this.root}; it is ` +
        `not followed, ${what} (allow it with ${ALLOWED_ROOTS_VARIABLE})`,
    );
  }

  #runRepo(runId: string): LocalArtifactRepository {
    return new LocalArtifactRepository(this.artifactDir(runId), {
      owner: `Run ${runId}`,
      staging: this.#staging,
    });
  }

  /** Copies a local file into the run's artifacts, under `artifactPath` if given. */
  async logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void> {
    await this.#runRepo(runId).logFile(localPath, artifactPath);
  }

  /** Copies a local folder's contents into the run's artifacts, under `artifactPath` if given. */
  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    await this.#runRepo(runId).logFolder(localDir, artifactPath);
  }

  /** Writes `content` as the artifact file `artifactFile` (a path inside the run's artifacts). */
  async writeArtifact(
    runId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    await this.#runRepo(runId).writeFile(artifactFile, content);
  }

  /** Lists one level of a run's artifacts (sorted by path), as MLflow's `list_artifacts`. */
  listArtifacts(runId: string, path?: string): FileInfo[] {
    return this.#runRepo(runId).listNow(path);
  }

  /** The bytes of one artifact file of a run. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return await this.#runRepo(runId).readFile(path);
  }

  /** One artifact file of a run as a stream of its bytes: the file, opened. */
  openArtifact(runId: string, path: string): Promise<ReadableStream<Uint8Array>> {
    return openArtifactFile(this.#runRepo(runId), path);
  }

  /**
   * The local path of a run's artifact (file or folder). With `dstPath`, a copy is made there
   * (as MLflow's `download_artifacts` does) and its path returned.
   */
  async downloadArtifacts(runId: string, path = "", dstPath?: string): Promise<string> {
    const repo = this.#runRepo(runId);
    return dstPath === undefined ? repo.resolve(path) : await repo.download(path, dstPath);
  }

  // ---------------------------------------------------------------- search

  /**
   * Runs of the given experiments that match `filter`, in MLflow's order (start time
   * descending, then run id, then each `orderBy` clause). A run the reader cannot parse is
   * skipped and reported, never failing the whole search.
   */
  searchRuns(options: StoreSearchRunsOptions): SearchResult {
    const { experimentIds, maxResults = 1000, runViewType = "ACTIVE_ONLY" } = options;
    checkRunsMaxResults(maxResults);
    const matches = compileFilter(options.filter ?? "");
    const sort = compileOrderBy(options.orderBy ?? []);
    const expDirs = experimentIds.map((id) => this.#experimentDir(id)).filter((d) => d !== null);
    const { runs, skipped } = readRunFolders(expDirs, runViewType, matches);
    return { runs: sort(runs).slice(0, maxResults), skipped };
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  /**
   * Creates a logged model in `<experiment>/models/<model_id>/` (meta.yaml, params, tags, and
   * the source run's latest metrics, as MLflow 3's `log_model` copies them); its files then go
   * to its `artifacts/` folder.
   */
  createLoggedModel(options: CreateLoggedModelOptions): LoggedModelInfo {
    const experimentDir = this.#activeExperimentDir(options.experimentId, "a logged model");
    const runDir = options.sourceRunId === undefined ? null : this.runDir(options.sourceRunId);
    return this.#models.create(experimentDir, runDir, options);
  }

  /** Sets a logged model's final status (meta.yaml replaced atomically). */
  finalizeLoggedModel(
    modelId: string,
    status: Exclude<LoggedModelStatus, "LOGGED_MODEL_PENDING">,
  ): void {
    this.#models.finalize(modelId, status);
  }

  /** A logged model by id. */
  getLoggedModel(modelId: string): LoggedModelInfo {
    return this.#models.get(modelId);
  }

  /** Sets tags of a logged model (each tag file replaced atomically). */
  setLoggedModelTags(modelId: string, tags: Record<string, string>): void {
    this.#models.setTags(modelId, tags);
  }

  /** The logged models of some experiments, newest first; malformed ones are skipped. */
  searchLoggedModels(options: SearchLoggedModelsOptions): LoggedModelInfo[] {
    const { experimentIds, maxResults = 1000 } = options;
    checkMaxResults(maxResults);
    const expDirs = experimentIds.map((id) => this.#experimentDir(id)).filter((d) => d !== null);
    return this.#models.search(expDirs).slice(0, maxResults);
  }

  /** Writes one file of a logged model's artifacts. */
  async writeLoggedModelArtifact(
    modelId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    await this.#models.repo(modelId).writeFile(artifactFile, content);
  }

  /** One level of a logged model's artifacts, sorted by path. */
  async listLoggedModelArtifacts(modelId: string, path?: string): Promise<FileInfo[]> {
    return await this.#models.repo(modelId).list(path);
  }

  /** The bytes of one file of a logged model's artifacts. */
  async readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    return await this.#models.repo(modelId).readFile(path);
  }

  /** Links logged models to a run: `<run>/outputs/<model_id>/meta.yaml`, renamed into place. */
  logOutputs(runId: string, outputs: RunOutput[]): void {
    this.#models.logOutputs(this.#activeRunDir(runId), outputs);
  }

  /** The logged models a run produced. */
  getRunOutputs(runId: string): RunOutput[] {
    return readRunOutputs(this.runDir(runId));
  }

  /**
   * Records datasets a run used: each dataset once per experiment
   * (`<experiment>/datasets/<md5(name + digest)>/meta.yaml`), each use as a link in the run
   * (`<run>/inputs/<md5(dataset id + run id)>/meta.yaml`) carrying its input tags.
   */
  logInputs(runId: string, inputs: DatasetInput[]): void {
    validateDatasetInputs(inputs);
    const dir = this.#activeRunDir(runId);
    const datasets = join(dirname(dir), "datasets");
    for (const { dataset, tags } of inputs) {
      const id = datasetId(dataset);
      if (!exists(join(datasets, id, "meta.yaml"))) {
        Deno.mkdirSync(datasets, { recursive: true });
        this.#staging.publish(join(datasets, id), (stage) => {
          Deno.writeTextFileSync(join(stage, "meta.yaml"), datasetMeta(dataset));
        });
      }
      const link = join(dir, "inputs", inputId(id, runId));
      Deno.mkdirSync(join(dir, "inputs"), { recursive: true });
      if (exists(link)) {
        this.#staging.replace(join(link, "meta.yaml"), datasetInputMeta(id, tags));
      } else {
        this.#staging.publish(link, (stage) => {
          Deno.writeTextFileSync(join(stage, "meta.yaml"), datasetInputMeta(id, tags));
        });
      }
    }
  }
}
