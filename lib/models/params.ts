/**
 * Hyperparameters of the training functions, named as MLflow params: snake_case, as the original
 * scikit-learn project logged them (`n_neighbors`, `max_depth`, `n_estimators`).
 *
 * @module
 */

import { checkFinite, checkInteger } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";

/**
 * The kinds of model this area trains, as `as const` list.
 *
 * @example A pipeline's kind
 * ```ts
 * import { MODEL_KINDS } from "./params.ts";
 * import { trainKNeighbors } from "./k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0], [1], [2]], [0, 1, 1], { nNeighbors: 1, autolog: false });
 * assert.ok(MODEL_KINDS.includes(model.kind));
 * ```
 */
export const MODEL_KINDS = ["k_neighbors", "random_forest"] as const;
/** One of {@linkcode MODEL_KINDS}. */
export type ModelKind = typeof MODEL_KINDS[number];

/** A hyperparameter value; MLflow stores it as text. `null` stands for "none" (no limit). */
export type ParamValue = number | string | boolean | null;
/** Hyperparameters as a flat record, ready for MLflow's `logParams`. */
export type ModelParams = Record<string, ParamValue>;

/** Options shared by the training functions. */
export interface TrainOptions {
  /**
   * Announce the hyperparameters to the callbacks registered with {@linkcode onTrain} (so an
   * active tracking run can log them); `false` trains silently.
   * @default {true}
   */
  autolog?: boolean;
}

/** Hyperparameters of {@linkcode trainKNeighbors}. */
export interface KNeighborsOptions extends TrainOptions {
  /**
   * The number of neighbours that vote (uniform weights, Euclidean distance on standardised
   * features); at most the number of training rows.
   * @default {5}
   */
  nNeighbors?: number;
}

/** Hyperparameters of {@linkcode trainRandomForest} (those of npm `ml-random-forest`). */
export interface RandomForestOptions extends TrainOptions {
  /**
   * The deepest a tree may grow (the root is depth 0); `null` for no limit.
   * @default {3}
   */
  maxDepth?: number | null;
  /**
   * The number of trees.
   * @default {20}
   */
  nEstimators?: number;
  /**
   * Features per tree, drawn once per tree (not per split, unlike scikit-learn): a fraction in
   * (0, 1] of the features, or a whole number of features ≥ 2.
   * @default {1}
   */
  maxFeatures?: number;
  /**
   * Draw each tree's features with replacement (so a tree usually sees fewer distinct ones).
   * @default {true}
   */
  featureReplacement?: boolean;
  /**
   * Train each tree on a bootstrap sample of the rows (drawn with replacement), like
   * scikit-learn's `bootstrap`.
   * @default {true}
   */
  bootstrap?: boolean;
  /**
   * A node with at most this many rows becomes a leaf (`ml-cart`'s `minNumSamples`).
   * @default {3}
   */
  minNumSamples?: number;
  /**
   * A split must improve Gini impurity by more than this (`ml-cart`'s `gainThreshold`).
   * @default {0.01}
   */
  gainThreshold?: number;
  /**
   * Seed (a 32-bit integer) of the row and feature sampling; the same seed and data give the
   * same forest. 42 is `ml-random-forest`'s own default.
   * @default {42}
   */
  seed?: number;
}

/**
 * The MLflow params of a k-neighbours pipeline, defaults filled in and checked.
 *
 * @param options the training options (only hyperparameters are read)
 * @returns `{ n_neighbors }`
 * @throws {TypeError} when `nNeighbors` is not an integer
 * @throws {RangeError} when `nNeighbors` is below 1
 *
 * @example Defaults and an override
 * ```ts
 * import { kNeighborsParams } from "./params.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(kNeighborsParams(), { n_neighbors: 5 });
 * assert.deepEqual(kNeighborsParams({ nNeighbors: 9 }), { n_neighbors: 9 });
 * ```
 */
export function kNeighborsParams(options: KNeighborsOptions = {}): ModelParams {
  const { nNeighbors = 5 } = options;
  checkInteger("train k-neighbours", "nNeighbors", nNeighbors, 1);
  return { n_neighbors: nNeighbors };
}

/**
 * The MLflow params of a random forest pipeline, defaults filled in and checked.
 *
 * @param options the training options (only hyperparameters are read)
 * @returns `{ max_depth, n_estimators, max_features, feature_replacement, bootstrap,
 * min_num_samples, gain_threshold, seed }`
 * @throws {TypeError} when an option has the wrong type
 * @throws {RangeError} when an option is out of range
 *
 * @example The original project's defaults, and the rest
 * ```ts
 * import { randomForestParams } from "./params.ts";
 * import assert from "node:assert/strict";
 *
 * const params = randomForestParams({ maxDepth: 10, nEstimators: 100 });
 * assert.equal(params.max_depth, 10);
 * assert.equal(params.n_estimators, 100);
 * assert.equal(params.seed, 42);
 * ```
 */
export function randomForestParams(options: RandomForestOptions = {}): ModelParams {
  const what = "train random forest";
  const {
    maxDepth = 3,
    nEstimators = 20,
    maxFeatures = 1,
    featureReplacement = true,
    bootstrap = true,
    minNumSamples = 3,
    gainThreshold = 0.01,
    seed = 42,
  } = options;
  if (maxDepth !== null) checkInteger(what, "maxDepth", maxDepth, 1);
  checkInteger(what, "nEstimators", nEstimators, 1);
  checkFinite(what, "maxFeatures", maxFeatures);
  if (
    !(maxFeatures > 0 && maxFeatures <= 1) && !(Number.isInteger(maxFeatures) && maxFeatures >= 2)
  ) {
    throw new RangeError(
      `Cannot ${what}: maxFeatures must be a fraction in (0, 1] or an integer of at least 2, current value is ${maxFeatures}`,
    );
  }
  for (
    const [name, value] of [["featureReplacement", featureReplacement], [
      "bootstrap",
      bootstrap,
    ]] as const
  ) {
    if (typeof value !== "boolean") {
      throw new TypeError(
        `Cannot ${what}: ${name} must be a boolean, current value is ${show(value)}`,
      );
    }
  }
  checkInteger(what, "minNumSamples", minNumSamples, 0);
  checkFinite(what, "gainThreshold", gainThreshold);
  checkInteger(what, "seed", seed, -0x80000000);
  if (seed > 0x7fffffff) {
    throw new RangeError(`Cannot ${what}: seed must be a 32-bit integer, current value is ${seed}`);
  }
  return {
    max_depth: maxDepth,
    n_estimators: nEstimators,
    max_features: maxFeatures,
    feature_replacement: featureReplacement,
    bootstrap,
    min_num_samples: minNumSamples,
    gain_threshold: gainThreshold,
    seed,
  };
}
