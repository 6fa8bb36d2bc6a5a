/**
 * `ml-knn` 3.0.0's k-d tree, node for node, and exact replays of its search. Not part of the
 * public API; {@linkcode FastKNeighborsClassifier}'s module documentation states the rules
 * replayed here, with the lines of `ml-knn`'s `lib/index.js` they come from.
 *
 * Nodes are numbered in creation order (pre-order: a node, its left subtree, its right subtree),
 * which is also the order of the nested JSON.
 *
 * @module
 */

import { checkInteger } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";

/**
 * A node of `ml-knn`'s JSON: the stored row (features, then the label) and its children.
 *
 * @example The root's children
 * ```ts
 * import { FastKNeighborsClassifier, type KNNNodeJSON } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new FastKNeighborsClassifier([[3], [1], [2]], [1, 0, 0]);
 * const left: KNNNodeJSON = model.toJSON().kdTree.left!;
 * assert.deepEqual(left, { obj: [1, 0], left: null, right: null, parent: null, dimension: 1 });
 * ```
 */
export interface KNNNodeJSON {
  /** The row's features followed by its label. */
  obj: number[];
  /** The subtree of rows sorted before this one, or `null`. */
  left: KNNNodeJSON | null;
  /** The subtree of rows sorted after this one, or `null`. */
  right: KNNNodeJSON | null;
  /** Always `null` in JSON (`ml-knn` links parents after loading). */
  parent: null;
  /** The coordinate this node splits on: a feature index, or the label's (the last). */
  dimension: number;
}

/**
 * The root node of `ml-knn`'s JSON, with the list of dimensions.
 *
 * @example Features, then the label
 * ```ts
 * import { FastKNeighborsClassifier, type KNNTreeJSON } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const tree: KNNTreeJSON = new FastKNeighborsClassifier([[0, 5], [1, 4]], [0, 1]).toJSON().kdTree;
 * assert.deepEqual(tree.dimensions, [0, 1, 2]);
 * assert.deepEqual(tree.obj, [1, 4, 1]);
 * assert.equal(tree.dimension, 0);
 * ```
 */
export interface KNNTreeJSON extends KNNNodeJSON {
  /** `[0, 1, …, features]`: every feature, then the label. */
  dimensions: number[];
}

/**
 * A distance function as `ml-knn` calls it: `distance(query, stored)` with the stored row's
 * label as its last element, and `distance(linearPoint, stored)` with a plain object holding
 * the query's value on the node's dimension and the stored row's elsewhere (see
 * `FastKNeighborsClassifier`). It must return a number.
 *
 * @example Chebyshev distance, looping over the query's features
 * ```ts
 * import { type DistanceFunction, FastKNeighborsClassifier } from "./fast_k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const chebyshev: DistanceFunction = (a, b) => {
 *   let most = 0;
 *   for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
 *   return most;
 * };
 * const options = { k: 1, distance: chebyshev };
 * const model = new FastKNeighborsClassifier([[0, 0], [4, 1]], [0, 1], options);
 * assert.deepEqual(model.nearest([3, 3]), [[[4, 1, 1], 2]]);
 * ```
 */
export type DistanceFunction = (a: number[], b: number[]) => number;

/** Heap contents after a search, in the heap's array order. */
export interface Neighbours {
  /** Node ids (entries `0 … size − 1`). */
  nodes: Int32Array;
  /** Their distances. */
  distances: Float64Array;
  /** Filled entries: min(k, number of rows). */
  size: number;
}

/**
 * Reads the `k`, `classes` and `kdTree` of `ml-knn`'s model JSON (plain data), checking them:
 * `k` a positive integer, `classes` integer labels (−0 read as 0) that include every stored
 * row's label, `kdTree` a tree of rows of the same length.
 *
 * @throws {TypeError} when one has the wrong shape or type
 * @throws {RangeError} when `k` is below 1
 */
