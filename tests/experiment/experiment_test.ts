// The training workflows the notebooks and the demo share: what a run records, and that the
// recorded numbers agree with each other and with the model that was logged.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as ml from "../../lib/mod.ts";
import { FileStore } from "../../lib/tracking/mod.ts";

const data = ml.seedDataset();

Deno.test("a random-forest run records its growth curve, ending at its test accuracy", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const run = await ml.runRandomForest({ maxDepth: 4, nEstimators: 12, data });
  assert.equal(run.info.status, "FINISHED");
  assert.equal(run.info.runName, "rf-d4-n12");
  assert.equal(run.data.params.max_depth, "4");
  assert.equal(run.data.params.n_estimators, "12");
  assert.equal(run.data.tags.model_family, "random-forest");
  const growth = await ml.getMetricHistory(run.info.runId, "test_accuracy_by_trees");
  assert.deepEqual(growth.map((p) => p.step), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.equal(growth.at(-1)!.value, run.data.metrics.test_accuracy);
  const model = await ml.loadModel(`runs:/${run.info.runId}/model`);
  assert.equal(
    ml.accuracyScore(data.yTest, model.predict(data.XTest)),
    run.data.metrics.test_accuracy,
  );
  assert.deepEqual(ml.forestGrowth(model, data.XTest, data.yTest), growth.map((p) => p.value));
});

Deno.test("a forest of more trees than one batch holds records every step of its growth, in order", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const run = await ml.runRandomForest({ maxDepth: 1, nEstimators: 1003, data, logModel: false });
  const growth = await ml.getMetricHistory(run.info.runId, "test_accuracy_by_trees");
  assert.deepEqual(growth.map((p) => p.step), Array.from({ length: 1003 }, (_, i) => i + 1));
  const model = ml.trainRandomForest(data.XTrain, data.yTrain, {
    maxDepth: 1,
    nEstimators: 1003,
    autolog: false,
  });
  assert.deepEqual(growth.map((p) => p.value), ml.forestGrowth(model, data.XTest, data.yTest));
});

Deno.test("a k-neighbours run records scikit-learn-style metrics, a chart and the model", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const run = await ml.runKNeighbors({ nNeighbors: 7, data });
  const model = await ml.loadModel(`runs:/${run.info.runId}/model`);
  const expected = ml.evaluateModel(model, data);
  assert.deepEqual(run.data.metrics, expected);
  assert.ok(expected.train_accuracy > 0.8 && expected.test_roc_auc > 0.8);
  const files = (await ml.listArtifacts(run.info.runId)).map((f) => f.path);
  assert.deepEqual(files, ["confusion_matrix.svg", "confusion_matrix.vl.json"]);
  const spec = JSON.parse(
    await Deno.readTextFile(await ml.artifactPath(run.info.runId, "confusion_matrix.vl.json")),
  );
  const counts = (spec.data.values as { count: number }[]).map((v) => v.count);
  assert.equal(counts.reduce((a, b) => a + b, 0), data.yTest.length);
});

Deno.test("runGrid logs one run per point, in order, and forestGrowth refuses k-neighbours", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const points = ml.grid({ nNeighbors: [1, 3], maxDepth: [2], nEstimators: [5] });
  const runs = await ml.runGrid(points, { data, logModel: false });
  assert.deepEqual(runs.map((r) => r.info.runName), ["knn-k1", "knn-k3", "rf-d2-n5"]);
  assert.equal((await ml.runModels(runs[0]!.info.runId)).model, undefined);
  const knn = ml.trainKNeighbors(data.XTrain, data.yTrain, { autolog: false });
  assert.throws(() => ml.forestGrowth(knn, data.XTest, data.yTest), /model kind is k_neighbors/);
});

Deno.test("runs record the train and test parts of their data as inputs", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const { training, testing } = ml.splitDatasets(data);
  for (
    const run of [
      await ml.runKNeighbors({ nNeighbors: 3, data, logModel: false }),
      await ml.runRandomForest({ maxDepth: 2, nEstimators: 3, data, logModel: false }),
    ]
  ) {
    const inputs = run.inputs.datasetInputs
      .map((i) => [i.dataset.name, i.dataset.digest, i.tags["mlflow.data.context"]])
      .sort();
    assert.deepEqual(inputs, [
      ["seed-test", testing.digest, "testing"],
      ["seed-train", training.digest, "training"],
    ]);
  }
  const found = await ml.searchRuns({
    experimentNames: ["k-neighbours", "random-forest"],
    filter: `datasets.digest = '${training.digest}'`,
  });
  assert.equal(found.length, 2);
});

