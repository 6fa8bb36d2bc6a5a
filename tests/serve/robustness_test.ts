// `deno task serve` under stress: oversized and garbage bodies are refused while the server
// keeps answering, concurrent requests each get their own answer, and SIGTERM or SIGINT stop it
// with exit status 0 after answering the request in flight.

import assert from "node:assert/strict";
import * as lib from "../../lib/mod.ts";
import { type ModelServer, startDenoModelServer } from "../../harness/model_servers.ts";

const names = Array.from({ length: 20 }, (_, j) => `x${j}`);

async function loggedModel(): Promise<{ store: string; uri: string; model: lib.Pipeline }> {
  const store = await Deno.makeTempDir({ prefix: "serve-robust-" });
  lib.setTrackingUri(store);
  const { XTrain, yTrain } = lib.seedDataset();
  const model = lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 5, autolog: false });
  const { modelUri } = await lib.withRun({}, () => lib.logModel(model));
  return { store, uri: modelUri, model };
}

function post(server: ModelServer, body: BodyInit, type = "application/json") {
  return fetch(`${server.url}/invocations`, {
    method: "POST",
    headers: { "content-type": type },
    body,
  });
}

async function pingStatus(server: ModelServer): Promise<number> {
  const r = await fetch(`${server.url}/ping`);
  await r.body?.cancel();
  return r.status;
}

Deno.test("oversized and garbage bodies are refused and the server keeps answering", async () => {
  const { store, uri, model } = await loggedModel();
  const server = await startDenoModelServer(uri, {
    trackingUri: store,
    args: ["--max-body-mb", "1"],
  });
  try {
    // Declared too large: refused before the body is read.
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x20);
    const declared = await post(server, big);
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).error_code, "REQUEST_LIMIT_EXCEEDED");
    // Streamed without a length: refused once the limit is passed.
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        if (sent > 8 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024).fill(0x5b));
      },
    });
    const streamed = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: endless,
    });
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    assert.ok(sent < 8 * 1024 * 1024, "the server stopped reading");
    // Garbage of every kind, in both content types.
    let seed = 7;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    const garbage: [BodyInit, string][] = [
      [random(50_000), "application/json"],
      [random(50_000), "text/csv"],
      ["[".repeat(100_000), "application/json"],
      ['{"inputs": ' + "[".repeat(10_000) + "]".repeat(10_000) + "}", "application/json"],
      ['{"dataframe_split": {"columns": ["x0"], "data": [[1e400]]}}', "application/json"],
      ['"\\ud800"', "application/json"],
      ["\u0000\u0000", "text/csv"],
      ['x0,"unterminated\n1,2\n', "text/csv"],
      [",".repeat(200_000) + "\n1", "text/csv"],
    ];
    for (const [body, type] of garbage) {
      const r = await post(server, body, type);
      assert.ok(
        r.status >= 400 && r.status < 500,
        `${type} ${String(body).slice(0, 40)}: ${r.status}`,
      );
      const answer = await r.json();
      assert.equal(typeof answer.error_code, "string");
      assert.equal(typeof answer.message, "string");
      assert.equal(await pingStatus(server), 200);
    }
    // Still serving predictions.
    const rows = lib.seedDataset().XTest.slice(0, 4);
    const ok = await post(
      server,
      JSON.stringify({ dataframe_split: { columns: names, data: rows } }),
    );
    assert.deepEqual(await ok.json(), { predictions: model.predict(rows) });
  } finally {
    const status = await server.stop();
    await Deno.remove(store, { recursive: true });
    assert.equal(status.code, 0, server.output());
  }
});

Deno.test("concurrent requests each get their own answer", async () => {
  const { store, uri, model } = await loggedModel();
  const server = await startDenoModelServer(uri, { trackingUri: store });
  try {
    const { XTest } = lib.seedDataset();
    const answers = await Promise.all(Array.from({ length: 64 }, async (_, i) => {
      const rows = XTest.slice(i, i + 1 + (i % 7) * 10);
      if (i % 4 === 3) {
        const r = await post(server, JSON.stringify({ inputs: rows }));
        return { i, status: r.status, body: await r.json(), rows };
      }
      const body = i % 2 === 0
        ? JSON.stringify({
          dataframe_records: rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]]))),
        })
        : [names.join(","), ...rows.map((r) => r.join(","))].join("\n");
      const r = await post(server, body, i % 2 === 0 ? "application/json" : "text/csv");
      return { i, status: r.status, body: await r.json(), rows };
    }));
    for (const { i, status, body, rows } of answers) {
      if (i % 4 === 3) {
        assert.equal(status, 400);
        assert.equal(body.error_code, "INVALID_PARAMETER_VALUE");
      } else {
        assert.equal(status, 200, JSON.stringify(body));
        assert.deepEqual(body.predictions, model.predict(rows), `request ${i}`);
      }
    }
  } finally {
    const status = await server.stop();
    await Deno.remove(store, { recursive: true });
    assert.equal(status.code, 0, server.output());
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`${signal} stops the server after it answers the request in flight, exit status 0`, async () => {
    const { store, uri, model } = await loggedModel();
    const server = await startDenoModelServer(uri, { trackingUri: store });
    try {
      const rows = lib.seedDataset().XTest.slice(0, 3);
      const text = JSON.stringify({ dataframe_split: { columns: names, data: rows } });
      // The request's body arrives in two halves, the signal between them.
      const { promise: halfSent, resolve: sentHalf } = Promise.withResolvers<void>();
      const { promise: released, resolve: release } = Promise.withResolvers<void>();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, 50)));
          sentHalf();
          await released;
          controller.enqueue(new TextEncoder().encode(text.slice(50)));
          controller.close();
        },
      });
      const answer = fetch(`${server.url}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await halfSent;
      await new Promise((r) => setTimeout(r, 300));
      const stopped = server.stop(signal);
      await new Promise((r) => setTimeout(r, 500));
      const meanwhile = await fetch(`${server.url}/ping`);
      assert.equal(meanwhile.status, 503);
      assert.equal((await meanwhile.json()).error_code, "TEMPORARILY_UNAVAILABLE");
      release();
      const response = await answer;
      assert.equal(response.status, 200, await response.clone().text());
      assert.deepEqual(await response.json(), { predictions: model.predict(rows) });
      const status = await stopped;
      assert.equal(status.code, 0, server.output());
      assert.match(server.output(), /Stopped: every request answered/);
      await assert.rejects(fetch(`${server.url}/ping`));
    } finally {
      await server.stop("SIGKILL");
      await Deno.remove(store, { recursive: true });
    }
  });
}
