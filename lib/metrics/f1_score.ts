/**
 * F1: the harmonic mean of precision and recall.
 *
 * @module
 */

import type { Label } from "./_labels.ts";
import { type PrecisionRecallOptions, prfScore } from "./_prf.ts";

/**
 * F1 = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall, as scikit-learn's
 * `f1_score`: for `posLabel` by default (binary), or averaged over classes with `average`
 * (macro and weighted average the per-class F1 scores; micro computes one F1 from the summed
 * counts, which equals accuracy for single-label data). A class neither present nor predicted
 * scores `zeroDivision` (0 by default). Costs O(n + k).
 *
 * @param yTrue the true class labels (integers or strings)
 * @param yPred the predicted labels, one per true label
 * @param options averaging mode, positive label, zero-division value, labels
 * @returns the F1 score, in [0, 1] (or NaN with `zeroDivision: NaN`)
 * @throws {RangeError} when the arrays are empty or differ in length, `average` is `"binary"`
 * with more than two labels or a `posLabel` that is not one of two labels present
 * @throws {TypeError} when labels are not integers or strings, or types differ
 *
 * @example Binary F1 and micro-averaged F1 on three classes
 * ```ts
 * import { f1Score } from "./f1_score.ts";
 * import assert from "node:assert/strict";
 *
 * // precision 2/3, recall 1: F1 = 2·2 / (2·2 + 1 + 0)
 * assert.equal(f1Score([0, 1, 1, 0], [1, 1, 1, 0]), 0.8);
 * assert.equal(f1Score([0, 1, 2, 2], [0, 2, 2, 2], { average: "micro" }), 0.75);
 * ```
 */
export function f1Score<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrecisionRecallOptions<L> = {},
): number {
  return prfScore("f1", yTrue, yPred, options);
}
