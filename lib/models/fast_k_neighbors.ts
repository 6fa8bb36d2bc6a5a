/**
 * `FastKNeighborsClassifier`: a drop-in for npm `ml-knn` 3.0.0's `KNN` — the same constructor,
 * options, `predict`, `toJSON` and `load`, the same k-d tree in its JSON — that predicts exactly
 * what `ml-knn` predicts, over 100× faster on this project's data (see the benchmarks). Models
 * it saves load in `ml-knn` (`KNN.load(fast.toJSON())`), and `ml-knn`'s load here.
 *
 * ## What `ml-knn` does, ties included
 *
 * Read from `ml-knn` 3.0.0's `lib/index.js` (its line numbers):
 *
 * 1. **Tree** (`buildTree`, 150–168; constructor, 303–316). Every row is copied with its label
 *    appended, so the tree's dimensions are the features *and the label* (`dimensions` is
 *    `0 … points[0].length − 1`, 34–37). At depth t the rows are sorted on coordinate
 *    t mod (features + 1) by `Array.prototype.sort` with `a[dim] − b[dim]` (stable: equal values
 *    keep their order); the row at index ⌊length / 2⌋ becomes the node, the rows before it the
 *    left subtree, those after it the right one. Equal values can land on either side.
 * 2. **Visit order** (`nearestSearch`, 60–121). From the root down to a leaf through the near
 *    child — the left one when `point[dim] < node.obj[dim]` (strict, 95: a query equal to the
 *    split value goes right; on the label's dimension `point[dim]` is `undefined`, so always
 *    right); a node with one child goes to it. Then, backing up, each node is offered after its
 *    near subtree, and its far subtree is searched after it.
 * 3. **Pruning** (108–120). The far subtree is skipped when the heap is full and
 *    `|distance(linearPoint, node.obj)|` is not below the heap's worst distance; `linearPoint` is
 *    a plain object, not an array. The default `euclidean` (`ml-distance-euclidean` 2.0.0) loops
 *    to its first argument's `length`, which that object lacks, and returns 0: the Euclidean
 *    search is exhaustive until the heap holds k zero distances.
 * 4. **Entering the heap** (84, 104). A row enters while the heap holds fewer than k rows, or
 *    when its distance is *strictly* below the heap's worst: at an equal distance the row
 *    already there stays (the first visited wins).
 * 5. **Leaving it** (`saveNode`, 66–71; `BinaryHeap`, 184–283). The heap is a binary max-heap
 *    on distance (scores are −distance). A pushed row bubbles up past parents with strictly
 *    smaller distances; when the heap holds k + 1 rows its root is popped and the last entry
 *    sinks — to the left child if strictly farther, else to the right child if strictly farther
 *    than the left (when the left moved) or than itself. Of several rows tied at the worst
 *    distance, the one evicted is whichever the heap's history left at the root.
 * 6. **Order** (133–138). `kdTree.nearest` returns the heap's array as it is, not sorted.
 * 7. **Vote** (`getSinglePrediction`, 383–404). The neighbours are counted in that array order
 *    (per class, as object keys) and the prediction changes only when a class's count becomes
 *    strictly greater than the best so far: among the classes with the most votes, the one that
 *    reached that count first in heap order wins — not the nearest, not the smallest label.
 * 8. **Defaults** (305). k is the number of distinct labels + 1; with k ≥ rows all rows vote.
 *
 * ## How this class gets the same answers faster
 *
 * **Theorem.** When the k-th and (k + 1)-th smallest distances differ (or k ≥ rows), the heap
 * ends holding exactly the k nearest rows, whatever the visit order. A row among the k nearest
 * meets at most k − 1 others of them before it, so the heap's worst (its k-th smallest so far)
 * is farther and it enters (rule 4); it never leaves, because a full heap evicts its worst only
 * for a strictly nearer row, and a heap holding it as its worst holds only the k nearest.
 * Then, if one class has strictly the most votes among those k rows, it is the prediction
 * (rule 7), whatever the heap's order.
 *
 * So with the Euclidean distance, each query's k + 1 nearest rows are found by a brute-force
 * scan, with exact distances computed as `ml-knn` computes them (`Σ (queryᵢ − rowᵢ)²` in feature
 * order, then `Math.sqrt`). When the theorem applies the class votes; when it does not — a
 * distance tie at the k-th place, or a tied vote in `predict` — that query replays `ml-knn`'s
 * search exactly (rules 2–7). On continuous features ties are rare (none on this project's seed
 * split); on integer features replays are common, and just as exact.
 *
 * **The scan** quantises rows to 16-bit integers and computes `‖q̃ − x̃‖²` exactly with
 * WebAssembly SIMD (`i32x4.dot_i16x8_s`: eight multiply-adds per instruction, four queries
 * against eight rows per step); group minima give an upper bound for the (k + 1)-th value, a
 * branch-light pass collects the rows that can be within it — the quantisation error and the
 * rounding of `ml-knn`'s sum are both bounded, so no row is dropped that could be among the
 * k + 1 nearest — and those few get exact distances. Brute force because k-d and ball trees
 * prune little on 750 rows × 20 standardised features (scikit-learn's own `kd_tree` and
 * `ball_tree` are 5–8× slower than its brute force on them); integers because their sums are
 * exact and the instruction does twice the work of a float multiply-add pair. Where WebAssembly
 * SIMD is missing, or for k above 63, every query replays the search (still exact).
 *
 * ## Distance functions
 *
 * `distance` is called as `ml-knn` calls it: `distance(query, row)`, where `row` ends with the
 * label, and `distance(linearPoint, row)` with a plain object holding the query's value on the
 * node's dimension and the row's elsewhere. A function that loops to `a.length` returns 0 for the
 * second call; one that loops to `b.length` includes the label. With any function other than
 * `ml-distance-euclidean`'s `euclidean`, every query replays `ml-knn`'s search, calling the
 * function with the same arguments in the same order. A function cannot be saved in JSON: the
 * JSON records `isEuclidean: false`, and {@linkcode FastKNeighborsClassifier.load} needs the
 * function again, as `KNN.load(model, distance)` does.
 *
 * ## Differences from `ml-knn`
 *
 * Rows must be arrays of finite numbers and labels integers (a label −0 is kept as 0), checked
 * with clear errors; a distance function must return a number. `load` leaves its input as it
 * is. There is no `kdTree` property: {@linkcode FastKNeighborsClassifier.nearest} returns what
 * `kdTree.nearest(point, k)` returns.
 *
 * @example Same predictions and JSON as ml-knn
 * ```ts
 * import KNN from "npm:ml-knn@3.0.0";
 * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5], [2, 2], [3, 3]];
 * const y = [0, 0, 0, 1, 1, 1, 0, 1];
 * const fast = new FastKNeighborsClassifier(X, y, { k: 3 });
 * const stock = new KNN(X, y, { k: 3 });
 * const queries = [[0.5, 0.5], [4, 4], [2.5, 2.5]];
 * assert.deepEqual(fast.predict(queries), stock.predict(queries));
 * assert.equal(JSON.stringify(fast.toJSON()), JSON.stringify(stock.toJSON()));
 * ```
 *
 * @module
 */

