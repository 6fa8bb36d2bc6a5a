// `deno task report` with parameters, run as people run it (the task's command line) against
// real Jupyter and the Deno kernel: parameters injected after the cell tagged `parameters`, the
// runs of each execution carrying its executed notebook, its HTML report and its parameters, a
// grid as one parent run with the executions' runs nested under it — read back by MLflow's own
// client and shown by MLflow's UI in headless Chromium (screenshot kept in tests/artifacts/).

import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { openStore, RestStore, type Run } from "../../lib/tracking/mod.ts";
import { withPage } from "../../harness/devtools.ts";
import { NOTEBOOKS_DIR } from "../../harness/jupyter.ts";
import { experimentLink, startUi } from "../../harness/mlflow_ui.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import {
  checkParameters,
  combinations,
  executionName,
  injectParameters,
  type Notebook,
  notebookParameters,
  parameterGrid,
} from "../../harness/parameters.ts";
import { parseReportArgs } from "../../harness/report_args.ts";
import { REPO_ROOT, runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

const ARTIFACTS = join(REPO_ROOT, "tests", "artifacts");

/** `deno task report …` as a person runs it, from the repository's root. */
async function report(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "tools", "jupyter.ts"), ...args],
    cwd: REPO_ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

interface PyRun {
  id: string;
  name: string;
  status: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  parent: string | null;
  artifacts: string[];
  notebook: Record<string, { size: number; html?: boolean; cells?: number; injected?: string[] }>;
}

/** The runs of an experiment as MLflow's Python client reads them, notebook files included. */
async function mlflowRuns(trackingUri: string, experiment: string): Promise<PyRun[]> {
  const { stdout } = await runPythonScript(pyScript("mlflow_notebook_runs.py"), [], {
    stdin: JSON.stringify({ tracking_uri: trackingUri, experiment }),
  });
  return (JSON.parse(stdout) as { runs: PyRun[] }).runs;
}

async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

function sourceText(cell: Notebook["cells"][number]): string {
  return [cell.source].flat().join("");
}

/** A small notebook of the test's own: parameters of three kinds, and a run that may fail. */
async function customNotebook(dir: string): Promise<string> {
  const code = (source: string, tags?: string[]) => ({
    cell_type: "code",
    execution_count: null,
    metadata: tags ? { tags } : {},
    outputs: [],
    source,
  });
  const nb = {
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# A parameterised notebook" },
      code(
        '// Parameters\nconst fail = false;\nlet label = "default";\nconst sizes: number[] = [1];\n',
        ["parameters"],
      ),
      code(
        `import * as ml from "${join(REPO_ROOT, "lib", "mod.ts")}";\n` +
          `await ml.setExperiment("custom-notebook");`,
      ),
      code(
        "const run = await ml.withRun({ runName: `custom-${label}` }, async (run) => {\n" +
          "  await ml.logParams({ label, sizes: sizes.join(' '), fail });\n" +
          "  await ml.logMetric('test_accuracy', sizes.length / 10);\n" +
          "  if (fail) throw new Error('asked to fail');\n" +
          "  return run;\n" +
          "});\n" +
          "await ml.getRun(run.info.runId)",
      ),
      code('"the last cell ran"'),
    ],
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 4,
  };
  const path = join(dir, "custom.ipynb");
  await Deno.writeTextFile(path, JSON.stringify(nb, null, 1));
  return path;
}

