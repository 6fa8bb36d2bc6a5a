// The tracking API against a real `mlflow server`, watched through a recording proxy: batching
// within MLflow's limits, acknowledged writes, paging, retries, errors and authentication.

import assert from "node:assert/strict";
import * as mlflow from "../../lib/mod.ts";
import { MlflowError } from "../../lib/mod.ts";
import { RestStore } from "../../lib/tracking/mod.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { startProxy } from "./_proxy.ts";

const FAST_RETRIES = { maxRetries: 3, backoffFactor: 0.05, backoffJitter: 0 };

/** Every metric point the server holds for a run, asked directly (not through the library). */
async function serverHistory(url: string, runId: string, key: string): Promise<number[]> {
  const res = await fetch(
    `${url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}` +
      `&max_results=25000`,
  );
  const j = await res.json() as { metrics?: { step: number }[] };
  return (j.metrics ?? []).map((m) => m.step).sort((a, b) => a - b);
}

function batchBodies(proxy: ReturnType<typeof startProxy>) {
  return proxy.seen.filter((s) => s.path.endsWith("/runs/log-batch")).map((s) =>
    JSON.parse(s.body) as { metrics: unknown[]; params: unknown[]; tags: unknown[] }
  );
}

Deno.test({
  name: "the tracking API on an MLflow server: batching, acknowledgement, paging, retries",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await using server = await startTrackingServer();
    await using proxy = startProxy(server.url);
    const store = new RestStore(proxy.url, FAST_RETRIES);
    const exp = await store.createExperiment("rest");

    await t.step(
      "concurrent logMetric calls share log-batch requests of ≤1000 metrics",
      async () => {
        const run = await store.createRun({ experimentId: exp });
        const before = proxy.count("/runs/log-batch");
        await Promise.all(
          Array.from(
            { length: 2500 },
            (_, i) =>
              store.logBatch(run.info.runId, { metrics: [{ key: "m", value: i, step: i }] }),
          ),
        );
        const requests = batchBodies(proxy).slice(before);
        assert.ok(requests.length <= 4, `${requests.length} requests for 2500 calls`);
        assert.ok(requests.every((b) => b.metrics.length <= 1000));
        const steps = await serverHistory(server.url, run.info.runId, "m");
        assert.deepEqual(steps, Array.from({ length: 2500 }, (_, i) => i));
      },
    );

    await t.step(
      "one call over the limits is split: 250 params, 150 tags, 2500 metrics",
      async () => {
        const run = await store.createRun({ experimentId: exp });
        const before = proxy.count("/runs/log-batch");
        const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i]));
        const tags = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`t${i}`, `v${i}`]));
        const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: "x", value: i, step: i }));
        await store.logBatch(run.info.runId, { params, tags, metrics });
        const requests = batchBodies(proxy).slice(before);
        for (const b of requests) {
          assert.ok(b.params.length <= 100 && b.tags.length <= 100 && b.metrics.length <= 1000);
          assert.ok(b.params.length + b.tags.length + b.metrics.length <= 1000);
        }
        const back = await store.getRun(run.info.runId);
        assert.equal(Object.keys(back.data.params).length, 250);
        assert.equal(Object.keys(back.data.tags).filter((k) => /^t\d+$/.test(k)).length, 150);
        assert.equal((await store.getMetricHistory(run.info.runId, "x")).length, 2500);
      },
    );

    await t.step("a resolved logMetric means the server already has the point", async () => {
      mlflow.setTrackingUri(proxy.url);
      await mlflow.setExperiment("rest");
      const run = await mlflow.startRun({ runName: "acknowledged" });
      for (let i = 0; i < 15; i++) {
        await mlflow.logMetric("ack", i, { step: i });
        const steps = await serverHistory(server.url, run.info.runId, "ack");
        assert.equal(steps.length, i + 1, `point ${i} missing right after its Promise resolved`);
      }
      await mlflow.endRun();
      assert.equal((await mlflow.getRun(run.info.runId)).info.status, "FINISHED");
    });

    await t.step("reads page through next_page_token", async () => {
      const paged = new RestStore(proxy.url, { ...FAST_RETRIES, pageSize: 7 });
      const expId = await store.createExperiment("paging");
      for (let i = 0; i < 20; i++) {
        const r = await store.createRun({ experimentId: expId, runName: `r${i}`, startTime: i });
        if (i === 0) {
          await store.logBatch(r.info.runId, {
            metrics: Array.from({ length: 30 }, (_, s) => ({ key: "h", value: s, step: s })),
          });
        }
      }
      const whole = await store.searchRuns({ experimentIds: [expId] });
      let before = proxy.count("/runs/search");
      const pages = await paged.searchRuns({ experimentIds: [expId] });
      assert.equal(proxy.count("/runs/search") - before, 3);
      assert.deepEqual(
        pages.runs.map((r) => r.info.runName),
        whole.runs.map((r) => r.info.runName),
      );
      assert.equal(pages.runs.length, 20);
      assert.equal(
        (await paged.searchRuns({ experimentIds: [expId], maxResults: 10 })).runs.length,
        10,
      );
      const first = whole.runs.find((r) => r.info.runName === "r0")!;
      before = proxy.count("/metrics/get-history");
      const history = await paged.getMetricHistory(first.info.runId, "h");
      assert.equal(proxy.count("/metrics/get-history") - before, 5);
      assert.deepEqual(history.map((p) => p.step), Array.from({ length: 30 }, (_, s) => s));
      for (let i = 0; i < 12; i++) await store.createExperiment(`paging-${i}`);
      const all = await store.searchExperiments({ viewType: "ALL" });
      assert.ok(all.length >= 15, `${all.length} experiments`);
      before = proxy.count("/experiments/search");
      const exps = await paged.searchExperiments({ viewType: "ALL" });
      assert.equal(proxy.count("/experiments/search") - before, Math.ceil(all.length / 7));
      assert.deepEqual(exps.map((e) => e.experimentId), all.map((e) => e.experimentId));
    });

    await t.step("503 and 429 are retried with backoff; the point is stored once", async () => {
      const run = await store.createRun({ experimentId: exp });
      const before = proxy.count("/runs/log-batch");
      proxy.fail({ path: "/runs/log-batch", times: 2, status: 503 });
      await store.logBatch(run.info.runId, { metrics: [{ key: "r", value: 1, step: 0 }] });
      assert.equal(proxy.count("/runs/log-batch") - before, 3);
      proxy.fail({ path: "/runs/get", times: 1, status: 429, retryAfter: 1 });
      const started = performance.now();
      await store.getRun(run.info.runId);
      assert.ok(performance.now() - started >= 900, "Retry-After: 1 was not honoured");
      assert.deepEqual(await serverHistory(server.url, run.info.runId, "r"), [0]);
    });

    await t.step("a 4xx is not retried and carries the server's error_code", async () => {
      const run = await store.createRun({ experimentId: exp });
      await store.logBatch(run.info.runId, { params: { k: "1" } });
      const before = proxy.count("/runs/log-batch");
      await assert.rejects(
        () => store.logBatch(run.info.runId, { params: { k: "2" } }),
        (e: unknown) =>
          e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE" &&
          e.httpStatus === 400 && /k/.test(e.message),
      );
      assert.equal(proxy.count("/runs/log-batch") - before, 1);
      // A merged request the server refuses is retried call by call: only the bad call fails.
      const results = await Promise.allSettled([
        store.logBatch(run.info.runId, { metrics: [{ key: "good", value: 1 }] }),
        store.logBatch(run.info.runId, { params: { k: "3" } }),
        store.logBatch(run.info.runId, { metrics: [{ key: "good", value: 2, step: 1 }] }),
      ]);
      assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
      assert.equal((await store.getMetricHistory(run.info.runId, "good")).length, 2);
      assert.equal((await store.getRun(run.info.runId)).data.params.k, "1");
    });

    await t.step("5xx retries give up with the server's code after the last attempt", async () => {
      proxy.fail({
        path: "/experiments/get",
        times: 4,
        status: 500,
        body: JSON.stringify({ error_code: "INTERNAL_ERROR", message: "database is locked" }),
      });
      const before = proxy.count("/experiments/get");
      await assert.rejects(
        () => store.getExperiment(exp),
        (e: unknown) =>
          e instanceof MlflowError && e.code === "INTERNAL_ERROR" &&
          /database is locked/.test(e.message) && /after 4 attempts/.test(e.message),
      );
      assert.equal(proxy.count("/experiments/get") - before, 4);
    });

    await t.step("a server that restarts mid-call: the call is retried and succeeds", async () => {
      const direct = new RestStore(server.url, {
        maxRetries: 8,
        backoffFactor: 0.25,
        backoffJitter: 0,
      });
      const run = await direct.createRun({ experimentId: exp });
      await server.kill();
      const pending = direct.logBatch(run.info.runId, { metrics: [{ key: "z", value: 7 }] });
      await new Promise((r) => setTimeout(r, 500));
      await server.start();
      await pending;
      assert.deepEqual(await serverHistory(server.url, run.info.runId, "z"), [0]);
      const dead = new RestStore(server.url.replace(/:\d+$/, ":9"), {
        maxRetries: 1,
        backoffFactor: 0,
      });
      await assert.rejects(
        () => dead.getRun(run.info.runId),
        (e: unknown) => e instanceof MlflowError && e.code === "TEMPORARILY_UNAVAILABLE",
      );
    });
  },
});

