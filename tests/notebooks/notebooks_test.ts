// Every notebook executed headless by real Jupyter (nbconvert --execute, Deno kernel) into a
// temporary store: no errors, one run per execution of a training notebook, recorded as the
// library records it (read back by MLflow's own client), reports holding inline SVG charts, and
// `--no-input` reports that read as reports.

import assert from "node:assert/strict";
import { basename, join } from "node:path";
import * as ml from "../../lib/mod.ts";
import { FileStore, RestStore } from "../../lib/tracking/mod.ts";
import {
  ensureKernel,
  labCommand,
  listNotebooks,
  NOTEBOOKS_DIR,
  renderReport,
} from "../../harness/jupyter.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { freePort, waitForHttp } from "../../harness/net.ts";
import { labMarker } from "../../harness/jupyter_lab.ts";
import { markedProcesses } from "../../harness/processes.ts";
import { REPO_ROOT, runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

/** The SVG charts a report embeds (nbconvert inlines `image/svg+xml` as base64 `<img>`s). */
export function inlineSvgs(html: string): string[] {
  return [...html.matchAll(/<img [^>]*src="data:image\/svg\+xml;base64,([^"]+)"/g)]
    .map((m) => new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0))));
}

function stderrOutputs(html: string): number {
  return (html.match(/data-mime-type="application\/vnd\.jupyter\.stderr"/g) ?? []).length;
}

const EXPECTED_CHARTS: Record<string, number> = {
  explore_data: 2,
  train_kneighbors: 3,
  train_random_forest: 3,
  compare_runs: 6,
};

/** The code cells of a notebook file. */
async function codeCells(
  path: string,
): Promise<{ metadata: { tags?: string[] }; source: string }[]> {
  const nb = JSON.parse(await Deno.readTextFile(path));
  return nb.cells
    .filter((c: { cell_type: string }) => c.cell_type === "code")
    .map((c: { metadata: { tags?: string[] }; source: string[] | string }) => ({
      metadata: c.metadata,
      source: Array.isArray(c.source) ? c.source.join("") : c.source,
    }));
}

/**
 * A copy of a project notebook whose parameters cell sets `values` instead, written in a
 * temporary folder under the git-ignored `reports/` (inside the checkout, so the kernel finds the
 * project's import map and runs record the checkout's git commit). Removed when disposed.
 */