import { euclidean } from "npm:ml-distance-euclidean@2.0.0";
import { checkInteger, checkIntegerLabels, checkMatrix } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";
import { EuclideanScan, MAX_SCAN_K } from "./_knn_scan.ts";
import {
  type DistanceFunction,
  type KNNNodeJSON,
  KnnTree,
  type KNNTreeJSON,
  type Neighbours,
  readModel,
} from "./_knn_tree.ts";

export type { DistanceFunction, KNNNodeJSON, KNNTreeJSON };

/**
 * Options of {@linkcode FastKNeighborsClassifier}, as `ml-knn`'s `KNN` takes them.
 *
 * @example Three neighbours, Manhattan distance
 * ```ts
 * import { FastKNeighborsClassifier, type FastKNeighborsOptions } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const manhattan = (a: number[], b: number[]) => {
 *   let sum = 0;
 *   for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
 *   return sum;
 * };
 * const options: FastKNeighborsOptions = { k: 3, distance: manhattan };
 * const X = [[0], [1], [2], [10], [11]];
 * const model = new FastKNeighborsClassifier(X, [0, 0, 0, 1, 1], options);
 * assert.equal(model.isEuclidean, false);
 * assert.equal(model.predict([1.5]), 0);
 * ```
 */
export interface FastKNeighborsOptions {
  /**
   * How many nearest rows vote.
   * @default {the number of distinct labels + 1}
   */
  k?: number;
  /**
   * Distance between a query and a stored row (see the module documentation for how it is
   * called).
   * @default {`euclidean` from `ml-distance-euclidean` 2.0.0}
   */
  distance?: DistanceFunction;
}

