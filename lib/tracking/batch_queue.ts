/**
 * The log-batch queue of a tracking server client: logging calls for one run made while a
 * request for it is in flight are merged into the next `runs/log-batch` request, within MLflow's
 * limits, and each call's Promise resolves only once the request carrying its values was
 * acknowledged. A merged request that is refused is sent again call by call, so only the call
 * whose values the server refuses fails.
 *
 * @module
 */

import { MlflowError } from "./errors.ts";
import type { NormalizedBatch } from "./validation.ts";

/**
 * MLflow's per-request limits of `runs/log-batch`.
 *
 * @example
 * ```ts
 * import { BATCH_LIMITS } from "./batch_queue.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BATCH_LIMITS.metrics, 1000);
 * ```
 */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

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
 * import { splitBatch } from "./batch_queue.ts";
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

/** Sends one request's worth of a run's values; rejects when the server refuses them. */
export type SendBatch = (runId: string, batch: NormalizedBatch) => Promise<void>;

/**
 * Per-run queues of logging calls, drained by a sender one request at a time.
 *
 * @example Calls made in one tick travel in one request
 * ```ts
 * import { LogBatchQueue } from "./batch_queue.ts";
 * import assert from "node:assert/strict";
 *
 * const sent: number[] = [];
 * const queue = new LogBatchQueue((_runId, batch) => {
 *   sent.push(batch.metrics.length);
 *   return Promise.resolve();
 * });
 * const point = (step: number) => ({
 *   params: [], tags: [], metrics: [{ key: "loss", value: 1 / (step + 1), timestamp: 0, step, auto: false }],
 * });
 * await Promise.all([0, 1, 2].map((step) => queue.enqueue("run", point(step))));
 * assert.deepEqual(sent, [3]);
 * ```
 */
export class LogBatchQueue {
  readonly #send: SendBatch;
  readonly #queues = new Map<string, Pending[]>();

  /** A queue whose requests go through `send`. */
  constructor(send: SendBatch) {
    this.#send = send;
  }

  /** Queues a run's values; resolves once the server acknowledged them, rejects if refused. */
  enqueue(runId: string, batch: NormalizedBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(runId);
      const start = !queue;
      if (!queue) {
        queue = [];
        this.#queues.set(runId, queue);
      }
      queue.push({ batch, resolve, reject });
      // Let the calls made in the same tick join the first request.
      if (start) queueMicrotask(() => this.#drain(runId, queue));
    });
  }

  async #drain(runId: string, queue: Pending[]): Promise<void> {
    let head = 0; // queue[head…] are waiting; taking by index keeps long queues linear
    try {
      while (head < queue.length) {
        const first = queue[head++]!;
        if (!fitsOneRequest(first.batch)) {
          try {
            for (const part of splitBatch(first.batch)) await this.#send(runId, part);
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
          await this.#send(runId, merged);
          for (const p of group) p.resolve();
        } catch (e) {
          if (group.length === 1 || !(e instanceof MlflowError) || (e.httpStatus ?? 0) >= 500) {
            for (const p of group) p.reject(e);
            continue;
          }
          // The server refused the merged request: find whose values it refuses, one by one.
          for (const p of group) {
            try {
              await this.#send(runId, p.batch);
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
}
