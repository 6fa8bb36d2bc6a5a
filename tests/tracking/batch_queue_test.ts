// The log-batch queue on its own, with a fake sender in place of a server: calls made while a
// request is in flight travel together within MLflow's limits, each call resolves only when
// the request carrying its values was acknowledged, and a refused merged request is retried
// call by call so only the bad call fails.

import assert from "node:assert/strict";
import { BATCH_LIMITS, LogBatchQueue, splitBatch } from "../../lib/tracking/batch_queue.ts";
import { MlflowError } from "../../lib/tracking/errors.ts";
import type { NormalizedBatch } from "../../lib/tracking/validation.ts";

function points(key: string, n: number, from = 0): NormalizedBatch {
  const metrics = Array.from({ length: n }, (_, i) => ({
    key,
    value: from + i,
    timestamp: 0,
    step: from + i,
    auto: false,
  }));
  return { params: [], metrics, tags: [] };
}

function param(key: string, value: string): NormalizedBatch {
  return { params: [[key, value]], metrics: [], tags: [] };
}

/** A sender that records requests and answers each when told to. */
function recorder(refuse: (b: NormalizedBatch) => MlflowError | null = () => null) {
  const requests: NormalizedBatch[] = [];
  const send = (_runId: string, batch: NormalizedBatch) => {
    requests.push(batch);
    const error = refuse(batch);
    return error ? Promise.reject(error) : Promise.resolve();
  };
  return { requests, queue: new LogBatchQueue(send) };
}

Deno.test("calls made in one tick go out as one request; later calls as the next", async () => {
  const { requests, queue } = recorder();
  const first = Promise.all([0, 1, 2].map((i) => queue.enqueue("r", points("loss", 1, i))));
  await first;
  await queue.enqueue("r", points("loss", 1, 3));
  assert.deepEqual(requests.map((r) => r.metrics.map((m) => m.step)), [[0, 1, 2], [3]]);
});

Deno.test("merged requests stay within MLflow's limits, and a big call is split", async () => {
  const { requests, queue } = recorder();
  await Promise.all([
    queue.enqueue("r", points("a", 600)),
    queue.enqueue("r", points("b", 600)),
    queue.enqueue("r", points("c", 2500)),
  ]);
  const sizes = requests.map((r) => r.metrics.length);
  assert.deepEqual(sizes, [600, 600, 1000, 1000, 500]);
  for (const r of requests) {
    assert.ok(r.metrics.length + r.params.length + r.tags.length <= BATCH_LIMITS.total);
  }
  assert.deepEqual(splitBatch(points("d", 10)).length, 1);
});

Deno.test("the same param key twice never shares a request", async () => {
  const { requests, queue } = recorder();
  await Promise.all([queue.enqueue("r", param("k", "1")), queue.enqueue("r", param("k", "1"))]);
  assert.equal(requests.length, 2);
});

Deno.test("a refused merged request is retried call by call: only the bad call fails", async () => {
  const refusal = new MlflowError("INVALID_PARAMETER_VALUE", "bad k", { httpStatus: 400 });
  const { requests, queue } = recorder((b) =>
    b.params.some(([, v]) => v === "bad") ? refusal : null
  );
  const results = await Promise.allSettled([
    queue.enqueue("r", points("loss", 2)),
    queue.enqueue("r", param("k", "bad")),
    queue.enqueue("r", param("j", "good")),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.equal((results[1] as PromiseRejectedResult).reason, refusal);
  assert.equal(requests.length, 4); // the merged one, then each call alone
});

Deno.test("a server failure (5xx) fails every call of the request, without retrying alone", async () => {
  const down = new MlflowError("INTERNAL_ERROR", "down", { httpStatus: 503 });
  const { requests, queue } = recorder(() => down);
  const results = await Promise.allSettled([
    queue.enqueue("r", points("a", 1)),
    queue.enqueue("r", points("b", 1)),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  assert.equal(requests.length, 1);
  // The queue is free again: the next call is sent.
  const after = await Promise.allSettled([queue.enqueue("r", points("c", 1))]);
  assert.equal(after[0]!.status, "rejected");
  assert.equal(requests.length, 2);
});

Deno.test("runs have queues of their own", async () => {
  const { requests, queue } = recorder();
  await Promise.all([queue.enqueue("r1", points("a", 1)), queue.enqueue("r2", points("a", 1))]);
  assert.equal(requests.length, 2);
});
