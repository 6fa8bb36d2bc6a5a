/**
 * The tracking API against an MLflow tracking server: {@linkcode RestStore} speaks MLflow's REST
 * API (`/api/2.0/mlflow/…`) and its artifact service (`/api/2.0/mlflow-artifacts/…`), with the
 * same validation and errors as the file store.
 *
 * - Authentication as MLflow's clients do it: `MLFLOW_TRACKING_TOKEN` (a bearer token), else
 *   `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (basic), else credentials in the
 *   URI (`http://user:pass@host`). Secrets never appear in errors or on runs.
 * - Retries with exponential backoff on connection errors, 408, 429 and 5xx (honouring
 *   `Retry-After`), tuned by `MLFLOW_HTTP_REQUEST_MAX_RETRIES` (7),
 *   `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR` (2 s), `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` (1 s) and
 *   `MLFLOW_HTTP_REQUEST_TIMEOUT` (120 s), the variables Python MLflow reads.
 * - A 4xx becomes an {@linkcode MlflowError} carrying the server's `error_code` and message.
 * - Logging calls made while a request for the same run is in flight are sent together in one
 *   `runs/log-batch` (within MLflow's limits of 1000 metrics, 100 params and 100 tags); each
 *   call's Promise resolves only once the server has acknowledged its values.
 * - Reads page through `next_page_token`.
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import type { Experiment, FileInfo, LifecycleStage, Metric, RunStatus } from "./entities.ts";
import { ERROR_CODES, type ErrorCode, invalid, MlflowError, notFound } from "./errors.ts";
import { Run } from "./run.ts";
import {
  type Batch,
  checkMaxResults,
  expectLocal,
  normalizeBatch,
  type NormalizedBatch,
  runTags,
  type SearchResult,
  type SearchRunsOptions,
  uriToPath,
  validateArtifactFile,
  validateArtifactPath,
  walkFiles,
} from "./store.ts";
import {
  validateExperimentId,
  validateExperimentName,
  validateKey,
  validateRunId,
} from "./validation.ts";
import { compileExperimentFilter, compileFilter, compileOrderBy, parseOrderBy } from "./search.ts";
import { EXPERIMENT_GRAMMAR } from "./search.ts";
import type {
  CreateRunOptions,
  RunInfoChanges,
  StoreSearchExperimentsOptions,
  TrackingStore,
} from "./backend.ts";

/**
 * MLflow's per-request limits of `runs/log-batch`.
 *
 * @example
 * ```ts
 * import { BATCH_LIMITS } from "./rest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BATCH_LIMITS.metrics, 1000);
 * ```
 */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// A 5xx with one of these codes is the server refusing the request, not a passing failure.
const PERMANENT_CODES = new Set([
  "INVALID_PARAMETER_VALUE",
  "INVALID_STATE",
  "RESOURCE_ALREADY_EXISTS",
  "RESOURCE_DOES_NOT_EXIST",
  "BAD_REQUEST",
]);
const PAGE = 1000;
const HISTORY_PAGE = 25_000;

/** How a {@linkcode RestStore} talks to its server; every field defaults from the environment. */
export interface RestOptions {
  /** Bearer token. @default MLFLOW_TRACKING_TOKEN */
  token?: string;
  /** Basic-auth user. @default MLFLOW_TRACKING_USERNAME */
  username?: string;
  /** Basic-auth password. @default MLFLOW_TRACKING_PASSWORD */
  password?: string;
  /** Retries after the first attempt. @default MLFLOW_HTTP_REQUEST_MAX_RETRIES, else 7 */
  maxRetries?: number;
  /** Seconds; the n-th retry waits factor × 2^(n-1). @default MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, else 2 */
  backoffFactor?: number;
  /** Seconds of random extra wait per retry. @default MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, else 1 */
  backoffJitter?: number;
  /** Seconds before a request is abandoned (and retried). @default MLFLOW_HTTP_REQUEST_TIMEOUT, else 120 */
  timeout?: number;
  /** Results asked for per page of a search or history. @default 1000 (histories: 25,000) */
  pageSize?: number;
}

