/**
 * Data for experiments: scikit-learn's `make_classification` generator, its `train_test_split`,
 * and the original project's seed data set.
 *
 * @example Generate, split and check the class balance
 * ```ts
 * import { makeClassification, trainTestSplit } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeClassification({ nSamples: 400, nInformative: 5, randomState: 123 });
 * const split = trainTestSplit(X, y, { stratify: y, randomState: 123 });
 * assert.equal(split.XTrain.length, 300);
 * assert.equal(split.XTest.length, 100);
 * const share = (labels: number[]) => labels.filter((label) => label === 1).length / labels.length;
 * assert.ok(Math.abs(share(split.yTrain) - share(split.yTest)) < 0.01);
 * ```
 *
 * @module
 */

export {
  type ClassificationData,
  makeClassification,
  type MakeClassificationOptions,
} from "./make_classification.ts";
export {
  type TrainTestSplit,
  trainTestSplit,
  type TrainTestSplitOptions,
} from "./train_test_split.ts";
export { type SeedDataset, seedDataset } from "./seed_dataset.ts";
export { pca, type PcaOptions, type PcaResult } from "./pca.ts";
