/**
 * The shared core of precision, recall and F1: scikit-learn's `precision_recall_fscore_support`
 * for one averaging mode. Not part of the public API.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { checkLabelPair, checkLabels, type Label } from "./_labels.ts";

/**
 * The averaging modes, as scikit-learn names them.
 *
 * @example Every mode on one multiclass problem
 * ```ts
 * import { AVERAGES, precisionScore } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const yTrue = [0, 1, 2, 2];
 * const yPred = [0, 2, 2, 2];
 * const scores = AVERAGES.filter((a) => a !== "binary").map((average) =>
 *   precisionScore(yTrue, yPred, { average, zeroDivision: 0 })
 * );
 * assert.deepEqual(scores.map((s) => Number(s.toFixed(4))), [0.75, 0.5556, 0.5833]);
 * ```
 */
export const AVERAGES = ["binary", "micro", "macro", "weighted"] as const;
/** One of {@linkcode AVERAGES}. */
export type Average = typeof AVERAGES[number];

/** What a score is when its denominator is zero: `"warn"` (0, as scikit-learn's default), 0, 1 or NaN. */
export type ZeroDivision = "warn" | 0 | 1 | number;

/** Options shared by {@linkcode precisionScore}, {@linkcode recallScore} and {@linkcode f1Score}. */
export interface PrecisionRecallOptions<L extends Label = Label> {
  /**
   * How to combine per-class scores:
   * - `"binary"`: only the score of `posLabel` (needs at most two labels in total);
   * - `"micro"`: one score from true positives, predictions and true rows summed over classes;
   * - `"macro"`: the unweighted mean of the per-class scores;
   * - `"weighted"`: the per-class scores weighted by each class's number of true rows.
   * @default {"binary"}
   */
  average?: Average;
  /**
   * The positive class for `average: "binary"` (ignored otherwise).
   * @default {1}
   */
  posLabel?: L;
  /**
   * The value of a score whose denominator is zero (a class never predicted, for precision; a
   * class absent from `yTrue`, for recall): `"warn"` gives 0 like scikit-learn's default (which
   * also prints a warning; here nothing is printed), or 0, 1 or `NaN`. NaN scores are left out of
   * averages, as scikit-learn does.
   * @default {"warn"}
   */
  zeroDivision?: ZeroDivision;
  /**
   * The classes to score and average over when `average` is not `"binary"`; by default every
   * label in `yTrue` or `yPred`.
   * @default {undefined}
   */
  labels?: readonly L[];
}

/** Which score to compute. */
export type PrfMetric = "precision" | "recall" | "f1";

/** Computes one of precision, recall or F1 as scikit-learn does. */
export function prfScore<L extends Label>(
  metric: PrfMetric,
  yTrue: readonly L[],
  yPred: readonly L[],
  options: PrecisionRecallOptions<L>,
): number {
  const what = `compute ${metric === "f1" ? "F1 score" : metric}`;
  const { average = "binary", posLabel = 1 as L, zeroDivision = "warn" } = options;
  if (!(AVERAGES as readonly string[]).includes(average)) {
    throw new RangeError(
      `Cannot ${what}: average must be one of ${AVERAGES.join(", ")}, current value is ${
        show(average)
      }`,
    );
  }
  if (
    zeroDivision !== "warn" && zeroDivision !== 0 && zeroDivision !== 1 &&
    !Number.isNaN(zeroDivision)
  ) {
    throw new RangeError(
      `Cannot ${what}: zeroDivision must be "warn", 0, 1 or NaN, current value is ${
        show(zeroDivision)
      }`,
    );
  }
  const zeroValue = zeroDivision === "warn" ? 0 : zeroDivision;
  const present = checkLabelPair(what, yTrue, yPred);

  let labels: readonly L[];
  if (average === "binary") {
    if (present.length > 2) {
      throw new RangeError(
        `Cannot ${what}: average "binary" needs at most two labels, current value is ${
          show(present)
        }; use average "macro", "weighted" or "micro"`,
      );
    }
    if (!present.includes(posLabel) && present.length === 2) {
      throw new RangeError(
        `Cannot ${what}: posLabel must be one of the labels ${show(present)}, current value is ${
          show(posLabel)
        }`,
      );
    }
    labels = [posLabel];
  } else if (options.labels !== undefined) {
    checkLabels<L>(what, "labels", options.labels);
    labels = [...new Set(options.labels)];
  } else {
    labels = present;
  }

  // Per-class counts: true positives, predictions and true rows of each label.
  const index = new Map<L, number>(labels.map((label, k) => [label, k]));
  let truePositives = labels.map(() => 0);
  let predicted = labels.map(() => 0);
  let actual = labels.map(() => 0);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined) actual[t]! += 1;
    if (p !== undefined) predicted[p]! += 1;
    if (t !== undefined && yTrue[i] === yPred[i]) truePositives[t]! += 1;
  }
  if (average === "micro") {
    const total = (counts: number[]) => [counts.reduce((a, b) => a + b, 0)];
    truePositives = total(truePositives);
    predicted = total(predicted);
    actual = total(actual);
  }

  const divide = (numerator: number, denominator: number) =>
    denominator === 0 ? zeroValue : numerator / denominator;
  const scores = truePositives.map((tp, k) => {
    if (metric === "precision") return divide(tp, predicted[k]!);
    if (metric === "recall") return divide(tp, actual[k]!);
    // F1 = 2·TP / (2·TP + FP + FN) = 2·TP / (true rows + predictions).
    return divide(2 * tp, actual[k]! + predicted[k]!);
  });
  return nanAverage(scores, average === "weighted" ? actual : undefined);
}

/**
 * The mean of the non-NaN `values`, weighted by `weights` when given (falling back to the plain
 * mean when those weights sum to zero); NaN when every value is NaN. scikit-learn's
 * `_nanaverage`.
 */
function nanAverage(values: readonly number[], weights?: readonly number[]): number {
  const kept = values.flatMap((value, k) => (Number.isNaN(value) ? [] : [k]));
  if (kept.length === 0) return NaN;
  let weightSum = 0;
  let weighted = 0;
  if (weights !== undefined) {
    for (const k of kept) {
      weighted += values[k]! * weights[k]!;
      weightSum += weights[k]!;
    }
    if (weightSum !== 0) return weighted / weightSum;
  }
  let sum = 0;
  for (const k of kept) sum += values[k]!;
  return sum / kept.length;
}
