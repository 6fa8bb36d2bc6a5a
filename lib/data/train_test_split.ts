/**
 * A random train/test split of rows and labels, sized and stratified as scikit-learn's
 * `train_test_split` does.
 *
 * @module
 */

import { type Label, uniqueLabels } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";
import { resolveRandomState } from "./_random_state_option.ts";
import type { RandomState } from "./random_state.ts";

/** Options for {@linkcode trainTestSplit}; names follow scikit-learn's in camelCase. */
export interface TrainTestSplitOptions {
  /**
   * The test set's size: a fraction in (0, 1) of the rows (rounded up), or a whole number of
   * rows (an integer ≥ 1 — so `1` means one row, like scikit-learn's `test_size=1`). When
   * absent it is the complement of `trainSize`, or 0.25 when `trainSize` is absent too.
   * @default {0.25}
   */
  testSize?: number;
  /**
   * The training set's size: a fraction in (0, 1) of the rows (rounded down), or a whole number
   * of rows. When absent it is the complement of the test set.
   * @default {undefined}
   */
  trainSize?: number;
  /**
   * Class labels (one per row, usually `y` itself) to stratify by: each class then keeps its
   * share in both sets, as scikit-learn's `StratifiedShuffleSplit` allocates it. Every class
   * needs at least two rows. Requires `shuffle`.
   * @default {undefined}
   */
  stratify?: readonly Label[] | null;
  /**
   * An integer seed in [0, 2³² − 1] (scikit-learn's `random_state=<int>`: the same split as
   * scikit-learn's), a {@linkcode RandomState} to draw from, or `undefined` to seed from
   * entropy.
   * @default {undefined}
   */
  randomState?: number | RandomState;
  /**
   * Shuffle before splitting. Without shuffling the first rows form the training set and the
   * following ones the test set.
   * @default {true}
   */
  shuffle?: boolean;
}

/** The two parts of a split, in random order (or in input order when not shuffled). */
export interface TrainTestSplit<R, L> {
  /** Training rows. */
  XTrain: R[];
  /** Test rows. */
  XTest: R[];
  /** Training labels, aligned with `XTrain`. */
  yTrain: L[];
  /** Test labels, aligned with `XTest`. */
  yTest: L[];
  /** The input position of each training row. */
  trainIndices: number[];
  /** The input position of each test row. */
  testIndices: number[];
}

const WHAT = "split into train and test sets";

/**
 * Splits rows `X` and labels `y` into random training and test sets.
 *
 * Sizes follow scikit-learn exactly: with a fraction, the test set has ⌈testSize·n⌉ rows and the
 * training set ⌊trainSize·n⌋ rows (or the n − test rows left). With `stratify`, the per-class
 * counts are scikit-learn's `_approximate_mode` allocation: each class gets the floor of its
 * proportional share, and the rows still missing go to the classes with the largest fractional
 * remainders (ties between equal remainders broken at random) — first for the training set,
 * then for the test set out of the rows left.
 *
 * The indices are scikit-learn's: the draws come from {@linkcode RandomState} (NumPy's legacy
 * generator) in scikit-learn's order — without stratification `ShuffleSplit`'s permutation of
 * the rows (the test rows first); with it `StratifiedShuffleSplit`'s tie-breaking draws, a
 * permutation of each class's rows (classes in sorted order) and permutations of the training
 * and test rows.
 *
 * Costs O(n log n) time for stratification, O(n) otherwise. The inputs are not modified.
 *
 * @param X rows of any type (feature vectors, usually)
 * @param y one label (or value) per row
 * @param options sizes, stratification and seed
 * @returns the four parts, plus the input indices of the training and test rows
 * @throws {RangeError} when X and y differ in length, a size is out of range, the two sizes add
 * up to more than n, the training set would be empty, a stratification class has a single
 * member or more classes than a set has rows
 * @throws {TypeError} when an argument has the wrong type, or `stratify` is used without
 * `shuffle`
 *
 * @example A stratified 75/25 split
 * ```ts
 * import { trainTestSplit } from "./train_test_split.ts";
 * import assert from "node:assert/strict";
 *
 * const X = Array.from({ length: 20 }, (_, i) => [i]);
 * const y = X.map(([i]) => (i! < 8 ? 1 : 0));
 * const { XTrain, XTest, yTest } = trainTestSplit(X, y, { stratify: y, randomState: 0 });
 * assert.equal(XTrain.length, 15);
 * assert.equal(XTest.length, 5);
 * assert.equal(yTest.filter((label) => label === 1).length, 2);
 * ```
 */
export function trainTestSplit<R, L>(
  X: readonly R[],
  y: readonly L[],
  options: TrainTestSplitOptions = {},
): TrainTestSplit<R, L> {
  const { testSize, trainSize, stratify = null, randomState, shuffle = true } = options;
  if (!Array.isArray(X)) {
    throw new TypeError(`Cannot ${WHAT}: X must be an array of rows, current value is ${show(X)}`);
  }
  if (!Array.isArray(y)) {
    throw new TypeError(`Cannot ${WHAT}: y must be an array, current value is ${show(y)}`);
  }
  if (y.length !== X.length) {
    throw new RangeError(
      `Cannot ${WHAT}: y must have one entry per row of X (${X.length}), current value has ${y.length}`,
    );
  }
  if (typeof shuffle !== "boolean") {
    throw new TypeError(
      `Cannot ${WHAT}: shuffle must be a boolean, current value is ${show(shuffle)}`,
    );
  }
  const n = X.length;
  const [nTrain, nTest] = splitSizes(n, testSize, trainSize);

  let trainIndices: number[];
  let testIndices: number[];
  if (stratify !== null && stratify !== undefined) {
    if (!shuffle) {
      throw new TypeError(
        `Cannot ${WHAT}: stratify needs shuffle, current value is shuffle ${shuffle}`,
      );
    }
    [trainIndices, testIndices] = stratifiedIndices(
      stratify,
      n,
      nTrain,
      nTest,
      resolveRandomState(WHAT, randomState),
    );
  } else if (shuffle) {
    const order = resolveRandomState(WHAT, randomState).permutation(n);
    testIndices = order.slice(0, nTest);
    trainIndices = order.slice(nTest, nTest + nTrain);
  } else {
    trainIndices = Array.from({ length: nTrain }, (_, i) => i);
    testIndices = Array.from({ length: nTest }, (_, i) => nTrain + i);
  }
  return {
    XTrain: trainIndices.map((i) => X[i]!),
    XTest: testIndices.map((i) => X[i]!),
    yTrain: trainIndices.map((i) => y[i]!),
    yTest: testIndices.map((i) => y[i]!),
    trainIndices,
    testIndices,
  };
}

