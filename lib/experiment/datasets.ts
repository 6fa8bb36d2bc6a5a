/**
 * The data a training run records as its inputs: the train and test parts of a split, as MLflow
 * datasets.
 *
 * @module
 */

import { type Dataset, numpyDataset } from "../tracking/mod.ts";
import type { Split } from "./evaluate.ts";

/** Options of {@linkcode splitDatasets}. */
export interface SplitDatasetsOptions {
  /** The data set's name: the parts are `<name>-train` and `<name>-test`. @default "seed" */
  name?: string;
}

/** The two parts of a split as datasets, named for what a run does with them. */
export interface SplitDatasets {
  /** The training rows and labels (`<name>-train`), logged with context `training`. */
  training: Dataset;
  /** The test rows and labels (`<name>-test`), logged with context `testing`. */
  testing: Dataset;
}

/**
 * The training and test parts of a split as MLflow datasets (`numpyDataset`, the digest
 * MLflow's `from_numpy` computes), named `seed-train` and `seed-test` unless told otherwise —
 * what the training notebooks and {@linkcode runKNeighbors}/{@linkcode runRandomForest} log with
 * `logInput`. Two runs trained on the same rows have inputs with the same digests.
 *
 * @example The seed data set's two parts
 * ```ts
 * import { splitDatasets } from "./datasets.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { training, testing } = splitDatasets(seedDataset());
 * assert.equal(training.name, "seed-train");
 * assert.equal(testing.name, "seed-test");
 * assert.equal(JSON.parse(testing.profile!).features_shape.join(), "250,20");
 * assert.equal(splitDatasets(seedDataset()).training.digest, training.digest);
 * ```
 */
export function splitDatasets(split: Split, options: SplitDatasetsOptions = {}): SplitDatasets {
  const { name = "seed" } = options;
  return {
    training: numpyDataset(split.XTrain, split.yTrain, { name: `${name}-train` }),
    testing: numpyDataset(split.XTest, split.yTest, { name: `${name}-test` }),
  };
}
