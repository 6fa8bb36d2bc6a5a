/**
 * Precision: of the rows predicted as a class, the share that truly are.
 *
 * @module
 */

import type { Label } from "./_labels.ts";
import { type PrecisionRecallOptions, prfScore } from "./_prf.ts";

export { type Average, AVERAGES, type PrecisionRecallOptions, type ZeroDivision } from "./_prf.ts";

/**
 * Precision TP / (TP + FP), as scikit-learn's `precision_score`: for `posLabel` by default
 * (binary), or averaged over classes with `average`. A class that is never predicted has no
 * precision; it counts as `zeroDivision` (0 by default). Costs O(n + k).
 *
 * @param yTrue the true class labels (integers or strings)
 * @param yPred the predicted labels, one per true label
 * @param options averaging mode, positive label, zero-division value, labels
 * @returns the precision, in [0, 1] (or NaN with `zeroDivision: NaN`)
 * @throws {RangeError} when the arrays are empty or differ in length, `average` is `"binary"`
 * with more than two labels or a `posLabel` that is not one of two labels present
 * @throws {TypeError} when labels are not integers or strings, or types differ
 *
 * @example Binary and macro-averaged precision
 * ```ts
 * import { precisionScore } from "./precision_score.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(precisionScore([0, 1, 1, 0], [1, 1, 1, 0]), 2 / 3);
 * // class 0: 1/1, class 1: 2/3
 * assert.equal(precisionScore([0, 1, 1, 0], [1, 1, 1, 0], { average: "macro" }), (1 + 2 / 3) / 2);
 * ```
 */
export function precisionScore<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrecisionRecallOptions<L> = {},
): number {
  return prfScore("precision", yTrue, yPred, options);
}
