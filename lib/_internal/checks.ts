/**
 * Input checks shared by the data, metrics and models areas. Every failure is a built-in error
 * whose message reads "Cannot <what>: <rule>, current value is <value>". Not part of the public
 * API.
 *
 * @module
 */

import { show } from "./show.ts";

/**
 * Throws unless `value` is an integer no smaller than `min`.
 *
 * @example A count of rows
 * ```ts
 * import { checkInteger } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * checkInteger("sample", "nSamples", 10, 1);
 * assert.throws(
 *   () => checkInteger("sample", "nSamples", 0, 1),
 *   { name: "RangeError", message: "Cannot sample: nSamples must be at least 1, current value is 0" },
 * );
 * ```
 */
export function checkInteger(what: string, name: string, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an integer, current value is ${show(value)}`,
    );
  }
  if (value < min) {
    throw new RangeError(
      `Cannot ${what}: ${name} must be at least ${min}, current value is ${value}`,
    );
  }
}

/**
 * Throws unless `value` is a finite number.
 *
 * @example A scale factor
 * ```ts
 * import { checkFinite } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * checkFinite("scale", "factor", 2.5);
 * assert.throws(
 *   () => checkFinite("scale", "factor", "2"),
 *   { name: "TypeError", message: 'Cannot scale: factor must be a number, current value is "2"' },
 * );
 * ```
 */
export function checkFinite(what: string, name: string, value: unknown): void {
  if (typeof value !== "number") {
    throw new TypeError(
      `Cannot ${what}: ${name} must be a number, current value is ${show(value)}`,
    );
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot ${what}: ${name} must be finite, current value is ${value}`);
  }
}

/**
 * Checks a feature matrix: a non-empty array of rows, all with the same number of columns (at
 * least one, and `nFeatures` when given), holding finite numbers only. Returns the number of
 * columns. Costs O(rows × columns).
 *
 * @example Rows of equal length
 * ```ts
 * import { checkMatrix } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(checkMatrix("fit", [[1, 2], [3, 4]]), 2);
 * assert.throws(
 *   () => checkMatrix("fit", [[1, 2], [3]]),
 *   { message: "Cannot fit: X[1] must have 2 values like X[0], current value has 1" },
 * );
 * ```
 */
export function checkMatrix(
  what: string,
  X: unknown,
  nFeatures?: number,
  name = "X",
): number {
  if (!Array.isArray(X)) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an array of rows, current value is ${show(X)}`,
    );
  }
  if (X.length === 0) {
    throw new RangeError(`Cannot ${what}: ${name} must have at least one row, current value is []`);
  }
  const first: unknown = X[0];
  if (!Array.isArray(first)) {
    throw new TypeError(
      `Cannot ${what}: ${name}[0] must be an array of numbers, current value is ${show(first)}`,
    );
  }
  const columns = nFeatures ?? first.length;
  if (columns === 0) {
    throw new RangeError(
      `Cannot ${what}: ${name}[0] must have at least one feature, current value is []`,
    );
  }
  for (let i = 0; i < X.length; i++) {
    const row: unknown = X[i];
    if (!Array.isArray(row)) {
      throw new TypeError(
        `Cannot ${what}: ${name}[${i}] must be an array of numbers, current value is ${show(row)}`,
      );
    }
    if (row.length !== columns) {
      const expected = nFeatures === undefined
        ? `${columns} values like ${name}[0]`
        : `${columns} values (the number of features seen in training)`;
      throw new RangeError(
        `Cannot ${what}: ${name}[${i}] must have ${expected}, current value has ${row.length}`,
      );
    }
    for (let j = 0; j < columns; j++) {
      const value: unknown = row[j];
      if (typeof value !== "number") {
        throw new TypeError(
          `Cannot ${what}: ${name}[${i}][${j}] must be a number, current value is ${show(value)}`,
        );
      }
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `Cannot ${what}: ${name}[${i}][${j}] must be finite, current value is ${value}`,
        );
      }
    }
  }
  return columns;
}

/**
 * Checks class labels for training: an array of `length` integers (any sign). Returns the
 * distinct labels in ascending order.
 *
 * @example Labels of three rows
 * ```ts
 * import { checkIntegerLabels } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkIntegerLabels("fit", [1, 0, 1], 3), [0, 1]);
 * assert.throws(() => checkIntegerLabels("fit", [0, 0.5, 1], 3), /y\[1\] must be an integer/);
 * ```
 */
export function checkIntegerLabels(what: string, y: unknown, length: number, name = "y"): number[] {
  if (!Array.isArray(y)) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an array of labels, current value is ${show(y)}`,
    );
  }
  if (y.length !== length) {
    throw new RangeError(
      `Cannot ${what}: ${name} must have one label per row of X (${length}), current value has ${y.length}`,
    );
  }
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const label: unknown = y[i];
    if (typeof label !== "number" || !Number.isSafeInteger(label)) {
      throw new TypeError(
        `Cannot ${what}: ${name}[${i}] must be an integer class label, current value is ${
          show(label)
        }`,
      );
    }
    seen.add(label);
  }
  return sortLabels([...seen]);
}

/** A class label: a number or a string, as scikit-learn accepts. */
export type Label = number | string;

/**
 * Checks that `labels` is an array of numbers or of strings (not both, as scikit-learn refuses
 * mixed label types) and returns its distinct values in ascending order: numbers numerically,
 * strings by UTF-16 code units. Costs O(n log n).
 *
 * @example Distinct labels, sorted
 * ```ts
 * import { uniqueLabels } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(uniqueLabels("split", "y", ["b", "a", "b"]), ["a", "b"]);
 * assert.throws(() => uniqueLabels("split", "y", [1, "a"]), /must not mix number and string/);
 * ```
 */
export function uniqueLabels<L extends Label>(what: string, name: string, labels: unknown): L[] {
  if (!Array.isArray(labels)) {
    throw new TypeError(
      `Cannot ${what}: ${name} must be an array of labels, current value is ${show(labels)}`,
    );
  }
  const seen = new Set<L>();
  let kind: "number" | "string" | undefined;
  for (let i = 0; i < labels.length; i++) {
    const label: unknown = labels[i];
    const labelKind = typeof label;
    if (labelKind === "number") {
      if (!Number.isFinite(label as number)) {
        throw new RangeError(
          `Cannot ${what}: ${name}[${i}] must be a finite label, current value is ${label}`,
        );
      }
    } else if (labelKind !== "string") {
      throw new TypeError(
        `Cannot ${what}: ${name}[${i}] must be a number or a string, current value is ${
          show(label)
        }`,
      );
    }
    if (kind === undefined) kind = labelKind as "number" | "string";
    if (labelKind !== kind) {
      throw new TypeError(
        `Cannot ${what}: ${name} must not mix number and string labels, current value has ${
          show(labels[0])
        } and ${show(label)}`,
      );
    }
    seen.add(label as L);
  }
  return sortLabels([...seen]);
}

/**
 * Sorts labels of one type in place, ascending: numbers numerically, strings by UTF-16 code
 * units. Returns `labels`.
 *
 * @example Numbers and strings
 * ```ts
 * import { sortLabels } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(sortLabels([10, 2, -1]), [-1, 2, 10]);
 * assert.deepEqual(sortLabels(["b", "B", "a"]), ["B", "a", "b"]);
 * ```
 */
export function sortLabels<L extends Label>(labels: L[]): L[] {
  return labels.sort((a, b) =>
    typeof a === "number" ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0
  );
}
