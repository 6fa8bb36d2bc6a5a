// Test accuracy on the original project's data, next to scikit-learn's, computed in this run:
// the seed data set is scikit-learn's very rows and split, so k-neighbours (the same algorithm)
// scores exactly what scikit-learn scores — 0.932 with scikit-learn 1.9.1 — and so it does on
// the data sets of 20 other seeds. The random forest cannot match exactly: ml-random-forest's
// trees are not scikit-learn's, and the original forest script set no seed; it is compared with
// the mean of scikit-learn's forests over 10 seeds on the same rows.

import assert from "node:assert/strict";
import { makeClassification, seedDataset, trainTestSplit } from "../../lib/data/mod.ts";
import { accuracyScore } from "../../lib/metrics/mod.ts";
import { trainKNeighbors, trainRandomForest } from "../../lib/models/mod.ts";
import { sklearn } from "../data/_sklearn.ts";

const SEEDS = [123, ...Array.from({ length: 20 }, (_, i) => i)];

interface Reference {
  split: { XTrain: number[][]; XTest: number[][]; yTrain: number[]; yTest: number[] };
  forest: number;
  knn: number[];
}

Deno.test("the seed data set is scikit-learn's, and k-neighbours scores exactly scikit-learn's accuracy", async () => {
  const seed = seedDataset();
  const reference = await sklearn<Reference>("sklearn_accuracy.py", { seeds: SEEDS });
  assert.deepEqual(
    { XTrain: seed.XTrain, XTest: seed.XTest, yTrain: seed.yTrain, yTest: seed.yTest },
    reference.split,
  );

  const knn = SEEDS.map((randomState) => {
    const { X, y } = makeClassification({
      nSamples: 1000,
      nFeatures: 20,
      nInformative: 5,
      randomState,
    });
    const s = trainTestSplit(X, y, { stratify: y, randomState });
    return accuracyScore(
      s.yTest,
      trainKNeighbors(s.XTrain, s.yTrain, { autolog: false }).predict(s.XTest),
    );
  });
  const forest = accuracyScore(
    seed.yTest,
    trainRandomForest(seed.XTrain, seed.yTrain, { maxDepth: 3, nEstimators: 20, autolog: false })
      .predict(seed.XTest),
  );
  console.log(
    [
      "seed data set, test accuracy          ours    scikit-learn 1.9 on the same rows",
      `k-neighbours k=5                      ${knn[0]!.toFixed(3)}   ${
        reference.knn[0]!.toFixed(3)
      }`,
      `random forest depth 3 x 20 trees      ${forest.toFixed(3)}   ${
        reference.forest.toFixed(3)
      } (mean of random_state 0-9)`,
    ].join("\n"),
  );
  assert.deepEqual(knn, reference.knn);
  assert.equal(knn[0], 0.932); // scikit-learn 1.9.1's score on the original project's split
  // Different forests (per-tree feature sampling, hard votes) learning the same rows.
  assert.ok(Math.abs(forest - reference.forest) <= 0.05, `forest ${forest}, ${reference.forest}`);
});
