/**
 * Training a standardised k-nearest-neighbours classifier.
 *
 * @module
 */

import { checkIntegerLabels, checkMatrix } from "../_internal/checks.ts";
import { encodeLabels, FittedPipeline } from "./_fitted_pipeline.ts";
import { fitKNeighborsStep } from "./_knn_step.ts";
import { notifyTrain } from "./hooks.ts";
import { type KNeighborsOptions, kNeighborsParams } from "./params.ts";
import type { Pipeline } from "./pipeline.ts";
import { StandardScaler } from "./scaler.ts";

/**
 * Trains scikit-learn's `make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors))` with
 * npm `ml-knn`'s model, found by {@linkcode FastKNeighborsClassifier}: the features are
 * standardised, then a row's class is the majority among its `nNeighbors` nearest training rows
 * (Euclidean distance, uniform weights), the smallest class winning a tie as in scikit-learn.
 * `predictProba` gives each class's share of those neighbours.
 *
 * (`ml-knn`'s own `predict` breaks ties by the order of its internal heap instead; this pipeline
 * uses the neighbours `ml-knn` finds — the same rows, distance ties included — and votes as
 * scikit-learn does. The saved model is `ml-knn`'s JSON.)
 *
 * Calls the {@linkcode onTrain} callbacks with `("k_neighbors", { n_neighbors })` unless
 * `autolog` is false. Costs O(n·d + n·log²n) to fit (`ml-knn`'s k-d tree), O(n·d) per predicted
 * row (a brute-force SIMD scan).
 *
 * @param X training rows: finite numbers, all of the same length
 * @param y one integer class label per row
 * @param options `nNeighbors`, `autolog`
 * @returns the fitted pipeline
 * @throws {RangeError} when `X` is empty or ragged, holds a non-finite value, `y` has another
 * length, or `nNeighbors` is below 1 or above the number of rows
 * @throws {TypeError} when a label is not an integer or an argument has the wrong type
 *
 * @example Two clusters
 * ```ts
 * import { trainKNeighbors } from "./k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 0], [0, 1], [1, 0], [9, 9], [9, 8], [8, 9]];
 * const pipe = trainKNeighbors(X, [0, 0, 0, 1, 1, 1], { nNeighbors: 3, autolog: false });
 * assert.deepEqual(pipe.predict([[1, 1], [8, 8]]), [0, 1]);
 * assert.deepEqual(pipe.predictProba([[1, 1]]), [[1, 0]]);
 * assert.deepEqual(pipe.params, { n_neighbors: 3 });
 * ```
 */
export function trainKNeighbors(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: KNeighborsOptions = {},
): Pipeline {
  const what = "train k-neighbours";
  const { autolog = true } = options;
  const nFeatures = checkMatrix(what, X);
  const classes = checkIntegerLabels(what, y, X.length);
  const params = kNeighborsParams(options);
  const k = params.n_neighbors as number;
  if (k > X.length) {
    throw new RangeError(
      `Cannot ${what}: nNeighbors must be at most the number of training rows (${X.length}), current value is ${k}`,
    );
  }
  if (autolog) notifyTrain("k_neighbors", params);
  const scaler = new StandardScaler().fit(X);
  const step = fitKNeighborsStep(scaler.transform(X), encodeLabels(y, classes), k);
  return new FittedPipeline({ kind: "k_neighbors", params, classes, nFeatures, scaler, step });
}