function envNumber(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    throw invalid(`${name} must be a non-negative number, got '${raw}'`);
  }
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Whether a tracking URI names an MLflow tracking server (`http:` or `https:`).
 *
 * @example
 * ```ts
 * import { isServerUri } from "./rest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isServerUri("http://127.0.0.1:5000"));
 * assert.ok(!isServerUri("file:///tmp/mlruns"));
 * ```
 */
export function isServerUri(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

// ------------------------------------------------------------------ JSON encoding

const NEG_ZERO = "\u0000-0\u0000";

/** JSON for MLflow's proto parser: NaN and ±∞ as its strings, -0 kept as `-0.0`. */
function toJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => {
    if (typeof v !== "number") return v;
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    if (Object.is(v, -0)) return NEG_ZERO;
    return v;
  }).replaceAll(JSON.stringify(NEG_ZERO), "-0.0");
}

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return Number(v);
}

function optNum(v: unknown): number | null {
  return v === undefined || v === null ? null : num(v);
}

type Json = Record<string, unknown>;
type KeyValue = { key: string; value?: string };

function kvList(record: Record<string, string>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function kvRecord(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (list ?? []) as KeyValue[]) out[kv.key] = kv.value ?? "";
  return out;
}

function experimentFrom(j: Json): Experiment {
  return {
    experimentId: String(j.experiment_id),
    name: String(j.name ?? ""),
    artifactLocation: String(j.artifact_location ?? ""),
    lifecycleStage: (j.lifecycle_stage ?? "active") as LifecycleStage,
    creationTime: optNum(j.creation_time),
    lastUpdateTime: optNum(j.last_update_time),
    tags: kvRecord(j.tags),
  };
}

function runFrom(j: Json): Run {
  const info = (j.info ?? {}) as Json;
  const data = (j.data ?? {}) as Json;
  const metrics: Record<string, number> = {};
  for (const m of (data.metrics ?? []) as Json[]) metrics[String(m.key)] = num(m.value);
  return new Run({
    runId: String(info.run_id ?? info.run_uuid),
    experimentId: String(info.experiment_id),
    runName: String(info.run_name ?? ""),
    userId: String(info.user_id ?? ""),
    status: (info.status ?? "RUNNING") as RunStatus,
    startTime: num(info.start_time ?? 0),
    endTime: optNum(info.end_time),
    artifactUri: String(info.artifact_uri ?? ""),
    lifecycleStage: (info.lifecycle_stage ?? "active") as LifecycleStage,
  }, { params: kvRecord(data.params), metrics, tags: kvRecord(data.tags) });
}

/** Whether so many metrics, params and tags fit in one `log-batch` request. */
function withinLimits(n: { metrics: number; params: number; tags: number }): boolean {
  return n.metrics <= BATCH_LIMITS.metrics && n.params <= BATCH_LIMITS.params &&
    n.tags <= BATCH_LIMITS.tags && n.metrics + n.params + n.tags <= BATCH_LIMITS.total;
}

function fitsOneRequest(b: NormalizedBatch): boolean {
  return withinLimits({ metrics: b.metrics.length, params: b.params.length, tags: b.tags.length });
}

/**
 * Splits a batch into requests within MLflow's limits: params first, then metrics, then tags.
 *
 * @example
 * ```ts
 * import { splitBatch } from "./rest.ts";
 * import assert from "node:assert/strict";
 *
 * const metrics = Array.from({ length: 2500 }, (_, i) => ({
 *   key: "m", value: i, timestamp: 0, step: i, auto: false,
 * }));
 * const parts = splitBatch({ params: [], metrics, tags: [] });
 * assert.deepEqual(parts.map((p) => p.metrics.length), [1000, 1000, 500]);
 * ```
 */
export function splitBatch(b: NormalizedBatch): NormalizedBatch[] {
  if (fitsOneRequest(b)) return [b];
  const out: NormalizedBatch[] = [];
  let cur: NormalizedBatch = { params: [], metrics: [], tags: [] };
  let total = 0;
  const push = () => {
    if (total) out.push(cur);
    cur = { params: [], metrics: [], tags: [] };
    total = 0;
  };
  for (const p of b.params) {
    if (cur.params.length === BATCH_LIMITS.params || total === BATCH_LIMITS.total) push();
    cur.params.push(p);
    total++;
  }
  for (const m of b.metrics) {
    if (cur.metrics.length === BATCH_LIMITS.metrics || total === BATCH_LIMITS.total) push();
    cur.metrics.push(m);
    total++;
  }
  for (const t of b.tags) {
    if (cur.tags.length === BATCH_LIMITS.tags || total === BATCH_LIMITS.total) push();
    cur.tags.push(t);
    total++;
  }
  push();
  return out;
}