/**
 * A model as `ml-knn`'s `KNN#toJSON` writes it (after `JSON.stringify`).
 *
 * @example The k-d tree's root and the labels
 * ```ts
 * import { FastKNeighborsClassifier, type FastKNeighborsJSON } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new FastKNeighborsClassifier([[1], [2], [3]], [7, 7, 9]);
 * const json: FastKNeighborsJSON = model.toJSON();
 * assert.equal(json.name, "KNN");
 * assert.equal(json.k, 3); // two labels + 1
 * assert.deepEqual(json.classes, [7, 9]);
 * assert.deepEqual(json.kdTree.obj, [2, 7]); // the median row, its label appended
 * assert.deepEqual(json.kdTree.dimensions, [0, 1]);
 * ```
 */
export interface FastKNeighborsJSON {
  /** Always `"KNN"`. */
  name: "KNN";
  /** The k-d tree. */
  kdTree: KNNTreeJSON;
  /** Neighbours per vote. */
  k: number;
  /** The distinct labels, in order of first appearance. */
  classes: number[];
  /** Whether the distance is `ml-distance-euclidean`'s `euclidean`. */
  isEuclidean: boolean;
}

/** What {@linkcode FastKNeighborsClassifier.load} hands its constructor. */
interface Restored {
  tree: KnnTree;
  k: number;
  classes: number[];
  isEuclidean: boolean;
  distance: DistanceFunction;
}

let restoring: Restored | undefined;

/**
 * k-nearest-neighbours classification with `ml-knn` 3.0.0's API, JSON and predictions (ties
 * included; see the module documentation).
 *
 * @example Train, predict one row or many, save and load
 * ```ts
 * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 0], [0, 1], [1, 1], [8, 8], [8, 9], [9, 9]];
 * const model = new FastKNeighborsClassifier(X, [0, 0, 0, 1, 1, 1], { k: 3 });
 * assert.equal(model.predict([1, 0]), 0);
 * assert.deepEqual(model.predict([[1, 0], [9, 8]]), [0, 1]);
 * const restored = FastKNeighborsClassifier.load(JSON.parse(JSON.stringify(model)));
 * assert.deepEqual(restored.predict([[1, 0], [9, 8]]), [0, 1]);
 * ```
 */
export class FastKNeighborsClassifier {
  /** Neighbours per vote. */
  readonly k: number;
  /** The distinct labels, in order of first appearance (the JSON's `classes`). */
  readonly classes: ReadonlySet<number>;
  /** Whether the distance is `ml-distance-euclidean`'s `euclidean` (the default). */
  readonly isEuclidean: boolean;
  readonly #tree: KnnTree;
  readonly #distance: DistanceFunction;
  /** Per node, the index of its label in `classes`. */
  readonly #classOf: Int32Array;
  /** The scan, once built; `null` when it cannot be used. */
  #scan: EuclideanScan | null | undefined = undefined;

