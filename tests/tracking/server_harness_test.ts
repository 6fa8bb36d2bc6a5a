// The mlflow server harness (harness/mlflow_server.ts): a real server over SQLite and PostgreSQL
// keeps experiments, metrics and proxied artifacts across a crash and a restart, and leaves
// nothing running behind.

import assert from "node:assert/strict";
import {
  type Backend,
  postgresAvailable,
  startTrackingServer,
} from "../../harness/mlflow_server.ts";

/** Calls MLflow's REST API and returns the parsed JSON answer; fails on a non-2xx status. */
async function api(
  url: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}/api/2.0/mlflow/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${path}: HTTP ${r.status} ${text}`);
  return JSON.parse(text);
}

/** Processes whose command line or environment mentions `dir`. */
async function processesMentioning(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cmdline = new TextDecoder().decode(await Deno.readFile(`/proc/${entry.name}/cmdline`));
      const environ = new TextDecoder().decode(await Deno.readFile(`/proc/${entry.name}/environ`));
      if (cmdline.includes(dir) || environ.includes(dir)) {
        found.push(`${entry.name}: ${cmdline.replaceAll("\0", " ")}`);
      }
    } catch { /* exited meanwhile */ }
  }
  return found;
}

function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) return false;
    throw e;
  }
}

async function roundTrip(backend: Backend): Promise<void> {
  const server = await startTrackingServer({ backend });
  const { url, dir } = server;
  const port = Number(new URL(url).port);
  const dbPort = backend === "postgres" ? Number(new URL(server.backendUri).port) : undefined;
  try {
    assert.equal(server.backend, backend);
    assert.match(server.backendUri, backend === "sqlite" ? /^sqlite:\/\/\/\// : /^postgresql/);
    assert.doesNotMatch(url, /\/$/);

    const { experiment_id: experimentId } = await api(url, "experiments/create", {
      name: `harness-${backend}`,
    });
    assert.equal(typeof experimentId, "string");
    const { run } = await api(url, "runs/create", {
      experiment_id: experimentId,
      run_name: "first",
      start_time: Date.now(),
    }) as { run: { info: { run_id: string; artifact_uri: string } } };
    const runId = run.info.run_id;
    await api(url, "runs/log-batch", {
      run_id: runId,
      metrics: [
        { key: "loss", value: 0.5, timestamp: Date.now(), step: 0 },
        { key: "loss", value: 0.25, timestamp: Date.now(), step: 1 },
      ],
      params: [{ key: "lr", value: "0.1" }],
    });

    // Proxied artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts → the artifacts folder.
    assert.match(run.info.artifact_uri, /^mlflow-artifacts:\//);
    const artifactPath = `${
      run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, "")
    }/notes/a.txt`;
    const artifactUrl = `${url}/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`;
    const put = await fetch(artifactUrl, { method: "PUT", body: "hello from deno\n" });
    assert.ok(put.ok, `PUT artifact: HTTP ${put.status} ${await put.text()}`);
    const got = await fetch(artifactUrl);
    assert.equal(await got.text(), "hello from deno\n");
    assert.equal(
      await Deno.readTextFile(`${server.artifactsDir}/${artifactPath}`),
      "hello from deno\n",
    );

    // A crash: every request fails until the server is started again.
    await server.kill();
    await assert.rejects(fetch(`${url}/health`));
    await server.start();

    const { experiment } = await api(url, `experiments/get?experiment_id=${experimentId}`) as {
      experiment: { name: string };
    };
    assert.equal(experiment.name, `harness-${backend}`);
    const { metrics } = await api(url, `metrics/get-history?run_id=${runId}&metric_key=loss`) as {
      metrics: { value: number; step: number }[];
    };
    assert.deepEqual(metrics.map((m) => [m.step, m.value]).sort(), [[0, 0.5], [1, 0.25]]);
    const { files } = await api(url, `artifacts/list?run_id=${runId}&path=notes`) as {
      files: { path: string; file_size: number }[];
    };
    assert.deepEqual(files, [{ path: "notes/a.txt", is_dir: false, file_size: 16 }]);
    assert.equal(await (await fetch(artifactUrl)).text(), "hello from deno\n");

    // A graceful restart keeps everything as well.
    await server.stop();
    await assert.rejects(fetch(`${url}/health`));
    await server.start();
    const { run: again } = await api(url, `runs/get?run_id=${runId}`) as {
      run: { data: { metrics: { key: string; value: number }[]; params: unknown[] } };
    };
    assert.deepEqual(again.data.metrics.map((m) => [m.key, m.value]), [["loss", 0.25]]);
    assert.deepEqual(again.data.params, [{ key: "lr", value: "0.1" }]);
  } finally {
    await server.close();
  }
  assert.ok(portIsFree(port), `port ${port} is still taken after close()`);
  if (dbPort) assert.ok(portIsFree(dbPort), `PostgreSQL's port ${dbPort} is still taken`);
  assert.deepEqual(await processesMentioning(dir), []);
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
}

Deno.test("server harness: sqlite keeps data across kill and restart, leaves nothing behind", () =>
  roundTrip("sqlite"));

const postgres = await postgresAvailable();
Deno.test({
  name: postgres
    ? "server harness: postgres keeps data across kill and restart, leaves nothing behind"
    : "server harness: postgres (ignored: no PostgreSQL server in /usr/lib/postgresql/*/bin)",
  ignore: !postgres,
  fn: () => roundTrip("postgres"),
});