Deno.test({
  name: "a script that exits with its run still active ends it FINISHED on the server",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const dir = await Deno.makeTempDir();
    const script = `${dir}/left_open.ts`;
    const lib = new URL("../../lib/mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import * as ml from "${lib}";\n` +
        `const run = await ml.startRun({ runName: "left-open" });\n` +
        `await ml.logMetric("m", 1);\nconsole.log(run.info.runId);\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
      env: { MLFLOW_TRACKING_URI: server.url },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const runId = new TextDecoder().decode(out.stdout).trim();
    const run = await new RestStore(server.url).getRun(runId);
    assert.equal(run.info.status, "FINISHED");
    assert.ok(run.info.endTime !== null && run.info.endTime >= run.info.startTime);
  },
});

Deno.test({
  name: "authentication as MLflow's clients send it; secrets never show in errors or runs",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    await using proxy = startProxy(server.url);
    const token = "tok-5ecr3t-value";
    const password = "pw-5ecr3t-value";
    const lastAuth = () => proxy.seen[proxy.seen.length - 1]!.authorization;

    const bearer = new RestStore(proxy.url, { ...FAST_RETRIES, token });
    const exp = await bearer.createExperiment("auth");
    assert.equal(lastAuth(), `Bearer ${token}`);
    const basic = new RestStore(proxy.url, { ...FAST_RETRIES, username: "alice", password });
    await basic.getExperiment(exp);
    assert.equal(lastAuth(), `Basic ${btoa(`alice:${password}`)}`);
    const inUri = new RestStore(proxy.url.replace("//", `//bob:${password}@`), FAST_RETRIES);
    await inUri.getExperiment(exp);
    assert.equal(lastAuth(), `Basic ${btoa(`bob:${password}`)}`);
    assert.ok(!inUri.uri.includes(password));

    // The environment variables Python MLflow reads, through the fluent API.
    const saved = Deno.env.get("MLFLOW_TRACKING_TOKEN");
    Deno.env.set("MLFLOW_TRACKING_TOKEN", token);
    try {
      mlflow.setTrackingUri(proxy.url.replace("//", `//bob:${password}@`));
      assert.ok(!mlflow.getTrackingUri().includes(password));
      const run = await mlflow.startRun({ experimentId: exp, runName: "secret-free" });
      await mlflow.logParam("p", 1);
      assert.equal(lastAuth(), `Bearer ${token}`);
      await mlflow.endRun();
      const back = await mlflow.getRun(run.info.runId);
      const everything = JSON.stringify(back);
      assert.ok(!everything.includes(token) && !everything.includes(password));

      const errors: unknown[] = [];
      const collect = (p: Promise<unknown>) =>
        p.then(() => assert.fail("expected an error"), (e) => errors.push(e));
      await collect(mlflow.getRun("0123456789abcdef0123456789abcdef")); // 404
      await collect(mlflow.withRun({ runId: run.info.runId }, () => mlflow.logParam("p", 2))); // 400
      proxy.fail({
        path: "/runs/get",
        times: 4,
        status: 503,
        body: `upstream said: bad credentials ${token} ${password}`,
      });
      await collect(inUri.getRun(run.info.runId)); // 503, retries exhausted, body echoes secrets
      await collect(
        new RestStore(`http://bob:${password}@127.0.0.1:9`, { maxRetries: 0, token }).getRun(
          run.info.runId,
        ),
      ); // connection refused
      assert.equal(errors.length, 4);
      for (const e of errors) {
        const text = [String(e), (e as Error).stack, JSON.stringify(e), String((e as Error).cause)]
          .join("\n");
        assert.ok(!text.includes(token), `token in: ${text}`);
        assert.ok(!text.includes(password), `password in: ${text}`);
      }
    } finally {
      if (saved === undefined) Deno.env.delete("MLFLOW_TRACKING_TOKEN");
      else Deno.env.set("MLFLOW_TRACKING_TOKEN", saved);
      mlflow.setTrackingUri(await Deno.makeTempDir());
    }
  },
});

