// What people see, looked at by a real browser (Debian's headless Chromium): a report with its
// charts, and MLflow's own UI listing the runs this library logged. Screenshots are kept in
// tests/artifacts/.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as ml from "../../lib/mod.ts";
import { dumpDom, ensureChromium, screenshot } from "../../harness/browser.ts";
import { NOTEBOOKS_DIR, renderReport } from "../../harness/jupyter.ts";
import { REPO_ROOT, runPythonScript } from "../../harness/python.ts";
import { experimentLink, startUi } from "../../harness/mlflow_ui.ts";
import { pyScript } from "../py/scripts.ts";

const ARTIFACTS = join(REPO_ROOT, "tests", "artifacts");

/** Pixel statistics of a PNG (via Pillow in the project's venv). */
async function pixels(png: string, colour: [number, number, number]) {
  const { stdout } = await runPythonScript(pyScript("png_pixels.py"), [
    png,
    JSON.stringify(colour),
  ]);
  return JSON.parse(stdout) as {
    width: number;
    height: number;
    inked: number;
    colours: number;
    near: number;
  };
}

/** Logs a sweep of each family and one run of its own; the names of the runs not nested. */
async function logSomeRuns(store: string): Promise<string[]> {
  ml.setTrackingUri(store);
  const runs = await ml.runGrid(
    ml.grid({ nNeighbors: [3, 9], maxDepth: [2, 6], nEstimators: [10] }),
    { label: "browser test runs" },
  );
  const single = await ml.runKNeighbors({ nNeighbors: 7 });
  return [...runs.parents, single].map((r) => r.info.runName);
}

Deno.test("a report opened in Chromium shows its charts and runs", async () => {
  await ensureChromium();
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "browser-test-" });
  const store = join(dir, "mlruns");
  await logSomeRuns(store);
  const report = await renderReport(join(NOTEBOOKS_DIR, "compare_runs.ipynb"), {
    outDir: dir,
    env: { MLFLOW_TRACKING_URI: store },
  });
  const png = join(ARTIFACTS, "report_compare_runs.png");
  await screenshot(`file://${report}`, png, { width: 1280, height: 2400 });
  // Vega's default mark colour (#4c78a8) must be on the page: the SVG charts were drawn.
  const stats = await pixels(png, [0x4c, 0x78, 0xa8]);
  assert.equal(stats.width, 1280);
  assert.ok(stats.inked > 0.02, `page looks blank: ${JSON.stringify(stats)}`);
  assert.ok(stats.colours > 200, `too few colours: ${JSON.stringify(stats)}`);
  assert.ok(stats.near > 100, `no chart marks visible: ${JSON.stringify(stats)}`);
});

Deno.test("MLflow's own UI, opened in Chromium, lists the runs this library logged", async () => {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "ui-test-" });
  const store = join(dir, "mlruns");
  const names = await logSomeRuns(store);
  const exp = (await ml.getExperimentByName("k-neighbours"))!;
  await using ui = await startUi(store);
  const url = `${ui.url}/#/experiments/${exp.experimentId}/runs`;
  // The rendered page (after its scripts ran) names our k-neighbours runs: the sweep's parent
  // (its children are folded under it) and the run of its own.
  const html = await dumpDom(url, { width: 1600, height: 1000, budgetMs: 15_000 });
  assert.deepEqual(names.filter((n) => /knn|neighbours/.test(n)), ["sweep-k-neighbours", "knn-k7"]);
  for (const name of names.filter((n) => /knn|neighbours/.test(n))) {
    assert.ok(html.includes(`>${name}<`), `run ${name} not on MLflow's runs page`);
  }
  const png = join(ARTIFACTS, "mlflow_ui_runs.png");
  await screenshot(url, png, { width: 1600, height: 1000, budgetMs: 15_000 });
  const stats = await pixels(png, [0x22, 0x71, 0xb3]); // MLflow's link blue
  assert.ok(stats.inked > 0.02 && stats.colours > 100, `UI looks blank: ${JSON.stringify(stats)}`);
  assert.ok(stats.near > 100, `no run links visible: ${JSON.stringify(stats)}`);

  // A fresh browser opens an experiment on MLflow 3's GenAI traces page; the link `deno task ui`
  // prints opens it on its runs.
  const plain = await dumpDom(`${ui.url}/#/experiments/${exp.experimentId}`, {
    width: 1600,
    height: 1000,
    budgetMs: 15_000,
  });
  const linked = await dumpDom(experimentLink(ui.url, exp.experimentId), {
    width: 1600,
    height: 1000,
    budgetMs: 15_000,
  });
  const knn = "knn-k7";
  assert.ok(!plain.includes(`>${knn}<`), "the plain address now lists runs: update the README");
  assert.ok(linked.includes(`>${knn}<`), "the printed link does not list the runs");
});

Deno.test("MLflow's own UI, opened in Chromium, lists the model this library registered, with its aliases", async () => {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "ui-registry-test-" });
  const store = join(dir, "mlruns");
  ml.setTrackingUri(store);
  await ml.setExperiment("k-neighbours");
  const five = await ml.runKNeighbors({ nNeighbors: 5 });
  const nine = await ml.runKNeighbors({ nNeighbors: 9 });
  await ml.registerModel(`runs:/${five.info.runId}/model`, "knn-classifier", {
    tags: { n_neighbors: 5 },
  });
  await ml.registerModel(`runs:/${nine.info.runId}/model`, "knn-classifier", {
    tags: { n_neighbors: 9 },
  });
  await ml.updateRegisteredModel("knn-classifier", "k-neighbours on the seed data set");
  await ml.setRegisteredModelTag("knn-classifier", "team", "ml");
  await ml.setRegisteredModelAlias("knn-classifier", "champion", 1);
  await ml.setRegisteredModelAlias("knn-classifier", "challenger", 2);
  await using ui = await startUi(store);
  // The list of registered models names the model and its aliased version.
  const list = await dumpDom(`${ui.url}/#/models`, { width: 1600, height: 1000, budgetMs: 15_000 });
  assert.ok(list.includes(">knn-classifier<"), "the model is not on MLflow's models page");
  const listText = list.replace(/<[^>]*>/g, " ").replaceAll("&nbsp;", " ").replace(/\s+/g, " ");
  assert.match(listText, /@ (champion|challenger) : Version [12]/, "no alias on the models page");
  // The model's page lists both versions, each with its alias.
  const url = `${ui.url}/#/models/knn-classifier`;
  const page = await dumpDom(url, { width: 1600, height: 1000, budgetMs: 15_000 });
  for (const text of [">Version 1<", ">Version 2<", "champion", "challenger", "k-neighbours on"]) {
    assert.ok(page.includes(text), `'${text}' is not on the model's page`);
  }
  const png = join(ARTIFACTS, "mlflow_ui_registry.png");
  await screenshot(url, png, { width: 1600, height: 900, budgetMs: 15_000 });
  const stats = await pixels(png, [0x22, 0x71, 0xb3]); // MLflow's link blue
  assert.ok(stats.inked > 0.02 && stats.colours > 100, `UI looks blank: ${JSON.stringify(stats)}`);
  assert.ok(stats.near > 100, `no version links visible: ${JSON.stringify(stats)}`);
});