Deno.test("report parameters: command line, values, grids, injection and file names", async () => {
  const args = parseReportArgs(["nb.ipynb", "-p", "k=1,3", "-p", "k", "9", "--grid=g.json"]);
  assert.deepEqual(args.parameters, [["k", "1,3"], ["k", "9"]]);
  assert.equal(args.grid, "g.json");
  assert.throws(() => parseReportArgs(["-p"]), /-p needs NAME=VALUE/);
  assert.throws(() => parseReportArgs(["--timeout", "0"]), /whole number of seconds/);

  // JSON where it parses, else strings; lists by commas or by repeating -p; -p over the file.
  const grid = parameterGrid(
    [["k", "1,3"], ["k", "3"], ["metric", "cosine"], ["weights", '{"a":1}']],
    { k: [100], seed: 7 },
  );
  assert.deepEqual(grid, { k: [1, 3], seed: [7], metric: ["cosine"], weights: [{ a: 1 }] });
  assert.equal(combinations(grid).length, 2);
  assert.throws(() => parameterGrid([], [1, 2]), /one object of parameter lists/);
  assert.throws(() => parameterGrid([], { k: [] }), /no value for 'k'/);

  // The project's notebooks: the training ones declare their hyperparameters.
  const knn = await readNotebook(join(NOTEBOOKS_DIR, "train_kneighbors.ipynb"));
  const forest = await readNotebook(join(NOTEBOOKS_DIR, "train_random_forest.ipynb"));
  const explore = await readNotebook(join(NOTEBOOKS_DIR, "explore_data.ipynb"));
  assert.deepEqual(notebookParameters(knn)?.map((p) => p.name), ["nNeighbors", "runSweep"]);
  assert.deepEqual(notebookParameters(forest)?.map((p) => p.name), ["maxDepth", "nEstimators"]);
  assert.equal(notebookParameters(explore), null);
  assert.throws(
    () => checkParameters("explore_data.ipynb", null, ["k"]),
    /has no code cell tagged "parameters"/,
  );

  // The injected cell follows the parameters cell and redeclares with the same keyword.
  const injected = injectParameters(forest, { maxDepth: 4, nEstimators: 10 });
  const at = forest.cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
  const cell = injected.cells[at + 1]!;
  assert.deepEqual(cell.metadata.tags, ["injected-parameters"]);
  assert.match(sourceText(cell), /^const maxDepth = 4;\nconst nEstimators = 10;$/m);
  assert.equal(injected.cells.length, forest.cells.length + 1);
  // Injecting into an executed notebook replaces the cell an earlier execution injected.
  assert.equal(injectParameters(injected, { maxDepth: 5 }).cells.length, forest.cells.length + 1);

  assert.equal(
    executionName("train_random_forest", { maxDepth: 4, nEstimators: 10 }),
    "train_random_forest-maxDepth=4-nEstimators=10",
  );
  const long = executionName("nb", { text: "x".repeat(300) });
  assert.ok(long.length <= 120 && long !== executionName("nb", { text: "x".repeat(301) }));
});

Deno.test("a bad parameter name fails before anything runs, naming the known ones, and logs nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report-bad-" });
  const store = join(dir, "mlruns");
  const reports = join(dir, "reports");
  const notebook = join(NOTEBOOKS_DIR, "train_random_forest.ipynb");
  const bad = await report(
    [notebook, "-p", "maxDepth=3", "-p", "n_estimators=5", "--output-dir", reports],
    { MLFLOW_TRACKING_URI: store },
  );
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /Unknown parameter n_estimators for .*train_random_forest\.ipynb: its parameters cell declares maxDepth \(default 3\), nEstimators \(default 20\)/,
  );
  // A notebook without a parameters cell takes none.
  const none = await report(
    [join(NOTEBOOKS_DIR, "explore_data.ipynb"), "-p", "seed=1", "--output-dir", reports],
    { MLFLOW_TRACKING_URI: store },
  );
  assert.equal(none.code, 2);
  assert.match(none.stderr, /explore_data\.ipynb has no code cell tagged "parameters"/);
  for (const path of [store, reports]) {
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound, `${path} was written`);
  }
});

