/**
 * HTTP to an MLflow tracking server as MLflow's Python client does it (`mlflow/utils/rest_utils.py`),
 * with defaults for a notebook:
 *
 * - Authentication: `MLFLOW_TRACKING_TOKEN` (a bearer token), else `MLFLOW_TRACKING_USERNAME` and
 *   `MLFLOW_TRACKING_PASSWORD` (basic), else credentials in the URI (`http://user:pass@host`).
 *   Secrets are removed from every message and log line, in every form the client sent them
 *   (as typed, percent-encoded, `user:password` and its base64 in the Basic header); a URI that
 *   does not parse is never echoed past its scheme and host.
 * - Retries with exponential backoff on connection errors, timeouts, 408, 429 and 5xx (honouring
 *   `Retry-After`), one line on stderr per retry. The defaults ({@linkcode HTTP_DEFAULTS}) give
 *   up on a dead server within about a minute: 3 retries after the first attempt, waits of
 *   2, 4 and 8 s (+ up to 0.5 s each), and 10 s without progress before an attempt is abandoned —
 *   at most 4 × 10 + 14 + 1.5 ≈ 56 s for a server that accepts connections and never answers,
 *   about 15 s for one that refuses them. MLflow's variables override them:
 *   `MLFLOW_HTTP_REQUEST_MAX_RETRIES`, `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`,
 *   `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` and `MLFLOW_HTTP_REQUEST_TIMEOUT` (whose Python defaults,
 *   7, 2, 1 and 120, would keep a cell waiting some 20 minutes).
 * - The timeout is one of idleness, as Python's socket timeouts are: connecting, waiting for the
 *   answer, and every pause between two pieces of a body (either way) count against it, so a
 *   large file streams for as long as it keeps moving, and an answer that stalls after its headers
 *   fails like one that never came.
 * - Any other 4xx (and a 5xx carrying a permanent error code) becomes an {@linkcode MlflowError}
 *   with the server's `error_code`, message and HTTP status.
 *
 * @module
 */

import { ERROR_CODES, type ErrorCode, invalid, MlflowError } from "./errors.ts";
import { type Json, toJson } from "./_rest_codec.ts";
import { nativeStream, networkReason, processIo, seconds, Watchdog } from "./_http_watch.ts";

/** How a client talks to its server; every field defaults from the environment. */
export interface RestOptions {
  /** Bearer token. @default MLFLOW_TRACKING_TOKEN */
  token?: string;
  /** Basic-auth user. @default MLFLOW_TRACKING_USERNAME */
  username?: string;
  /** Basic-auth password. @default MLFLOW_TRACKING_PASSWORD */
  password?: string;
  /** Retries after the first attempt. @default MLFLOW_HTTP_REQUEST_MAX_RETRIES, else 3 */
  maxRetries?: number;
  /** Seconds; the n-th retry waits factor × 2^(n-1). @default MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR, else 2 */
  backoffFactor?: number;
  /** Seconds of random extra wait per retry. @default MLFLOW_HTTP_REQUEST_BACKOFF_JITTER, else 0.5 */
  backoffJitter?: number;
  /**
   * Seconds without progress (connecting, waiting for the answer, between two pieces of a body)
   * before an attempt is abandoned (and retried). @default MLFLOW_HTTP_REQUEST_TIMEOUT, else 10
   */
  timeout?: number;
  /** Results asked for per page of a search or history. @default 1000 (histories: 25,000) */
  pageSize?: number;
  /** Where the line announcing each retry goes. @default console.error */
  onRetry?: (line: string) => void;
}

/**
 * The retry settings used when neither an option nor MLflow's environment variable sets them:
 * a dead server is given up on within about a minute (see the module docs).
 *
 * @example
 * ```ts
 * import { HTTP_DEFAULTS } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * const { maxRetries, backoffFactor, backoffJitter, timeout } = HTTP_DEFAULTS;
 * let waits = 0;
 * for (let n = 0; n < maxRetries; n++) waits += backoffFactor * 2 ** n + backoffJitter;
 * assert.ok((maxRetries + 1) * timeout + waits <= 60); // a server that never answers
 * ```
 */