Deno.test("invalid hyperparameters are refused with the models' messages before any run starts", async () => {
  const store = join(await Deno.makeTempDir(), "mlruns");
  ml.setTrackingUri(store);
  await assert.rejects(ml.runKNeighbors({ nNeighbors: 0, data }), {
    name: "RangeError",
    message: "Cannot train k-neighbours: nNeighbors must be at least 1, current value is 0",
  });
  await assert.rejects(ml.runKNeighbors({ nNeighbors: 5000, data }), {
    name: "RangeError",
    message: "Cannot train k-neighbours: nNeighbors must be at most the number of training " +
      "rows (750), current value is 5000",
  });
  await assert.rejects(ml.runKNeighbors({ nNeighbors: 2.5, data }), { name: "TypeError" });
  await assert.rejects(ml.runRandomForest({ maxDepth: 0, data }), {
    name: "RangeError",
    message: "Cannot train random forest: maxDepth must be at least 1, current value is 0",
  });
  await assert.rejects(
    ml.runRandomForest({ nEstimators: 0, data }),
    /nEstimators must be at least 1/,
  );
  // The same messages as training itself gives.
  assert.throws(
    () => ml.trainKNeighbors(data.XTrain, data.yTrain, { nNeighbors: 5000, autolog: false }),
    /nNeighbors must be at most the number of training rows \(750\), current value is 5000/,
  );
  // Nothing was written: no run, not even an experiment.
  assert.deepEqual(new FileStore(store).listExperiments(), []);
  // In a sweep, an invalid point counts as failed on the parent and logs no run.
  const runs = await ml.runGrid(ml.grid({ nNeighbors: [0, 3] }), { data, logModel: false });
  assert.deepEqual(runs.map((r) => r.info.runName), ["knn-k3"]);
  const all = await ml.searchRuns({ experimentNames: ["k-neighbours"], runViewType: "ALL" });
  assert.deepEqual(all.map((r) => r.info.runName).sort(), ["knn-k3", "sweep-k-neighbours"]);
  assert.ok(all.every((r) => r.info.status === "FINISHED"));
  assert.equal(runs.parents[0]!.data.tags["sweep.failed"], "1");
  assert.equal(runs.parents[0]!.data.tags["sweep.runs"], "2");
});

Deno.test("a sweep with skipExisting, run twice, logs its points once and the second parent reuses them", async () => {
  ml.setTrackingUri(join(await Deno.makeTempDir(), "mlruns"));
  const points = ml.grid({ nNeighbors: [1, 5], maxDepth: [2], nEstimators: [4] });
  const first = await ml.runGrid(points, { data, logModel: false, skipExisting: true });
  assert.equal(first.reused.length, 0);
  const second = await ml.runGrid(points, { data, logModel: false, skipExisting: true });
  assert.deepEqual(second.map((r) => r.info.runId), first.map((r) => r.info.runId));
  assert.equal(second.reused.length, 3);
  for (const [i, parent] of second.parents.entries()) {
    const before = first.parents[i]!;
    assert.notEqual(parent.info.runId, before.info.runId);
    assert.equal(parent.data.tags["sweep.reused"], String(before.data.tags["sweep.runs"]));
    assert.equal(parent.data.tags["sweep.runs"], before.data.tags["sweep.runs"]);
    assert.equal(parent.data.tags["sweep.best_run_id"], before.data.tags["sweep.best_run_id"]);
    assert.equal(parent.data.metrics.best_test_accuracy, before.data.metrics.best_test_accuracy);
    const listed = await ml.loadDict<{ run_id: string; reused: boolean }[]>(
      parent.info.runId,
      "sweep_runs.json",
    );
    assert.ok(listed.length > 0 && listed.every((r) => r.reused));
  }
  const all = await ml.searchRuns({ experimentNames: ["k-neighbours", "random-forest"] });
  assert.equal(all.length, 3 + 4, "3 point runs and 4 parents");
  // Without skipExisting, or with other data, the points are trained again.
  const other = { ...data, XTrain: data.XTrain.slice(0, 600), yTrain: data.yTrain.slice(0, 600) };
  const changed = await ml.runGrid(points, { data: other, logModel: false, skipExisting: true });
  assert.equal(changed.reused.length, 0);
  const again = await ml.runGrid(points, { data, logModel: false });
  assert.equal(again.reused.length, 0);
  assert.equal(
    (await ml.searchRuns({ experimentNames: ["k-neighbours", "random-forest"] })).length,
    7 + 2 * (3 + 2),
  );
  // A sweep that logs models reuses only runs that have one.
  const withModels = await ml.runGrid(points, { data, skipExisting: true });
  assert.equal(withModels.reused.length, 0);
  const reusedWithModels = await ml.runGrid(points, { data, skipExisting: true });
  assert.deepEqual(
    reusedWithModels.reused.map((r) => r.info.runId),
    withModels.map((r) => r.info.runId),
  );
});