Deno.test("a grid file and -p values: injected as written, a failing execution reported, the sweep goes on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report-custom-" });
  const store = join(dir, "mlruns");
  const reports = join(dir, "reports");
  const notebook = await customNotebook(dir);
  const gridFile = join(dir, "grid.json");
  await Deno.writeTextFile(gridFile, JSON.stringify({ fail: [false, true], label: ["ignored"] }));
  const t0 = performance.now();
  const out = await report(
    [
      notebook,
      "--grid",
      gridFile,
      "-p",
      'label="a,b"',
      "-p",
      "sizes=[1,2,3]",
      "--no-input",
      "--output-dir",
      reports,
    ],
    { MLFLOW_TRACKING_URI: store },
  );
  assert.equal(out.code, 1, `${out.stdout}\n${out.stderr}`);
  console.log(`custom grid of 2: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.match(out.stderr, /1 execution failed/);
  assert.match(out.stdout, /fail=true label=a,b sizes=\[1,2,3\]: .* FAILED:\n.*asked to fail/s);
  assert.match(out.stdout, /2 executions, 1 failed; best custom-a,b with \{"fail":false/);
  // The failing execution's report shows the error; --no-input left the code out.
  const failed = executionName("custom", { fail: true, label: "a,b", sizes: [1, 2, 3] });
  const failedHtml = await Deno.readTextFile(join(reports, `${failed}.html`));
  assert.match(failedHtml, /asked to fail/);
  assert.doesNotMatch(failedHtml, /logMetric/);
  assert.doesNotMatch(failedHtml, /the last cell ran/);

  const runs = await mlflowRuns(`file://${store}`, "custom-notebook");
  const parent = runs.find((r) => r.name === "sweep-custom")!;
  const children = runs.filter((r) => r.parent === parent.id);
  assert.equal(runs.length, 3);
  assert.deepEqual(children.map((r) => r.status).sort(), ["FAILED", "FINISHED"]);
  for (const child of children) {
    const failing = child.status === "FAILED";
    const name = executionName("custom", { fail: failing, label: "a,b", sizes: [1, 2, 3] });
    // The values as given: a JSON string kept whole despite its comma, a JSON array, a boolean.
    assert.deepEqual(child.params, { label: "a,b", sizes: "1 2 3", fail: String(failing) });
    assert.equal(child.tags["mlflow.source.name"], notebook);
    assert.deepEqual(JSON.parse(child.tags["deno.notebook.parameters"]!), {
      fail: failing,
      label: "a,b",
      sizes: [1, 2, 3],
    });
    assert.equal(child.tags["deno.notebook.report"], `notebook/${name}.html`);
    const ipynb = child.notebook[`notebook/${name}.ipynb`]!;
    assert.equal(child.notebook[`notebook/${name}.html`]?.html, true);
    assert.deepEqual(ipynb.injected, [
      "// Parameters injected by `deno task report`\n" +
      `const fail = ${failing};\nlet label = "a,b";\nconst sizes = [1,2,3];`,
    ]);
  }
  assert.equal(parent.status, "FINISHED");
  assert.equal(parent.tags["sweep.failed"], "1");
  assert.equal(parent.tags["sweep.executions"], "2");
  assert.equal(parent.params.fail, "[false, true]");
  assert.deepEqual(parent.artifacts, ["sweep.svg", "sweep.vl.json", "sweep_runs.json"]);
});

