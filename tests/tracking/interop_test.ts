// Interop with real Python MLflow (the project's venv): MLflow reads what this library writes,
// this library reads what MLflow writes, searches return the same runs in the same order, and
// `mlflow migrate-filestore` accepts the store.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { FileStore } from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import { startUi } from "../../harness/mlflow_ui.ts";
import { buildSearchStore, mlflowView, pyNum, searchCases, tempStore } from "./_helpers.ts";
import { checkInteropView, logInteropScenario } from "./_scenario.ts";

Deno.test("MLflow reads params, metric histories, tags, nested and failed runs, artifacts", async () => {
  const root = await tempStore();
  mlflow.setTrackingUri(root);
  const ids = await logInteropScenario(dirname(root));
  checkInteropView(await mlflowView(root), ids, "file");
  const killed = (await mlflowView(root)).runs[ids.killedId]!;
  assert.ok(killed.artifact_uri.startsWith(`file://${root}/0/`));
});

Deno.test("searchRuns returns the same runs in the same order as MLflow", async () => {
  const root = await tempStore();
  const { a, b, ids } = buildSearchStore(root, 7);
  const searches = searchCases(ids, a, b);
  const view = await mlflowView(root, searches);
  const store = new FileStore(root);
  let compared = 0;
  for (const [i, s] of searches.entries()) {
    const expected = view.searches[i]!;
    assert.ok(
      "ids" in expected,
      `MLflow refused ${JSON.stringify(s)}: ${JSON.stringify(expected)}`,
    );
    const ours = store.searchRuns({
      experimentIds: s.experiment_ids,
      filter: s.filter,
      orderBy: s.order_by ?? [],
      ...(s.max_results ? { maxResults: s.max_results } : {}),
    }).runs.map((r) => r.info.runId);
    assert.deepEqual(ours, expected.ids, `search ${JSON.stringify(s)}`);
    compared++;
  }
  assert.ok(compared > 40, `compared ${compared} searches`);
  // The searches are not trivial: several return many runs, some none.
  const sizes = view.searches.map((s) => ("ids" in s ? s.ids.length : 0));
  assert.ok(
    sizes.some((n) => n > 30) && sizes.some((n) => n === 0) && sizes.some((n) => n > 0 && n < 20),
  );
});

Deno.test("filters MLflow refuses are refused here too", async () => {
  const root = await tempStore();
  const { a } = buildSearchStore(root, 3);
  const bad = [
    "metrics.acc > 0.9 or params.model = 'rf'",
    "metrics.acc = 'high'",
    "params.model > 1",
    "params.model = rf",
    "foo.bar = '1'",
    "attributes.nonexistent = 'x'",
    "metrics.acc IS NULL",
    "params.model IN ('rf')",
  ];
  const view = await mlflowView(root, bad.map((filter) => ({ experiment_ids: [a], filter })));
  const store = new FileStore(root);
  for (const [i, filter] of bad.entries()) {
    assert.ok("error" in view.searches[i]!, `MLflow accepted ${filter}`);
    assert.throws(
      () => store.searchRuns({ experimentIds: [a], filter }),
      (e: unknown) => e instanceof mlflow.MlflowError && e.code === "INVALID_PARAMETER_VALUE",
      filter,
    );
  }
});

Deno.test("reads a store Python MLflow wrote, field for field", async () => {
  const root = await tempStore();
  await runPythonScript(pyScript("mlflow_write_store.py"), [root]);
  const view = await mlflowView(root);
  const store = new FileStore(root);
  assert.ok(Object.keys(view.runs).length >= 20);
  for (const [id, expected] of Object.entries(view.runs)) {
    const run = store.getRun(id);
    assert.equal(run.info.runName, expected.run_name);
    assert.equal(run.info.status, expected.status);
    assert.equal(run.info.startTime, expected.start_time);
    assert.equal(run.info.endTime, expected.end_time);
    assert.equal(run.info.lifecycleStage, expected.lifecycle_stage);
    assert.equal(run.info.experimentId, expected.experiment_id);
    assert.equal(run.info.artifactUri, expected.artifact_uri);
    assert.deepEqual(run.data.params, expected.params);
    assert.deepEqual(run.data.tags, expected.tags);
    assert.deepEqual(
      Object.fromEntries(Object.entries(run.data.metrics).map(([k, v]) => [k, pyNum(v)])),
      expected.metrics,
    );
    for (const [key, points] of Object.entries(expected.history)) {
      assert.deepEqual(
        store.getMetricHistory(id, key).map((p) => [p.timestamp, pyNum(p.value), p.step]),
        points,
      );
    }
    assert.deepEqual(
      store.listArtifacts(id).map((f) => [f.path, f.isDir]),
      expected.artifacts.filter((f) => !f.path.includes("/")).map((f) => [f.path, f.is_dir]),
    );
  }
  const names = store.listExperiments().map((e) => e.name).sort();
  assert.deepEqual(names, view.experiments.map((e) => e.name).sort());
  // The same default order as MLflow for every experiment.
  const searches = view.experiments.map((e) => ({ experiment_ids: [e.experiment_id] }));
  const again = await mlflowView(root, searches);
  for (const [i, s] of searches.entries()) {
    const ours = store.searchRuns({ experimentIds: s.experiment_ids }).runs.map((r) =>
      r.info.runId
    );
    assert.deepEqual(ours, (again.searches[i] as { ids: string[] }).ids);
  }
});

