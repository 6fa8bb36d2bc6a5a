/**
 * Area under the ROC curve for binary scores.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { checkLabels, type Label } from "./_labels.ts";

/**
 * The area under the receiver operating characteristic curve (ROC AUC) of positive-class scores,
 * as scikit-learn's `roc_auc_score` for binary targets: the positive class is the greater of the
 * two labels in `yTrue`. The curve has one point per distinct score (tied scores move true and
 * false positive rates together, so ties count one half), and the area is the trapezoid rule
 * over those points — the probability that a random positive scores above a random negative,
 * ties counting one half. Costs O(n log n).
 *
 * Unlike scikit-learn 1.9, which warns and returns NaN, a `yTrue` with a single class throws:
 * the area is undefined then.
 *
 * @param yTrue the true labels: exactly two distinct classes (integers or strings)
 * @param yScore a finite score per row, higher meaning more likely the greater label
 * (probabilities or any decision value)
 * @returns the area, in [0, 1]
 * @throws {RangeError} when `yTrue` has one class or more than two, the arrays are empty or
 * differ in length, or a score is not finite
 * @throws {TypeError} when labels are not integers or strings or a score is not a number
 *
 * @example A ranking with one mistake, and a tie
 * ```ts
 * import { rocAucScore } from "./roc_auc_score.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
 * assert.equal(rocAucScore([0, 1], [0.5, 0.5]), 0.5);
 * ```
 */
export function rocAucScore<L extends Label>(
  yTrue: readonly L[],
  yScore: readonly number[],
): number {
  const what = "compute ROC AUC";
  const classes = checkLabels<L>(what, "yTrue", yTrue);
  if (classes.length !== 2) {
    throw new RangeError(
      `Cannot ${what}: yTrue must hold exactly two classes, current value has ${classes.length} (${
        show(classes)
      })`,
    );
  }
  if (!Array.isArray(yScore)) {
    throw new TypeError(
      `Cannot ${what}: yScore must be an array of numbers, current value is ${show(yScore)}`,
    );
  }
  if (yScore.length !== yTrue.length) {
    throw new RangeError(
      `Cannot ${what}: yScore must have one score per entry of yTrue (${yTrue.length}), current value has ${yScore.length}`,
    );
  }
  yScore.forEach((score, i) => {
    if (typeof score !== "number") {
      throw new TypeError(
        `Cannot ${what}: yScore[${i}] must be a number, current value is ${show(score)}`,
      );
    }
    if (!Number.isFinite(score)) {
      throw new RangeError(
        `Cannot ${what}: yScore[${i}] must be finite, current value is ${score}`,
      );
    }
  });
  const positive = classes[1];

  // Rows by decreasing score; cumulative true and false positives at each distinct score.
  const order = yScore.map((_, i) => i).sort((a, b) => yScore[b]! - yScore[a]!);
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  for (let r = 0; r < order.length; r++) {
    if (yTrue[order[r]!] === positive) tp++;
    const next = order[r + 1];
    if (next === undefined || yScore[next] !== yScore[order[r]!]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
    }
  }

  // As scikit-learn's roc_curve(drop_intermediate=True): drop points collinear with both
  // neighbours, then start the curve at (0, 0).
  const keep = tps.map((_, k) =>
    k === 0 || k === tps.length - 1 ||
    fps[k + 1]! - 2 * fps[k]! + fps[k - 1]! !== 0 || tps[k + 1]! - 2 * tps[k]! + tps[k - 1]! !== 0
  );
  const tpsKept = [0, ...tps.filter((_, k) => keep[k])];
  const fpsKept = [0, ...fps.filter((_, k) => keep[k])];
  const totalPositives = tpsKept[tpsKept.length - 1]!;
  const totalNegatives = fpsKept[fpsKept.length - 1]!;
  const tpr = tpsKept.map((value) => value / totalPositives);
  const fpr = fpsKept.map((value) => value / totalNegatives);

  // Trapezoid rule over the curve.
  let area = 0;
  for (let k = 1; k < fpr.length; k++) {
    area += (fpr[k]! - fpr[k - 1]!) * (tpr[k]! + tpr[k - 1]!) / 2;
  }
  return area;
}
