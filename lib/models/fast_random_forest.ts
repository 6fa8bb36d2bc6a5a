/**
 * `FastRandomForestClassifier`: a drop-in for `ml-random-forest` 2.1.0's
 * `RandomForestClassifier` that trains the same forests — `JSON.stringify(toJSON())` is
 * byte-identical for the same options, seed and data — one to two orders of magnitude faster.
 *
 * It draws the same bootstrap samples and feature subsets from the same seeded `random-js`
 * MersenneTwister19937 streams, in the same order, and grows each tree with the split rules and
 * floating-point arithmetic of `ml-cart` 2.1.1, but finds splits with one sorted sweep per feature
 * and node instead of re-partitioning the node for every candidate threshold. Forests it trains
 * load in `ml-random-forest` (`RandomForestClassifier.load(fast.toJSON())`) and the other way
 * round.
 *
 * This file and `_fast_cart.ts` are longer than the library's other files on purpose: each is
 * one algorithm whose arithmetic must match the npm packages' operation for operation, and it is
 * easier to check kept whole than split.
 *
 * @example Train, predict and export
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const X = Array.from({ length: 20 }, (_, i) => [i % 10, i]);
 * const y = X.map(([, b]) => (b! < 10 ? 0 : 1));
 * const forest = new FastRandomForestClassifier({ nEstimators: 5, seed: 3, noOOB: true });
 * forest.train(X, y);
 * assert.deepEqual(forest.predict([[0, 0], [9, 19]]), [0, 1]);
 * assert.equal(forest.toJSON().name, "RFClassifier");
 * ```
 *
 * @module
 */

import { integer, MersenneTwister19937 } from "npm:random-js@2.1.0";
import {
  type CartNodeJSON,
  type CartNodeOptions,
  type CartParams,
  CartTrainer,
  CartTree,
  type CartTreeJSON,
  prepareForestData,
} from "./_fast_cart.ts";

export type { CartNodeJSON, CartTreeJSON } from "./_fast_cart.ts";

/**
 * Options of each tree, as `ml-cart`'s `DecisionTreeClassifier` takes them.
 *
 * @example Stumps
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const forest = new FastRandomForestClassifier({
 *   nEstimators: 3,
 *   noOOB: true,
 *   treeOptions: { maxDepth: 1, minNumSamples: 1 },
 * });
 * forest.train([[1], [2], [3], [4], [5], [6]], [0, 0, 0, 1, 1, 1]);
 * for (const tree of forest.toJSON().baseModel.estimators) {
 *   assert.equal(tree.root.left?.left, undefined); // one split at most
 * }
 * ```
 */
export interface FastTreeOptions {
  /**
   * Split criterion; only `"gini"` exists.
   * @default {"gini"}
   */
  gainFunction?: "gini";
  /**
   * How a threshold is placed between two values; only `"mean"` exists.
   * @default {"mean"}
   */
  splitFunction?: "mean";
  /**
   * A node with at most this many samples becomes a leaf.
   * @default {3}
   */
  minNumSamples?: number;
  /**
   * Maximum depth (the root is depth 0). As in `ml-cart`, passing the key with the value
   * `undefined` keeps the root from splitting at all.
   * @default {Infinity}
   */
  maxDepth?: number;
  /**
   * A split needs a Gini gain strictly above this.
   * @default {0.01}
   */
  gainThreshold?: number;
}

/**
 * Constructor options; the same as `ml-random-forest`'s `RandomForestClassifier`.
 *
 * @example Two features per tree, drawn without replacement
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const forest = new FastRandomForestClassifier({
 *   nEstimators: 4,
 *   maxFeatures: 2,
 *   replacement: false,
 *   seed: 1,
 *   noOOB: true,
 * });
 * forest.train([[1, 0, 5], [2, 1, 4], [3, 0, 3], [4, 1, 2]], [0, 0, 1, 1]);
 * assert.equal(forest.n, 2);
 * for (const used of forest.indexes!) assert.equal(new Set(used).size, 2);
 * ```
 */
export interface FastRandomForestOptions {
  /**
   * Features per tree: a number in (0, 1] is a fraction of the columns (floored), an integer
   * above 1 a count.
   * @default {1.0}
   */
  maxFeatures?: number;
  /**
   * Draw the features of a tree with replacement.
   * @default {true}
   */
  replacement?: boolean;
  /**
   * Number of trees.
   * @default {50}
   */
  nEstimators?: number;
  /**
   * Seed of the random streams (an integer); `undefined` seeds from entropy.
   * @default {42}
   */
  seed?: number;
  /**
   * Train each tree on a bootstrap sample of the rows.
   * @default {true}
   */
  useSampleBagging?: boolean;
  /**
   * Skip the out-of-bag predictions.
   * @default {false}
   */
  noOOB?: boolean;
  /**
   * Train on the first rows only: a non-integer in (0, 1) is a fraction of the rows (floored),
   * an integer a count (so `1` or `1.0` means one row, as in `ml-random-forest`). Unset: all.
   * @default {undefined}
   */
  maxSamples?: number;
  /** Options of each tree. */
  treeOptions?: FastTreeOptions;
}