Deno.test("mlflow migrate-filestore accepts the store and keeps every run and point", async () => {
  const root = await tempStore();
  mlflow.setTrackingUri(root);
  await mlflow.setExperiment("migrate me");
  let points = 0;
  for (let r = 0; r < 4; r++) {
    await mlflow.withRun({ runName: `r${r}` }, async () => {
      await mlflow.logParams({ r, kind: "test" });
      // Same value at the same step many times in one millisecond: must not collide on the
      // SQL primary key (key, timestamp, step, run, value).
      for (let i = 0; i < 50; i++) {
        await mlflow.logMetric("constant", 1, { step: 0 });
        points++;
      }
      await mlflow.logMetric("nan", NaN);
      await mlflow.logMetric("inf", Infinity);
      points += 2;
    });
  }
  buildSearchStore(root, 11);
  const db = join(dirname(root), "migrated.db");
  const { stdout } = await runPythonScript(pyScript("mlflow_migrate_runs.py"), [root, db]);
  const migrated = JSON.parse(stdout) as Record<string, {
    name: string;
    status: string;
    params: Record<string, string>;
    n: Record<string, number>;
  }>;
  const store = new FileStore(root);
  const ours = store.listExperiments("ALL").flatMap((e) =>
    store.searchRuns({ experimentIds: [e.experimentId], runViewType: "ALL", maxResults: 50000 })
      .runs
  );
  assert.equal(Object.keys(migrated).length, ours.length);
  let migratedPoints = 0;
  for (const run of ours) {
    const m = migrated[run.info.runId];
    assert.ok(m, `run ${run.info.runName} missing after migration`);
    assert.equal(m.name, run.info.runName);
    assert.equal(m.status, run.info.status);
    assert.deepEqual(m.params, run.data.params);
    for (const key of Object.keys(run.data.metrics)) {
      assert.equal(m.n[key], store.getMetricHistory(run.info.runId, key).length, key);
      if (run.info.runName.startsWith("r") && run.info.runName.length === 2) {
        migratedPoints += m.n[key]!;
      }
    }
  }
  assert.equal(migratedPoints, points);
});

Deno.test("the MLflow tracking server (what `deno task ui` runs) serves the library's runs", async () => {
  const root = await tempStore();
  mlflow.setTrackingUri(root);
  const exp = await mlflow.setExperiment("served");
  const runId = await mlflow.withRun({ runName: "served-run" }, async (run) => {
    await mlflow.logParam("n_neighbors", 7);
    for (let step = 0; step < 3; step++) await mlflow.logMetric("acc", 0.8 + step / 100, { step });
    await mlflow.logText("hi", "notes.txt");
    return run.info.runId;
  });
  await using ui = await startUi(root);
  const base = ui.url;
  const search = await (await fetch(`${base}/api/2.0/mlflow/runs/search`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      experiment_ids: [exp.experimentId],
      filter: "params.n_neighbors = '7'",
    }),
  })).json();
  assert.equal(search.runs.length, 1);
  assert.equal(search.runs[0].info.run_id, runId);
  assert.equal(search.runs[0].info.run_name, "served-run");
  assert.equal(search.runs[0].info.status, "FINISHED");
  const history = await (await fetch(
    `${base}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc&max_results=100`,
  )).json();
  assert.deepEqual(history.metrics.map((m: { step: number }) => m.step), [0, 1, 2]);
  const file = await fetch(`${base}/get-artifact?path=notes.txt&run_uuid=${runId}`);
  assert.equal(await file.text(), "hi");
  const page = await fetch(`${base}/`);
  assert.match(await page.text(), /<!doctype html>/i);
});

Deno.test("searchExperiments returns the same experiments in the same order as MLflow", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  store.ensureRoot();
  const names = ["rf-alpha", "rf-beta", "knn-alpha", "KNN-gamma", "plain", "zeta", "rf_delta"];
  for (const [i, name] of names.entries()) {
    const tags: Record<string, string> = i % 2 ? { team: i % 3 ? "ml" : "ops" } : {};
    store.createExperiment(name, tags);
    if (i % 3 === 0) await new Promise((r) => setTimeout(r, 3)); // some share a creation time
  }
  const ids = store.listExperiments().map((e) => e.experimentId);
  // Ties in creation and update time, so the tie-breaking rules are what decides.
  for (const id of ids.slice(0, 4)) {
    const path = join(root, id, "meta.yaml");
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(
      path,
      text.replace(/^(creation_time|last_update_time): \d+$/gm, "$1: 1700000000000"),
    );
  }
  const filters = [
    "",
    "name LIKE 'rf%'",
    "name ILIKE 'knn%'",
    "attribute.name != 'plain'",
    "tags.team = 'ml'",
    "tags.team IS NULL",
    "tags.team IS NOT NULL and name LIKE '%a'",
    "creation_time > 0",
    `experiment_id IN ('${ids[1]}', '${ids[2]}')`,
    "name = 'zeta'",
  ];
  const orders: (string[] | undefined)[] = [
    undefined,
    ["name"],
    ["name DESC"],
    ["creation_time ASC"],
    ["last_update_time DESC", "name"],
    ["experiment_id"],
  ];
  const cases = filters.flatMap((filter) => orders.map((order) => ({ filter, order })));
  const { stdout } = await runPythonScript(pyScript("mlflow_search_experiments.py"), [
    root,
    JSON.stringify(cases),
  ]);
  const expected = JSON.parse(stdout) as string[][];
  mlflow.setTrackingUri(root);
  for (const [i, { filter, order }] of cases.entries()) {
    const ours = await mlflow.searchExperiments({ filter, ...(order ? { orderBy: order } : {}) });
    assert.deepEqual(ours.map((e) => e.experimentId), expected[i], JSON.stringify(cases[i]));
  }
  assert.ok(expected.some((r) => r.length === 1) && expected.some((r) => r.length >= 7));
});
