/**
 * Accuracy: the share of predictions that match the true labels.
 *
 * @module
 */

import { checkLabelPair, type Label } from "./_labels.ts";

/** Options for {@linkcode accuracyScore}. */
export interface AccuracyScoreOptions {
  /**
   * Return the fraction of correct predictions (`true`) or their count (`false`).
   * @default {true}
   */
  normalize?: boolean;
}

/**
 * The fraction (or, with `normalize: false`, the number) of positions where `yPred` equals
 * `yTrue`, as scikit-learn's `accuracy_score`. Costs O(n).
 *
 * @param yTrue the true class labels (integers or strings)
 * @param yPred the predicted labels, one per true label
 * @param options whether to normalise
 * @returns a number in [0, 1], or a count
 * @throws {RangeError} when the arrays are empty or differ in length
 * @throws {TypeError} when labels are not integers or strings, or types differ
 *
 * @example Three of four right
 * ```ts
 * import { accuracyScore } from "./accuracy_score.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(accuracyScore([0, 1, 1, 0], [0, 1, 0, 0]), 0.75);
 * assert.equal(accuracyScore([0, 1, 1, 0], [0, 1, 0, 0], { normalize: false }), 3);
 * ```
 */
export function accuracyScore<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: AccuracyScoreOptions = {},
): number {
  const { normalize = true } = options;
  checkLabelPair("compute accuracy", yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === yPred[i]) correct++;
  }
  return normalize ? correct / yTrue.length : correct;
}