/**
 * The forest part of the JSON (`baseModel`), field for field as `ml-random-forest` writes it.
 *
 * @example One tree per estimator, one index list per tree
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const forest = new FastRandomForestClassifier({ nEstimators: 3, noOOB: true });
 * forest.train([[1, 2], [2, 1], [3, 4], [4, 3]], [0, 0, 1, 1]);
 * const base = forest.toJSON().baseModel;
 * assert.equal(base.estimators.length, 3);
 * assert.equal(base.indexes.length, 3);
 * assert.equal(base.estimators[0]!.name, "DTClassifier");
 * ```
 */
export interface FastRandomForestBaseModel {
  /** Per tree, the original column index of each of its columns. */
  indexes: number[][];
  /** Features per tree. */
  n: number;
  /** Feature bagging with replacement. */
  replacement?: boolean;
  /** The `maxFeatures` option (the column count when it was unset). */
  maxFeatures?: number;
  /** Number of trees. */
  nEstimators: number;
  /** The `treeOptions` option as given. */
  treeOptions?: Record<string, unknown>;
  /** Always `true`. */
  isClassifier: boolean;
  /** The seed option. */
  seed?: number;
  /** The trees. */
  estimators: CartTreeJSON[];
  /** Row bagging. */
  useSampleBagging?: boolean;
}

/**
 * JSON of a forest, as `ml-random-forest`'s `RandomForestClassifier#toJSON` writes it.
 *
 * @example Save and load
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const forest = new FastRandomForestClassifier({ nEstimators: 3, noOOB: true });
 * forest.train([[1], [2], [3], [4], [5], [6]], [0, 0, 0, 1, 1, 1]);
 * const text = JSON.stringify(forest.toJSON());
 * const loaded = FastRandomForestClassifier.load(JSON.parse(text));
 * assert.equal(JSON.stringify(loaded.toJSON()), text);
 * assert.deepEqual(loaded.predict([[1], [6]]), forest.predict([[1], [6]]));
 * ```
 */
export interface FastRandomForestJSON {
  /** The forest. */
  baseModel: FastRandomForestBaseModel;
  /** `"RFClassifier"`. */
  name: string;
}

/**
 * One training row's out-of-bag result.
 *
 * @example Out-of-bag votes
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const X = Array.from({ length: 20 }, (_, i) => [i]);
 * const y = X.map(([x]) => (x! < 10 ? 0 : 1));
 * const forest = new FastRandomForestClassifier({ nEstimators: 30, seed: 2 });
 * forest.train(X, y);
 * const first = forest.oobResults![0]!;
 * assert.equal(first.true, 0);
 * assert.ok(first.all.length > 0 && first.all.length < 30);
 * assert.equal(forest.predictOOB().length, 20);
 * ```
 */
export interface OOBResult {
  /** The row's label. */
  true: number;
  /** Predictions of the trees that did not see the row, in tree order. */
  all: number[];
  /**
   * Their most frequent value (first to reach the top count). `NaN` when every tree saw the row
   * — there `ml-random-forest` throws "input must not be empty" from the whole `train` call.
   */
  predicted: number;
}

/**
 * Matrix of per-tree predictions: one row per sample, one column per tree.
 *
 * @example Per-tree votes
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const forest = new FastRandomForestClassifier({ nEstimators: 5, noOOB: true });
 * forest.train([[1], [2], [3], [4], [5], [6]], [0, 0, 0, 1, 1, 1]);
 * const votes = forest.predictionValues([[1], [6], [3]]);
 * assert.equal(votes.rows, 3);
 * assert.equal(votes.columns, 5);
 * assert.equal(votes.getRow(0).length, 5);
 * assert.deepEqual(votes.getColumn(2), votes.to2DArray().map((row) => row[2]));
 * ```
 */
export class PredictionMatrix {
  /** Number of samples. */
  readonly rows: number;
  /** Number of trees. */
  readonly columns: number;
  readonly #data: Int32Array;

