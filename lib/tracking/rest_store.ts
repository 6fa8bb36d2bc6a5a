/**
 * The tracking store on an MLflow tracking server: {@linkcode RestStore} speaks MLflow's REST API
 * (`/api/2.0/mlflow/…`) and its artifact service (`/api/2.0/mlflow-artifacts/…`), with the same
 * validation and errors as the file store. Requests (authentication, retries, secrets kept out
 * of messages) go through an {@linkcode HttpClient}; logging calls go through a
 * {@linkcode LogBatchQueue}, so a call's Promise resolves once the server acknowledged its
 * values; reads page through `next_page_token`.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import type {
  Experiment,
  FileInfo,
  LifecycleStage,
  LoggedModelInfo,
  LoggedModelStatus,
  Metric,
} from "./entities.ts";
import { MlflowError } from "./errors.ts";
import { HttpClient, type RestOptions } from "./http.ts";
import { LogBatchQueue } from "./batch_queue.ts";
import { type ArtifactRepository, artifactRepository, walkArtifacts } from "./artifact_repo.ts";
import { collectPages } from "./paging.ts";
import { experimentFrom, type Json, kvList, loggedModelFrom, num, runFrom } from "./_rest_codec.ts";
import type { Run } from "./run.ts";
import {
  checkRunsMaxResults,
  compileExperimentFilter,
  compileFilter,
  compileOrderBy,
} from "./search.ts";
import { EXPERIMENT_GRAMMAR, parseOrderBy } from "./search_grammar.ts";
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
} from "./store.ts";
import {
  checkMaxResults,
  normalizeBatch,
  type NormalizedBatch,
  runTags,
  validateArtifactPath,
  validateExperimentId,
  validateExperimentName,
  validateKey,
  validateModelId,
  validateModelName,
  validateRunId,
} from "./validation.ts";

const PAGE = 1000;
const HISTORY_PAGE = 25_000;

/**
 * A tracking store on an MLflow tracking server.
 *
 * @example Against a server (needs one running)
 * ```ts ignore
 * import { RestStore } from "./rest_store.ts";
 *
 * const store = new RestStore("http://127.0.0.1:5000");
 * const run = await store.createRun({ experimentId: "0", runName: "remote" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.9 }] });
 * ```
 */
export class RestStore implements TrackingStore {
  readonly #http: HttpClient;
  readonly #queue = new LogBatchQueue((runId, batch) => this.#sendBatch(runId, batch));
  readonly #artifactUris = new Map<string, string>(); // run id → its artifact URI
  readonly #modelLocations = new Map<string, string>(); // logged model id → its artifact location

  /** A store for the server at `uri` (`http(s)://[user:pass@]host[:port][/prefix]`). */
  constructor(uri: string | HttpClient, options: RestOptions = {}) {
    this.#http = typeof uri === "string" ? new HttpClient(uri, options) : uri;
  }

  /** The server's base URL, without credentials or trailing slash. */
  get uri(): string {
    return this.#http.uri;
  }

  /**
   * The same server with other request options (credentials given in the URI are kept).
   *
   * @example
   * ```ts
   * import { RestStore } from "./rest_store.ts";
   * import assert from "node:assert/strict";
   *
   * const once = new RestStore("http://127.0.0.1:5000").withOptions({ maxRetries: 0 });
   * assert.equal(once.uri, "http://127.0.0.1:5000");
   * ```
   */
  withOptions(options: RestOptions): RestStore {
    return new RestStore(this.#http.withOptions(options));
  }

  #pageSize(fallback: number): number {
    return this.#http.options.pageSize ?? fallback;
  }

  // ---------------------------------------------------------------- experiments

  /** Nothing to prepare on a server. */
  ensureRoot(): void {}

  /** Creates an experiment (validated as the file store validates) and returns its id. */
  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<string> {
    validateExperimentName(name);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    const j = await this.#http.call("POST", "/experiments/create", { name, tags: kvList(tags) });
    return String(j.experiment_id);
  }

  /** The experiment with this id; throws RESOURCE_DOES_NOT_EXIST. */
  async getExperiment(id: string): Promise<Experiment> {
    validateExperimentId(id);
    const j = await this.#http.call("GET", "/experiments/get", { experiment_id: id });
    return experimentFrom(j.experiment as Json);
  }

