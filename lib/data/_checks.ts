/**
 * Input checks shared by the data, metrics and models areas. Every failure is a built-in error
 * whose message reads "Cannot <what>: <rule>, current value is <value>". Not part of the public
 * API.
 *
 * @module
 */

/** Formats a value for an error message: numbers as JavaScript prints them, others as JSON. */
export function show(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

/** Throws unless `value` is an integer no smaller than `min`. */
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

/** Throws unless `value` is a finite number. */
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
  return [...seen].sort((a, b) => a - b);
}

/** A class label: a number or a string, as scikit-learn accepts. */
export type Label = number | string;

/**
 * Checks that `labels` is an array of numbers or of strings (not both, as scikit-learn refuses
 * mixed label types) and returns its distinct values in ascending order: numbers numerically,
 * strings by UTF-16 code units. Costs O(n log n).
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
  const unique = [...seen];
  return kind === "number"
    ? unique.sort((a, b) => (a as number) - (b as number))
    : unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