  /**
   * Wraps row-major predictions.
   *
   * @param data Row-major predictions (`data[row * columns + tree]`).
   * @param rows Number of samples.
   * @param columns Number of trees.
   */
  constructor(data: Int32Array, rows: number, columns: number) {
    if (data.length !== rows * columns) {
      throw new RangeError(`PredictionMatrix: ${data.length} values for ${rows}×${columns}`);
    }
    this.#data = data;
    this.rows = rows;
    this.columns = columns;
  }

  /** Prediction of tree `column` for sample `row`. */
  get(row: number, column: number): number {
    if (!(row >= 0 && row < this.rows && column >= 0 && column < this.columns)) {
      throw new RangeError(`PredictionMatrix: index (${row}, ${column}) is out of range`);
    }
    return this.#data[row * this.columns + column]!;
  }

  /** All trees' predictions for sample `row`. */
  getRow(row: number): number[] {
    if (!(row >= 0 && row < this.rows)) throw new RangeError(`Row index ${row} is out of range`);
    return Array.from(this.#data.subarray(row * this.columns, (row + 1) * this.columns));
  }

  /** Tree `column`'s predictions for all samples. */
  getColumn(column: number): number[] {
    if (!(column >= 0 && column < this.columns)) {
      throw new RangeError(`Column index ${column} is out of range`);
    }
    const out = new Array<number>(this.rows);
    for (let r = 0; r < this.rows; r++) out[r] = this.#data[r * this.columns + column]!;
    return out;
  }

  /**
   * The predictions row-major (`[row * columns + tree]`), as a copy.
   *
   * @example
   * ```ts
   * import { PredictionMatrix } from "./fast_random_forest.ts";
   * import assert from "node:assert/strict";
   *
   * const m = new PredictionMatrix(Int32Array.of(0, 1, 1, 1), 2, 2);
   * assert.deepEqual(m.toInt32Array(), Int32Array.of(0, 1, 1, 1));
   * ```
   */
  toInt32Array(): Int32Array {
    return this.#data.slice();
  }

  /** The predictions as nested arrays. */
  to2DArray(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.rows; r++) out.push(this.getRow(r));
    return out;
  }

  /** Same as {@linkcode PredictionMatrix.to2DArray}. */
  toJSON(): number[][] {
    return this.to2DArray();
  }
}

/**
 * Input rows: nested arrays (or typed arrays), or a matrix object with `to2DArray()` such as an
 * ml-matrix `Matrix`.
 *
 * @example A matrix-like input
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import assert from "node:assert/strict";
 *
 * const rows = [[1], [2], [3], [4], [5], [6]];
 * const forest = new FastRandomForestClassifier({ nEstimators: 3, noOOB: true });
 * forest.train({ to2DArray: () => rows }, [0, 0, 0, 1, 1, 1]);
 * assert.deepEqual(forest.predict([Float64Array.of(1)]), forest.predict([[1]]));
 * ```
 */
export type FeatureRows = ArrayLike<ArrayLike<number>> | { to2DArray(): number[][] };

const DEFAULTS = {
  maxFeatures: 1.0,
  replacement: true,
  nEstimators: 50,
  seed: 42,
  useSampleBagging: true,
  noOOB: false,
};

const TREE_DEFAULTS = {
  gainFunction: "gini",
  splitFunction: "mean",
  minNumSamples: 3,
  maxDepth: Infinity,
  gainThreshold: 0.01,
};

/** Labels must be below this (they index per-class count arrays). */
const MAX_LABEL = 2 ** 24;

/**
 * Random forest classifier that builds exactly the forests of `ml-random-forest` 2.1.0's
 * `RandomForestClassifier` (same options, methods and JSON), much faster.
 *
 * Labels are integers 0…k−1. Features must be finite numbers.
 *
 * Where `ml-random-forest` throws from `train` while collecting out-of-bag results (a row that is
 * in the bootstrap sample of every tree, or a tree without out-of-bag rows), this class finishes:
 * such rows get `predicted: NaN` and no votes, and {@linkcode FastRandomForestClassifier.prototype.getConfusionMatrix} skips them.
 *
 * @example Same forest as ml-random-forest
 * ```ts
 * import { FastRandomForestClassifier } from "./fast_random_forest.ts";
 * import { RandomForestClassifier } from "npm:ml-random-forest@2.1.0";
 * import assert from "node:assert/strict";
 *
 * const X = [[1, 5], [2, 3], [3, 8], [4, 1], [5, 9], [6, 2], [7, 7], [8, 4]];
 * const y = [0, 0, 1, 0, 1, 1, 1, 0];
 * const options = { nEstimators: 4, seed: 7, noOOB: true, treeOptions: { maxDepth: 3 } };
 * const fast = new FastRandomForestClassifier(options);
 * fast.train(X, y);
 * const stock = new RandomForestClassifier(options);
 * stock.train(X, y);
 * assert.equal(JSON.stringify(fast.toJSON()), JSON.stringify(stock.toJSON()));
 * ```
 */
