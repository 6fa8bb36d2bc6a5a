/**
 * HTTP to an MLflow tracking server as MLflow's Python client does it (`mlflow/utils/rest_utils.py`):
 *
 * - Authentication: `MLFLOW_TRACKING_TOKEN` (a bearer token), else `MLFLOW_TRACKING_USERNAME` and
 *   `MLFLOW_TRACKING_PASSWORD` (basic), else credentials in the URI (`http://user:pass@host`).
 *   Secrets are removed from every message.
 * - Retries with exponential backoff on connection errors, 408, 429 and 5xx (honouring
 *   `Retry-After`), tuned by `MLFLOW_HTTP_REQUEST_MAX_RETRIES` (7),
 *   `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR` (2 s), `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` (1 s) and
 *   `MLFLOW_HTTP_REQUEST_TIMEOUT` (120 s), the variables Python MLflow reads.
 * - Any other 4xx (and a 5xx carrying a permanent error code) becomes an {@linkcode MlflowError}
 *   with the server's `error_code`, message and HTTP status.
 *
 * @module
 */

import { ERROR_CODES, type ErrorCode, invalid, MlflowError } from "./errors.ts";
import { type Json, toJson } from "./_rest_codec.ts";

/** How a client talks to its server; every field defaults from the environment. */
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

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// A 5xx with one of these codes is the server refusing the request, not a passing failure.
const PERMANENT_CODES = new Set([
  "INVALID_PARAMETER_VALUE",
  "INVALID_STATE",
  "RESOURCE_ALREADY_EXISTS",
  "RESOURCE_DOES_NOT_EXIST",
  "BAD_REQUEST",
]);

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

/** The MLflow error code for an HTTP status the server gave no known code with. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "RESOURCE_DOES_NOT_EXIST";
  if (status === 429) return "REQUEST_LIMIT_EXCEEDED";
  return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
}

/**
 * A client of one MLflow tracking server: authenticated requests with MLflow's retry policy,
 * and calls of its JSON API.
 *
 * @example
 * ```ts
 * import { HttpClient } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * const client = new HttpClient("http://bob:s3cret@127.0.0.1:5000/", { maxRetries: 0 });
 * assert.equal(client.uri, "http://127.0.0.1:5000");
 * assert.equal(client.scrub("denied for s3cret"), "denied for ***");
 * ```
 */
export class HttpClient {
  /** The server's base URL, without credentials or trailing slash. */
  readonly uri: string;
  /** The options it was made with. */
  readonly options: RestOptions;
  #uriUser?: string;
  #uriPassword?: string;

  /** A client of the server at `uri` (`http(s)://[user:pass@]host[:port][/prefix]`). */
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
    this.options = options;
  }

  /** The same server with other options (credentials given in the URI are kept). */
  withOptions(options: RestOptions): HttpClient {
    const copy = new HttpClient(this.uri, { ...this.options, ...options });
    copy.#uriUser = this.#uriUser;
    copy.#uriPassword = this.#uriPassword;
    return copy;
  }

  #secrets(): string[] {
    const o = this.options;
    return [
      o.token ?? Deno.env.get("MLFLOW_TRACKING_TOKEN"),
      o.password ?? Deno.env.get("MLFLOW_TRACKING_PASSWORD"),
      this.#uriPassword,
    ].filter((s): s is string => !!s && s.length >= 3);
  }

  /** `text` with every secret this client sends replaced by `***`. */
  scrub(text: string): string {
    for (const s of this.#secrets()) text = text.replaceAll(s, "***");
    return text;
  }

  #authHeader(): string | null {
    const o = this.options;
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
    const o = this.options;
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
            this.scrub(`${where} on ${this.uri} failed: ${reason}`),
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
    const finalCode = known ? code as ErrorCode : codeForStatus(status);
    const label = code ?? `HTTP ${status}`;
    return new MlflowError(
      finalCode,
      this.scrub(`${message || `HTTP ${status}`} (${where}: ${status} ${label})`),
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
          this.scrub(text.slice(0, 200)),
        { cause: e },
      );
    }
  }
}