export function readModel(
  json: Record<string, unknown>,
  what: string,
): { tree: KnnTree; k: number; classes: number[] } {
  checkInteger(what, "k", json.k, 1);
  const classes = json.classes;
  if (!Array.isArray(classes) || !classes.every((label) => Number.isSafeInteger(label))) {
    throw new TypeError(
      `Cannot ${what}: classes must be an array of integer labels, current value is ${
        show(classes)
      }`,
    );
  }
  const tree = KnnTree.fromJSON(json.kdTree, what);
  const known = new Set<number>(classes);
  const stray = tree.labels.find((label) => !known.has(label));
  if (stray !== undefined) {
    throw new TypeError(
      `Cannot ${what}: classes must list every label in kdTree, current value lacks ${stray}`,
    );
  }
  return {
    tree,
    k: json.k as number,
    classes: classes.map((label: number) => label === 0 ? 0 : label),
  };
}

/** The tree as flat arrays, in node order. */
export class KnnTree {
  /** Features per row (the label is coordinate `features`). */
  readonly features: number;
  /** Number of nodes (training rows). */
  readonly size: number;
  /** Split coordinate per node. */
  readonly dims: Int32Array;
  /** Left child per node, −1 for none. */
  readonly left: Int32Array;
  /** Right child per node, −1 for none. */
  readonly right: Int32Array;
  /** Label per node. */
  readonly labels: Float64Array;
  /** Features per node, node-major. */
  readonly coords: Float64Array;
  /** The stored rows (features, then the label), as `ml-knn` keeps them. */
  readonly objs: number[][];
  /** Nodes on the longest path from the root. */
  readonly depth: number;

  private constructor(objs: number[][], dims: number[], left: number[], right: number[]) {
    this.objs = objs;
    this.size = objs.length;
    this.features = objs[0]!.length - 1;
    this.dims = Int32Array.from(dims);
    this.left = Int32Array.from(left);
    this.right = Int32Array.from(right);
    this.labels = Float64Array.from(objs, (obj) => obj[this.features]!);
    this.coords = new Float64Array(this.size * this.features);
    for (let node = 0; node < this.size; node++) {
      const obj = objs[node]!;
      for (let j = 0; j < this.features; j++) this.coords[node * this.features + j] = obj[j]!;
    }
    // Parents come before children in node order.
    const level = new Int32Array(this.size).fill(1);
    let depth = 1;
    for (let node = 0; node < this.size; node++) {
      depth = Math.max(depth, level[node]!);
      if (this.left[node]! >= 0) level[this.left[node]!] = level[node]! + 1;
      if (this.right[node]! >= 0) level[this.right[node]!] = level[node]! + 1;
    }
    this.depth = depth;
  }

  /**
   * `ml-knn`'s `buildTree` (lib/index.js lines 150–168) over checked rows and labels: each row
   * gets its label appended, the dimensions cycle through the features and the label, the rows
   * of a node are sorted by its dimension (`Array.prototype.sort`, stable) and the one at
   * `floor(length / 2)` becomes the node.
   */
  static build(X: readonly (readonly number[])[], y: readonly number[]): KnnTree {
    const objs: number[][] = [];
    const dims: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const count = X[0]!.length + 1;
    const add = (obj: number[], dim: number): number => {
      objs.push(obj);
      dims.push(dim);
      left.push(-1);
      right.push(-1);
      return objs.length - 1;
    };
    const build = (points: number[][], depth: number): number => {
      const dim = depth % count;
      if (points.length === 0) return -1;
      if (points.length === 1) return add(points[0]!, dim);
      points.sort((a, b) => a[dim]! - b[dim]!);
      const median = Math.floor(points.length / 2);
      const node = add(points[median]!, dim);
      left[node] = build(points.slice(0, median), depth + 1);
      right[node] = build(points.slice(median + 1), depth + 1);
      return node;
    };
    build(X.map((row, i) => [...row, y[i]!]), 0);
    return new KnnTree(objs, dims, left, right);
  }

