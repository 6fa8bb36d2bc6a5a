/**
 * The fitted pipeline type returned by the training functions: a {@linkcode StandardScaler}
 * followed by a classifier.
 *
 * @module
 */

import type { ModelKind, ModelParams } from "./params.ts";
import type { StandardScaler, StandardScalerJSON } from "./scaler.ts";

/** A saved {@linkcode Pipeline}: plain JSON data, restored by {@linkcode loadPipeline}. */
export interface PipelineJSON {
  /** Always `"deno-ml-pipeline"`. */
  format: "deno-ml-pipeline";
  /** The layout version, 1. */
  version: 1;
  /** Which classifier follows the scaler. */
  kind: ModelKind;
  /** The hyperparameters, as MLflow params. */
  params: ModelParams;
  /** The class labels, ascending; the classifier's stored labels are indices into this list. */
  classes: number[];
  /** The number of features per row. */
  nFeatures: number;
  /** The fitted scaler. */
  scaler: StandardScalerJSON;
  /** The classifier: the JSON of the npm model (`ml-knn`'s KNN or `ml-random-forest`'s RFClassifier). */
  model: unknown;
}

/**
 * A fitted scaler + classifier pipeline, as scikit-learn's
 * `make_pipeline(StandardScaler(), classifier)`: rows are standardised with the training
 * statistics, then classified.
 *
 * Create one with {@linkcode trainKNeighbors}, {@linkcode trainRandomForest} or
 * {@linkcode loadPipeline}.
 */
export interface Pipeline {
  /** Which classifier follows the scaler. */
  readonly kind: ModelKind;
  /** The hyperparameters, as MLflow params (for example `{ n_neighbors: 5 }`). */
  readonly params: Readonly<ModelParams>;
  /** The class labels seen in training, ascending: the columns of {@linkcode Pipeline.predictProba}. */
  readonly classes: readonly number[];
  /** The number of features per row. */
  readonly nFeatures: number;
  /** The fitted scaler (the pipeline's first step). */
  readonly scaler: StandardScaler;
  /**
   * Predicts a class per row: the class with the highest probability in
   * {@linkcode Pipeline.predictProba}, the smallest such class on a tie (as scikit-learn's
   * `argmax`).
   *
   * @throws {RangeError} when `X` is empty, a row has the wrong number of features or a
   * non-finite value
   */
  predict(X: readonly (readonly number[])[]): number[];
  /**
   * Per-row class probabilities, one column per entry of {@linkcode Pipeline.classes}: for
   * k-neighbours the share of the k nearest training rows in each class, for a random forest
   * the share of trees voting for each class.
   *
   * @throws {RangeError} when `X` is empty, a row has the wrong number of features or a
   * non-finite value
   */
  predictProba(X: readonly (readonly number[])[]): number[][];
  /** The pipeline as plain JSON data, for {@linkcode loadPipeline}. */
  toJSON(): PipelineJSON;
}