  /** The experiment with this name (active or deleted), or null. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    validateExperimentName(name);
    try {
      const j = await this.#http.call("GET", "/experiments/get-by-name", {
        experiment_name: name,
      });
      return experimentFrom(j.experiment as Json);
    } catch (e) {
      if (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") return null;
      throw e;
    }
  }

  /** Sets a tag on an experiment. */
  async setExperimentTag(id: string, key: string, value: string): Promise<void> {
    validateExperimentId(id);
    validateKey("tag", key);
    await this.#http.call("POST", "/experiments/set-experiment-tag", {
      experiment_id: id,
      key,
      value,
    });
  }

  /** Experiments matching an MLflow experiment filter, paging through the server's answers. */
  searchExperiments(options: SearchExperimentsOptions = {}): Promise<Experiment[]> {
    const { viewType = "ACTIVE_ONLY", maxResults = 1000, filter = "", orderBy = [] } = options;
    checkMaxResults(maxResults);
    compileExperimentFilter(filter); // same errors as the file store, before any request
    for (const clause of orderBy) parseOrderBy(clause, EXPERIMENT_GRAMMAR);
    return collectPages(async (token, wanted) => {
      const j = await this.#http.call("POST", "/experiments/search", {
        max_results: Math.min(this.#pageSize(PAGE), wanted),
        filter,
        order_by: orderBy,
        view_type: viewType,
        ...(token ? { page_token: token } : {}),
      });
      return {
        items: ((j.experiments ?? []) as Json[]).map(experimentFrom),
        nextPageToken: j.next_page_token as string | undefined,
      };
    }, maxResults);
  }

  // ---------------------------------------------------------------- runs

  /** Creates a RUNNING run, validating tags and name as the file store does. */
  async createRun(options: CreateRunOptions): Promise<Run> {
    const { experimentId, userId = "unknown", startTime = Date.now() } = options;
    validateExperimentId(experimentId);
    const { tags, runName } = runTags(options);
    const j = await this.#http.call("POST", "/runs/create", {
      experiment_id: experimentId,
      user_id: userId,
      run_name: runName,
      start_time: startTime,
      tags: kvList(tags),
    });
    const run = runFrom(j.run as Json);
    this.#artifactUris.set(run.info.runId, run.info.artifactUri);
    return run;
  }

  /** A run by id; throws RESOURCE_DOES_NOT_EXIST. */
  async getRun(runId: string): Promise<Run> {
    return runFrom(await this.#getRunJson(runId));
  }

  async #getRunJson(runId: string): Promise<Json> {
    validateRunId(runId);
    const j = await this.#http.call("GET", "/runs/get", { run_id: runId });
    const run = j.run as Json;
    const info = (run.info ?? {}) as Json;
    if (info.artifact_uri) this.#artifactUris.set(runId, String(info.artifact_uri));
    return run;
  }

  /** Updates a run's status, end time and/or name. */
  async updateRunInfo(runId: string, changes: RunInfoChanges): Promise<void> {
    validateRunId(runId);
    if (changes.runName !== undefined) validateKey("tag", "mlflow.runName");
    await this.#http.call("POST", "/runs/update", {
      run_id: runId,
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      ...(changes.endTime !== undefined && changes.endTime !== null
        ? { end_time: changes.endTime }
        : {}),
      ...(changes.runName !== undefined ? { run_name: changes.runName } : {}),
    });
  }

  /** Deletes or restores a run. */
  async setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    validateRunId(runId);
    await this.#http.call("POST", stage === "deleted" ? "/runs/delete" : "/runs/restore", {
      run_id: runId,
    });
  }

  // ---------------------------------------------------------------- logging

  /**
   * Records params, metric points and tags. The batch is validated here first (same errors as
   * the file store); calls for one run made while a request is in flight are merged into the
   * next `runs/log-batch`. Resolves when the server has acknowledged every value of this call.
   */
  logBatch(runId: string, batch: Batch): Promise<void> {
    try {
      validateRunId(runId);
      const normalized = normalizeBatch(batch);
      if (!normalized.params.length && !normalized.metrics.length && !normalized.tags.length) {
        return Promise.resolve();
      }
      return this.#queue.enqueue(runId, normalized);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #sendBatch(runId: string, b: NormalizedBatch): Promise<void> {
    await this.#http.call("POST", "/runs/log-batch", {
      run_id: runId,
      metrics: b.metrics.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp,
        step: m.step,
      })),
      params: b.params.map(([key, value]) => ({ key, value })),
      tags: b.tags.map(([key, value]) => ({ key, value })),
    });
  }

  /** Removes a tag from a run. */
  async deleteTag(runId: string, key: string): Promise<void> {
    validateRunId(runId);
    validateKey("tag", key);
    await this.#http.call("POST", "/runs/delete-tag", { run_id: runId, key });
  }

  /** A metric's full history, paging through the server's answers. */
  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    validateRunId(runId);
    validateKey("metric", key);
    return collectPages(async (token) => {
      const j = await this.#http.call("GET", "/metrics/get-history", {
        run_id: runId,
        metric_key: key,
        max_results: this.#pageSize(HISTORY_PAGE),
        ...(token ? { page_token: token } : {}),
      });
      return {
        items: ((j.metrics ?? []) as Json[]).map((m) => ({
          key,
          value: num(m.value),
          timestamp: num(m.timestamp),
          step: num(m.step ?? 0),
        })),
        nextPageToken: j.next_page_token as string | undefined,
      };
    });
  }

  // ---------------------------------------------------------------- search

  /**
   * Runs matching an MLflow filter, in the server's (MLflow's) order. The filter and order-by
   * are checked here first, so a malformed one fails as it does on the file store.
   */
  async searchRuns(options: StoreSearchRunsOptions): Promise<SearchResult> {
    const { experimentIds, maxResults = 1000, runViewType = "ACTIVE_ONLY" } = options;
    checkRunsMaxResults(maxResults);
    for (const id of experimentIds) validateExperimentId(id);
    compileFilter(options.filter ?? "");
    compileOrderBy(options.orderBy ?? []);
    // Below 1, as on the file store (MLflow's file store slices its answer with max_results:
    // 0 gives no runs, -n all but the last n); a database-backed server would refuse it.
    if (maxResults === 0) return { runs: [], skipped: [] };
    const runs = await collectPages(async (token, wanted) => {
      const j = await this.#http.call("POST", "/runs/search", {
        experiment_ids: experimentIds,
        filter: options.filter ?? "",
        run_view_type: runViewType,
        max_results: Math.min(this.#pageSize(PAGE), wanted),
        order_by: options.orderBy ?? [],
        ...(token ? { page_token: token } : {}),
      });
      return {
        items: ((j.runs ?? []) as Json[]).map(runFrom),
        nextPageToken: j.next_page_token as string | undefined,
      };
    }, maxResults > 0 ? maxResults : Infinity);
    return { runs: runs.slice(0, maxResults), skipped: [] };
  }

  // ---------------------------------------------------------------- artifacts

  async #runRepo(runId: string): Promise<ArtifactRepository> {
    validateRunId(runId);
    let uri = this.#artifactUris.get(runId);
    if (uri === undefined) {
      await this.#getRunJson(runId);
      uri = this.#artifactUris.get(runId) ?? "";
    }
    return artifactRepository(uri, this.#http, `Run ${runId}`);
  }

  /** Copies a local file into the run's artifacts, under `artifactPath` if given. */
  async logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void> {
    await (await this.#runRepo(runId)).logFile(localPath, artifactPath);
  }

  /** Copies a local folder's files into the run's artifacts, four uploads at a time. */
  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    await (await this.#runRepo(runId)).logFolder(localDir, artifactPath);
  }

  /** Writes `content` as the artifact file `artifactFile` of the run. */
  async writeArtifact(
    runId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    await (await this.#runRepo(runId)).writeFile(artifactFile, content);
  }

  /** One level of a run's artifacts (sorted by path), through the server's `artifacts/list`. */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    validateRunId(runId);
    const rel = path ? validateArtifactPath(path) : "";
    const out = await collectPages(async (token) => {
      const j = await this.#http.call("GET", "/artifacts/list", {
        run_id: runId,
        ...(rel ? { path: rel } : {}),
        ...(token ? { page_token: token } : {}),
      });
      return {
        items: ((j.files ?? []) as Json[]).map((f): FileInfo => {
          const isDir = f.is_dir === true;
          return {
            path: String(f.path),
            isDir,
            ...(isDir ? {} : { fileSize: num(f.file_size ?? 0) }),
          };
        }),
        nextPageToken: j.next_page_token as string | undefined,
      };
    });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The bytes of one artifact file of a run. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return await (await this.#runRepo(runId)).readFile(path);
  }

  /**
   * Downloads a run's artifact file or folder into `dstPath` (a fresh temporary folder when
   * omitted) and returns the local path, as MLflow's `download_artifacts` does.
   */
  async downloadArtifacts(runId: string, path = "", dstPath?: string): Promise<string> {
    const rel = validateArtifactPath(path);
    const dst = dstPath ?? await Deno.makeTempDir({ prefix: "mlflow-artifacts-" });
    const files = await walkArtifacts((p) => this.listArtifacts(runId, p), rel);
    const repo = await this.#runRepo(runId);
    if (files.length === 0) {
      if (!rel) {
        await Deno.mkdir(dst, { recursive: true });
        return dst;
      }
      // Not a folder: a single file, or nothing at all.
      const bytes = await this.readArtifact(runId, rel);
      const target = join(dst, basename(rel));
      await Deno.mkdir(dst, { recursive: true });
      await Deno.writeFile(target, bytes);
      return target;
    }
    const root = rel ? join(dst, basename(rel)) : dst;
    for (const f of files) {
      const inside = rel ? relative(rel, f.path) : f.path;
      const target = join(root, inside);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeFile(target, await repo.readFile(f.path));
    }
    return root;
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  /** Creates a PENDING logged model (`POST /logged-models`). */
  async createLoggedModel(options: CreateLoggedModelOptions): Promise<LoggedModelInfo> {
    validateExperimentId(options.experimentId);
    validateModelName(options.name);
    if (options.sourceRunId !== undefined) validateRunId(options.sourceRunId);
    const j = await this.#http.call("POST", "/logged-models", {
      experiment_id: options.experimentId,
      name: options.name,
      ...(options.sourceRunId !== undefined ? { source_run_id: options.sourceRunId } : {}),
      params: kvList(options.params ?? {}),
      tags: kvList(options.tags ?? {}),
    });
    return this.#remember(loggedModelFrom(j.model as Json));
  }

  #remember(model: LoggedModelInfo): LoggedModelInfo {
    this.#modelLocations.set(model.modelId, model.artifactLocation);
    return model;
  }

  /** Sets a logged model's final status (`PATCH /logged-models/<id>`). */
  async finalizeLoggedModel(
    modelId: string,
    status: Exclude<LoggedModelStatus, "LOGGED_MODEL_PENDING">,
  ): Promise<void> {
    validateModelId(modelId);
    await this.#http.call("PATCH", `/logged-models/${modelId}`, { model_id: modelId, status });
  }

  /** A logged model by id. */
  async getLoggedModel(modelId: string): Promise<LoggedModelInfo> {
    validateModelId(modelId);
    const j = await this.#http.call("GET", `/logged-models/${modelId}`);
    return this.#remember(loggedModelFrom(j.model as Json));
  }

  /** The logged models of some experiments, paging through the server's answers. */
  searchLoggedModels(options: SearchLoggedModelsOptions): Promise<LoggedModelInfo[]> {
    const { experimentIds, maxResults = 1000 } = options;
    checkMaxResults(maxResults);
    for (const id of experimentIds) validateExperimentId(id);
    return collectPages(async (token, wanted) => {
      const j = await this.#http.call("POST", "/logged-models/search", {
        experiment_ids: experimentIds,
        max_results: Math.min(this.#pageSize(PAGE), wanted),
        ...(token ? { page_token: token } : {}),
      });
      return {
        items: ((j.models ?? []) as Json[]).map(loggedModelFrom),
        nextPageToken: j.next_page_token as string | undefined,
      };
    }, maxResults);
  }

  async #modelRepo(modelId: string): Promise<ArtifactRepository> {
    const location = this.#modelLocations.get(modelId) ??
      (await this.getLoggedModel(modelId)).artifactLocation;
    return artifactRepository(location, this.#http, `Logged model ${modelId}`);
  }

  /** Uploads one file of a logged model's artifacts. */
  async writeLoggedModelArtifact(
    modelId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    await (await this.#modelRepo(modelId)).writeFile(artifactFile, content);
  }

  /** One level of a logged model's artifacts, through the server's artifact proxy. */
  async listLoggedModelArtifacts(modelId: string, path?: string): Promise<FileInfo[]> {
    return await (await this.#modelRepo(modelId)).list(path);
  }

  /** The bytes of one file of a logged model's artifacts. */
  async readLoggedModelArtifact(modelId: string, path: string): Promise<Uint8Array> {
    return await (await this.#modelRepo(modelId)).readFile(path);
  }

  /** Links logged models to a run as its outputs (`POST /runs/outputs`). */
  async logOutputs(runId: string, outputs: RunOutput[]): Promise<void> {
    validateRunId(runId);
    for (const o of outputs) validateModelId(o.modelId);
    await this.#http.call("POST", "/runs/outputs", {
      run_id: runId,
      models: outputs.map((o) => ({ model_id: o.modelId, step: o.step })),
    });
  }

  /** The logged-model outputs of a run (`run.outputs.model_outputs`). */
  async getRunOutputs(runId: string): Promise<RunOutput[]> {
    const run = await this.#getRunJson(runId);
    const outputs = ((run.outputs ?? {}) as Json).model_outputs as Json[] | undefined;
    return (outputs ?? []).map((o) => ({ modelId: String(o.model_id), step: num(o.step ?? 0) }));
  }
}