/** A size is a fraction (in (0, 1) when valid) unless it is an integer, which counts rows. */
function isCount(size: number): boolean {
  return Number.isInteger(size);
}

/** The [train, test] row counts, validated as scikit-learn's `_validate_shuffle_split` does. */
function splitSizes(
  n: number,
  testSize: number | undefined,
  trainSize: number | undefined,
): [number, number] {
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  for (const [name, size] of [["testSize", testSize], ["trainSize", trainSize]] as const) {
    if (size === undefined) continue;
    if (typeof size !== "number" || Number.isNaN(size)) {
      throw new TypeError(
        `Cannot ${WHAT}: ${name} must be a number, current value is ${show(size)}`,
      );
    }
    if (isCount(size) ? size <= 0 || size >= n : size <= 0 || size >= 1) {
      throw new RangeError(
        `Cannot ${WHAT}: ${name} must be a fraction in (0, 1) or a whole number of rows in [1, ${
          n - 1
        }] (n = ${n}), current value is ${size}`,
      );
    }
  }
  if (
    testSize !== undefined && trainSize !== undefined && !isCount(testSize) &&
    !isCount(trainSize) && testSize + trainSize > 1
  ) {
    throw new RangeError(
      `Cannot ${WHAT}: testSize + trainSize must be at most 1, current value is ${
        testSize + trainSize
      }`,
    );
  }
  let nTest = testSize === undefined
    ? undefined
    : isCount(testSize)
    ? testSize
    : Math.ceil(testSize * n);
  let nTrain = trainSize === undefined
    ? undefined
    : isCount(trainSize)
    ? trainSize
    : Math.floor(trainSize * n);
  if (nTrain === undefined) nTrain = n - nTest!;
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new RangeError(
      `Cannot ${WHAT}: the training and test sets must hold at most n = ${n} rows together, current value is ${
        nTrain + nTest
      } (${nTrain} + ${nTest})`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `Cannot ${WHAT}: the training set must not be empty, current value is 0 rows (n = ${n}, testSize = ${testSize}, trainSize = ${trainSize})`,
    );
  }
  return [nTrain, nTest];
}

/** scikit-learn's `StratifiedShuffleSplit` (one split): [train indices, test indices]. */
function stratifiedIndices(
  stratify: readonly Label[],
  n: number,
  nTrain: number,
  nTest: number,
  rs: RandomState,
): [number[], number[]] {
  const classes = uniqueLabels(WHAT, "stratify", stratify);
  if (stratify.length !== n) {
    throw new RangeError(
      `Cannot ${WHAT}: stratify must have one label per row of X (${n}), current value has ${stratify.length}`,
    );
  }
  const position = new Map<Label, number>(classes.map((label, k) => [label, k]));
  const members: number[][] = classes.map(() => []);
  stratify.forEach((label, i) => members[position.get(label)!]!.push(i));
  const counts = members.map((rows) => rows.length);
  counts.forEach((count, k) => {
    if (count < 2) {
      throw new RangeError(
        `Cannot ${WHAT}: every stratify class needs at least 2 members, current value is 1 member for class ${
          show(classes[k])
        }`,
      );
    }
  });
  for (const [name, size] of [["training", nTrain], ["test", nTest]] as const) {
    if (size < classes.length) {
      throw new RangeError(
        `Cannot ${WHAT}: the ${name} set must have at least one row per class (${classes.length}), current value is ${size} rows`,
      );
    }
  }
  const trainCounts = approximateMode(counts, nTrain, rs);
  const testCounts = approximateMode(counts.map((count, k) => count - trainCounts[k]!), nTest, rs);
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, k) => {
    const order = rs.permutation(rows.length).map((p) => rows[p]!);
    train.push(...order.slice(0, trainCounts[k]!));
    test.push(...order.slice(trainCounts[k]!, trainCounts[k]! + testCounts[k]!));
  });
  return [rs.permutation(train), rs.permutation(test)];
}

/**
 * scikit-learn's `_approximate_mode`: how many of `draws` rows each class gets when drawn in
 * proportion to `counts` — the floor of each share, then one more row for the classes with the
 * largest fractional remainders, ties between equal remainders broken at random (the first rows
 * of a permutation of the tied classes, as `choice(…, replace=False)` picks them).
 */
function approximateMode(counts: readonly number[], draws: number, rs: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((count) => count / total * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = draws - floored.reduce((a, b) => a + b, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((value, k) => value - floored[k]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainder.flatMap((r, k) => (r === value ? [k] : []));
      const addNow = Math.min(tied.length, needToAdd);
      for (const k of rs.permutation(tied).slice(0, addNow)) floored[k]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}
