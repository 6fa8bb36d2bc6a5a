/**
 * The votes of a random forest's trees, row by row.
 *
 * @module
 */

import { FittedPipeline } from "./_fitted_pipeline.ts";
import { FastRandomForestClassifier, type FastRandomForestJSON } from "./fast_random_forest.ts";
import type { Pipeline } from "./pipeline.ts";

/**
 * The class each tree of a random-forest pipeline predicts for each row of `X` (rows × trees,
 * labels of `model.classes`, trees in the forest's order): what `predictProba` counts. A fitted
 * pipeline reuses the predictions it made of the same rows (a run's metrics, its confusion
 * matrix and this share one pass over the trees).
 *
 * @throws {TypeError} when the model is not a random forest
 * @throws {RangeError} when `X` is empty, a row has the wrong number of features or a
 * non-finite value
 *
 * @example Three trees, two rows
 * ```ts
 * import { treeVotes } from "./tree_votes.ts";
 * import { trainRandomForest } from "./random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 0], [0, 1], [1, 0], [9, 9], [9, 8], [8, 9]];
 * const model = trainRandomForest(X, [3, 3, 3, 7, 7, 7], { nEstimators: 3, autolog: false });
 * const votes = treeVotes(model, [[0, 0], [9, 9]]);
 * assert.equal(votes.length, 2);
 * assert.equal(votes[0]!.length, 3);
 * const share = (row: number[], label: number) => row.filter((v) => v === label).length / 3;
 * assert.deepEqual(model.predictProba([[9, 9]]), [[share(votes[1]!, 3), share(votes[1]!, 7)]]);
 * ```
 */
export function treeVotes(model: Pipeline, X: readonly (readonly number[])[]): number[][] {
  if (model.kind !== "random_forest") {
    throw new TypeError(
      `Cannot count tree votes: model must be a random forest, current value is ${model.kind}`,
    );
  }
  const votes = model instanceof FittedPipeline ? model.treeVotes(X) : null;
  if (votes !== null) return votes;
  // Another implementation of Pipeline: ask its saved forest.
  const forest = FastRandomForestClassifier.load(model.toJSON().model as FastRandomForestJSON);
  return forest.predictionValues(model.scaler.transform(X)).to2DArray()
    .map((row) => row.map((c) => model.classes[c]!));
}
