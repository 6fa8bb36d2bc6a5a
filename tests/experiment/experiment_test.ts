// The training workflows the notebooks and the demo share: what a run records, and that the
// recorded numbers agree with each other and with the model that was logged.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as ml from "../../lib/mod.ts";

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