Deno.test({
  name:
    "k-neighbours over a grid of 3: one parent, 3 children, reports on every run, grouped in MLflow's UI",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "report-knn-" });
    const store = join(dir, "mlruns");
    const reports = join(dir, "reports");
    const notebook = join(NOTEBOOKS_DIR, "train_kneighbors.ipynb");
    const t0 = performance.now();
    const out = await report([notebook, "-p", "nNeighbors=1,3,5", "--output-dir", reports], {
      MLFLOW_TRACKING_URI: store,
    });
    assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
    console.log(`k-neighbours grid of 3: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The progress line went by, and each execution has its own files.
    assert.match(out.stderr, /train_kneighbors \[#+\] 3\/3 100%/);
    for (const k of [1, 3, 5]) {
      for (const ext of ["html", "ipynb"]) {
        assert.ok(
          (await Deno.stat(join(reports, `train_kneighbors-nNeighbors=${k}.${ext}`))).isFile,
        );
      }
    }

    const runs = await mlflowRuns(`file://${store}`, "k-neighbours");
    const parents = runs.filter((r) => r.name === "sweep-train_kneighbors");
    assert.equal(parents.length, 1);
    const parent = parents[0]!;
    // The executions' own training runs, nested under the parent: k as injected.
    const children = runs.filter((r) => r.parent === parent.id);
    const trained = children.filter((r) =>
      r.params.n_neighbors === String(JSON.parse(r.tags["deno.notebook.parameters"]!).nNeighbors)
    );
    assert.deepEqual(trained.map((r) => r.params.n_neighbors).sort(), ["1", "3", "5"]);
    for (const child of children) {
      const k = JSON.parse(child.tags["deno.notebook.parameters"]!).nNeighbors;
      assert.ok([1, 3, 5].includes(k), `child of another execution: ${child.name}`);
    }
    // Every run an execution logged (nested ones too) carries its files and parameters.
    for (const run of runs.filter((r) => r !== parent)) {
      const k = JSON.parse(run.tags["deno.notebook.parameters"]!).nNeighbors;
      const name = `train_kneighbors-nNeighbors=${k}`;
      assert.equal(run.tags["mlflow.source.name"], notebook);
      assert.deepEqual(Object.keys(run.notebook).sort(), [
        `notebook/${name}.html`,
        `notebook/${name}.ipynb`,
      ]);
      assert.ok(run.notebook[`notebook/${name}.html`]!.size > 10_000);
      assert.deepEqual(run.notebook[`notebook/${name}.ipynb`]!.injected, [
        `// Parameters injected by \`deno task report\`\nconst nNeighbors = ${k};`,
      ]);
    }
    // The parent: values swept, best child and its metrics, the chart; the source notebook.
    assert.equal(parent.params.nNeighbors, "[1, 3, 5]");
    assert.equal(parent.tags["sweep.failed"], "0");
    assert.equal(parent.tags["mlflow.source.name"], notebook);
    const bestChild = children.find((r) => r.id === parent.tags["sweep.best_run_id"])!;
    assert.ok(trained.includes(bestChild), "the best run is one of the trained children");
    assert.deepEqual(parent.artifacts, ["sweep.svg", "sweep.vl.json", "sweep_runs.json"]);
    const fs = openStore(store);
    const bestRun = await fs.getRun(bestChild.id);
    const parentRun = await fs.getRun(parent.id);
    assert.equal(parentRun.data.metrics.best_test_accuracy, bestRun.data.metrics.test_accuracy);
    for (const run of trained) {
      assert.ok(
        (await fs.getRun(run.id)).data.metrics.test_accuracy! <=
          bestRun.data.metrics.test_accuracy!,
      );
    }

    // The run card in the executed report links to the report kept with the run.
    const html = await Deno.readTextFile(join(reports, "train_kneighbors-nNeighbors=3.html"));
    const link = /href="(file:\/\/[^"]+\/artifacts\/notebook\/train_kneighbors-nNeighbors=3\.html)"/
      .exec(html);
    assert.ok(link, "no link to the report in the run card");
    assert.ok((await Deno.stat(new URL(link[1]!))).size > 10_000);

    // The comparison report's best run links to its report too.
    const compare = await report(
      [join(NOTEBOOKS_DIR, "compare_runs.ipynb"), "--output-dir", reports],
      { MLFLOW_TRACKING_URI: store },
    );
    assert.equal(compare.code, 0, compare.stderr);
    const summary = await Deno.readTextFile(join(reports, "compare_runs.html"));
    const linked = [...summary.matchAll(/href="(file:\/\/[^"]+\/artifacts\/notebook\/[^"]+)"/g)];
    assert.ok(linked.length >= 2, "the best run's card has no report links");
    for (const m of linked) assert.ok((await Deno.stat(new URL(m[1]!))).isFile, m[1]);

    await showSweepInUi(store, parentRun, bestRun);
  },
});