export class FastRandomForestClassifier {
  /** Feature bagging with replacement. */
  replacement: boolean | undefined;
  /** The `maxFeatures` option; after training, the column count if it was unset or 0. */
  maxFeatures: number | undefined;
  /** Number of trees. */
  nEstimators: number;
  /** The `treeOptions` option. */
  treeOptions: FastTreeOptions | undefined;
  /** Always `true`. */
  readonly isClassifier = true;
  /** Seed option. */
  seed: number | undefined;
  /** Row bagging. */
  useSampleBagging: boolean | undefined;
  /** Out-of-bag results are skipped (always `true` for a loaded forest). */
  noOOB: boolean | undefined;
  /** The `maxSamples` option. */
  maxSamples: number | undefined;
  /** Features per tree (after training or loading). */
  n: number | undefined;
  /** Per tree, the original column index of each of its columns. */
  indexes: number[][] | undefined;
  /** Number of columns of the training data (unknown for a loaded forest). */
  numberFeatures: number | undefined;
  /** Number of training rows used. */
  numberSamples: number | undefined;
  /** Out-of-bag results per training row, when computed. */
  oobResults: OOBResult[] | undefined;

  #trees: CartTree[] = [];
  #treeOptionsMerged: Record<string, unknown> = {};
  #loadedTrees: CartTreeJSON[] | undefined;

