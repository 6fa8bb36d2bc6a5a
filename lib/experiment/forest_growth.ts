/**
 * How a random forest's test accuracy grows as trees are added.
 *
 * @module
 */

import { treeVotes } from "../models/mod.ts";
import type { Pipeline } from "../models/pipeline.ts";

/**
 * Test accuracy of a random-forest pipeline using only its first 1, 2, … n trees (majority vote,
 * ties to the smaller class as `predict` does): how accuracy grows as trees are added.
 *
 * @example A forest of 10 trees
 * ```ts
 * import { forestGrowth } from "./forest_growth.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import { accuracyScore } from "../metrics/mod.ts";
 * import { trainRandomForest } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * const model = trainRandomForest(data.XTrain, data.yTrain, { nEstimators: 10, autolog: false });
 * const growth = forestGrowth(model, data.XTest, data.yTest);
 * assert.equal(growth.length, 10);
 * assert.equal(growth.at(-1), accuracyScore(data.yTest, model.predict(data.XTest)));
 * ```
 */
export function forestGrowth(model: Pipeline, X: number[][], y: number[]): number[] {
  if (model.kind !== "random_forest") {
    throw new TypeError(`Cannot trace forest growth: model kind is ${model.kind}`);
  }
  const votes = treeVotes(model, X);
  const index = new Map(model.classes.map((label, k) => [label, k]));
  const nTrees = votes[0]?.length ?? 0;
  const nClasses = model.classes.length;
  const counts = votes.map(() => new Array<number>(nClasses).fill(0));
  const accuracy: number[] = [];
  for (let t = 0; t < nTrees; t++) {
    let correct = 0;
    votes.forEach((row, i) => {
      const c = counts[i]!;
      c[index.get(row[t]!)!]! += 1;
      let best = 0;
      for (let k = 1; k < nClasses; k++) if (c[k]! > c[best]!) best = k;
      if (model.classes[best] === y[i]) correct++;
    });
    accuracy.push(correct / votes.length);
  }
  return accuracy;
}
