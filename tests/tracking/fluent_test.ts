// The fluent API: tracking URI resolution, experiments, the active-run stack, withRun, resuming
// runs, system tags, and how runs display in Jupyter.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { runsTableHtml } from "../../lib/display/mod.ts";
import { tempStore } from "./_helpers.ts";

const LIB = new URL("../../lib/mod.ts", import.meta.url).href;

async function denoEval(code: string, cwd: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--quiet",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      code,
    ],
    cwd,
    env: { MLFLOW_TRACKING_URI: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("the default store is the project's top-level mlruns/, from any sub-folder", async () => {
  const project = await Deno.makeTempDir();
  await Deno.writeTextFile(join(project, "deno.json"), "{}");
  await Deno.mkdir(join(project, "notebooks", "deeper"), { recursive: true });
  const code = `import { getTrackingUri } from "${LIB}"; console.log(getTrackingUri());`;
  // No mlruns/ yet: the project root (deno.json) decides.
  assert.equal(
    await denoEval(code, join(project, "notebooks", "deeper")),
    `file://${project}/mlruns`,
  );
  await Deno.mkdir(join(project, "mlruns"));
  assert.equal(await denoEval(code, join(project, "notebooks")), `file://${project}/mlruns`);
  assert.equal(await denoEval(code, project), `file://${project}/mlruns`);
  // A store above the project's root belongs to something else.
  const outer = await Deno.makeTempDir();
  await Deno.mkdir(join(outer, "mlruns"));
  await Deno.mkdir(join(outer, "proj", "notebooks"), { recursive: true });
  await Deno.writeTextFile(join(outer, "proj", "deno.json"), "{}");
  assert.equal(
    await denoEval(code, join(outer, "proj", "notebooks")),
    `file://${outer}/proj/mlruns`,
  );
  // MLFLOW_TRACKING_URI wins, as a path or a file: URI.
  const other = await Deno.makeTempDir();
  assert.equal(await denoEval(code, project, { MLFLOW_TRACKING_URI: other }), `file://${other}`);
  assert.equal(
    await denoEval(code, project, { MLFLOW_TRACKING_URI: `file://${other}` }),
    `file://${other}`,
  );
});

Deno.test("MLFLOW_EXPERIMENT_NAME picks the experiment runs go to", async () => {
  const root = await tempStore();
  const out = await denoEval(
    `import * as m from "${LIB}";
     const r = await m.startRun(); await m.endRun();
     console.log((await m.getExperiment(r.info.experimentId)).name);`,
    await Deno.makeTempDir(),
    { MLFLOW_TRACKING_URI: root, MLFLOW_EXPERIMENT_NAME: "from-env" },
  );
  assert.equal(out, "from-env");
});

Deno.test("runs: nesting rules, withRun statuses, resume, system tags", async () => {
  mlflow.setTrackingUri(await tempStore());
  const exp = await mlflow.setExperiment("fluent");
  assert.equal((await mlflow.getExperimentByName("fluent"))?.experimentId, exp.experimentId);
  assert.equal(await mlflow.getExperimentByName("missing"), null);
  await assert.rejects(mlflow.setExperiment(""), /empty/);

  const parent = await mlflow.startRun({
    runName: "parent",
    tags: { team: "ml" },
    description: "notes",
  });
  await assert.rejects(mlflow.startRun(), /already active.*nested: true/);
  const child = await mlflow.startRun({ nested: true });
  assert.equal((await mlflow.activeRun())?.info.runId, child.info.runId);
  assert.equal(child.data.tags["mlflow.parentRunId"], parent.info.runId);
  assert.match(child.info.runName, /^[a-z]+-[a-z]+-\d{1,3}$/);
  await mlflow.endRun();
  assert.equal(mlflow.activeRunId(), parent.info.runId);
  await mlflow.endRun();
  assert.equal(await mlflow.activeRun(), null);

  const p = await mlflow.getRun(parent.info.runId);
  assert.equal(p.info.status, "FINISHED");
  assert.equal(p.data.tags["mlflow.note.content"], "notes");
  assert.equal(p.data.tags.team, "ml");
  assert.equal(p.data.tags["mlflow.source.type"], "LOCAL");
  assert.equal(p.data.tags["mlflow.user"], p.info.userId);
  assert.match(p.data.tags["mlflow.source.git.commit"] ?? "", /^[0-9a-f]{40}$/); // tests run in a checkout

  // withRun: FAILED on throw (and rethrows), nested runs left open inside end too.
  let inner = "";
  await assert.rejects(
    mlflow.withRun({ runName: "boom" }, async () => {
      inner = (await mlflow.startRun({ nested: true })).info.runId;
      throw new Error("half-way");
    }),
    /half-way/,
  );
  assert.equal(mlflow.activeRunId(), null);
  assert.equal((await mlflow.getRun(inner)).info.status, "FAILED");
  // Re-running the "cell" works: no run is left active.
  const again = await mlflow.withRun({ runName: "boom" }, (r) => r.info.runId);
  assert.equal((await mlflow.getRun(again)).info.status, "FINISHED");

  // Resume: back to RUNNING, then FINISHED again, data kept.
  await mlflow.withRun({ runId: again }, () => mlflow.logMetric("extra", 1));
  const resumed = await mlflow.getRun(again);
  assert.equal(resumed.info.status, "FINISHED");
  assert.equal(resumed.data.metrics.extra, 1);
  await assert.rejects(mlflow.startRun({ runId: "0".repeat(32) }), /not found/);

  // Logging with no active run starts one, as MLflow does.
  await mlflow.logParam("auto", 1);
  const auto = mlflow.activeRunId();
  assert.ok(auto);
  await mlflow.endRun();
  assert.deepEqual((await mlflow.getRun(auto!)).data.params, { auto: "1" });
});

Deno.test("logging helpers: metrics at steps, dict and text artifacts, searches by name", async () => {
  mlflow.setTrackingUri(await tempStore());
  await mlflow.setExperiment("helpers");
  const id = await mlflow.withRun({ runName: "h" }, async (run) => {
    for (let step = 0; step < 3; step++) {
      await mlflow.logMetrics({ a: step, b: step * 2 }, { step });
    }
    await mlflow.logDict({ k: [1, 2] }, "cfg/params.yaml");
    await mlflow.logDict({ k: [1, 2] }, "cfg/params.json");
    await mlflow.logText("# hi", "README.md");
    await mlflow.setTags({ x: 1, y: "two" });
    await mlflow.deleteTag("x");
    return run.info.runId;
  });
  const history = await mlflow.getMetricHistory(id, "b");
  assert.deepEqual(history.map((p) => [p.step, p.value]), [[0, 0], [1, 2], [2, 4]]);
  const files = await mlflow.listArtifacts(id);
  assert.deepEqual(files.map((f) => [f.path, f.isDir]), [["README.md", false], ["cfg", true]]);
  const cfg = await mlflow.listArtifacts(id, "cfg");
  assert.deepEqual(cfg.map((f) => f.path), ["cfg/params.json", "cfg/params.yaml"]);
  const dir = await mlflow.artifactPath(id, "cfg");
  assert.equal(await Deno.readTextFile(join(dir, "params.yaml")), "k:\n  - 1\n  - 2\n");
  const run = await mlflow.getRun(id);
  assert.deepEqual([run.data.tags.x, run.data.tags.y], [undefined, "two"]);
  const found = await mlflow.searchRuns({ experimentNames: ["helpers"], filter: "metrics.b = 4" });
  assert.deepEqual(found.map((r) => r.info.runId), [id]);
  await assert.rejects(mlflow.searchRuns({ experimentNames: ["nope"] }), /'nope' does not exist/);
  const exps = await mlflow.searchExperiments();
  assert.deepEqual(exps.map((e) => e.name).sort(), ["Default", "helpers"]);
  // MLflow's order: creation time descending, then id.
  const [first, second] = exps;
  assert.ok(
    first!.creationTime! > second!.creationTime! ||
      (first!.creationTime === second!.creationTime && first!.experimentId < second!.experimentId),
  );
});

Deno.test("runs and run lists render as HTML in Jupyter and as text elsewhere", async () => {
  mlflow.setTrackingUri(await tempStore());
  for (const k of [3, 5]) {
    await mlflow.withRun({ runName: `knn-${k}` }, async () => {
      await mlflow.logParams({ n_neighbors: k, scaler: "standard" });
      await mlflow.logMetric("test_accuracy", k === 3 ? 0.9 : 0.93);
      await mlflow.setTag("note", "<b>not bold</b>");
    });
  }
  const runs = await mlflow.searchRuns({ orderBy: ["metrics.test_accuracy DESC"] });
  const card = runs[0]![mlflow.JUPYTER_DISPLAY]();
  assert.match(card["text/html"]!, /knn-5/);
  assert.match(card["text/html"]!, /&lt;b&gt;not bold&lt;\/b&gt;/);
  assert.match(card["text/plain"]!, /test_accuracy=0\.93/);
  const table = runs[mlflow.JUPYTER_DISPLAY]()["text/html"]!;
  // Only the columns that differ: n_neighbors and test_accuracy, not scaler.
  assert.match(table, /params\.n_neighbors/);
  assert.match(table, /metrics\.test_accuracy/);
  assert.doesNotMatch(table, /params\.scaler/);
  assert.match(table, /2 runs/);
  // Metrics come before params; a key only some runs have shows when those runs disagree.
  assert.ok(table.indexOf("metrics.test_accuracy") < table.indexOf("params.n_neighbors"));
  await mlflow.withRun(
    { runName: "other" },
    () => mlflow.logParams({ only_here: 1, scaler: "standard" }),
  );
  const three = await mlflow.searchRuns();
  const wide = three[mlflow.JUPYTER_DISPLAY]()["text/html"]!;
  assert.doesNotMatch(wide, /params\.only_here/); // one run has it: nothing to compare
  assert.doesNotMatch(wide, /params\.scaler/); // every run that has it agrees
  assert.match(wide, /params\.n_neighbors/);
  assert.match(runsTableHtml(three, { allColumns: true }), /params\.only_here/);
  assert.equal(String(runs).split("\n").length, 2);
  assert.ok(Array.isArray(runs.map((r) => r)) && !(runs.map((r) => r) instanceof mlflow.RunList));
});