export const HTTP_DEFAULTS: Readonly<{
  maxRetries: number;
  backoffFactor: number;
  backoffJitter: number;
  timeout: number;
}> = Object.freeze({ maxRetries: 3, backoffFactor: 2, backoffJitter: 0.5, timeout: 10 });

/** A body to send: bytes, text, or a function opening a stream (called again on each attempt). */
export type RequestBody = string | Uint8Array | (() => Promise<ReadableStream<Uint8Array>>);

/** Options of {@linkcode HttpClient.request}. */
export interface RequestOptions<T> {
  /** The request's body. */
  body?: RequestBody;
  /** Its content type. @default "application/json" */
  contentType?: string;
  /**
   * Reads a successful answer; it runs inside the attempt, so a body that stalls or breaks is
   * retried like a failed request. @default all of its bytes
   */
  read?: (res: Response) => Promise<T>;
  /**
   * How far `read` has got (say, the size of the file it writes). When given, `read` gets the
   * body as it came off the connection, to pipe it natively without a copy of each chunk, and
   * the timeout watches this instead of the chunks.
   */
  progress?: () => Promise<unknown>;
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

/**
 * Whether an error means the server stopped answering — it could not be reached, timed out, or
 * kept failing with a passing error (408, 429, 5xx) until the retries ran out — rather than
 * refusing one request.
 *
 * @example
 * ```ts
 * import { serverUnavailable } from "./http.ts";
 * import { MlflowError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(serverUnavailable(new MlflowError("TEMPORARILY_UNAVAILABLE", "connection refused")));
 * assert.ok(serverUnavailable(new MlflowError("INTERNAL_ERROR", "locked", { httpStatus: 503 })));
 * assert.ok(!serverUnavailable(new MlflowError("INVALID_PARAMETER_VALUE", "bad", { httpStatus: 400 })));
 * ```
 */
export function serverUnavailable(e: unknown): boolean {
  if (!(e instanceof MlflowError)) return false;
  if (e.httpStatus === undefined) return e.code === "TEMPORARILY_UNAVAILABLE";
  return TRANSIENT_STATUS.has(e.httpStatus) && !PERMANENT_CODES.has(e.code);
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

/** The MLflow error code for an HTTP status the server gave no known code with. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "RESOURCE_DOES_NOT_EXIST";
  if (status === 429) return "REQUEST_LIMIT_EXCEEDED";
  return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
}

/**
 * An unparseable server URI as it may be shown: its scheme and what follows the last `@`; what
 * stands in between could hold a user name or password, so it is never echoed.
 *
 * @example
 * ```ts
 * import { maskUnparsedUri } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(maskUnparsedUri("http://alice:pw/x@host:5000"), "http://***@host:5000");
 * assert.equal(maskUnparsedUri("http://alice:pw"), "http://***");
 * ```
 */
export function maskUnparsedUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:(?:\/\/)?/i.exec(uri)?.[0] ?? "";
  const at = uri.lastIndexOf("@");
  const host = at >= scheme.length ? uri.slice(at + 1).split(/[/?#]/)[0] : undefined;
  return host === undefined ? `${scheme}***` : `${scheme}***@${host}`;
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** The first `limit` bytes of a stream as text; the rest is not read. */
async function readCapped(stream: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for await (const chunk of stream) {
    text += decoder.decode(chunk.subarray(0, limit - size), { stream: true });
    size += chunk.length;
    if (size >= limit) break; // leaving the loop cancels the stream
  }
  return text + decoder.decode();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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
 * assert.equal(client.scrub(`Basic ${btoa("bob:s3cret")}`), "Basic ***");
 * ```
 */
export class HttpClient {
  /** The server's base URL, without credentials or trailing slash. */
  readonly uri: string;
  /** The options it was made with. */
  readonly options: RestOptions;
  #uriUser?: string;
  #uriPassword?: string;
  #uriRaw: string[] = []; // user and password as they were written in the URI

  /** A client of the server at `uri` (`http(s)://[user:pass@]host[:port][/prefix]`). */
  constructor(uri: string, options: RestOptions = {}) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw invalid(
        `Invalid tracking server URI '${maskUnparsedUri(uri)}' (the part that could hold a ` +
          `user name or password is not shown)`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw invalid(`A tracking server URI must be http: or https:, got '${url.protocol}'`);
    }
    if (url.username) this.#uriUser = decodeURIComponent(url.username);
    if (url.password) this.#uriPassword = decodeURIComponent(url.password);
    this.#uriRaw = [url.username, url.password].filter((s) => s !== "");
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
    copy.#uriRaw = this.#uriRaw;
    return copy;
  }

  /** Every form in which this client sends a secret, longest first. */
  #secrets(): string[] {
    const o = this.options;
    const env = (name: string) => Deno.env.get(name) || undefined;
    const token = o.token ?? env("MLFLOW_TRACKING_TOKEN");
    const passwords = [o.password ?? env("MLFLOW_TRACKING_PASSWORD"), this.#uriPassword];
    const users = [o.username ?? env("MLFLOW_TRACKING_USERNAME"), this.#uriUser];
    const forms = new Set<string>();
    if (this.#uriRaw.length === 2) forms.add(this.#uriRaw.join(":")).add(this.#uriRaw[1]!);
    for (const s of [token, ...passwords]) {
      if (!s) continue;
      forms.add(s).add(encodeURIComponent(s)).add(JSON.stringify(s).slice(1, -1));
      forms.add(
        s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
          .replaceAll('"', "&quot;").replaceAll("'", "&#39;"),
      );
      forms.add(base64(s)).add(base64(s).replace(/=+$/, ""));
    }
    for (const p of passwords) {
      for (const u of users) {
        if (!p || u === undefined) continue;
        const pair = base64(`${u}:${p}`); // the Basic header's value, padded or not
        const bare = pair.replace(/=+$/, "");
        forms.add(pair).add(bare).add(encodeURIComponent(pair)).add(`${u}:${p}`);
      }
    }
    forms.delete("");
    return [...forms].sort((a, b) => b.length - a.length);
  }

  /**
   * `text` with every secret this client sends replaced by `***`, in every form it sends it.
   * Secrets shorter than four characters are replaced where they stand alone, not inside words.
   */
  scrub(text: string): string {
    for (const s of this.#secrets()) {
      if (s.length >= 4) text = text.replaceAll(s, "***");
      else {
        text = text.replace(
          new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(s)}(?![A-Za-z0-9])`, "g"),
          "***",
        );
      }
    }
    return text;
  }

  /**
   * `e` with its message scrubbed when it is an {@linkcode MlflowError} quoting a secret (as a new
   * error, so that its stack quotes none either); anything else as it is.
   *
   * @example A server's text quoted in an error
   * ```ts
   * import { HttpClient } from "./http.ts";
   * import { MlflowError } from "./errors.ts";
   * import assert from "node:assert/strict";
   *
   * const client = new HttpClient("http://bob:s3cret@127.0.0.1:5000");
   * const e = client.scrubError(new MlflowError("INTERNAL_ERROR", "token 's3cret' again"));
   * assert.ok(e instanceof MlflowError && !`${e.message}${e.stack}`.includes("s3cret"));
   * ```
   */
  scrubError(e: unknown): unknown {
    if (!(e instanceof MlflowError)) return e;
    const message = this.scrub(e.message);
    if (message === e.message) return e;
    return new MlflowError(
      e.code,
      message,
      e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : undefined,
    );
  }

  #authHeader(): string | null {
    const o = this.options;
    const token = o.token ?? Deno.env.get("MLFLOW_TRACKING_TOKEN");
    if (token) return `Bearer ${token}`;
    const user = o.username ?? Deno.env.get("MLFLOW_TRACKING_USERNAME") ?? this.#uriUser;
    const password = o.password ?? Deno.env.get("MLFLOW_TRACKING_PASSWORD") ?? this.#uriPassword;
    if (user !== undefined && password !== undefined) {
      return `Basic ${base64(`${user}:${password}`)}`;
    }
    return null;
  }

  #settings() {
    const o = this.options;
    const d = HTTP_DEFAULTS;
    return {
      retries: o.maxRetries ?? envNumber("MLFLOW_HTTP_REQUEST_MAX_RETRIES", d.maxRetries),
      factor: o.backoffFactor ?? envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", d.backoffFactor),
      jitter: o.backoffJitter ?? envNumber("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", d.backoffJitter),
      timeout: o.timeout ?? envNumber("MLFLOW_HTTP_REQUEST_TIMEOUT", d.timeout),
    };
  }

  /** `METHOD /path` of a URL of this server, for messages (`POST /runs/log-batch`). */
  #where(method: string, url: string): string {
    const path = url.replace(this.uri, "").split("?")[0]!;
    return `${method} ${path.replace(/^\/api\/2\.0\/mlflow(?=\/)/, "")}`;
  }

  /**
   * Sends one HTTP request with MLflow's retry policy and returns what `read` made of the
   * successful answer (by default, its bytes); throws an {@linkcode MlflowError} naming the
   * endpoint, the status and the server's message.
   */
  request<T = Uint8Array>(
    method: string,
    url: string,
    options: RequestOptions<T> = {},
  ): Promise<T> {
    const read = options.read ??
      (async (res: Response) => new Uint8Array(await res.arrayBuffer()) as T);
    return this.#send(method, url, options, (res) => read(res), false);
  }

  /**
   * Sends a GET with MLflow's retry policy up to the answer's headers and returns its body as a
   * stream. A body that breaks or stalls (no data for the timeout) later errors the stream with
   * an {@linkcode MlflowError} naming the endpoint (TEMPORARILY_UNAVAILABLE); it is not retried.
   */
  open(url: string): Promise<ReadableStream<Uint8Array>> {
    return this.#send("GET", url, {}, (res) => Promise.resolve(res.body!), true);
  }

  async #send<T>(
    method: string,
    url: string,
    options: RequestOptions<unknown>,
    read: (res: Response) => Promise<T>,
    detach: boolean,
  ): Promise<T> {
    const { retries, factor, jitter, timeout } = this.#settings();
    const headers: Record<string, string> = { "User-Agent": "deno-mlflow-tracking" };
    if (options.body !== undefined) {
      headers["Content-Type"] = options.contentType ?? "application/json";
    }
    const auth = this.#authHeader();
    if (auth) headers.Authorization = auth;
    const where = this.#where(method, url);
    const unavailable = (reason: string) =>
      new MlflowError("TEMPORARILY_UNAVAILABLE", this.scrub(`${where} on ${this.uri}: ${reason}`));
    for (let attempt = 0;; attempt++) {
      let failure: MlflowError;
      let reason: string;
      let retryAfter: number | null = null;
      const watch = new Watchdog(timeout * 1000);
      const stalled = () =>
        `the answer stalled after its headers (no data for ${seconds(timeout)})`;
      let detached = false;
      try {
        const init: RequestInit = { method, headers, signal: watch.signal };
        const body = options.body;
        if (typeof body === "function") {
          // A file streams natively where this process's reads can be watched (no garbage per
          // chunk); anything else goes chunk by chunk through a watched stream.
          const stream = await body();
          const io = nativeStream(stream) ? processIo() : null;
          if (io) watch.poll(io);
          init.body = io ? stream : watch.upload(stream);
        } else if (body !== undefined) init.body = body as BodyInit;
        watch.arm();
        const res = await fetch(url, init);
        watch.phase = "answer";
        watch.poll(null);
        watch.arm();
        if (res.ok && options.progress) {
          // The body streams natively to wherever `read` sends it; its progress is watched.
          watch.poll(options.progress);
          try {
            return await read(res);
          } finally {
            await res.body?.cancel().catch(() => {});
          }
        }
        const wrapped = watch.download(
          res.body,
          () =>
            unavailable(
              watch.stalled ? stalled() : `the answer broke off: ${networkReason(watch.broken)}`,
            ),
        );
        if (res.ok) {
          const empty = res.status === 204 || res.status === 205;
          const answer = new Response(empty ? null : wrapped, {
            status: res.status,
            headers: res.headers,
          });
          if (detach) {
            detached = true;
            return await read(answer);
          }
          try {
            return await read(answer);
          } finally {
            await wrapped.cancel().catch(() => {});
          }
        }
        const text = await readCapped(wrapped, 65_536);
        let brief: string;
        [failure, brief] = this.#httpError(where, res.status, text);
        if (!TRANSIENT_STATUS.has(res.status) || PERMANENT_CODES.has(failure.code)) throw failure;
        reason = brief;
        const ra = Number(res.headers.get("retry-after"));
        if (Number.isFinite(ra) && ra > 0) retryAfter = ra * 1000;
      } catch (e) {
        if (watch.sourceError !== undefined) throw watch.sourceError; // the caller's stream
        if (watch.stalled) {
          reason = watch.stalled === "answer" ? stalled() : `no answer within ${seconds(timeout)}`;
          failure = unavailable(reason);
        } else if (watch.broken !== undefined || (e instanceof TypeError && !detached)) {
          // Connection refused or reset, DNS failure, a body cut short: the request may be retried.
          reason = networkReason(watch.broken ?? e);
          failure = unavailable(reason);
        } else if (e instanceof MlflowError) {
          if (!TRANSIENT_STATUS.has(e.httpStatus ?? 0) || PERMANENT_CODES.has(e.code)) throw e;
          failure = e;
          reason = `HTTP ${e.httpStatus} ${e.code}`;
        } else throw e; // the caller's reading failed (say, a full disk): not the server's doing
      } finally {
        if (!detached) watch.stop();
      }
      if (attempt >= retries) {
        if (attempt > 0) failure.message += ` (after ${attempt + 1} attempts)`;
        throw failure;
      }
      const wait = Math.min(
        retryAfter ?? (factor * 2 ** attempt + Math.random() * jitter) * 1000,
        60_000,
      );
      const state = failure.httpStatus !== undefined
        ? "failing"
        : watch.stalled
        ? "not answering"
        : "unreachable";
      (this.options.onRetry ?? console.error)(
        this.scrub(
          `MLflow server ${this.uri} ${state} (${where}: ${reason}); retrying in ` +
            `${seconds(wait / 1000)} (attempt ${attempt + 2} of ${retries + 1})`,
        ),
      );
      await sleep(wait);
    }
  }

  /** The error for a failed answer, and the few words a retry line says about it. */
  #httpError(where: string, status: number, text: string): [MlflowError, string] {
    let code: string | undefined;
    let message = text.trim().slice(0, 2000);
    try {
      const j = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof j.error_code === "string") code = j.error_code;
      if (typeof j.message === "string" && j.message) message = j.message;
    } catch { /* not JSON: keep the text */ }
    const known = (ERROR_CODES as readonly string[]).includes(code ?? "");
    const finalCode = known ? code as ErrorCode : codeForStatus(status);
    const label = code ?? `HTTP ${status}`;
    const brief = `HTTP ${status}${code ? ` ${code}` : ""}${
      message ? `: ${message.split("\n")[0]!.slice(0, 100)}` : ""
    }`;
    return [
      new MlflowError(
        finalCode,
        this.scrub(`${message || `HTTP ${status}`} (${where}: ${status} ${label})`),
        { httpStatus: status },
      ),
      this.scrub(brief),
    ];
  }

  /**
   * Calls an MLflow REST endpoint (`/api/2.0/mlflow` + `endpoint`) and returns its JSON object;
   * an answer that is not a JSON object is an INTERNAL_ERROR naming the endpoint.
   */
  async call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    endpoint: string,
    body: Json = {},
  ): Promise<Json> {
    let url = `${this.uri}/api/2.0/mlflow${endpoint}`;
    let payload: string | undefined;
    if (method === "GET") {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) { for (const x of v) q.append(k, String(x)); }
        else q.append(k, String(v));
      }
      const qs = q.toString();
      if (qs) url += `?${qs}`;
    } else payload = toJson(body);
    const text = await this.request(method, url, {
      ...(payload !== undefined ? { body: payload } : {}),
      read: (res) => res.text(),
    });
    return this.parseJson(`${method} ${endpoint}`, text);
  }

  /** The JSON object in an answer of the endpoint `where`, or an INTERNAL_ERROR naming it. */
  parseJson(where: string, text: string): Json {
    if (!text.trim()) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new MlflowError(
        "INTERNAL_ERROR",
        this.scrub(
          `${where}: the server at ${this.uri} did not answer JSON: ${text.slice(0, 200)}`,
        ),
      );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new MlflowError(
        "INTERNAL_ERROR",
        this.scrub(
          `${where}: the server at ${this.uri} answered ${text.slice(0, 200)}, not a JSON object`,
        ),
      );
    }
    return parsed as Json;
  }
}
