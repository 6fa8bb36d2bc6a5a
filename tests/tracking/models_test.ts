// Models in MLflow's model layout: real MLflow sees the logged model as the run's model,
// loadModel restores identical predictions, and hyperparameters are logged automatically.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import * as lib from "../../lib/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";

function smallData() {
  const { X, y } = lib.makeClassification({
    nSamples: 120,
    nFeatures: 6,
    nInformative: 3,
    randomState: 5,
  });
  return lib.trainTestSplit(X, y, { testSize: 0.25, randomState: 5, stratify: y });
}

Deno.test("logModel writes an MLflow 3 logged model that MLflow lists as the run's model", async () => {
  const root = await tempStore();
  lib.setTrackingUri(root);
  await lib.setExperiment("models");
  const { XTrain, XTest, yTrain, yTest } = smallData();
  const logged: lib.LoggedModel[] = [];
  const models: lib.Pipeline[] = [];
  for (
    const train of [
      () => lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 5 }),
      () => lib.trainRandomForest(XTrain, yTrain, { maxDepth: 3, nEstimators: 5 }),
    ]
  ) {
    await lib.withRun({}, async () => {
      const model = train();
      await lib.logMetric("test_accuracy", lib.accuracyScore(yTest, model.predict(XTest)));
      logged.push(await lib.logModel(model, "model", { inputExample: XTest.slice(0, 2) }));
      models.push(model);
    });
  }
  for (const [i, m] of logged.entries()) {
    const back = await lib.loadModel(`runs:/${m.runId}/model`);
    assert.deepEqual(back.predict(XTest), models[i]!.predict(XTest));
    assert.deepEqual(back.predictProba(XTest), models[i]!.predictProba(XTest));
    const byId = await lib.loadModel(m.modelUri);
    assert.deepEqual(byId.predict(XTest), models[i]!.predict(XTest));
  }
  const { stdout } = await runPythonScript(pyScript("mlflow_logged_models.py"), [
    root,
    JSON.stringify(logged.map((m) => m.runId)),
  ]);
  const seen = JSON.parse(stdout) as {
    ids: string[];
    name: string;
    status: string;
    source_run_id: string;
    params: Record<string, string>;
    metrics: Record<string, number>;
    flavors: string[];
    inputs: { type: string; name: string; required: boolean }[];
    example: { artifact_path: string } | null;
    listed: string[];
  }[];
  for (const [i, m] of logged.entries()) {
    const s = seen[i]!;
    assert.deepEqual(s.ids, [m.modelId]);
    assert.equal(s.name, "model");
    assert.match(s.status, /READY/);
    assert.equal(s.source_run_id, m.runId);
    assert.deepEqual(s.flavors.sort(), [lib.FLAVOR, "python_function"].sort());
    assert.deepEqual(
      s.inputs,
      ["x0", "x1", "x2", "x3", "x4", "x5"].map((name) => ({
        type: "double",
        name,
        required: true,
      })),
    );
    assert.equal(s.example?.artifact_path, "input_example.json");
    assert.ok(s.listed.includes(m.modelId));
    const run = await lib.getRun(m.runId);
    assert.deepEqual(s.params, run.data.params); // autologged hyperparameters travel with it
    assert.deepEqual(s.metrics, run.data.metrics);
  }
  assert.ok("n_neighbors" in seen[0]!.params && "max_depth" in seen[1]!.params);

  // migrate-filestore still accepts the store with logged models in it.
  const db = join(dirname(root), "m.db");
  const { stdout: count } = await runPythonScript(pyScript("mlflow_migrate_models.py"), [root, db]);
  assert.equal(Number(count.trim()), 2);
});

Deno.test("logModel and loadModel refuse what they cannot do, naming it", async () => {
  lib.setTrackingUri(await tempStore());
  const { XTrain, yTrain } = smallData();
  const model = lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 3, autolog: false });
  await assert.rejects(lib.logModel(model), /no run is active/);
  await lib.withRun({}, async (run) => {
    await assert.rejects(lib.logModel(model, "../x"), /Invalid model name/);
    await assert.rejects(lib.logModel(model, "m", { inputExample: [[1, 2]] }), /rows of 6 numbers/);
    await assert.rejects(lib.logModel({} as lib.Pipeline), /expected a fitted pipeline/);
    await assert.rejects(
      lib.loadModel(`runs:/${run.info.runId}/model`),
      /has no model named 'model'/,
    );
  });
  await assert.rejects(lib.loadModel("s3://bucket/model"), /expected runs:\/<run_id>\/<name>/);
  await assert.rejects(lib.loadModel(`models:/m-${"0".repeat(32)}`), /not found/);
});

Deno.test("training inside a run logs its hyperparameters; outside a run, nothing", async () => {
  lib.setTrackingUri(await tempStore());
  const { XTrain, yTrain } = smallData();
  lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 4 }); // no run: nothing to log into
  assert.equal((await lib.searchRuns()).length, 0);
  const id = await lib.withRun({}, (run) => {
    lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 7 });
    return run.info.runId;
  });
  assert.deepEqual((await lib.getRun(id)).data.params, { n_neighbors: "7" });
  // A second, different training in the same run keeps the first value and warns.
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    await lib.withRun({ runId: id }, () => lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 9 }));
  } finally {
    console.warn = warn;
  }
  assert.deepEqual((await lib.getRun(id)).data.params, { n_neighbors: "7" });
  assert.match(warnings.join(), /autolog: hyperparameters not logged: Changing param values/);
  const quiet = await lib.withRun({}, (run) => {
    lib.trainKNeighbors(XTrain, yTrain, { nNeighbors: 3, autolog: false });
    return run.info.runId;
  });
  assert.deepEqual((await lib.getRun(quiet)).data.params, {});
});
