/**
 * The tracking store on an MLflow tracking server: {@linkcode RestStore} speaks MLflow's REST API
 * (`/api/2.0/mlflow/…`) and its artifact service (`/api/2.0/mlflow-artifacts/…`), with the same
 * validation and errors as the file store. Requests (authentication, retries, secrets kept out
 * of messages) go through an {@linkcode HttpClient}; logging calls go through a
 * {@linkcode LogBatchQueue}, so a call's Promise resolves once the server acknowledged its
 * values; reads page through `next_page_token`. Answers are checked for shape (an
 * INTERNAL_ERROR names the endpoint otherwise), listed artifact paths for safety, and artifact
 * files stream both ways.
 *
 * @module
 */

import type {
  DatasetInput,
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
import {
  type ArtifactRepository,
  artifactRepository,
  openArtifactFile,
  saveArtifactFile,
  uploadArtifactFile,
  walkArtifacts,
} from "./artifact_repo.ts";
import { checkListedPath, planDownload, prepareTarget } from "./_listed_paths.ts";
import { collectPages, type Page } from "./paging.ts";
import {
  experimentFrom,
  idIn,
  type Json,
  kvList,
  listIn,
  loggedModelFrom,
  num,
  objectIn,
  pageToken,
  runFrom,
} from "./_rest_codec.ts";
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
  validateDatasetInputs,
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

  /** Every item of a paged answer ({@linkcode collectPages}), its errors scrubbed of secrets. */
  #pages<T>(
    fetchPage: (pageToken: string | undefined, wanted: number) => Promise<Page<T>>,
    limit: number,
    where: string,
  ): Promise<T[]> {
    return collectPages(fetchPage, limit, where).catch((e) => {
      throw this.#http.scrubError(e);
    });
  }

  /** `METHOD /endpoint on <server>`, for messages about an answer. */
  #at(method: string, endpoint: string): string {
    return `${method} ${endpoint} on ${this.#http.uri}`;
  }

  // ---------------------------------------------------------------- experiments

  /** Nothing to prepare on a server. */
  ensureRoot(): void {}

  /** Creates an experiment (validated as the file store validates) and returns its id. */
  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<string> {
    validateExperimentName(name);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    const j = await this.#http.call("POST", "/experiments/create", { name, tags: kvList(tags) });
    return idIn(j, "experiment_id", this.#at("POST", "/experiments/create"));
  }

  /** The experiment with this id; throws RESOURCE_DOES_NOT_EXIST. */
  async getExperiment(id: string): Promise<Experiment> {
    validateExperimentId(id);
    const j = await this.#http.call("GET", "/experiments/get", { experiment_id: id });
    const where = this.#at("GET", "/experiments/get");
    return experimentFrom(objectIn(j, "experiment", where), where);
  }

  /** The experiment with this name (active or deleted), or null. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    validateExperimentName(name);
    try {
      const j = await this.#http.call("GET", "/experiments/get-by-name", {
        experiment_name: name,
      });
      const where = this.#at("GET", "/experiments/get-by-name");
      return experimentFrom(objectIn(j, "experiment", where), where);
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
    const where = this.#at("POST", "/experiments/search");
    return this.#pages(
      async (token, wanted) => {
        const j = await this.#http.call("POST", "/experiments/search", {
          max_results: Math.min(this.#pageSize(PAGE), wanted),
          filter,
          order_by: orderBy,
          view_type: viewType,
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "experiments", where).map((e) =>
            experimentFrom(e, where, "experiments.")
          ),
          nextPageToken: pageToken(j, where),
        };
      },
      maxResults,
      where,
    );
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
    const where = this.#at("POST", "/runs/create");
    const run = runFrom(objectIn(j, "run", where), where);
    this.#artifactUris.set(run.info.runId, run.info.artifactUri);
    return run;
  }

  /** A run by id; throws RESOURCE_DOES_NOT_EXIST. */
  async getRun(runId: string): Promise<Run> {
    return runFrom(await this.#getRunJson(runId), this.#at("GET", "/runs/get"));
  }

  async #getRunJson(runId: string): Promise<Json> {
    validateRunId(runId);
    const j = await this.#http.call("GET", "/runs/get", { run_id: runId });
    const where = this.#at("GET", "/runs/get");
    const run = objectIn(j, "run", where);
    const info = objectIn(run, "info", where, "run.");
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
    const where = this.#at("GET", "/metrics/get-history");
    return this.#pages(
      async (token) => {
        const j = await this.#http.call("GET", "/metrics/get-history", {
          run_id: runId,
          metric_key: key,
          max_results: this.#pageSize(HISTORY_PAGE),
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "metrics", where).map((m) => ({
            key,
            value: num(m.value),
            timestamp: num(m.timestamp),
            step: num(m.step ?? 0),
          })),
          nextPageToken: pageToken(j, where),
        };
      },
      Infinity,
      where,
    );
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
    const where = this.#at("POST", "/runs/search");
    const runs = await this.#pages(
      async (token, wanted) => {
        const j = await this.#http.call("POST", "/runs/search", {
          experiment_ids: experimentIds,
          filter: options.filter ?? "",
          run_view_type: runViewType,
          max_results: Math.min(this.#pageSize(PAGE), wanted),
          order_by: options.orderBy ?? [],
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "runs", where).map((r) => runFrom(r, where, "runs.")),
          nextPageToken: pageToken(j, where),
        };
      },
      maxResults > 0 ? maxResults : Infinity,
      where,
    );
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

  /** Streams a local file's bytes into the run's artifacts as the file `artifactFile`. */
  async uploadArtifact(
    runId: string,
    artifactFile: string,
    open: () => Promise<ReadableStream<Uint8Array>>,
  ): Promise<void> {
    await uploadArtifactFile(await this.#runRepo(runId), artifactFile, open);
  }

  /**
   * One level of a run's artifacts (sorted by path), through the server's `artifacts/list`;
   * every listed path is checked to be a safe path inside the folder asked for.
   */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    validateRunId(runId);
    const rel = path ? validateArtifactPath(path) : "";
    const where = this.#at("GET", "/artifacts/list");
    const source = `${where} (run ${runId})`;
    const out = await this.#pages(
      async (token) => {
        const j = await this.#http.call("GET", "/artifacts/list", {
          run_id: runId,
          ...(rel ? { path: rel } : {}),
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "files", where).map((f): FileInfo => {
            const listed = checkListedPath(f.path, rel, source);
            return f.is_dir === true
              ? { path: listed, isDir: true }
              : { path: listed, isDir: false, fileSize: num(f.file_size ?? 0) };
          }),
          nextPageToken: pageToken(j, where),
        };
      },
      Infinity,
      where,
    );
    // A listing of a file may name the file itself (some stores do): there is nothing under it.
    return out.filter((f) => f.path !== rel)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The bytes of one artifact file of a run. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return await (await this.#runRepo(runId)).readFile(path);
  }

  /** One artifact file of a run as a stream of its bytes, downloaded as it is read. */
  async openArtifact(runId: string, path: string): Promise<ReadableStream<Uint8Array>> {
    return await openArtifactFile(await this.#runRepo(runId), path);
  }

  /**
   * Downloads a run's artifact file or folder into `dstPath` (a fresh temporary folder when
   * omitted) and returns the local path, as MLflow's `download_artifacts` does. Files stream to
   * disk. Every path the server lists is checked before anything is written: one that would
   * leave the folder asked for, or `dstPath`, is refused with an INVALID_PARAMETER_VALUE naming
   * it and the server.
   */
  async downloadArtifacts(runId: string, path = "", dstPath?: string): Promise<string> {
    try {
      return await this.#download(runId, validateArtifactPath(path), dstPath);
    } catch (e) {
      throw this.#http.scrubError(e); // a refused path may quote anything the server likes
    }
  }

  async #download(runId: string, rel: string, dstPath?: string): Promise<string> {
    const files = await walkArtifacts((p) => this.listArtifacts(runId, p), rel);
    const repo = await this.#runRepo(runId);
    const source = `${this.#at("GET", "/artifacts/list")} (run ${runId})`;
    const dst = dstPath ?? await Deno.makeTempDir({ prefix: "mlflow-artifacts-" });
    const { root, plan, single } = planDownload(files.map((f) => f.path), rel, dst, source);
    await Deno.mkdir(dst, { recursive: true });
    for (const { path, target } of plan) {
      await saveArtifactFile(repo, path, await prepareTarget(dst, target, source));
    }
    if (!single) await Deno.mkdir(root, { recursive: true });
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
    const where = this.#at("POST", "/logged-models");
    return this.#remember(loggedModelFrom(objectIn(j, "model", where), where));
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
    const where = this.#at("GET", `/logged-models/${modelId}`);
    return this.#remember(loggedModelFrom(objectIn(j, "model", where), where));
  }

  /** Sets tags of a logged model (`PATCH /logged-models/<id>/tags`). */
  async setLoggedModelTags(modelId: string, tags: Record<string, string>): Promise<void> {
    validateModelId(modelId);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    await this.#http.call("PATCH", `/logged-models/${modelId}/tags`, { tags: kvList(tags) });
  }

  /** The logged models of some experiments, paging through the server's answers. */
  searchLoggedModels(options: SearchLoggedModelsOptions): Promise<LoggedModelInfo[]> {
    const { experimentIds, maxResults = 1000 } = options;
    checkMaxResults(maxResults);
    for (const id of experimentIds) validateExperimentId(id);
    const where = this.#at("POST", "/logged-models/search");
    return this.#pages(
      async (token, wanted) => {
        const j = await this.#http.call("POST", "/logged-models/search", {
          experiment_ids: experimentIds,
          max_results: Math.min(this.#pageSize(PAGE), wanted),
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "models", where).map((m) => loggedModelFrom(m, where, "models.")),
          nextPageToken: pageToken(j, where),
        };
      },
      maxResults,
      where,
    );
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
    const where = this.#at("GET", "/runs/get");
    const outputs = run.outputs === undefined ? {} : objectIn(run, "outputs", where, "run.");
    return listIn(outputs, "model_outputs", where, "run.outputs.").map((o) => ({
      modelId: idIn(o, "model_id", where, "run.outputs.model_outputs."),
      step: num(o.step ?? 0),
    }));
  }

  /** Records datasets a run used, with their input tags (`POST /runs/log-inputs`). */
  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    validateRunId(runId);
    validateDatasetInputs(inputs);
    await this.#http.call("POST", "/runs/log-inputs", {
      run_id: runId,
      datasets: inputs.map(({ dataset, tags }) => ({
        tags: kvList(tags),
        dataset: {
          name: dataset.name,
          digest: dataset.digest,
          source_type: dataset.sourceType,
          source: dataset.source,
          ...(dataset.schema !== null ? { schema: dataset.schema } : {}),
          ...(dataset.profile !== null ? { profile: dataset.profile } : {}),
        },
      })),
    });
  }
}
