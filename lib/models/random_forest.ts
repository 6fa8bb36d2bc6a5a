/**
 * Training a standardised random forest classifier.
 *
 * @module
 */

import { checkIntegerLabels, checkMatrix } from "../_internal/checks.ts";
import { encodeLabels, FittedPipeline } from "./_fitted_pipeline.ts";
import { fitRandomForestStep } from "./_forest_step.ts";
import { notifyTrain } from "./hooks.ts";
import { type RandomForestOptions, randomForestParams } from "./params.ts";
import type { Pipeline } from "./pipeline.ts";
import { StandardScaler } from "./scaler.ts";

/**
 * Trains the analogue of scikit-learn's `make_pipeline(StandardScaler(),
 * RandomForestClassifier(max_depth, n_estimators))` with npm `ml-random-forest` (CART trees from
 * `ml-cart`, Gini impurity): the features are standardised, then each tree is grown on a
 * bootstrap sample of the rows and its own draw of features. `predictProba` gives the share of
 * trees voting for each class; `predict` the most voted class, the smallest class on a tie.
 *
 * Differences from scikit-learn worth knowing: features are drawn once per tree (by default as
 * many as there are, with replacement), not at every split; a node stops splitting when its
 * Gini gain is at most `gainThreshold` or it holds at most `minNumSamples` rows; probabilities
 * are hard votes, not averaged leaf frequencies.
 *
 * Calls the {@linkcode onTrain} callbacks with `("random_forest", params)` unless `autolog` is
 * false. Deterministic for a given `seed`.
 *
 * @param X training rows: finite numbers, all of the same length
 * @param y one integer class label per row
 * @param options the forest's hyperparameters and `autolog`
 * @returns the fitted pipeline
 * @throws {RangeError} when `X` is empty or ragged, holds a non-finite value, `y` has another
 * length, a hyperparameter is out of range, or `maxFeatures` exceeds the number of features
 * @throws {TypeError} when a label is not an integer or an argument has the wrong type
 *
 * @example Two clusters, three trees
 * ```ts
 * import { trainRandomForest } from "./random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 0], [0, 1], [1, 0], [1, 1], [9, 9], [9, 8], [8, 9], [8, 8]];
 * const y = [0, 0, 0, 0, 1, 1, 1, 1];
 * const pipe = trainRandomForest(X, y, { nEstimators: 3, minNumSamples: 1, autolog: false });
 * assert.deepEqual(pipe.predict([[0, 0], [9, 9]]), [0, 1]);
 * assert.equal(pipe.params.n_estimators, 3);
 * ```
 */
export function trainRandomForest(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: RandomForestOptions = {},
): Pipeline {
  const what = "train random forest";
  const { autolog = true } = options;
  const nFeatures = checkMatrix(what, X);
  const classes = checkIntegerLabels(what, y, X.length);
  const params = randomForestParams(options);
  const maxFeatures = params.max_features as number;
  if (maxFeatures > 1 && maxFeatures > nFeatures) {
    throw new RangeError(
      `Cannot ${what}: maxFeatures must be at most the number of features (${nFeatures}), current value is ${maxFeatures}`,
    );
  }
  if (autolog) notifyTrain("random_forest", params);
  const scaler = new StandardScaler().fit(X);
  const step = fitRandomForestStep(scaler.transform(X), encodeLabels(y, classes), {
    nEstimators: params.n_estimators as number,
    maxFeatures,
    replacement: params.feature_replacement as boolean,
    useSampleBagging: params.bootstrap as boolean,
    seed: params.seed as number,
    maxDepth: (params.max_depth as number | null) ?? Infinity,
    minNumSamples: params.min_num_samples as number,
    gainThreshold: params.gain_threshold as number,
  });
  return new FittedPipeline({ kind: "random_forest", params, classes, nFeatures, scaler, step });
}
