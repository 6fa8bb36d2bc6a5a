/**
 * Logarithmic (cross-entropy) loss of predicted probabilities.
 *
 * @module
 */

import { mean } from "npm:simple-statistics@7.12.1";
import { show } from "../_internal/show.ts";
import { checkLabels, type Label } from "./_labels.ts";

/** Options for {@linkcode logLoss}. */
export interface LogLossOptions<L extends Label> {
  /**
   * All class labels, in the order of the probability columns after sorting ascending; needed
   * when `yTrue` does not contain every class (for instance a single class). By default the
   * labels of `yTrue`.
   * @default {undefined}
   */
  labels?: readonly L[];
  /**
   * Return the mean loss per sample (`true`) or the sum (`false`).
   * @default {true}
   */
  normalize?: boolean;
}

/** Machine epsilon of float64 (NumPy's `finfo(float64).eps`, 2⁻⁵²). */
const EPS = Number.EPSILON;

/**
 * The log loss −(1/n) Σᵢ ln pᵢ, where pᵢ is the probability given to row i's true class, as
 * scikit-learn 1.9's `log_loss`: probabilities are first clipped to [ε, 1 − ε] with ε = 2⁻⁵²
 * (float64 machine epsilon), so a confident mistake (probability exactly 0) costs
 * −ln ε ≈ 36.04 instead of infinity. Rows are not renormalised (scikit-learn only warns when
 * they do not sum to 1). Costs O(n·k).
 *
 * @param yTrue the true class labels (integers or strings); at least two classes, or pass
 * `labels`
 * @param yProb for two classes, the probability of the greater label per row; or one row of
 * per-class probabilities per sample, columns in ascending label order
 * @param options labels and normalisation
 * @returns the loss, ≥ 0
 * @throws {RangeError} when there is only one class, the number of columns differs from the
 * number of classes, a probability is outside [0, 1] or not finite, `yTrue` has a label not in
 * `labels`, or lengths differ
 * @throws {TypeError} when labels are not integers or strings or probabilities not numbers
 *
 * @example Binary probabilities and per-class rows give the same loss
 * ```ts
 * import { logLoss } from "./log_loss.ts";
 * import assert from "node:assert/strict";
 *
 * const binary = logLoss([0, 1, 1], [0.2, 0.9, 0.6]);
 * assert.ok(Math.abs(binary - -(Math.log(0.8) + Math.log(0.9) + Math.log(0.6)) / 3) < 1e-15);
 * assert.equal(logLoss([0, 1, 1], [[0.8, 0.2], [0.1, 0.9], [0.4, 0.6]]), binary);
 * // A certain mistake is clipped, not infinite
 * assert.equal(logLoss([0, 1], [1, 0]), -Math.log(Number.EPSILON));
 * ```
 */
export function logLoss<L extends Label>(
  yTrue: readonly L[],
  yProb: readonly number[] | readonly (readonly number[])[],
  options: LogLossOptions<L> = {},
): number {
  const what = "compute log loss";
  const { normalize = true } = options;
  const present = checkLabels<L>(what, "yTrue", yTrue);
  let classes = present;
  if (options.labels !== undefined) {
    classes = checkLabels<L>(what, "labels", options.labels);
    const known = new Set<L>(classes);
    const unknown = present.filter((label) => !known.has(label));
    if (unknown.length > 0) {
      throw new RangeError(
        `Cannot ${what}: yTrue must only hold labels listed in labels, current value has ${
          show(unknown)
        }`,
      );
    }
  }
  if (classes.length < 2) {
    throw new RangeError(
      `Cannot ${what}: there must be at least two classes (pass labels when yTrue has one), current value is ${
        show(classes)
      }`,
    );
  }
  if (!Array.isArray(yProb)) {
    throw new TypeError(`Cannot ${what}: yProb must be an array, current value is ${show(yProb)}`);
  }
  if (yProb.length !== yTrue.length) {
    throw new RangeError(
      `Cannot ${what}: yProb must have one entry per entry of yTrue (${yTrue.length}), current value has ${yProb.length}`,
    );
  }
  const rows = toRows(what, yProb);
  if (rows[0]!.length !== classes.length) {
    throw new RangeError(
      `Cannot ${what}: yProb must have one column per class (${classes.length}: ${
        show(classes)
      }), current value has ${rows[0]!.length}`,
    );
  }
  const column = new Map<L, number>(classes.map((label, k) => [label, k]));
  const losses = yTrue.map((label, i) => {
    const p = rows[i]![column.get(label)!]!;
    return -Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
  });
  return normalize ? mean(losses) : losses.reduce((a, b) => a + b, 0);
}

/**
 * Turns `yProb` into rows of per-class probabilities: a number p becomes [1 − p, p], as does a
 * one-column row. Checks that every probability is a finite number in [0, 1] and that rows are
 * of equal length.
 */
function toRows(what: string, yProb: readonly unknown[]): number[][] {
  const rows: number[][] = [];
  let width: number | undefined;
  yProb.forEach((entry, i) => {
    const values = Array.isArray(entry) ? entry : [entry];
    if (Array.isArray(entry) && width === undefined) width = entry.length;
    if (
      Array.isArray(entry) !== (width !== undefined) ||
      (width !== undefined && values.length !== width)
    ) {
      throw new RangeError(
        `Cannot ${what}: yProb must be all numbers or all rows of equal length, current value at yProb[${i}] is ${
          show(entry)
        }`,
      );
    }
    values.forEach((p: unknown, j) => {
      const where = Array.isArray(entry) ? `yProb[${i}][${j}]` : `yProb[${i}]`;
      if (typeof p !== "number") {
        throw new TypeError(
          `Cannot ${what}: ${where} must be a number, current value is ${show(p)}`,
        );
      }
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(
          `Cannot ${what}: ${where} must be a probability in [0, 1], current value is ${p}`,
        );
      }
    });
    rows.push(
      values.length === 1 ? [1 - (values[0] as number), values[0] as number] : values as number[],
    );
  });
  return rows;
}