  /**
   * Builds `ml-knn`'s k-d tree over the rows and their labels.
   *
   * @param dataset training rows: arrays of finite numbers, all of the same length
   * @param labels one integer label per row
   * @param options `k` and `distance`
   * @throws {RangeError} when `dataset` is empty or ragged, holds a non-finite value, `labels`
   * has another length, or `k` is below 1
   * @throws {TypeError} when a value or label has the wrong type, `k` is not an integer, or
   * `distance` is not a function
   */
  constructor(
    dataset: readonly (readonly number[])[],
    labels: readonly number[],
    options: FastKNeighborsOptions = {},
  ) {
    const restored = restoring;
    restoring = undefined;
    if (restored !== undefined) {
      this.k = restored.k;
      this.classes = new Set(restored.classes);
      this.isEuclidean = restored.isEuclidean;
      this.#distance = restored.distance;
      this.#tree = restored.tree;
      this.#classOf = classIndexes(this.#tree, restored.classes);
      return;
    }
    const what = "train FastKNeighborsClassifier";
    checkMatrix(what, dataset, undefined, "dataset");
    checkIntegerLabels(what, labels, dataset.length, "labels");
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot ${what}: options must be an object, current value is ${show(options)}`,
      );
    }
    const y = labels.map((label) => label === 0 ? 0 : label); // −0 → 0
    const classes = [...new Set(y)];
    const { distance = euclidean as DistanceFunction, k = classes.length + 1 } = options;
    checkInteger(what, "k", k, 1);
    if (typeof distance !== "function") {
      throw new TypeError(
        `Cannot ${what}: distance must be a function, current value is ${show(distance)}`,
      );
    }
    this.k = k;
    this.classes = new Set(classes);
    this.isEuclidean = distance === euclidean;
    this.#distance = distance;
    this.#tree = KnnTree.build(dataset, y);
    this.#classOf = classIndexes(this.#tree, classes);
  }

  /**
   * Restores a model from its JSON: `toJSON()`'s, or `ml-knn`'s (as an object, parsed text, or
   * the `KNN` instance itself). Its predictions are those of the saved model. The input is not
   * modified.
   *
   * @param model the saved model
   * @param distance the distance function, for a model saved with one (`isEuclidean: false`);
   * as in `ml-knn`, required then and refused otherwise
   * @returns the model
   * @throws {TypeError} when `model` is not such JSON, or `distance` does not match it
   * @throws {RangeError} when its `k` is below 1
   *
   * @example A model saved by ml-knn
   * ```ts
   * import KNN from "npm:ml-knn@3.0.0";
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const X = [[0], [1], [2], [6], [7], [8]];
   * const stock = new KNN(X, [0, 0, 0, 1, 1, 1], { k: 3 });
   * const fast = FastKNeighborsClassifier.load(JSON.parse(JSON.stringify(stock)));
   * assert.deepEqual(fast.predict([[1.5], [6.5]]), stock.predict([[1.5], [6.5]]));
   * assert.throws(
   *   () => FastKNeighborsClassifier.load({ ...fast.toJSON(), isEuclidean: false }),
   *   /a custom distance function was used to create the model. Please provide it again/,
   * );
   * ```
   */
  static load(
    model: FastKNeighborsJSON | { toJSON(): unknown },
    distance: DistanceFunction = euclidean as DistanceFunction,
  ): FastKNeighborsClassifier {
    const what = "load FastKNeighborsClassifier";
    if (model === null || typeof model !== "object") {
      throw new TypeError(
        `Cannot ${what}: model must be an object, current value is ${show(model)}`,
      );
    }
    const json = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
    if (json.name !== "KNN") {
      throw new TypeError(
        `Cannot ${what}: name must be "KNN" (an ml-knn model), current value is ${show(json.name)}`,
      );
    }
    if (typeof json.isEuclidean !== "boolean") {
      throw new TypeError(
        `Cannot ${what}: isEuclidean must be a boolean, current value is ${show(json.isEuclidean)}`,
      );
    }
    if (typeof distance !== "function") {
      throw new TypeError(
        `Cannot ${what}: distance must be a function, current value is ${show(distance)}`,
      );
    }
    // ml-knn's messages (lib/index.js lines 332–341).
    if (!json.isEuclidean && distance === euclidean) {
      throw new TypeError(
        `Cannot ${what}: a custom distance function was used to create the model. Please provide it again`,
      );
    }
    if (json.isEuclidean && distance !== euclidean) {
      throw new TypeError(
        `Cannot ${what}: the model was created with the default distance function. Do not load it with another one`,
      );
    }
    const { tree, k, classes } = readModel(json, what);
    restoring = { tree, k, classes, isEuclidean: json.isEuclidean, distance };
    return new FastKNeighborsClassifier([], []);
  }

  /**
   * The model as `ml-knn` 3.0.0 saves it: `JSON.stringify` gives the same text as for an
   * `ml-knn` model trained on the same rows, labels and options.
   *
   * @example Loads in ml-knn
   * ```ts
   * import KNN from "npm:ml-knn@3.0.0";
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const fast = new FastKNeighborsClassifier([[0, 1], [1, 0], [5, 5], [6, 5]], [0, 0, 1, 1]);
   * const stock = KNN.load(JSON.parse(JSON.stringify(fast.toJSON())));
   * assert.deepEqual(stock.predict([[0, 0], [6, 6]]), fast.predict([[0, 0], [6, 6]]));
   * ```
   */
  toJSON(): FastKNeighborsJSON {
    return {
      name: "KNN",
      kdTree: this.#tree.toJSON(),
      k: this.k,
      classes: [...this.classes],
      isEuclidean: this.isEuclidean,
    };
  }

  /**
   * Predicts the label of one row, as `ml-knn`'s `predict` does.
   *
   * @param dataset a row of finite numbers (as many as in training)
   * @returns the label
   * @throws {TypeError} when `dataset` is neither a row nor an array of rows, or holds a
   * non-number
   * @throws {RangeError} when a row has another length or a non-finite value
   *
   * @example A tied vote goes to the class that got its votes first in the heap
   * ```ts
   * import KNN from "npm:ml-knn@3.0.0";
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const X = [[0], [1], [3], [4]];
   * const y = [5, 2, 2, 5];
   * const fast = new FastKNeighborsClassifier(X, y, { k: 4 });
   * const stock = new KNN(X, y, { k: 4 });
   * assert.deepEqual(fast.predict([[0], [2], [4]]), stock.predict([[0], [2], [4]]));
   * ```
   */
  predict(dataset: readonly number[]): number;
  /**
   * Predicts the label of each row of a matrix, as `ml-knn`'s `predict` does.
   *
   * @param dataset rows of finite numbers (as many as in training)
   * @returns one label per row
   * @throws {TypeError} when a value is not a number
   * @throws {RangeError} when a row has another length or a non-finite value
   *
   * @example Many rows
   * ```ts
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const model = new FastKNeighborsClassifier([[0], [1], [5], [6]], [0, 0, 1, 1], { k: 1 });
   * assert.deepEqual(model.predict([[0.2], [5.8], [2]]), [0, 1, 0]);
   * ```
   */
  predict(dataset: readonly (readonly number[])[]): number[];
  predict(dataset: readonly number[] | readonly (readonly number[])[]): number | number[] {
    const what = "predict with FastKNeighborsClassifier";
    if (Array.isArray(dataset) && typeof dataset[0] === "number") {
      return this.#predictRows(what, [dataset as readonly number[]])[0]!;
    }
    if (Array.isArray(dataset) && Array.isArray(dataset[0])) {
      return this.#predictRows(what, dataset as readonly (readonly number[])[]);
    }
    throw new TypeError(
      `Cannot ${what}: dataset must be a row of numbers or an array of rows, current value is ${
        show(dataset)
      }`,
    );
  }

  /**
   * For each row, how many of its k nearest training rows (those `ml-knn` would vote with)
   * carry each of `labels`.
   *
   * @param dataset rows of finite numbers (as many as in training)
   * @param labels the labels to count, one column each
   * @returns one array of counts per row
   * @throws {TypeError} when a value has the wrong type
   * @throws {RangeError} when `dataset` is empty, or a row has another length or a non-finite
   * value
   *
   * @example Shares of the neighbours
   * ```ts
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const X = [[0], [1], [2], [3], [9]];
   * const model = new FastKNeighborsClassifier(X, [0, 1, 0, 1, 1], { k: 3 });
   * assert.deepEqual(model.classVotes([[1], [8]]), [[2, 1], [1, 2]]);
   * assert.deepEqual(model.classVotes([[1]], [1, 0, 4]), [[1, 2, 0]]);
   * ```
   */
  classVotes(
    dataset: readonly (readonly number[])[],
    labels: readonly number[] = [...this.classes],
  ): number[][] {
    const what = "count votes with FastKNeighborsClassifier";
    checkMatrix(what, dataset, this.#tree.features, "dataset");
    const column = new Map(labels.map((label, c) => [label, c]));
    const columnOf = Int32Array.from(this.#tree.labels, (label) => column.get(label) ?? -1);
    const queries = this.#queries(dataset);
    const settled = this.#settled(queries, dataset.length);
    const heap = this.#tree.neighbours(this.k);
    return dataset.map((_, r) => {
      const counts = new Array<number>(labels.length).fill(0);
      const nodes = settled(r) ?? this.#replay(dataset, queries, r, heap);
      for (let i = 0; i < nodes.length; i++) {
        const c = columnOf[nodes[i]!]!;
        if (c >= 0) counts[c]!++;
      }
      return counts;
    });
  }

  /**
   * What `ml-knn`'s `kdTree.nearest(point, k)` returns: the k nearest stored rows (features,
   * then the label) with their distances, in the order of `ml-knn`'s heap (not sorted).
   *
   * @param point a row of finite numbers
   * @param k how many rows
   * @returns `[row, distance]` pairs; the rows are copies
   * @throws {TypeError} when `point` is not an array of numbers or `k` not an integer
   * @throws {RangeError} when `point` has another length or a non-finite value, or `k` is below 1
   *
   * @example The heap's order
   * ```ts
   * import { FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
   * import assert from "node:assert/strict";
   *
   * const model = new FastKNeighborsClassifier([[0], [1], [2], [3]], [0, 0, 1, 1]);
   * assert.deepEqual(model.nearest([0.2], 2), [[[1, 0], 0.8], [[0, 0], 0.2]]);
   * ```
   */
  nearest(point: readonly number[], k: number = this.k): [number[], number][] {
    const what = "find nearest rows with FastKNeighborsClassifier";
    checkMatrix(what, [point], this.#tree.features, "point");
    checkInteger(what, "k", k, 1);
    const heap = this.#tree.neighbours(k);
    if (this.isEuclidean) {
      this.#tree.searchEuclidean(Float64Array.from(point), 0, k, heap);
    } else {
      this.#tree.searchMetric(point as number[], k, this.#distance, heap);
    }
    return Array.from(
      heap.nodes.subarray(0, heap.size),
      (node, i): [number[], number] => [[...this.#tree.objs[node]!], heap.distances[i]!],
    );
  }

  #predictRows(what: string, dataset: readonly (readonly number[])[]): number[] {
    checkMatrix(what, dataset, this.#tree.features, "dataset");
    const classes = [...this.classes];
    const queries = this.#queries(dataset);
    const settled = this.#settled(queries, dataset.length);
    const heap = this.#tree.neighbours(this.k);
    const counts = new Int32Array(classes.length);
    return dataset.map((_, r) => {
      const nodes = settled(r);
      if (nodes !== undefined) {
        // The voting rows are known, their heap order is not: enough when one class leads.
        for (let i = 0; i < nodes.length; i++) counts[this.#classOf[nodes[i]!]!]!++;
        let best = 0;
        let tied = false;
        for (let c = 1; c < counts.length; c++) {
          if (counts[c]! > counts[best]!) {
            best = c;
            tied = false;
          } else if (counts[c] === counts[best]) {
            tied = true;
          }
        }
        counts.fill(0);
        if (!tied) return classes[best]!;
      }
      return this.#vote(this.#replay(dataset, queries, r, heap));
    });
  }

  /**
   * `getSinglePrediction` (lines 383–404): counts in heap order; a class takes the lead only
   * with strictly more votes than the leader.
   */
  #vote(nodes: Int32Array): number {
    const counts = new Map<number, number>();
    let predicted = -1;
    let most = -1;
    for (let i = 0; i < nodes.length; i++) {
      const label = this.#tree.labels[nodes[i]!]!;
      const count = (counts.get(label) ?? 0) + 1;
      counts.set(label, count);
      if (count > most) {
        predicted = label;
        most = count;
      }
    }
    return predicted;
  }

  /** The rows as one row-major array (Euclidean models only; empty otherwise). */
  #queries(dataset: readonly (readonly number[])[]): Float64Array {
    if (!this.isEuclidean) return new Float64Array(0);
    const features = this.#tree.features;
    const queries = new Float64Array(dataset.length * features);
    for (let r = 0; r < dataset.length; r++) queries.set(dataset[r]!, r * features);
    return queries;
  }

  /**
   * For query row r, the rows that vote when the theorem of the module documentation settles
   * them (in no particular order), else `undefined` (the search must be replayed). All rows
   * vote when k ≥ rows; otherwise the scan decides, for Euclidean models with k ≤ 63.
   */
  #settled(queries: Float64Array, count: number): (r: number) => Int32Array | undefined {
    const rows = this.#tree.size;
    const k = this.k;
    if (!this.isEuclidean || (k < rows && k > MAX_SCAN_K)) return () => undefined;
    if (k >= rows) {
      const all = Int32Array.from({ length: rows }, (_, i) => i);
      return () => all;
    }
    this.#scan ??= EuclideanScan.create(this.#tree.coords, rows, this.#tree.features) ?? null;
    if (this.#scan === null) return () => undefined;
    const ids = new Int32Array(count * k);
    const settled = new Uint8Array(count);
    this.#scan.nearest(queries, count, k, ids, settled);
    return (r) => settled[r] === 1 ? ids.subarray(r * k, (r + 1) * k) : undefined;
  }

  /** Replays `ml-knn`'s search for row `r` into `heap`; returns the heap's nodes, in order. */
  #replay(
    dataset: readonly (readonly number[])[],
    queries: Float64Array,
    r: number,
    heap: Neighbours,
  ): Int32Array {
    if (this.isEuclidean) {
      this.#tree.searchEuclidean(queries, r * this.#tree.features, this.k, heap);
    } else {
      this.#tree.searchMetric(dataset[r] as number[], this.k, this.#distance, heap);
    }
    return heap.nodes.subarray(0, heap.size);
  }
}

/** Per node of `tree`, the index of its label in `classes` (which holds them all). */
function classIndexes(tree: KnnTree, classes: readonly number[]): Int32Array {
  const index = new Map(classes.map((label, i) => [label, i]));
  return Int32Array.from(tree.labels, (label) => index.get(label)!);
}
