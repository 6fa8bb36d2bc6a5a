/**
 * The confusion matrix of a classifier's predictions.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { checkLabelPair, checkLabels, type Label } from "./_labels.ts";

/** Options for {@linkcode confusionMatrix}. */
export interface ConfusionMatrixOptions<L extends Label> {
  /**
   * The labels that index the rows and columns, in that order; rows whose true or predicted
   * label is not listed are left out. By default the labels of `yTrue` and `yPred` together,
   * ascending.
   * @default {undefined}
   */
  labels?: readonly L[];
}

/**
 * Counts how often each true label (row) was predicted as each label (column), as
 * scikit-learn's `confusion_matrix`: entry [i][j] is the number of samples of class
 * `labels[i]` predicted as `labels[j]`, so the diagonal holds the correct predictions.
 * For two classes 0 and 1 the layout is [[TN, FP], [FN, TP]]. Costs O(n + k²).
 *
 * @param yTrue the true class labels (integers or strings)
 * @param yPred the predicted labels, one per true label
 * @param options which labels to count, in which order
 * @returns a k × k matrix of counts
 * @throws {RangeError} when the arrays are empty or differ in length, or none of `labels`
 * occurs in `yTrue`
 * @throws {TypeError} when labels are not integers or strings, or types differ
 *
 * @example A binary confusion matrix
 * ```ts
 * import { confusionMatrix } from "./confusion_matrix.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(confusionMatrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]), [[1, 1], [1, 2]]);
 * ```
 */
export function confusionMatrix<L extends Label>(
  yTrue: readonly L[],
  yPred: readonly L[],
  options: ConfusionMatrixOptions<L> = {},
): number[][] {
  const what = "compute the confusion matrix";
  const present = checkLabelPair(what, yTrue, yPred);
  let labels: readonly L[] = present;
  if (options.labels !== undefined) {
    checkLabels(what, "labels", options.labels);
    if (new Set(options.labels).size !== options.labels.length) {
      throw new RangeError(
        `Cannot ${what}: labels must be distinct, current value is ${show(options.labels)}`,
      );
    }
    const trueSet = new Set<L>(yTrue);
    if (!options.labels.some((label) => trueSet.has(label))) {
      throw new RangeError(
        `Cannot ${what}: at least one of labels must occur in yTrue, current value is ${
          show(options.labels)
        }`,
      );
    }
    labels = options.labels;
  }
  const index = new Map<L, number>(labels.map((label, k) => [label, k]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = index.get(yTrue[i]!);
    const column = index.get(yPred[i]!);
    if (row !== undefined && column !== undefined) matrix[row]![column]! += 1;
  }
  return matrix;
}
