/**
 * The numbers every training run records: train and test metrics of a fitted classifier.
 *
 * @module
 */

import type { SeedDataset } from "../data/mod.ts";
import {
  accuracyScore,
  f1Score,
  logLoss,
  precisionScore,
  recallScore,
  rocAucScore,
} from "../metrics/mod.ts";
import type { Pipeline } from "../models/pipeline.ts";

/** Rows and labels to train on and to test on. */
export type Split = Pick<SeedDataset, "XTrain" | "yTrain" | "XTest" | "yTest">;

/** What {@linkcode evaluateModel} measures, named as the runs' metrics. */
export type ModelMetrics = {
  /** Accuracy on the training rows. */
  train_accuracy: number;
  /** Accuracy on the test rows. */
  test_accuracy: number;
  /** Precision of class 1 on the test rows. */
  test_precision: number;
  /** Recall of class 1 on the test rows. */
  test_recall: number;
  /** F1 of class 1 on the test rows. */
  test_f1: number;
  /** ROC AUC of the class-1 probabilities on the test rows. */
  test_roc_auc: number;
  /** Log loss of the class-1 probabilities on the test rows. */
  test_log_loss: number;
};

/**
 * Train and test metrics of a fitted binary classifier: accuracy on both sets, and on the test
 * set precision, recall, F1 (positive class 1), ROC AUC and log loss from the predicted
 * probabilities — scikit-learn's definitions.
 *
 * @example Metrics of a k-neighbours model
 * ```ts
 * import { evaluateModel } from "./evaluate.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * const metrics = evaluateModel(trainKNeighbors(data.XTrain, data.yTrain, { autolog: false }), data);
 * assert.ok(metrics.train_accuracy >= metrics.test_accuracy);
 * assert.ok(metrics.test_roc_auc > 0.5 && metrics.test_roc_auc <= 1);
 * ```
 */
export function evaluateModel(model: Pipeline, split: Split): ModelMetrics {
  const predicted = model.predict(split.XTest);
  const positive = model.classes.indexOf(1);
  if (positive < 0 || model.classes.length !== 2) {
    throw new RangeError(
      `Cannot evaluate model: expected binary classes [0, 1], current value is [${model.classes}]`,
    );
  }
  const scores = model.predictProba(split.XTest).map((row) => row[positive]!);
  return {
    train_accuracy: accuracyScore(split.yTrain, model.predict(split.XTrain)),
    test_accuracy: accuracyScore(split.yTest, predicted),
    test_precision: precisionScore(split.yTest, predicted),
    test_recall: recallScore(split.yTest, predicted),
    test_f1: f1Score(split.yTest, predicted),
    test_roc_auc: rocAucScore(split.yTest, scores),
    test_log_loss: logLoss(split.yTest, scores),
  };
}
