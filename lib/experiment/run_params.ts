/**
 * The hyperparameters a training run logs, checked against its data before the run starts, so
 * an invalid value stops with the model's own message and leaves no run behind.
 *
 * @module
 */

import {
  type KNeighborsOptions,
  kNeighborsParams,
  type ModelParams,
  type RandomForestOptions,
  randomForestParams,
} from "../models/mod.ts";
import type { Split } from "./evaluate.ts";

/**
 * The params a k-neighbours run logs (`{ n_neighbors }`), checked as `trainKNeighbors` checks
 * them — k a whole number of at least 1 and at most the number of training rows — with its
 * messages, before any run starts.
 *
 * @param options the hyperparameters (`nNeighbors`, 5 by default)
 * @param split the rows the model will train on
 * @returns the params, ready for `logParams`
 * @throws {TypeError} when `nNeighbors` is not an integer
 * @throws {RangeError} when `nNeighbors` is below 1 or above the number of training rows
 *
 * @example k = 5 passes, k = 5000 does not on 750 training rows
 * ```ts
 * import { kNeighborsRunParams } from "./run_params.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * assert.deepEqual(kNeighborsRunParams({ nNeighbors: 5 }, data), { n_neighbors: 5 });
 * assert.throws(() => kNeighborsRunParams({ nNeighbors: 5000 }, data), {
 *   name: "RangeError",
 *   message: "Cannot train k-neighbours: nNeighbors must be at most the number of training " +
 *     "rows (750), current value is 5000",
 * });
 * assert.throws(() => kNeighborsRunParams({ nNeighbors: 0 }, data), /must be at least 1/);
 * ```
 */
export function kNeighborsRunParams(
  options: Pick<KNeighborsOptions, "nNeighbors">,
  split: Pick<Split, "XTrain">,
): ModelParams {
  const params = kNeighborsParams({ nNeighbors: options.nNeighbors });
  const k = params.n_neighbors as number;
  if (k > split.XTrain.length) {
    throw new RangeError(
      `Cannot train k-neighbours: nNeighbors must be at most the number of training rows (${split.XTrain.length}), current value is ${k}`,
    );
  }
  return params;
}

/**
 * The params a random-forest run logs (`max_depth`, `n_estimators` and the forest's other
 * settings at their defaults), checked as `trainRandomForest` checks them — including
 * `maxFeatures` against the number of features — with its messages, before any run starts.
 *
 * @param options the hyperparameters (`maxDepth` 3 and `nEstimators` 20 by default)
 * @param split the rows the model will train on
 * @returns the params, ready for `logParams`
 * @throws {TypeError} when a hyperparameter has the wrong type
 * @throws {RangeError} when a hyperparameter is out of range
 *
 * @example Depth 3 passes, depth 0 does not
 * ```ts
 * import { randomForestRunParams } from "./run_params.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * const params = randomForestRunParams({ maxDepth: 3, nEstimators: 20 }, data);
 * assert.equal(params.max_depth, 3);
 * assert.equal(params.n_estimators, 20);
 * assert.throws(() => randomForestRunParams({ maxDepth: 0 }, data), {
 *   name: "RangeError",
 *   message: "Cannot train random forest: maxDepth must be at least 1, current value is 0",
 * });
 * ```
 */
export function randomForestRunParams(
  options: Omit<RandomForestOptions, "autolog">,
  split: Pick<Split, "XTrain">,
): ModelParams {
  const params = randomForestParams(options);
  const maxFeatures = params.max_features as number;
  const nFeatures = split.XTrain[0]?.length ?? 0;
  if (maxFeatures > 1 && maxFeatures > nFeatures) {
    throw new RangeError(
      `Cannot train random forest: maxFeatures must be at most the number of features (${nFeatures}), current value is ${maxFeatures}`,
    );
  }
  return params;
}
