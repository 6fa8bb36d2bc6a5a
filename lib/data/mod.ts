/**
 * Data for experiments, exactly as NumPy and scikit-learn make it: NumPy's legacy generator
 * (`RandomState`), scikit-learn's `make_classification`, `make_blobs`, `make_moons`,
 * `make_circles` and `train_test_split` drawing from it in scikit-learn's order, and the original
 * project's seed data set (its very rows and split).
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
export { type BlobsData, makeBlobs, type MakeBlobsOptions } from "./make_blobs.ts";
export { makeMoons, type MakeMoonsOptions } from "./make_moons.ts";
export { makeCircles, type MakeCirclesOptions } from "./make_circles.ts";
export type { TwoClassData } from "./_two_rings.ts";
export {
  type ChoiceOptions,
  type NestedNumbers,
  RandomState,
  type RandomStateState,
  type Size,
  type Sized,
} from "./random_state.ts";
export type { Mt19937Seed } from "./_mt19937.ts";
export { type SeedDataset, seedDataset } from "./seed_dataset.ts";
export { pca, type PcaOptions, type PcaResult } from "./pca.ts";