Deno.test({
  name: "MLflow's basic-auth server: refused without credentials, served with them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "mlflow-auth-" });
    const password = "adm1n-5ecr3t-pass";
    const config = `${dir}/basic_auth.ini`;
    await Deno.writeTextFile(
      config,
      `[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///${dir}/auth.db\n` +
        `admin_username = admin\nadmin_password = ${password}\n` +
        `authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n`,
    );
    await using server = await startTrackingServer({
      args: ["--app-name", "basic-auth"],
      env: { MLFLOW_AUTH_CONFIG_PATH: config, MLFLOW_FLASK_SERVER_SECRET_KEY: crypto.randomUUID() },
    });
    const anonymous = new RestStore(server.url, FAST_RETRIES);
    await assert.rejects(
      () => anonymous.createExperiment("auth"),
      (e: unknown) =>
        e instanceof MlflowError && e.code === "UNAUTHENTICATED" && e.httpStatus === 401,
    );
    const wrong = new RestStore(server.url, {
      ...FAST_RETRIES,
      username: "admin",
      password: "nope",
    });
    await assert.rejects(
      () => wrong.createExperiment("auth"),
      (e: unknown) => e instanceof MlflowError && e.code === "UNAUTHENTICATED",
    );
    const saved = ["MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"].map((k) =>
      Deno.env.get(k)
    );
    Deno.env.set("MLFLOW_TRACKING_USERNAME", "admin");
    Deno.env.set("MLFLOW_TRACKING_PASSWORD", password);
    try {
      mlflow.setTrackingUri(server.url);
      await mlflow.setExperiment("auth");
      const id = await mlflow.withRun({ runName: "authenticated" }, async (run) => {
        await mlflow.logMetric("m", 1);
        await mlflow.logText("behind auth", "note.txt");
        return run.info.runId;
      });
      assert.equal(await mlflow.loadText(id, "note.txt"), "behind auth");
      const run = await mlflow.getRun(id);
      assert.equal(run.info.status, "FINISHED");
      assert.ok(!JSON.stringify(run).includes(password));
    } finally {
      ["MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"].forEach((k, i) =>
        saved[i] === undefined ? Deno.env.delete(k) : Deno.env.set(k, saved[i]!)
      );
      mlflow.setTrackingUri(await Deno.makeTempDir());
    }
  },
});
