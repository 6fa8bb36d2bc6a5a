/**
 * The watch over one HTTP attempt of the tracking client: a timeout of idleness (no progress
 * connecting, waiting for the answer, or between two pieces of a body either way), bodies wrapped
 * so that each piece counts as progress, and what a failure without an answer is called.
 *
 * @module
 */

/** `n` seconds for a message: `4 s`, `0.3 s`. */
export function seconds(n: number): string {
  return `${Number(n.toFixed(n < 10 ? 1 : 0))} s`;
}

/** What went wrong with a request that got no answer, in a few words. */
export function networkReason(e: unknown): string {
  const error = e instanceof Error ? e : new Error(String(e));
  const detail = `${error.message}${
    error.cause instanceof Error ? `: ${error.cause.message}` : ""
  }`;
  if (/connection refused/i.test(detail)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known|no address/i.test(detail)) {
    return "host not found";
  }
  if (/reset|broken pipe|connection closed|incomplete|unexpected eof/i.test(detail)) {
    return "connection closed by the server";
  }
  return detail.replace(/\s+/g, " ").slice(0, 300);
}

/**
 * A probe of this process's file reads (`rchar` of `/proc/self/io`), or null where there is none
 * to read: it counts the times they moved by more than the probe's own reading. An upload of a
 * file streamed natively (no copy of each chunk through JavaScript, so no garbage for the
 * collector to fall behind on) is watched through it, as the file is read while the socket
 * takes it.
 *
 * @example Reading a file is progress
 * ```ts
 * import { processIo } from "./_http_watch.ts";
 * import assert from "node:assert/strict";
 *
 * const probe = processIo();
 * if (probe) {
 *   const before = await probe();
 *   await Deno.readFile(Deno.execPath());
 *   assert.ok((await probe()) > before);
 * }
 * ```
 */
export function processIo(): (() => Promise<number>) | null {
  const rchar = (text: string) => Number(/^rchar: (\d+)$/m.exec(text)?.[1] ?? NaN);
  try {
    if (!Number.isFinite(rchar(Deno.readTextFileSync("/proc/self/io")))) return null;
  } catch {
    return null;
  }
  let last = NaN;
  let moves = 0;
  return async () => {
    const now = rchar(await Deno.readTextFile("/proc/self/io"));
    if (now - last > 4096) moves++; // reading /proc/self/io itself adds some 100 bytes
    last = now;
    return moves;
  };
}

/**
 * Whether a stream is backed by a Deno resource (an open file, say), which `fetch` sends
 * natively; told by Deno's internal `[[resourceBacking]]` slot, and false wherever that cannot be
 * seen.
 *
 * @example
 * ```ts
 * import { nativeStream } from "./_http_watch.ts";
 * import assert from "node:assert/strict";
 *
 * using file = await Deno.open(Deno.execPath());
 * assert.equal(nativeStream(file.readable), true);
 * assert.equal(nativeStream(new Blob(["x"]).stream()), false);
 * ```
 */
export function nativeStream(stream: ReadableStream<Uint8Array>): boolean {
  const slot = Object.getOwnPropertySymbols(stream)
    .find((s) => s.description === "[[resourceBacking]]");
  const backing = slot ? (stream as unknown as Record<symbol, unknown>)[slot] : undefined;
  return typeof backing === "object" && backing !== null;
}

/**
 * Watches one attempt: aborts it after `timeoutMs` without progress, and wraps the bodies so that
 * every piece moving either way counts as progress.
 */
export class Watchdog {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #poller: ReturnType<typeof setInterval> | undefined;
  #stopped = false;
  /** What the attempt was doing when it was abandoned, once it was. */
  stalled: string | null = null;
  /** Where the attempt stands: connecting and sending, or reading the answer. */
  phase: "request" | "answer" = "request";
  /** A failure of the connection while a body was moving. */
  broken: unknown = undefined;
  /** A failure of the stream being uploaded (the caller's side, never retried). */
  sourceError: unknown = undefined;

  /** A watch that gives up after `timeoutMs` without progress. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Starts (or restarts) the countdown, unless the watch was stopped. */
  arm(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.stalled = this.phase;
      this.#controller.abort(new DOMException("no progress", "TimeoutError"));
    }, this.#timeoutMs);
  }

  /**
   * Restarts the countdown whenever `probe` tells something new (asked a few times per timeout),
   * for bodies that stream natively, out of sight; `null` stops asking.
   */
  poll(probe: (() => Promise<unknown>) | null): void {
    clearInterval(this.#poller);
    this.#poller = undefined;
    if (probe === null || this.#stopped) return;
    let last: unknown = undefined;
    let first = true;
    this.#poller = setInterval(() => {
      probe().then((now) => {
        if (!first && now !== last) this.arm();
        first = false;
        last = now;
      }, () => {});
    }, Math.max(50, Math.min(1000, this.#timeoutMs / 4)));
  }

  /** Ends the watch: no countdown, no polling. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#poller);
  }

  /** `source` as a request body whose every chunk restarts the countdown. */
  upload(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = source.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (e) {
          this.sourceError = e;
          throw e;
        }
        this.arm();
        if (next.done) c.close();
        else c.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }

  /**
   * An answer's body whose every chunk restarts the countdown; when the connection breaks or
   * stalls, it errors with `failure()` and the countdown stops once it ends.
   */
  download(
    body: ReadableStream<Uint8Array> | null,
    failure: () => Error,
  ): ReadableStream<Uint8Array> {
    const reader = body?.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        if (!reader) {
          this.stop();
          return c.close();
        }
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (e) {
          this.stop();
          this.broken = e;
          throw failure();
        }
        if (next.done) {
          this.stop();
          c.close();
        } else {
          this.arm();
          c.enqueue(next.value);
        }
      },
      cancel: async (reason) => {
        this.stop();
        await reader?.cancel(reason).catch(() => {});
      },
    }, { highWaterMark: 0 });
  }
}