async function notebookWith(
  name: string,
  values: Record<string, unknown>,
): Promise<{ path: string } & AsyncDisposable> {
  const nb = JSON.parse(await Deno.readTextFile(join(NOTEBOOKS_DIR, `${name}.ipynb`)));
  const cell = nb.cells.find((c: { metadata: { tags?: string[] } }) =>
    c.metadata.tags?.includes("parameters")
  );
  let source: string = cell.source.join("");
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^const ${key} = .*;$`, "m");
    assert.match(source, line, `${name} has no parameter ${key}`);
    source = source.replace(line, `const ${key} = ${JSON.stringify(value)};`);
  }
  cell.source = [source];
  await Deno.mkdir(join(REPO_ROOT, "reports"), { recursive: true });
  const dir = await Deno.makeTempDir({ dir: join(REPO_ROOT, "reports"), prefix: ".notebook-" });
  const path = join(dir, `${name}.ipynb`);
  await Deno.writeTextFile(path, JSON.stringify(nb));
  return { path, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** What MLflow's Python client reads of runs (see tests/py/mlflow_run_record.py). */
type RunRecord = {
  status: string;
  params: Record<string, string>;
  metrics: string[];
  inputs: [string, string, string][];
  artifacts: string[];
  models: { name: string; flavors: string[]; files: string[] }[];
};

async function runRecords(store: string, runIds: string[]): Promise<Record<string, RunRecord>> {
  const { stdout } = await runPythonScript(pyScript("mlflow_run_record.py"), [
    store,
    JSON.stringify(runIds),
  ]);
  return JSON.parse(stdout);
}

Deno.test("notebooks are committed with their outputs cleared", async () => {
  for (const path of listNotebooks()) {
    const nb = JSON.parse(await Deno.readTextFile(path));
    assert.equal(nb.metadata.kernelspec.name, "deno", path);
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      assert.deepEqual(cell.outputs, [], `${basename(path)} has outputs`);
      assert.equal(cell.execution_count, null);
    }
  }
});

Deno.test("a training notebook has one parameters cell, its first code cell, of plain constants", async () => {
  const expected: Record<string, string[]> = {
    train_kneighbors: ["nNeighbors", "runSweep"],
    train_random_forest: ["maxDepth", "nEstimators"],
  };
  for (const path of listNotebooks()) {
    const name = basename(path, ".ipynb");
    const cells = await codeCells(path);
    const tagged = cells.filter((c) => c.metadata.tags?.includes("parameters"));
    if (!(name in expected)) {
      assert.equal(tagged.length, 0, name);
      continue;
    }
    assert.equal(tagged.length, 1, name);
    assert.equal(cells[0], tagged[0], `${name}: the parameters cell is not the first code cell`);
    assert.deepEqual(tagged[0]!.metadata, { tags: ["parameters"] });
    const [comment, ...lines] = tagged[0]!.source.trimEnd().split("\n");
    assert.match(comment!, /^\/\/ /);
    const names = lines.map((line) => {
      const m = /^const (\w+) = ([^;]+);$/.exec(line);
      assert.ok(m, `${name}: not a plain constant: ${line}`);
      JSON.parse(m[2]!); // a value papermill-style injection can write back
      return m[1];
    });
    assert.deepEqual(names, expected[name]);
  }
});

Deno.test("every notebook runs top to bottom in Jupyter, logs its runs, and reports its charts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "notebooks-test-" });
  const store = join(dir, "mlruns");
  const env = { MLFLOW_TRACKING_URI: store };
  const notebooks = listNotebooks();
  assert.deepEqual(notebooks.map((p) => basename(p, ".ipynb")), Object.keys(EXPECTED_CHARTS));
  for (const nb of notebooks) {
    const name = basename(nb, ".ipynb");
    const report = await renderReport(nb, { outDir: join(dir, "reports"), env });
    const html = await Deno.readTextFile(report);
    assert.equal(stderrOutputs(html), 0, `${name} wrote to stderr`);
    assert.doesNotMatch(
      html,
      /jp-OutputArea-output[^"]*" data-mime-type="application\/vnd\.jupyter\.error/,
    );
    const svgs = inlineSvgs(html);
    assert.equal(svgs.length, EXPECTED_CHARTS[name], `${name}: inline SVG charts`);
    for (const svg of svgs) {
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok((svg.match(/<text/g) ?? []).length >= 4, `${name}: chart without axis text`);
    }
  }
  const fs = new FileStore(store);
  const exps = Object.fromEntries(fs.listExperiments().map((e) => [e.name, e.experimentId]));
  const runsOf = (family: string) => fs.searchRuns({ experimentIds: [exps[family]!] }).runs;
  // Each training notebook logs exactly its one run (no sweep unless asked for).
  const families: [string, string][] = [
    ["k-neighbours", "train_kneighbors"],
    ["random-forest", "train_random_forest"],
  ];
  for (const [family, notebook] of families) {
    const runs = runsOf(family);
    assert.equal(runs.length, 1, family);
    const [run] = runs;
    assert.equal(run!.info.status, "FINISHED");
    assert.equal(run!.data.tags["mlflow.source.type"], "NOTEBOOK");
    assert.equal(run!.data.tags["mlflow.source.name"], join(NOTEBOOKS_DIR, `${notebook}.ipynb`));
    assert.ok(run!.data.metrics.test_accuracy! > 0.6);
  }
  // MLflow's own client reads the notebooks' instrumented runs: params, metrics, both datasets
  // and the model — exactly what runKNeighbors and runRandomForest record.
  const [knn] = runsOf("k-neighbours");
  const [forest] = runsOf("random-forest");
  ml.setTrackingUri(join(dir, "library"));
  const data = ml.seedDataset();
  const fromLibrary = [
    await ml.runKNeighbors({ nNeighbors: 5, data }),
    await ml.runRandomForest({ maxDepth: 3, nEstimators: 20, data }),
  ];
  const notebookRecords = await runRecords(store, [knn!.info.runId, forest!.info.runId]);
  const libraryRecords = await runRecords(
    join(dir, "library"),
    fromLibrary.map((r) => r.info.runId),
  );
  const { training, testing } = ml.splitDatasets(data);
  for (const [i, run] of [knn!, forest!].entries()) {
    const record = notebookRecords[run.info.runId]!;
    const library = libraryRecords[fromLibrary[i]!.info.runId]!;
    assert.equal(record.status, "FINISHED");
    assert.deepEqual(record.inputs, [
      ["seed-test", testing.digest, "testing"],
      ["seed-train", training.digest, "training"],
    ]);
    assert.ok(
      record.metrics.includes("train_accuracy") && record.metrics.includes("test_accuracy"),
    );
    assert.deepEqual(record.artifacts, ["confusion_matrix.svg", "confusion_matrix.vl.json"]);
    assert.equal(record.models.length, 1);
    assert.ok(record.models[0]!.files.includes("MLmodel"));
    assert.deepEqual(record, library, `${run.info.runName}: notebook and library differ`);
  }
  assert.deepEqual(notebookRecords[knn!.info.runId]!.params, { n_neighbors: "5" });
  assert.equal(notebookRecords[forest!.info.runId]!.params.max_depth, "3");
  assert.equal(knn!.data.metrics.test_accuracy, 0.932); // the original project's number
  // The comparison report says, in words, how many runs there are and which is best.
  const compare = await Deno.readTextFile(join(dir, "reports", "compare_runs.html"));
  assert.match(compare, /2 runs are compared/);
  assert.match(compare, /1 k-neighbours model and 1 random forest/);
  assert.match(compare, /The best is <strong>(knn-k5|rf-d3-n20)<\/strong>/);
  // It registers each family's best run and points the family's `champion` alias at it.
  ml.setTrackingUri(store);
  const champion = async (family: string) => await ml.getModelVersionByAlias(family, "champion");
  assert.equal((await champion("k-neighbours")).runId, knn!.info.runId);
  assert.equal((await champion("random-forest")).runId, forest!.info.runId);
  assert.match(compare, /<strong>k-neighbours<\/strong> version 1 is <code>@champion<\/code>/);
  // Executing a training notebook again, unedited, logs exactly one more run.
  await renderReport(join(NOTEBOOKS_DIR, "train_kneighbors.ipynb"), {
    outDir: join(dir, "again"),
    env,
  });
  assert.equal(runsOf("k-neighbours").length, 2);
  assert.equal(runsOf("random-forest").length, 1);
  // A stakeholder report hides the code, keeps the charts, and reads as a report: formatted
  // text and charts, no raw strings, nothing about the store or the code.
  const summary = await Deno.readTextFile(
    await renderReport(join(NOTEBOOKS_DIR, "compare_runs.ipynb"), {
      outDir: join(dir, "summary"),
      env,
      noInput: true,
    }),
  );
  assert.doesNotMatch(summary, /searchExperiments/); // code of the first cell
  assert.match(compare, /searchExperiments/);
  assert.equal(inlineSvgs(summary).length, EXPECTED_CHARTS.compare_runs);
  assert.doesNotMatch(summary, /data-mime-type="text\/plain"/, "a raw string output");
  assert.doesNotMatch(summary, /finished runs:|mlruns|searchRuns/);
  assert.match(summary, /3 runs are compared/);
  // The new k-neighbours run scores as the first (same settings, same data) and is newer, so it
  // is registered as version 2 and the alias moves to it; the forest's version stays the only one.
  const newest = runsOf("k-neighbours").find((r) => r.info.runId !== knn!.info.runId)!;
  ml.setTrackingUri(store);
  assert.deepEqual(
    [(await champion("k-neighbours")).version, (await champion("k-neighbours")).runId],
    [2, newest.info.runId],
  );
  assert.deepEqual(
    (await ml.searchModelVersions({ filter: "name = 'random-forest'" })).map((v) => v.version),
    [1],
  );
  assert.equal((await ml.loadModel("models:/k-neighbours@champion")).kind, "k_neighbors");
  assert.match(summary, /version 2 is <code>@champion<\/code>/);
});

Deno.test("the k sweep runs only when asked, reuses its runs when run again, and a bad k logs nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "notebooks-sweep-" });
  const store = join(dir, "mlruns");
  const env = { MLFLOW_TRACKING_URI: store };
  const fs = new FileStore(store);
  const knnRuns = () => {
    const exp = fs.listExperiments().find((e) => e.name === "k-neighbours");
    return exp ? fs.searchRuns({ experimentIds: [exp.experimentId] }).runs : [];
  };
  {
    await using bad = await notebookWith("train_kneighbors", { nNeighbors: 5000 });
    await assert.rejects(
      renderReport(bad.path, { outDir: join(dir, "bad"), env }),
      /nNeighbors must be at most the number of training rows \(750\), current value is 5000/,
    );
  }
  assert.deepEqual(knnRuns(), []);
  await using sweep = await notebookWith("train_kneighbors", { runSweep: true });
  const first = await Deno.readTextFile(
    await renderReport(sweep.path, { outDir: join(dir, "first"), env }),
  );
  assert.equal(inlineSvgs(first).length, EXPECTED_CHARTS.train_kneighbors! + 1);
  // The sweep's progress bar was updated in place: one output holding the finished bar.
  const bars = first.match(/<progress[^>]*>/g) ?? [];
  assert.equal(bars.length, 1, "one progress output");
  assert.match(bars[0]!, /value="5"/);
  assert.match(bars[0]!, /max="5"/);
  // The notebook's run, the sweep's parent and its five runs.
  assert.equal(knnRuns().length, 7);
  const second = await Deno.readTextFile(
    await renderReport(sweep.path, { outDir: join(dir, "second"), env }),
  );
  assert.match(second, /reused=knn-k25 test_accuracy=/);
  const runs = knnRuns();
  assert.equal(runs.length, 9, "only the notebook's run and a parent are new");
  const parents = runs.filter((r) => r.data.tags["sweep.runs"] !== undefined);
  assert.equal(parents.length, 2);
  const nested = (p: ml.Run) =>
    runs.filter((r) => r.data.tags["mlflow.parentRunId"] === p.info.runId).length;
  assert.deepEqual(parents.map(nested).sort(), [0, 5]);
  for (const parent of parents) {
    assert.equal(parent.data.tags["sweep.runs"], "5");
    assert.equal(nested(parent) + Number(parent.data.tags["sweep.reused"]), 5);
  }
  assert.equal(
    parents[0]!.data.metrics.best_test_accuracy,
    parents[1]!.data.metrics.best_test_accuracy,
  );
});

Deno.test({
  name: "a notebook logs to an MLflow tracking server with nothing but MLFLOW_TRACKING_URI",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const dir = await Deno.makeTempDir({ prefix: "notebook-server-" });
    const report = await renderReport(join(NOTEBOOKS_DIR, "train_kneighbors.ipynb"), {
      outDir: dir,
      env: { MLFLOW_TRACKING_URI: server.url },
    });
    const html = await Deno.readTextFile(report);
    assert.equal(stderrOutputs(html), 0);
    assert.equal(inlineSvgs(html).length, EXPECTED_CHARTS.train_kneighbors);
    const rest = new RestStore(server.url);
    const exp = (await rest.getExperimentByName("k-neighbours"))!;
    const { runs } = await rest.searchRuns({ experimentIds: [exp.experimentId] });
    assert.equal(runs.length, 1);
    for (const run of runs) {
      assert.equal(run.info.status, "FINISHED");
      assert.equal(run.data.tags["mlflow.source.type"], "NOTEBOOK");
      assert.ok(run.info.artifactUri.startsWith("mlflow-artifacts:/"));
      assert.deepEqual((await rest.listArtifacts(run.info.runId)).map((f) => f.path), [
        "confusion_matrix.svg",
        "confusion_matrix.vl.json",
      ]);
    }
  },
});

Deno.test("`deno task lab` serves JupyterLab whose Deno kernel starts and runs code", async () => {
  const env = await ensureKernel();
  const port = freePort();
  const token = crypto.randomUUID();
  const [cmd, ...args] = labCommand(port, false);
  const lab = new Deno.Command(cmd!, {
    args,
    env: { ...env, JUPYTER_TOKEN: token },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const api = (path: string, init?: RequestInit) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
    });
  try {
    const specs = await (await waitForHttp(`http://127.0.0.1:${port}/api/kernelspecs`, 60_000, {
      headers: { Authorization: `token ${token}` },
    })).json() as { kernelspecs: Record<string, unknown> };
    assert.ok("deno" in specs.kernelspecs, `kernels: ${Object.keys(specs.kernelspecs)}`);
    const page = await api("/lab");
    assert.match(await page.text(), /JupyterLab/);
    const kernel =
      await (await api("/api/kernels", { method: "POST", body: JSON.stringify({ name: "deno" }) }))
        .json();
    assert.equal(kernel.name, "deno");
    // Run a cell through the kernel's websocket, as JupyterLab's front end does: the project's
    // import map resolves and the tracking URI is the repository's mlruns/.
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/api/kernels/${kernel.id}/channels?token=${token}`,
    );
    const msgId = crypto.randomUUID();
    const seen: { type: string; content: Record<string, unknown> }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply: ${JSON.stringify(seen)}`)),
        60_000,
      );
      ws.onerror = () => reject(new Error("websocket error"));
      ws.onopen = () =>
        ws.send(JSON.stringify({
          channel: "shell",
          header: {
            msg_id: msgId,
            msg_type: "execute_request",
            username: "test",
            session: crypto.randomUUID(),
            date: new Date().toISOString(),
            version: "5.3",
          },
          parent_header: {},
          metadata: {},
          content: {
            code: 'import * as ml from "@lib/mod.ts";\nml.getTrackingUri()',
            silent: false,
            store_history: true,
            user_expressions: {},
            allow_stdin: false,
            stop_on_error: true,
          },
        }));
      ws.onmessage = (event) => {
        const msg = JSON.parse(String(event.data));
        if (msg.parent_header?.msg_id !== msgId) return;
        seen.push({ type: msg.msg_type, content: msg.content });
        const reply = seen.find((m) => m.type === "execute_reply");
        const result = seen.find((m) => m.type === "execute_result");
        if (reply && result) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    ws.close();
    assert.equal(seen.find((m) => m.type === "execute_reply")!.content.status, "ok");
    const data = seen.find((m) => m.type === "execute_result")!.content.data as Record<
      string,
      string
    >;
    assert.match(data["text/plain"]!, new RegExp(`file://${REPO_ROOT}/mlruns`));
    await (await api(`/api/kernels/${kernel.id}`, { method: "DELETE" })).body?.cancel();
  } finally {
    lab.kill("SIGTERM");
    await lab.status;
  }
});