  /**
   * Reads `ml-knn`'s JSON tree (plain data, as `JSON.parse` gives it), checking its shape.
   *
   * @throws {TypeError} when it is not such a tree
   */
  static fromJSON(json: unknown, what: string): KnnTree {
    const fail = (where: string, rule: string, value: unknown): never => {
      throw new TypeError(`Cannot ${what}: ${where} ${rule}, current value is ${show(value)}`);
    };
    if (json === null || typeof json !== "object") fail("kdTree", "must be an object", json);
    const root = json as KNNTreeJSON;
    if (!Array.isArray(root.obj) || root.obj.length < 2) {
      fail("kdTree.obj", "must hold the features and the label", root.obj);
    }
    const count = root.obj.length;
    const dimensions = root.dimensions;
    if (
      !Array.isArray(dimensions) || dimensions.length !== count ||
      !dimensions.every((v, i) => v === i)
    ) {
      fail("kdTree.dimensions", `must be [0, …, ${count - 1}]`, dimensions);
    }
    const objs: number[][] = [];
    const dims: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    // Pre-order with an explicit stack: a damaged file may nest deeper than the call stack.
    const stack: [unknown, number, "left" | "right" | "", string][] = [[root, -1, "", "kdTree"]];
    while (stack.length > 0) {
      const [value, parent, side, where] = stack.pop()!;
      if (value === null || typeof value !== "object") fail(where, "must be a node", value);
      const { obj, dimension, left: l, right: r } = value as KNNNodeJSON;
      if (
        !Array.isArray(obj) || obj.length !== count ||
        !obj.every((v) => typeof v === "number" && Number.isFinite(v))
      ) {
        fail(`${where}.obj`, `must be ${count} finite numbers`, obj);
      }
      if (!Number.isSafeInteger(obj[count - 1])) {
        fail(`${where}.obj`, "must end with an integer label", obj);
      }
      if (!Number.isInteger(dimension) || dimension < 0 || dimension >= count) {
        fail(`${where}.dimension`, `must be an integer from 0 to ${count - 1}`, dimension);
      }
      const node = objs.length;
      objs.push([...obj]);
      dims.push(dimension);
      left.push(-1);
      right.push(-1);
      if (side === "left") left[parent] = node;
      if (side === "right") right[parent] = node;
      if (r !== null) stack.push([r, node, "right", `${where}.right`]);
      if (l !== null) stack.push([l, node, "left", `${where}.left`]);
    }
    return new KnnTree(objs, dims, left, right);
  }

  /** The tree as `ml-knn` writes it (`KDTree#toJSON`, lines 45–49 and 143–148). */
  toJSON(): KNNTreeJSON {
    const nodes: KNNNodeJSON[] = [];
    for (let node = 0; node < this.size; node++) {
      nodes.push({
        obj: [...this.objs[node]!],
        left: null,
        right: null,
        parent: null,
        dimension: this.dims[node]!,
      });
    }
    for (let node = 0; node < this.size; node++) {
      if (this.left[node]! >= 0) nodes[node]!.left = nodes[this.left[node]!]!;
      if (this.right[node]! >= 0) nodes[node]!.right = nodes[this.right[node]!]!;
    }
    const root = nodes[0]! as KNNTreeJSON;
    root.dimensions = Array.from({ length: this.features + 1 }, (_, i) => i);
    return root;
  }

  /** Room for a search's heap: k + 1 entries (it pushes, then pops). */
  neighbours(k: number): Neighbours {
    const room = Math.min(k, this.size) + 1;
    return { nodes: new Int32Array(room), distances: new Float64Array(room), size: 0 };
  }

