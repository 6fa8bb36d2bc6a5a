// The seed data set: generated once, handed out as copies.

import assert from "node:assert/strict";
import { makeClassification, seedDataset, trainTestSplit } from "../../lib/data/mod.ts";

Deno.test("seedDataset hands out copies of one generation: changing one leaves the next as generated", () => {
  const { X, y } = makeClassification({
    nSamples: 1000,
    nFeatures: 20,
    nInformative: 5,
    randomState: 123,
  });
  const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, { stratify: y, randomState: 123 });
  const generated = { X, y, XTrain, XTest, yTrain, yTest };
  const first = seedDataset();
  assert.deepEqual(first, generated);
  // As when generated, the split's rows are the full set's row arrays.
  assert.ok(first.XTrain.every((row) => first.X.includes(row)));
  assert.ok(first.XTest.every((row) => first.X.includes(row)));
  first.XTrain[0]![0] = 1e9;
  first.X[1]!.length = 0;
  first.y[2] = 7;
  first.yTest.reverse();
  const second = seedDataset();
  assert.notEqual(second.X, first.X);
  assert.notEqual(second.X[0], first.X[0]);
  assert.deepEqual(second, generated);
});
