/**
 * Recall: of the rows truly in a class, the share predicted as that class.
 *
 * @module
 */

import type { Label } from "./_labels.ts";
import { type PrecisionRecallOptions, prfScore } from "./_prf.ts";

/**
 * Recall TP / (TP + FN), as scikit-learn's `recall_score`: for `posLabel` by default (binary),
 * or averaged over classes with `average`. A class absent from `yTrue` has no recall; it counts
 * as `zeroDivision` (0 by default). Costs O(n + k).
 *
 * @param yTrue the true class labels (integers or strings)
 * @param yPred the predicted labels, one per true label
 * @param options averaging mode, positive label, zero-division value, labels
 * @returns the recall, in [0, 1] (or NaN with `zeroDivision: NaN`)
 * @throws {RangeError} when the arrays are empty or differ in length, `average` is `"binary"`
 * with more than two labels or a `posLabel` that is not one of two labels present
 * @throws {TypeError} when labels are not integers or strings, or types differ
 *
 * @example Binary and weighted recall
 * ```ts
 * import { recallScore } from "./recall_score.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(recallScore([0, 1, 1, 0], [0, 1, 0, 0]), 0.5);
 * // class 0: 2/2 (2 rows), class 1: 1/2 (2 rows)
 * assert.equal(recallScore([0, 1, 1, 0], [0, 1, 0, 0], { average: "weighted" }), 0.75);
 * ```
 */
export function recallScore<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrecisionRecallOptions<L> = {},
): number {
  return prfScore("recall", yTrue, yPred, options);
}