  /**
   * `ml-knn`'s `nearest(point, k)` (lines 51–140) with its default Euclidean distance, replayed
   * exactly: the same nodes visited in the same order, the same heap. The query is
   * `query[at … at + features − 1]`.
   *
   * `euclidean(linearPoint, obj)` is always 0 in `ml-knn` (it loops to `linearPoint.length`,
   * which a plain object lacks), so the far side of a node is skipped only once the heap is full
   * of zero distances; nothing can enter it after that, so the replay stops there. A row's sum of
   * squares stops as soon as it reaches the current worst one, which it then cannot beat.
   */
  searchEuclidean(query: Float64Array, at: number, k: number, out: Neighbours): void {
    const { features, coords, dims, left, right } = this;
    const heap: Heap = { ...out, sums: new Float64Array(out.nodes.length), size: 0 };
    const pending = new Int32Array(this.depth);
    const fars = new Int32Array(this.depth);
    const finished = () => heap.size >= k && heap.distances[0] === 0;
    let top = 0;
    let next = 0;
    while (next >= 0) {
      // Down to a leaf, the query's side first (lines 90–102).
      let node = next;
      for (;;) {
        const l = left[node]!;
        const r = right[node]!;
        if (l < 0 && r < 0) break;
        let near = r;
        let far = l;
        if (r < 0) {
          near = l;
          far = -1;
        } else if (l < 0) {
          far = -1;
        } else {
          const dim = dims[node]!;
          // On the label's dimension ml-knn compares query[features], undefined: never "<".
          if (dim < features && query[at + dim]! < coords[node * features + dim]!) {
            near = l;
            far = r;
          }
        }
        pending[top] = node;
        fars[top] = far;
        top++;
        node = near;
      }
      considerEuclidean(coords, features, query, at, node, k, heap);
      // Back up: each node after its near side, then its far side (lines 104–120).
      next = -1;
      while (top > 0 && !finished()) {
        top--;
        considerEuclidean(coords, features, query, at, pending[top]!, k, heap);
        if (fars[top]! >= 0 && !finished()) {
          next = fars[top]!;
          break;
        }
      }
    }
    out.size = heap.size;
  }

  /**
   * `ml-knn`'s `nearest(point, k)` with a distance function, replayed call for call: for every
   * visited node `distance(point, obj)`, then `distance(linearPoint, obj)` with `linearPoint` a
   * plain object holding `point`'s value on the node's dimension and `obj`'s elsewhere
   * (lines 62–81), and the far side skipped when the heap is full and
   * `|distance(linearPoint, obj)|` is not below its worst distance.
   *
   * @throws {TypeError} when the distance returns something other than a number
   */
  searchMetric(point: number[], k: number, distance: DistanceFunction, out: Neighbours): void {
    const { objs, dims, left, right } = this;
    const count = this.features + 1;
    const heap: Heap = { ...out, sums: new Float64Array(out.nodes.length), size: 0 };
    const measure = (a: number[], b: number[]): number => {
      const value: unknown = distance(a, b);
      if (typeof value !== "number") {
        throw new TypeError(
          `Cannot search k-neighbours: distance must return a number, current value is ${
            show(value)
          }`,
        );
      }
      return value;
    };
    const save = (node: number, value: number): void => {
      if (heap.size < k || value < heap.distances[0]!) saveNode(heap, node, value, 0, k);
    };
    // Frames of nodes waiting for their near side: node, own distance, linear distance, far.
    const frames: [number, number, number, number][] = [];
    let next = 0;
    while (next >= 0) {
      let node = next;
      for (;;) {
        const obj = objs[node]!;
        const dim = dims[node]!;
        const own = measure(point, obj);
        const linearPoint: Record<number, number | undefined> = {};
        for (let i = 0; i < count; i++) linearPoint[i] = i === dim ? point[i] : obj[i];
        const linear = measure(linearPoint as number[], obj);
        const l = left[node]!;
        const r = right[node]!;
        if (l < 0 && r < 0) {
          save(node, own);
          break;
        }
        let near: number;
        if (r < 0) near = l;
        else if (l < 0) near = r;
        else near = (point[dim] as number | undefined)! < obj[dim]! ? l : r;
        frames.push([node, own, linear, near === l ? r : l]);
        node = near;
      }
      next = -1;
      while (frames.length > 0) {
        const [node, own, linear, far] = frames.pop()!;
        save(node, own);
        if (far >= 0 && (heap.size < k || Math.abs(linear) < heap.distances[0]!)) {
          next = far;
          break;
        }
      }
    }
    out.size = heap.size;
  }
}