/** MLflow's UI: the parent's row expanded lists the children under it, and a child's files. */
async function showSweepInUi(store: string, parent: Run, child: Run): Promise<void> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await using ui = await startUi(store);
  const experimentId = parent.info.experimentId;
  await withPage(
    experimentLink(ui.url, experimentId),
    { width: 1600, height: 720 },
    async (page) => {
      const names = `[...document.querySelectorAll('[col-id="attributes.\`Run Name\`"] a')]` +
        `.map((a) => a.textContent)`;
      await page.waitFor(`${names}.includes(${JSON.stringify(parent.info.runName)})`, 60_000);
      const collapsed = await page.evaluate<string[]>(names);
      assert.ok(!collapsed.includes(child.info.runName), `children shown before expanding`);
      // The parent's expander, in its run-name cell; and the assistant panel closed.
      await page.evaluate(`(() => {
      const a = [...document.querySelectorAll("a")]
        .find((a) => a.textContent === ${JSON.stringify(parent.info.runName)});
      a.closest('[role="gridcell"]').querySelector("button").click();
      document.querySelector('button[data-component-id="mlflow.assistant.chat_panel.close"]')
        ?.click();
    })()`);
      await page.waitFor(`${names}.includes(${JSON.stringify(child.info.runName)})`, 20_000);
      await new Promise((r) => setTimeout(r, 1000)); // let the table settle before the shot
      const expanded = await page.evaluate<string[]>(names);
      // The parent first, its children after it.
      assert.equal(expanded[0], parent.info.runName);
      assert.ok(expanded.indexOf(child.info.runName) > 0);
      // The children's Dataset column names their training data, with its digest.
      const digest = child.inputs.datasetInputs.find((d) => d.dataset.name === "seed-train")
        ?.dataset.digest;
      assert.ok(digest, "the child logged no seed-train input");
      await page.waitFor(
        `document.body.innerText.includes(${JSON.stringify(`seed-train (${digest})`)})`,
        20_000,
      );
      await page.screenshot(join(ARTIFACTS, "mlflow_ui_sweep.png"));
      // A child's artifacts list the notebook files.
      await page.evaluate(
        `location.hash = "#/experiments/${experimentId}/runs/${child.info.runId}/artifacts/notebook"`,
      );
      const file = child.data.tags["deno.notebook.report"]!.split("/").pop()!;
      await page.waitFor(`document.body.innerText.includes(${JSON.stringify(file)})`, 30_000);
    },
  );
}

Deno.test({
  name: "a random forest with injected parameters against an MLflow tracking server",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const dir = await Deno.makeTempDir({ prefix: "report-server-" });
    const notebook = join(NOTEBOOKS_DIR, "train_random_forest.ipynb");
    const t0 = performance.now();
    const out = await report(
      [notebook, "-p", "maxDepth=2", "-p", "nEstimators", "5", "--output-dir", dir],
      { MLFLOW_TRACKING_URI: server.url },
    );
    assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}`);
    console.log(`random forest on a server: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const name = "train_random_forest-maxDepth=2-nEstimators=5";
    assert.match(out.stdout, new RegExp(`maxDepth=2 nEstimators=5: .*${name}\\.html`));
    const rest = new RestStore(server.url);
    const exp = (await rest.getExperimentByName("random-forest"))!;
    const { runs } = await rest.searchRuns({ experimentIds: [exp.experimentId] });
    assert.ok(runs.length >= 1);
    for (const run of runs) {
      assert.equal(run.data.params.max_depth, "2");
      assert.equal(run.data.params.n_estimators, "5");
      assert.equal(run.data.tags["deno.notebook.parameters"], '{"maxDepth":2,"nEstimators":5}');
      assert.equal(run.data.tags["mlflow.parentRunId"], undefined, "one execution: no parent");
      const files = (await rest.listArtifacts(run.info.runId, "notebook")).map((f) => f.path);
      assert.deepEqual(files, [`notebook/${name}.html`, `notebook/${name}.ipynb`]);
    }
    // MLflow's client downloads them from the server.
    const [py] = await mlflowRuns(server.url, "random-forest");
    assert.ok(py!.notebook[`notebook/${name}.html`]!.html);
    assert.equal(py!.notebook[`notebook/${name}.ipynb`]!.injected!.length, 1);
    assert.equal(basename(py!.tags["mlflow.source.name"]!), "train_random_forest.ipynb");
  },
});
