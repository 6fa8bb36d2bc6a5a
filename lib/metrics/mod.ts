/**
 * Classification metrics with scikit-learn's definitions and argument order (`yTrue` first):
 * accuracy, precision, recall, F1, ROC AUC, log loss and the confusion matrix.
 *
 * @example Scoring a binary classifier
 * ```ts
 * import { accuracyScore, confusionMatrix, f1Score, logLoss, rocAucScore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const yTrue = [0, 0, 1, 1, 1];
 * const yProb = [0.1, 0.6, 0.7, 0.8, 0.4];
 * const yPred = yProb.map((p) => (p >= 0.5 ? 1 : 0));
 * assert.equal(accuracyScore(yTrue, yPred), 0.6);
 * assert.deepEqual(confusionMatrix(yTrue, yPred), [[1, 1], [1, 2]]);
 * assert.equal(f1Score(yTrue, yPred), 2 / 3);
 * assert.ok(Math.abs(rocAucScore(yTrue, yProb) - 5 / 6) < 1e-12);
 * assert.ok(logLoss(yTrue, yProb) > 0);
 * ```
 *
 * @module
 */

export { accuracyScore, type AccuracyScoreOptions } from "./accuracy_score.ts";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion_matrix.ts";
export {
  type Average,
  AVERAGES,
  type PrecisionRecallOptions,
  precisionScore,
  type ZeroDivision,
} from "./precision_score.ts";
export { recallScore } from "./recall_score.ts";
export { f1Score } from "./f1_score.ts";
export { rocAucScore } from "./roc_auc_score.ts";
export { logLoss, type LogLossOptions } from "./log_loss.ts";
export type { Label } from "./_labels.ts";