/** A search's heap: node ids, distances and (Euclidean) sums of squares, `size` filled. */
interface Heap {
  nodes: Int32Array;
  distances: Float64Array;
  sums: Float64Array;
  size: number;
}

/**
 * Offers node `node` of the tree to a Euclidean search's heap (lines 84 and 104): it enters
 * while the heap has room, or when strictly nearer than the heap's worst.
 */
function considerEuclidean(
  coords: Float64Array,
  features: number,
  query: Float64Array,
  at: number,
  node: number,
  k: number,
  heap: Heap,
): void {
  const o = node * features;
  let sum = 0;
  if (heap.size < k) {
    for (let j = 0; j < features; j++) {
      const t = query[at + j]! - coords[o + j]!;
      sum += t * t;
    }
    saveNode(heap, node, Math.sqrt(sum), sum, k);
    return;
  }
  const worst = heap.sums[0]!;
  for (let j = 0; j < features; j++) {
    const t = query[at + j]! - coords[o + j]!;
    sum += t * t;
    // Sums only grow: from here sqrt(sum) ≥ the worst distance, so the row cannot enter.
    if (sum >= worst) return;
  }
  const distance = Math.sqrt(sum);
  if (distance < heap.distances[0]!) saveNode(heap, node, distance, sum, k);
}

/**
 * `saveNode` (lines 66–71): push, then pop the heap's root when it holds more than k entries.
 */
function saveNode(heap: Heap, node: number, distance: number, sum: number, k: number): void {
  push(heap.nodes, heap.distances, heap.sums, heap.size, node, distance, sum);
  heap.size++;
  if (heap.size > k) {
    popRoot(heap.nodes, heap.distances, heap.sums, heap.size);
    heap.size--;
  }
}

/**
 * `BinaryHeap#push` (lines 190–195, 219–238) on a heap scored by −distance: the new entry at
 * index `size` bubbles up while its distance is strictly greater than its parent's.
 */
function push(
  nodes: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  size: number,
  node: number,
  distance: number,
  sum: number,
): void {
  let at = size;
  while (at > 0) {
    const parent = ((at + 1) >> 1) - 1;
    if (!(distance > distances[parent]!)) break;
    nodes[at] = nodes[parent]!;
    distances[at] = distances[parent]!;
    sums[at] = sums[parent]!;
    at = parent;
  }
  nodes[at] = node;
  distances[at] = distance;
  sums[at] = sum;
}

/**
 * `BinaryHeap#pop` (lines 197–209, 240–282) of a heap of `length` entries: the last entry
 * replaces the root and sinks, to the left child if its distance is strictly greater than the
 * entry's, then to the right child if strictly greater than that.
 */
function popRoot(
  nodes: Int32Array,
  distances: Float64Array,
  sums: Float64Array,
  length: number,
): void {
  const size = length - 1;
  const node = nodes[size]!;
  const distance = distances[size]!;
  const sum = sums[size]!;
  let at = 0;
  for (;;) {
    const second = (at + 1) * 2;
    const first = second - 1;
    let swap = -1;
    let firstDistance = 0;
    if (first < size) {
      firstDistance = distances[first]!;
      if (firstDistance > distance) swap = first;
    }
    if (second < size && distances[second]! > (swap === -1 ? distance : firstDistance)) {
      swap = second;
    }
    if (swap === -1) break;
    nodes[at] = nodes[swap]!;
    distances[at] = distances[swap]!;
    sums[at] = sums[swap]!;
    at = swap;
  }
  nodes[at] = node;
  distances[at] = distance;
  sums[at] = sum;
}