Deno.test("`deno task lab` says where to open it, takes Jupyter's flags, and Ctrl-C stops its kernels", async () => {
  const port = freePort();
  const task = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(REPO_ROOT, "tools", "jupyter.ts"),
      "--lab",
      "--no-browser",
      "--port",
      String(port),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = task.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/token=\w+/.test(out)) {
    const { value, done } = await lines.read();
    if (done) break;
    out += value;
  }
  const url = /http:\/\/127\.0\.0\.1:\d+\/lab\?token=(\w+)/.exec(out);
  assert.ok(url, `no URL line: ${out}`);
  assert.equal(out.trim().split("\n").length, 1, `one line expected: ${out}`);
  const token = url[1]!;
  const kernel = await (await fetch(`http://127.0.0.1:${port}/api/kernels`, {
    method: "POST",
    headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "deno" }),
  })).json();
  assert.equal(kernel.name, "deno");
  // The kernel runs (a process of the lab's, besides the server).
  for (let i = 0; i < 100 && (await markedProcesses(labMarker(port))).length < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok((await markedProcesses(labMarker(port))).length >= 2, "no kernel process");
  task.kill("SIGINT"); // Ctrl-C
  const status = await task.status;
  await lines.cancel();
  await task.stderr.cancel();
  assert.equal(status.code, 0);
  assert.deepEqual(await markedProcesses(labMarker(port)), [], "a kernel or the server is left");
});

Deno.test("reports keep every cell's output, even those Deno's kernel publishes after idle", async () => {
  // With nbconvert's stock executor up to one cell in ten lost its result here, so 60 cells
  // all keeping theirs shows the late outputs are collected.
  const dir = await Deno.makeTempDir({ prefix: "late-outputs-" });
  const cells = Array.from({ length: 60 }, (_, i) => ({
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: [`"cell-${i}-" + (${i} * 7)`],
  }));
  const nb = join(dir, "late.ipynb");
  await Deno.writeTextFile(
    nb,
    JSON.stringify({
      cells,
      metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
      nbformat: 4,
      nbformat_minor: 5,
    }),
  );
  const html = await Deno.readTextFile(await renderReport(nb, { outDir: dir }));
  for (let i = 0; i < 60; i++) assert.match(html, new RegExp(`cell-${i}-${i * 7}`), `cell ${i}`);
});