interface Pending {
  batch: NormalizedBatch;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Where a run's (or logged model's) artifacts live, as this client reaches them. */
type ArtifactRepo = { kind: "http"; url: string } | { kind: "local"; dir: string };

function encodePath(rel: string): string {
  return rel.split("/").map(encodeURIComponent).join("/");
}

/**
 * A tracking store on an MLflow tracking server.
 *
 * @example Against a server (needs one running)
 * ```ts ignore
 * import { RestStore } from "./rest.ts";
 *
 * const store = new RestStore("http://127.0.0.1:5000");
 * const run = await store.createRun({ experimentId: "0", runName: "remote" });
 * await store.logBatch(run.info.runId, { metrics: [{ key: "acc", value: 0.9 }] });
 * ```
 */
export class RestStore implements TrackingStore {
  /** The server's base URL, without credentials or trailing slash. */
  readonly uri: string;
  readonly #options: RestOptions;
  #uriUser?: string;
  #uriPassword?: string;
  readonly #queues = new Map<string, Pending[]>();
  readonly #artifactUris = new Map<string, string>();

  /** A store for the server at `uri` (`http(s)://host[:port][/prefix]`). */
  constructor(uri: string, options: RestOptions = {}) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw invalid(`Invalid tracking server URI '${uri.replace(/\/\/[^@/]*@/, "//***@")}'`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw invalid(`A tracking server URI must be http: or https:, got '${url.protocol}'`);
    }
    if (url.username) this.#uriUser = decodeURIComponent(url.username);
    if (url.password) this.#uriPassword = decodeURIComponent(url.password);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    this.uri = url.toString().replace(/\/+$/, "");
    this.#options = options;
  }

  /**
   * The same server with other request options (credentials given in the URI are kept).
   *
   * @example
   * ```ts
   * import { RestStore } from "./rest.ts";
   * import assert from "node:assert/strict";
   *
   * const once = new RestStore("http://127.0.0.1:5000").withOptions({ maxRetries: 0 });
   * assert.equal(once.uri, "http://127.0.0.1:5000");
   * ```
   */
  withOptions(options: RestOptions): RestStore {
    const copy = new RestStore(this.uri, { ...this.#options, ...options });
    copy.#uriUser = this.#uriUser;
    copy.#uriPassword = this.#uriPassword;
    return copy;
  }

  // ---------------------------------------------------------------- HTTP

  #secrets(): string[] {
    const o = this.#options;
    return [
      o.token ?? Deno.env.get("MLFLOW_TRACKING_TOKEN"),
      o.password ?? Deno.env.get("MLFLOW_TRACKING_PASSWORD"),
      this.#uriPassword,
    ].filter((s): s is string => !!s && s.length >= 3);
  }

  #scrub(text: string): string {
    for (const s of this.#secrets()) text = text.replaceAll(s, "***");
    return text;
  }

  #authHeader(): string | null {
    const o = this.#options;
    const token = o.token ?? Deno.env.get("MLFLOW_TRACKING_TOKEN");
    if (token) return `Bearer ${token}`;
    const user = o.username ?? Deno.env.get("MLFLOW_TRACKING_USERNAME") ?? this.#uriUser;
    const password = o.password ?? Deno.env.get("MLFLOW_TRACKING_PASSWORD") ?? this.#uriPassword;
    if (user !== undefined && password !== undefined) {
      const bytes = new TextEncoder().encode(`${user}:${password}`);
      return `Basic ${btoa(String.fromCharCode(...bytes))}`;
    }
    return null;
  }

  /**
   * Sends one HTTP request with MLflow's retry policy and returns the response (2xx), or
   * throws an {@linkcode MlflowError} naming the endpoint, the status and the server's message.
   */
  async request(
    method: string,
    url: string,
    body?: string | Uint8Array,
    contentType = "application/json",
  ): Promise<Response> {
    const o = this.#options;
    const retries = o.maxRetries ?? envNumber("MLFLOW_HTTP_REQUEST_MAX_RETRIES", 7);
    const factor = o.backoffFactor ?? envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", 2);
    const jitter = o.backoffJitter ?? envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", 1);
    const timeout = o.timeout ?? envNumber("MLFLOW_HTTP_REQUEST_TIMEOUT", 120);
    const headers: Record<string, string> = { "User-Agent": "deno-mlflow-tracking" };
    if (body !== undefined) headers["Content-Type"] = contentType;
    const auth = this.#authHeader();
    if (auth) headers.Authorization = auth;
    const where = `${method} ${url.replace(this.uri, "").split("?")[0]}`;
    for (let attempt = 0;; attempt++) {
      let failure: MlflowError;
      let retryAfter: number | null = null;
      try {
        const res = await fetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body: body as BodyInit } : {}),
          signal: AbortSignal.timeout(timeout * 1000),
        });
        if (res.ok) return res;
        const text = await res.text();
        failure = this.#httpError(where, res.status, text);
        if (!TRANSIENT_STATUS.has(res.status) || PERMANENT_CODES.has(failure.code)) throw failure;
        const ra = Number(res.headers.get("retry-after"));
        if (Number.isFinite(ra) && ra > 0) retryAfter = ra * 1000;
      } catch (e) {
        if (e instanceof MlflowError) {
          if (!TRANSIENT_STATUS.has(e.httpStatus ?? 0) || PERMANENT_CODES.has(e.code)) throw e;
          failure = e;
        } else {
          // Connection refused or reset, DNS failure, timeout: the request may be retried.
          const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          failure = new MlflowError(
            "TEMPORARILY_UNAVAILABLE",
            this.#scrub(`${where} on ${this.uri} failed: ${reason}`),
          );
        }
      }
      if (attempt >= retries) {
        if (attempt > 0) failure.message += ` (after ${attempt + 1} attempts)`;
        throw failure;
      }
      const wait = retryAfter ?? (factor * 2 ** attempt + Math.random() * jitter) * 1000;
      await sleep(Math.min(wait, 120_000));
    }
  }

  #httpError(where: string, status: number, text: string): MlflowError {
    let code: string | undefined;
    let message = text.trim().slice(0, 2000);
    try {
      const j = JSON.parse(text) as { error_code?: string; message?: string };
      if (j.error_code) code = j.error_code;
      if (j.message) message = j.message;
    } catch { /* not JSON: keep the text */ }
    const known = (ERROR_CODES as readonly string[]).includes(code ?? "");
    const byStatus: ErrorCode = status === 401
      ? "UNAUTHENTICATED"
      : status === 403
      ? "PERMISSION_DENIED"
      : status === 404
      ? "RESOURCE_DOES_NOT_EXIST"
      : status === 429
      ? "REQUEST_LIMIT_EXCEEDED"
      : status >= 500
      ? "INTERNAL_ERROR"
      : "BAD_REQUEST";
    const finalCode = known ? code as ErrorCode : byStatus;
    const label = code ?? `HTTP ${status}`;
    return new MlflowError(
      finalCode,
      this.#scrub(`${message || `HTTP ${status}`} (${where}: ${status} ${label})`),
      { httpStatus: status },
    );
  }

  /** Calls an MLflow REST endpoint (`/api/2.0/mlflow` + `endpoint`) and returns its JSON. */
  async call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    endpoint: string,
    body: Json = {},
  ): Promise<Json> {
    let url = `${this.uri}/api/2.0/mlflow${endpoint}`;
    let payload: string | undefined;
    if (method === "GET" || method === "DELETE") {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) { for (const x of v) q.append(k, String(x)); }
        else q.append(k, String(v));
      }
      const qs = q.toString();
      if (qs) url += `?${qs}`;
    } else payload = toJson(body);
    const res = await this.request(method, url, payload);
    const text = await res.text();
    if (!text.trim()) return {};
    try {
      return JSON.parse(text) as Json;
    } catch (e) {
      throw new MlflowError(
        "INTERNAL_ERROR",
        `${method} ${endpoint}: the server at ${this.uri} did not answer JSON: ` +
          this.#scrub(text.slice(0, 200)),
        { cause: e },
      );
    }
  }

  // ---------------------------------------------------------------- experiments

  /** Nothing to prepare on a server. */
  ensureRoot(): void {}

  /** Creates an experiment (validated as the file store validates) and returns its id. */
  async createExperiment(name: string, tags: Record<string, string> = {}): Promise<string> {
    validateExperimentName(name);
    for (const key of Object.keys(tags)) validateKey("tag", key);
    const j = await this.call("POST", "/experiments/create", { name, tags: kvList(tags) });
    return String(j.experiment_id);
  }

  /** The experiment with this id; throws RESOURCE_DOES_NOT_EXIST. */
  async getExperiment(id: string): Promise<Experiment> {
    validateExperimentId(id);
    const j = await this.call("GET", "/experiments/get", { experiment_id: id });
    return experimentFrom(j.experiment as Json);
  }

  /** The experiment with this name (active or deleted), or null. */
  async getExperimentByName(name: string): Promise<Experiment | null> {
    validateExperimentName(name);
    try {
      const j = await this.call("GET", "/experiments/get-by-name", { experiment_name: name });
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
    await this.call("POST", "/experiments/set-experiment-tag", { experiment_id: id, key, value });
  }

  /** Experiments matching an MLflow experiment filter, paging through the server's answers. */
  async searchExperiments(options: StoreSearchExperimentsOptions = {}): Promise<Experiment[]> {
    const { viewType = "ACTIVE_ONLY", maxResults = 1000, filter = "", orderBy = [] } = options;
    checkMaxResults(maxResults);
    compileExperimentFilter(filter); // same errors as the file store, before any request
    for (const clause of orderBy) parseOrderBy(clause, EXPERIMENT_GRAMMAR);
    const out: Experiment[] = [];
    let token: string | undefined;
    do {
      const j = await this.call("POST", "/experiments/search", {
        max_results: Math.min(this.#options.pageSize ?? PAGE, maxResults - out.length),
        filter,
        order_by: orderBy,
        view_type: viewType,
        ...(token ? { page_token: token } : {}),
      });
      for (const e of (j.experiments ?? []) as Json[]) out.push(experimentFrom(e));
      token = j.next_page_token as string | undefined;
    } while (token && out.length < maxResults);
    return out;
  }

  // ---------------------------------------------------------------- runs

  /** Creates a RUNNING run, validating tags and name as the file store does. */
  async createRun(options: CreateRunOptions): Promise<Run> {
    const { experimentId, userId = "unknown", startTime = Date.now() } = options;
    validateExperimentId(experimentId);
    const { tags, runName } = runTags(options);
    const j = await this.call("POST", "/runs/create", {
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
    const j = await this.call("GET", "/runs/get", { run_id: runId });
    const run = j.run as Json;
    const info = (run.info ?? {}) as Json;
    if (info.artifact_uri) this.#artifactUris.set(runId, String(info.artifact_uri));
    return run;
  }

  /** The logged-model outputs of a run (`run.outputs.model_outputs`). */
  async runOutputs(runId: string): Promise<{ modelId: string; step: number }[]> {
    const run = await this.#getRunJson(runId);
    const outputs = ((run.outputs ?? {}) as Json).model_outputs as Json[] | undefined;
    return (outputs ?? []).map((o) => ({ modelId: String(o.model_id), step: num(o.step ?? 0) }));
  }

  /** Updates a run's status, end time and/or name. */
  async updateRunInfo(runId: string, changes: RunInfoChanges): Promise<void> {
    validateRunId(runId);
    if (changes.runName !== undefined) validateKey("tag", "mlflow.runName");
    await this.call("POST", "/runs/update", {
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
    await this.call("POST", stage === "deleted" ? "/runs/delete" : "/runs/restore", {
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
      return new Promise((resolve, reject) => {
        let queue = this.#queues.get(runId);
        const start = !queue;
        if (!queue) {
          queue = [];
          this.#queues.set(runId, queue);
        }
        queue.push({ batch: normalized, resolve, reject });
        // Let the calls made in the same tick join the first request.
        if (start) queueMicrotask(() => this.#drain(runId, queue));
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async #drain(runId: string, queue: Pending[]): Promise<void> {
    let head = 0; // queue[head…] are waiting; taking by index keeps long queues linear
    try {
      while (head < queue.length) {
        const first = queue[head++]!;
        if (!fitsOneRequest(first.batch)) {
          try {
            for (const part of splitBatch(first.batch)) await this.#sendBatch(runId, part);
            first.resolve();
          } catch (e) {
            first.reject(e);
          }
          continue;
        }
        const group = [first];
        const merged: NormalizedBatch = {
          params: [...first.batch.params],
          metrics: [...first.batch.metrics],
          tags: [...first.batch.tags],
        };
        const keys = {
          params: new Set(first.batch.params.map(([k]) => k)),
          tags: new Set(first.batch.tags.map(([k]) => k)),
        };
        while (head < queue.length) {
          const next = queue[head]!.batch;
          const n = {
            metrics: merged.metrics.length + next.metrics.length,
            params: merged.params.length + next.params.length,
            tags: merged.tags.length + next.tags.length,
          };
          // One key twice in a request is refused (params) or ambiguous (tags): send it later.
          const clash = next.params.some(([k]) => keys.params.has(k)) ||
            next.tags.some(([k]) => keys.tags.has(k));
          if (clash || !withinLimits(n)) break;
          group.push(queue[head++]!);
          merged.params.push(...next.params);
          merged.metrics.push(...next.metrics);
          merged.tags.push(...next.tags);
          for (const [k] of next.params) keys.params.add(k);
          for (const [k] of next.tags) keys.tags.add(k);
        }
        try {
          await this.#sendBatch(runId, merged);
          for (const p of group) p.resolve();
        } catch (e) {
          if (group.length === 1 || !(e instanceof MlflowError) || (e.httpStatus ?? 0) >= 500) {
            for (const p of group) p.reject(e);
            continue;
          }
          // The server refused the merged request: find whose values it refuses, one by one.
          for (const p of group) {
            try {
              await this.#sendBatch(runId, p.batch);
              p.resolve();
            } catch (e2) {
              p.reject(e2);
            }
          }
        }
      }
    } finally {
      this.#queues.delete(runId);
    }
  }

  async #sendBatch(runId: string, b: NormalizedBatch): Promise<void> {
    await this.call("POST", "/runs/log-batch", {
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
    await this.call("POST", "/runs/delete-tag", { run_id: runId, key });
  }

  /** A metric's full history, paging through the server's answers. */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    validateRunId(runId);
    validateKey("metric", key);
    const out: Metric[] = [];
    let token: string | undefined;
    do {
      const j = await this.call("GET", "/metrics/get-history", {
        run_id: runId,
        metric_key: key,
        max_results: this.#options.pageSize ?? HISTORY_PAGE,
        ...(token ? { page_token: token } : {}),
      });
      for (const m of (j.metrics ?? []) as Json[]) {
        out.push({ key, value: num(m.value), timestamp: num(m.timestamp), step: num(m.step ?? 0) });
      }
      token = j.next_page_token as string | undefined;
    } while (token);
    return out;
  }

  // ---------------------------------------------------------------- search

  /**
   * Runs matching an MLflow filter, in the server's (MLflow's) order. The filter and order-by
   * are checked here first, so a malformed one fails as it does on the file store.
   */
  async searchRuns(options: SearchRunsOptions): Promise<SearchResult> {
    const { experimentIds, maxResults = 1000, runViewType = "ACTIVE_ONLY" } = options;
    checkMaxResults(maxResults);
    for (const id of experimentIds) validateExperimentId(id);
    compileFilter(options.filter ?? "");
    compileOrderBy(options.orderBy ?? []);
    const runs: Run[] = [];
    let token: string | undefined;
    do {
      const j = await this.call("POST", "/runs/search", {
        experiment_ids: experimentIds,
        filter: options.filter ?? "",
        run_view_type: runViewType,
        max_results: Math.min(this.#options.pageSize ?? PAGE, maxResults - runs.length),
        order_by: options.orderBy ?? [],
        ...(token ? { page_token: token } : {}),
      });
      for (const r of (j.runs ?? []) as Json[]) runs.push(runFrom(r));
      token = j.next_page_token as string | undefined;
    } while (token && runs.length < maxResults);
    return { runs, skipped: [] };
  }

  // ---------------------------------------------------------------- artifacts

  /** Resolves an artifact URI the server handed out to something this client can reach. */
  artifactRepo(uri: string): ArtifactRepo {
    const proxied = /^mlflow-artifacts:(?:\/\/([^/]+))?\/?(.*)$/.exec(uri);
    if (proxied) {
      const host = proxied[1];
      const base = host ? `${new URL(this.uri).protocol}//${host}` : this.uri;
      return { kind: "http", url: `${base}/api/2.0/mlflow-artifacts/artifacts/${proxied[2]}` };
    }
    if (/^https?:\/\//i.test(uri)) return { kind: "http", url: uri.replace(/\/+$/, "") };
    if (uri.startsWith("file:") || uri.startsWith("/")) {
      return { kind: "local", dir: uriToPath(uri) };
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1] ?? uri;
    throw invalid(
      `Artifact location '${uri}' uses '${scheme}:', which this client cannot reach; start the ` +
        `server with --serve-artifacts so artifacts go through it (mlflow-artifacts:)`,
    );
  }

  async #runRepo(runId: string): Promise<ArtifactRepo> {
    validateRunId(runId);
    let uri = this.#artifactUris.get(runId);
    if (uri === undefined) {
      await this.#getRunJson(runId);
      uri = this.#artifactUris.get(runId) ?? "";
    }
    return this.artifactRepo(uri);
  }

  /** Uploads (or, for a local artifact root, writes) one file under a repository. */
  async putFile(repo: ArtifactRepo, rel: string, content: Uint8Array): Promise<void> {
    if (repo.kind === "http") {
      await (await this.request(
        "PUT",
        `${repo.url}/${encodePath(rel)}`,
        content,
        "application/octet-stream",
      )).body?.cancel();
      return;
    }
    const target = join(repo.dir, rel);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeFile(target, content);
  }

  /** Downloads (or reads) one file of a repository. */
  async getFile(repo: ArtifactRepo, rel: string): Promise<Uint8Array> {
    if (repo.kind === "http") {
      const res = await this.request("GET", `${repo.url}/${encodePath(rel)}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    try {
      return await Deno.readFile(join(repo.dir, rel));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw notFound(`No artifact file '${rel}'`);
      throw e;
    }
  }

  /** Copies a local file into the run's artifacts, under `artifactPath` if given. */
  async logArtifact(runId: string, localPath: string, artifactPath?: string): Promise<void> {
    await expectLocal(localPath, "file", "Cannot log artifact");
    const dir = validateArtifactPath(artifactPath ?? "");
    const rel = dir ? `${dir}/${basename(localPath)}` : basename(localPath);
    await this.putFile(await this.#runRepo(runId), rel, await Deno.readFile(localPath));
  }

  /** Copies a local folder's files into the run's artifacts, four uploads at a time. */
  async logArtifacts(runId: string, localDir: string, artifactPath?: string): Promise<void> {
    await expectLocal(localDir, "folder", "Cannot log artifacts");
    const dir = validateArtifactPath(artifactPath ?? "");
    const repo = await this.#runRepo(runId);
    const files = walkFiles(localDir);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const rel = files[next++]!;
        const bytes = await Deno.readFile(join(localDir, rel));
        await this.putFile(repo, dir ? `${dir}/${rel}` : rel, bytes);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Writes `content` as the artifact file `artifactFile` of the run. */
  async writeArtifact(
    runId: string,
    artifactFile: string,
    content: string | Uint8Array,
  ): Promise<void> {
    const rel = validateArtifactFile(artifactFile);
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await this.putFile(await this.#runRepo(runId), rel, bytes);
  }

  /** One level of a run's artifacts (sorted by path), through the server's `artifacts/list`. */
  async listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
    validateRunId(runId);
    const rel = path ? validateArtifactPath(path) : "";
    const out: FileInfo[] = [];
    let token: string | undefined;
    do {
      const j = await this.call("GET", "/artifacts/list", {
        run_id: runId,
        ...(rel ? { path: rel } : {}),
        ...(token ? { page_token: token } : {}),
      });
      for (const f of (j.files ?? []) as Json[]) {
        const isDir = f.is_dir === true;
        out.push({
          path: String(f.path),
          isDir,
          ...(isDir ? {} : { fileSize: num(f.file_size ?? 0) }),
        });
      }
      token = j.next_page_token as string | undefined;
    } while (token);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Every file under a run's artifact folder `path`, recursively. */
  async walkArtifacts(runId: string, path = ""): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    for (const f of await this.listArtifacts(runId, path)) {
      if (f.isDir) out.push(...await this.walkArtifacts(runId, f.path));
      else out.push(f);
    }
    return out;
  }

  /** The bytes of one artifact file of a run. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    const rel = validateArtifactFile(path);
    try {
      return await this.getFile(await this.#runRepo(runId), rel);
    } catch (e) {
      if (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") {
        throw notFound(`Run ${runId} has no artifact file '${rel}'`);
      }
      throw e;
    }
  }

  /**
   * Downloads a run's artifact file or folder into `dstPath` (a fresh temporary folder when
   * omitted) and returns the local path, as MLflow's `download_artifacts` does.
   */
  async downloadArtifacts(runId: string, path = "", dstPath?: string): Promise<string> {
    const rel = validateArtifactPath(path);
    const dst = dstPath ?? await Deno.makeTempDir({ prefix: "mlflow-artifacts-" });
    const files = await this.walkArtifacts(runId, rel);
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
      await Deno.writeFile(target, await this.getFile(repo, f.path));
    }
    return root;
  }

  // ---------------------------------------------------------------- logged models (MLflow 3)

  /** Creates a PENDING logged model; returns its id and artifact location. */
  async createLoggedModel(options: {
    experimentId: string;
    name: string;
    sourceRunId: string;
    params?: Record<string, string>;
    tags?: Record<string, string>;
  }): Promise<{ modelId: string; artifactUri: string }> {
    validateExperimentId(options.experimentId);
    validateRunId(options.sourceRunId);
    const j = await this.call("POST", "/logged-models", {
      experiment_id: options.experimentId,
      name: options.name,
      source_run_id: options.sourceRunId,
      params: kvList(options.params ?? {}),
      tags: kvList(options.tags ?? {}),
    });
    const info = ((j.model ?? {}) as Json).info as Json;
    return { modelId: String(info.model_id), artifactUri: String(info.artifact_uri) };
  }

  /** Marks a logged model READY once its files are uploaded. */
  async finalizeLoggedModel(modelId: string): Promise<void> {
    await this.call("PATCH", `/logged-models/${encodeURIComponent(modelId)}`, {
      model_id: modelId,
      status: "LOGGED_MODEL_READY",
    });
  }

  /** A logged model's name, artifact location, source run and status. */
  async getLoggedModel(
    modelId: string,
  ): Promise<
    {
      modelId: string;
      name: string;
      artifactUri: string;
      sourceRunId: string;
      status: string;
      tags: Record<string, string>;
    }
  > {
    if (!/^m-[0-9a-f]{32}$/.test(modelId)) throw invalid(`Invalid model id '${modelId}'`);
    const j = await this.call("GET", `/logged-models/${modelId}`);
    const info = ((j.model ?? {}) as Json).info as Json;
    return {
      modelId,
      name: String(info.name ?? ""),
      artifactUri: String(info.artifact_uri ?? ""),
      sourceRunId: String(info.source_run_id ?? ""),
      status: String(info.status ?? ""),
      tags: kvRecord(info.tags),
    };
  }

  /** Links logged models to a run as its outputs. */
  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    validateRunId(runId);
    await this.call("POST", "/runs/outputs", {
      run_id: runId,
      models: models.map((m) => ({ model_id: m.modelId, step: m.step })),
    });
  }

  /**
   * Uploads every file of a local folder under an artifact location; `transform` may rewrite a
   * file's bytes on the way.
   */
  async uploadFolder(
    artifactUri: string,
    localDir: string,
    transform?: (rel: string, bytes: Uint8Array) => Uint8Array,
  ): Promise<void> {
    const repo = this.artifactRepo(artifactUri);
    for (const rel of walkFiles(localDir)) {
      const bytes = await Deno.readFile(join(localDir, rel));
      await this.putFile(repo, rel, transform ? transform(rel, bytes) : bytes);
    }
  }
}