  /** Creates an untrained forest; see {@linkcode FastRandomForestOptions} for the defaults. */
  constructor(options: FastRandomForestOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError("FastRandomForestClassifier: options must be an object");
    }
    const o = Object.assign({}, DEFAULTS, options) as FastRandomForestOptions;
    checkOptionalNumber("maxFeatures", o.maxFeatures);
    checkOptionalBoolean("replacement", o.replacement);
    checkOptionalBoolean("useSampleBagging", o.useSampleBagging);
    checkOptionalBoolean("noOOB", o.noOOB);
    if (!Number.isInteger(o.nEstimators) || o.nEstimators! < 1) {
      throw new RangeError(`nEstimators must be a positive integer, got ${String(o.nEstimators)}`);
    }
    if (o.seed !== undefined && !Number.isInteger(o.seed)) {
      throw new RangeError(`seed must be an integer or undefined, got ${String(o.seed)}`);
    }
    if (o.maxSamples !== undefined && o.maxSamples !== null) {
      if (typeof o.maxSamples !== "number" || !Number.isFinite(o.maxSamples)) {
        throw new TypeError(`maxSamples must be a finite number, got ${String(o.maxSamples)}`);
      }
    }
    this.replacement = o.replacement;
    this.maxFeatures = o.maxFeatures;
    this.nEstimators = o.nEstimators!;
    this.treeOptions = o.treeOptions;
    this.seed = o.seed;
    this.useSampleBagging = o.useSampleBagging;
    this.noOOB = o.noOOB;
    this.maxSamples = o.maxSamples ?? undefined;
    this.n = undefined;
    this.indexes = undefined;
    this.numberFeatures = undefined;
    this.numberSamples = undefined;
    this.oobResults = undefined;
    this.#treeOptionsMerged = mergeTreeOptions(o.treeOptions);
  }

  /**
   * Trains the forest on `trainingSet` (rows of features) and `trainingValues` (integer class
   * labels 0…k−1), replacing any previous training.
   */
  train(trainingSet: FeatureRows, trainingValues: ArrayLike<number>): void {
    const { values: allValues, rows: allRows, columns } = readMatrix(trainingSet, "train", true);
    const labels = readLabels(trainingValues, allRows);
    this.#treeOptionsMerged = mergeTreeOptions(this.treeOptions);

    this.maxFeatures = this.maxFeatures || columns;
    const maxFeatures = this.maxFeatures;
    let n: number;
    if (maxFeatures > 0 && maxFeatures <= 1) {
      n = Math.floor(columns * maxFeatures);
    } else if (Number.isInteger(maxFeatures)) {
      if (maxFeatures > columns) {
        throw new RangeError(`The maxFeatures parameter should be less than ${columns}`);
      }
      n = maxFeatures;
    } else {
      throw new RangeError(`Cannot process the maxFeatures parameter ${maxFeatures}`);
    }
    if (!(n >= 1)) {
      throw new RangeError(
        `maxFeatures ${maxFeatures} selects ${n} of ${columns} features; at least 1 is needed`,
      );
    }

    let rows = allRows;
    const ms = this.maxSamples;
    if (ms) {
      if (ms < 0) {
        throw new RangeError("Please choose a positive value for maxSamples");
      } else if (ms % 1 !== 0) {
        if (ms > 1.0) {
          throw new RangeError(
            "Please choose either a float value between 0 and 1 or a positive integer for maxSamples",
          );
        }
        rows = Math.floor(allRows * ms);
      } else {
        if (ms > allRows) {
          throw new RangeError(`The maxSamples parameter should be less than ${allRows}`);
        }
        rows = ms;
      }
      if (rows < 1) throw new RangeError(`maxSamples ${ms} selects no training row`);
    }
    this.numberFeatures = columns;
    this.numberSamples = rows;

    // Column-major values and labels of the rows used (the first `rows` rows).
    const values = new Float64Array(rows * columns);
    for (let c = 0; c < columns; c++) {
      for (let r = 0; r < rows; r++) values[c * rows + r] = allValues[r * columns + c]!;
    }
    const y = labels.subarray(0, rows);
    const data = prepareForestData(values, rows, columns, y);
    const params = treeParams(this.#treeOptionsMerged);
    const trainer = new CartTrainer(data, params, rows, n);

    const bagging = !!this.useSampleBagging;
    const withOOB = !this.noOOB && bagging;
    const trees: CartTree[] = new Array(this.nEstimators);
    const indexes: number[][] = new Array(this.nEstimators);
    const votes: number[][] = withOOB ? Array.from({ length: rows }, () => []) : [];
    const sample = new Int32Array(rows);
    const drawn = new Uint8Array(rows);
    let seed = this.seed;
    for (let t = 0; t < this.nEstimators; t++) {
      if (bagging) {
        const engine = makeEngine(seed);
        const pick = integer(0, rows - 1);
        drawn.fill(0);
        for (let i = 0; i < rows; i++) {
          const index = pick(engine);
          sample[i] = index;
          drawn[index] = 1;
        }
        seed = engine.next();
      } else {
        for (let i = 0; i < rows; i++) sample[i] = i;
      }

      const engine = makeEngine(seed);
      const pick = integer(0, columns - 1);
      let used: number[];
      if (this.replacement) {
        used = new Array(n);
        for (let i = 0; i < n; i++) used[i] = pick(engine);
      } else {
        const set = new Set<number>();
        let index = pick(engine);
        for (let i = 0; i < n; i++) {
          while (set.has(index)) index = pick(engine);
          set.add(index);
        }
        used = Array.from(set);
      }
      seed = engine.next();

      indexes[t] = used;
      const tree = trainer.fit(sample, used);
      trees[t] = tree;
      if (withOOB) {
        for (let r = 0; r < rows; r++) {
          if (drawn[r] === 0) votes[r]!.push(tree.predictColumnMajor(values, rows, r, used));
        }
      }
    }

    this.n = n;
    this.indexes = indexes;
    this.#trees = trees;
    this.#loadedTrees = undefined;
    this.oobResults = undefined;
    if (withOOB) {
      const results: OOBResult[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const all = votes[r]!;
        results[r] = {
          true: trainingValues[r]!,
          all,
          predicted: all.length > 0 ? this.selection(all) : NaN,
        };
      }
      this.oobResults = results;
    }
  }

  /**
   * Combines the trees' predictions for one sample: the most frequent value, the first to reach
   * the top count winning ties (as `ml-array-mode`).
   */
  selection(values: ArrayLike<number>): number {
    if (values.length === 0) throw new TypeError("selection: input must not be empty");
    const counts = new Map<number, number>();
    let maxCount = 0;
    let maxValue = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const c = (counts.get(v) ?? 0) + 1;
      counts.set(v, c);
      if (c > maxCount) {
        maxCount = c;
        maxValue = v;
      }
    }
    return maxValue;
  }

  /** Every tree's prediction for every row of `toPredict` (rows × trees). */
  predictionValues(toPredict: FeatureRows): PredictionMatrix {
    const trees = this.#requireTrained();
    const indexes = this.indexes!;
    const { values, rows, columns } = readMatrix(toPredict, "predict", false);
    this.#checkPredictColumns(columns);
    const out = new Int32Array(rows * trees.length);
    for (let t = 0; t < trees.length; t++) {
      trees[t]!.predictRows(values, rows, columns, indexes[t]!, out, trees.length, t);
    }
    return new PredictionMatrix(out, rows, trees.length);
  }

  /** Predicted class of every row of `toPredict` (majority vote of the trees). */
  predict(toPredict: FeatureRows): number[] {
    const pv = this.predictionValues(toPredict);
    const out = new Array<number>(pv.rows);
    for (let r = 0; r < pv.rows; r++) out[r] = this.selection(pv.getRow(r));
    return out;
  }

  /**
   * Share of trees voting `label` for every row of `toPredict`, rounded to 6 decimals, computed
   * exactly as `ml-random-forest` 2.1.0 does — including its quirk that the running sum starts
   * from the first tree's predicted class instead of from that tree's vote (its `reduce` has no
   * initial value), so the result can be off by up to 1/nEstimators and exceed 1.
   */
  predictProbability(toPredict: FeatureRows, label: number): number[] {
    const pv = this.predictionValues(toPredict);
    const l = pv.columns;
    const roundFactor = Math.pow(10, 6);
    const out = new Array<number>(pv.rows);
    for (let r = 0; r < pv.rows; r++) {
      const pvs = pv.getRow(r);
      let p = pvs[0]!;
      for (let j = 1; j < l; j++) if (pvs[j] === label) p += roundFactor / l;
      out[r] = Math.round(p) / roundFactor;
    }
    return out;
  }

  /** Out-of-bag prediction of every training row (requires training with `noOOB: false`). */
  predictOOB(): number[] {
    if (!this.oobResults || this.oobResults.length === 0) {
      throw new Error("No Out-Of-Bag results found. Did you forgot to train first?");
    }
    return this.oobResults.map((v) => v.predicted);
  }

  /**
   * Out-of-bag confusion matrix: rows are predicted labels, columns true labels, both in the
   * order of `Array#sort` (string order), as `ml-random-forest` returns it. Rows without
   * out-of-bag votes are left out.
   */
  getConfusionMatrix(): number[][] {
    if (!this.oobResults) throw new Error("No Out-Of-Bag results available.");
    const labels = new Set<number>();
    const matrix: Record<string, Record<string, number>> = {};
    for (const v of this.oobResults) {
      if (v.all.length === 0) continue;
      labels.add(v.true);
      labels.add(v.predicted);
      const x = matrix[v.predicted] || {};
      x[v.true] = (x[v.true] || 0) + 1;
      matrix[v.predicted] = x;
    }
    const sorted = [...labels].sort();
    return sorted.map((v) => sorted.map((w) => (matrix[v] || {})[w] || 0));
  }

  /**
   * Mean decrease in impurity per original feature, normalized to sum to 1, computed as
   * `ml-random-forest` does (needs a trained forest: the column count of a loaded one is unknown).
   */
  featureImportance(): number[] {
    const json = this.toJSON().baseModel;
    const numberFeatures = this.numberFeatures;
    if (numberFeatures === undefined) {
      throw new Error("featureImportance needs the number of features, known after train()");
    }
    const trees = JSON.parse(JSON.stringify(json.estimators)) as CartTreeJSON[];
    const indexes = json.indexes;
    const importance: number[][] = [];
    const visit = (i: number, node: CartNodeJSON | undefined): void => {
      if (!node || !("splitColumn" in node) || !(node.gain! > 0)) return;
      let f = node.gain! * node.numberSamples!;
      if ("left" in node) f -= (node.left!.gain || 0) * (node.left!.numberSamples || 0);
      if ("right" in node) f -= (node.right!.gain || 0) * (node.right!.numberSamples || 0);
      importance[i]![node.splitColumn!]! += f;
      if (node.left) visit(i, node.left);
      if (node.right) visit(i, node.right);
    };
    for (let i = 0; i < trees.length; i++) {
      importance.push(new Array<number>(numberFeatures).fill(0.0));
      visit(i, trees[i]!.root);
      const s = importance[i]!.reduce((cum, v) => (cum += v), 0);
      importance[i] = importance[i]!.map((v) => v / s);
    }
    const avg = new Array<number>(numberFeatures).fill(0.0);
    for (let i = 0; i < importance.length; i++) {
      for (let x = 0; x < numberFeatures; x++) {
        // Tree columns beyond `n` have no original index (ml-random-forest adds them to a
        // non-index property, which no result reads).
        const feature = indexes[i]![x];
        if (feature !== undefined) avg[feature]! += importance[i]![x]!;
      }
    }
    const s = avg.reduce((cum, v) => (cum += v), 0);
    return avg.map((v) => v / s);
  }

  /** The forest as `ml-random-forest` 2.1.0 writes it (`JSON.stringify` gives identical text). */
  toJSON(): FastRandomForestJSON {
    const trees = this.#requireTrained();
    let estimators: CartTreeJSON[];
    if (this.#loadedTrees !== undefined) {
      estimators = structuredClone(this.#loadedTrees);
    } else {
      const options = { ...this.#treeOptionsMerged };
      const nodeOptions = nodeOptionsOf(options);
      estimators = trees.map((tree) => ({
        options: { ...options },
        root: tree.rootJSON(nodeOptions),
        name: "DTClassifier",
      }));
    }
    return {
      baseModel: {
        indexes: this.indexes!,
        n: this.n!,
        replacement: this.replacement,
        maxFeatures: this.maxFeatures,
        nEstimators: this.nEstimators,
        treeOptions: this.treeOptions as Record<string, unknown> | undefined,
        isClassifier: this.isClassifier,
        seed: this.seed,
        estimators,
        useSampleBagging: this.useSampleBagging,
      },
      name: "RFClassifier",
    };
  }

  /**
   * Loads a forest from the JSON of {@linkcode FastRandomForestClassifier.toJSON} or of
   * `ml-random-forest`'s `RandomForestClassifier#toJSON` (as an object or a parsed string).
   * `toJSON()` of the loaded forest gives the same JSON text back.
   */
  static load(
    model: FastRandomForestJSON | { name: string; baseModel: unknown },
  ): FastRandomForestClassifier {
    if (model === null || typeof model !== "object") {
      throw new TypeError("Invalid model: expected an object");
    }
    if (model.name !== "RFClassifier") {
      throw new RangeError(`Invalid model: ${String(model.name)}`);
    }
    const plain = JSON.parse(JSON.stringify(model)) as FastRandomForestJSON;
    const base = plain.baseModel;
    if (base === null || typeof base !== "object") {
      throw new TypeError("Invalid model: baseModel is missing");
    }
    if (base.isClassifier !== true) {
      throw new RangeError("Invalid model: not a classifier (isClassifier is not true)");
    }
    const { estimators, indexes } = base;
    if (!Array.isArray(estimators) || estimators.length === 0) {
      throw new TypeError("Invalid model: baseModel.estimators must be a non-empty array");
    }
    if (!Array.isArray(indexes) || indexes.length !== estimators.length) {
      throw new TypeError("Invalid model: baseModel.indexes must hold one array per estimator");
    }
    const trees = estimators.map((est, t) => {
      if (est === null || typeof est !== "object" || est.name !== "DTClassifier") {
        throw new RangeError(`Invalid model: estimators[${t}] is not a DTClassifier`);
      }
      const idx = indexes[t];
      if (!Array.isArray(idx) || !idx.every((v) => Number.isInteger(v) && v >= 0)) {
        throw new TypeError(`Invalid model: indexes[${t}] must be an array of column indexes`);
      }
      const tree = CartTree.fromJSON(est.root, `estimators[${t}].root`);
      if (tree.maxColumn() >= idx.length) {
        throw new RangeError(`Invalid model: estimators[${t}] uses a column beyond indexes[${t}]`);
      }
      return tree;
    });
    // Bypass option defaults: copy the stored fields as they are.
    const forest = new FastRandomForestClassifier({ nEstimators: estimators.length });
    forest.replacement = base.replacement;
    forest.maxFeatures = base.maxFeatures;
    forest.nEstimators = estimators.length;
    forest.treeOptions = base.treeOptions as FastTreeOptions | undefined;
    forest.seed = base.seed;
    forest.useSampleBagging = base.useSampleBagging;
    forest.noOOB = true;
    forest.maxSamples = undefined;
    forest.n = base.n;
    forest.indexes = indexes;
    forest.#trees = trees;
    forest.#loadedTrees = estimators;
    return forest;
  }

  #requireTrained(): CartTree[] {
    if (this.#trees.length === 0 || this.indexes === undefined) {
      throw new Error("FastRandomForestClassifier: train() or load() it first");
    }
    return this.#trees;
  }

  #checkPredictColumns(columns: number): void {
    if (this.numberFeatures !== undefined) {
      if (columns !== this.numberFeatures) {
        throw new RangeError(
          `predict: X has ${columns} columns but the forest was trained on ${this.numberFeatures}`,
        );
      }
      return;
    }
    let needed = 0;
    for (const idx of this.indexes!) for (const c of idx) if (c + 1 > needed) needed = c + 1;
    if (columns < needed) {
      throw new RangeError(
        `predict: X has ${columns} columns but the forest uses column ${needed - 1}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------

function checkOptionalNumber(name: string, v: unknown): void {
  if (v !== undefined && (typeof v !== "number" || Number.isNaN(v))) {
    throw new TypeError(`${name} must be a number, got ${String(v)}`);
  }
}

function checkOptionalBoolean(name: string, v: unknown): void {
  if (v !== undefined && typeof v !== "boolean") {
    throw new TypeError(`${name} must be a boolean, got ${String(v)}`);
  }
}

/** `ml-cart`'s option merge: `Object.assign({}, defaults, treeOptions)` then `kind`. */
function mergeTreeOptions(treeOptions: FastTreeOptions | undefined): Record<string, unknown> {
  if (treeOptions !== undefined && (treeOptions === null || typeof treeOptions !== "object")) {
    throw new TypeError("treeOptions must be an object");
  }
  const merged: Record<string, unknown> = Object.assign(
    {},
    TREE_DEFAULTS as Record<string, unknown>,
    treeOptions as Record<string, unknown> | undefined,
  );
  merged.kind = "classifier";
  if (merged.gainFunction !== "gini") {
    throw new RangeError(
      `treeOptions.gainFunction must be "gini", got ${String(merged.gainFunction)}`,
    );
  }
  if (merged.splitFunction !== "mean") {
    throw new RangeError(
      `treeOptions.splitFunction must be "mean", got ${String(merged.splitFunction)}`,
    );
  }
  for (const key of ["minNumSamples", "maxDepth", "gainThreshold"]) {
    checkOptionalNumber(`treeOptions.${key}`, merged[key]);
  }
  return merged;
}

function nodeOptionsOf(merged: Record<string, unknown>): CartNodeOptions {
  return {
    kind: merged.kind as string,
    gainFunction: merged.gainFunction as string,
    splitFunction: merged.splitFunction as string,
    minNumSamples: merged.minNumSamples as number | undefined,
    maxDepth: merged.maxDepth as number | undefined,
    gainThreshold: (merged.gainThreshold as number | undefined) || 0,
  };
}

function treeParams(merged: Record<string, unknown>): CartParams {
  const o = nodeOptionsOf(merged);
  return { minNumSamples: o.minNumSamples, maxDepth: o.maxDepth, gainThreshold: o.gainThreshold };
}

function makeEngine(seed: number | undefined): MersenneTwister19937 {
  if (seed === undefined) return MersenneTwister19937.autoSeed();
  if (Number.isInteger(seed)) return MersenneTwister19937.seed(seed);
  throw new RangeError(`Expected seed must be undefined or integer not ${seed}`);
}

/** Reads rows of numbers into a row-major Float64Array, checking shape and values. */
function readMatrix(
  input: FeatureRows,
  what: string,
  training: boolean,
): { values: Float64Array; rows: number; columns: number } {
  let X: ArrayLike<ArrayLike<number>>;
  if (input !== null && typeof input === "object" && "to2DArray" in input) {
    X = input.to2DArray();
  } else {
    X = input as ArrayLike<ArrayLike<number>>;
  }
  if (X === null || typeof X !== "object" || typeof X.length !== "number") {
    throw new TypeError(`${what}: X must be an array of rows`);
  }
  const rows = X.length;
  if (rows === 0) throw new RangeError(`${what}: X is empty (no rows)`);
  const first = X[0];
  if (first === null || typeof first !== "object" || typeof first.length !== "number") {
    throw new TypeError(`${what}: X[0] is not an array of numbers`);
  }
  const columns = first.length;
  if (columns === 0) throw new RangeError(`${what}: X has no columns`);
  const values = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const row = X[r];
    if (row === null || typeof row !== "object" || typeof row.length !== "number") {
      throw new TypeError(`${what}: X[${r}] is not an array of numbers`);
    }
    if (row.length !== columns) {
      throw new RangeError(
        `${what}: X is ragged: X[${r}] has ${row.length} values, X[0] has ${columns}`,
      );
    }
    for (let c = 0; c < columns; c++) {
      const v = row[c];
      if (typeof v !== "number") {
        throw new TypeError(`${what}: X[${r}][${c}] is not a number (${String(v)})`);
      }
      if (Number.isNaN(v) || (training && !Number.isFinite(v))) {
        throw new RangeError(
          `${what}: X[${r}][${c}] is ${v}; features must be ${training ? "finite " : ""}numbers`,
        );
      }
      values[r * columns + c] = v;
    }
  }
  return { values, rows, columns };
}

function readLabels(y: ArrayLike<number>, rows: number): Int32Array {
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new TypeError("train: y must be an array of integer labels");
  }
  if (y.length !== rows) {
    throw new RangeError(`train: X has ${rows} rows but y has ${y.length} labels`);
  }
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= MAX_LABEL) {
      throw new TypeError(
        `train: y[${i}] is ${String(v)}; labels must be integers from 0 to ${MAX_LABEL - 1}`,
      );
    }
    out[i] = v;
  }
  return out;
}
