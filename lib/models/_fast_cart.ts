/**
 * Private engine behind `FastRandomForestClassifier`: CART classification trees that decide
 * every split exactly as `ml-cart` 2.1.1 does (same candidates, same tie-breaking, bit-identical
 * Gini gains) but sweep each feature's thresholds in sorted order with class counts updated
 * incrementally, instead of re-partitioning the node and recounting for every candidate.
 *
 * Why the arithmetic can be identical: `ml-cart` builds a class probability by adding
 * `1 / length` once per sample of that class to an accumulator that starts at 0, so a
 * probability is a pure function of (side length, class count): the float64 value of "1/n added
 * c times", written `S(c, n)` here. Every Gini value and gain is then a fixed sequence of float64
 * operations on `S` values and integer counts, which this module repeats in the same order. `S`
 * comes from a cached table for n ≤ {@linkcode TABLE_MAX_LENGTH} and, above that, from an exact
 * piecewise description of the accumulation (see {@linkcode unitSum}).
 *
 * Candidates are first screened with the closed-form gain (no table access); only those that
 * could reach the best gain within a proven bound on the float error are evaluated exactly (see
 * `CartTrainer#search`).
 *
 * Kept whole on purpose, as `fast_random_forest.ts` is: one algorithm whose float arithmetic is
 * checked against `ml-cart` line by line.
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// S(c, n): the float64 result of 0 + 1/n + 1/n + … (c additions)
// ---------------------------------------------------------------------------------------------

/** Lengths up to this use a dense table of `S(c, n)`; longer ones use exact segments. */
export const TABLE_MAX_LENGTH = 1024;

let tableRows = 0;
let table = new Float64Array(1);

/**
 * Returns the dense table, grown so that it covers every length ≤ `min(n, TABLE_MAX_LENGTH)`.
 * Row `r` (c = 0…r) starts at offset `r (r + 1) / 2`.
 */
export function unitSumTable(n: number): Float64Array {
  const want = Math.min(n, TABLE_MAX_LENGTH);
  if (want <= tableRows) return table;
  const next = new Float64Array(((want + 1) * (want + 2)) / 2);
  next.set(table);
  for (let r = tableRows + 1; r <= want; r++) {
    const o = (r * (r + 1)) / 2;
    const h = 1 / r;
    let s = 0;
    for (let c = 1; c <= r; c++) {
      s += h;
      next[o + c] = s;
    }
  }
  table = next;
  tableRows = want;
  return table;
}

/**
 * Exact description of c ↦ S(c, n) as a list of segments: on segment i, for
 * `starts[i] ≤ c < starts[i + 1]`, `S(c, n) = values[i] + (c − starts[i]) · steps[i]`.
 */
interface Segments {
  starts: Float64Array;
  values: Float64Array;
  steps: Float64Array;
}

const segmentCache = new Map<number, Segments>();

/** The smallest power of two strictly greater than `x` (x > 0). */
function powerOfTwoAbove(x: number): number {
  let e = Math.floor(Math.log2(x));
  while (2 ** e > x) e--;
  while (2 ** (e + 1) <= x) e++;
  return 2 ** (e + 1);
}

/**
 * Builds the segments of c ↦ S(c, n) for c = 0…n without performing all n additions.
 *
 * Inside one binade [B/2, B) the accumulator is a multiple of u = ulp(B/2), so adding h = 1/n
 * rounds h to a multiple of u: the increment is the same for every step whose exact sum stays
 * below B — except that, when h lies exactly halfway between two multiples of u, the rounding
 * depends on the parity of the accumulator, which is even after any step that rounded inside the
 * binade. So once one step has stayed inside the binade, every later step that still stays inside
 * adds exactly the increment `d` of the next step. Those steps form one segment; the number of
 * them is found with exact comparisons (`B − x` and `x + k·d` are exact there). Steps that cross
 * a binade boundary are taken one at a time.
 */
function buildSegments(n: number): Segments {
  const h = 1 / n;
  const starts: number[] = [0];
  const values: number[] = [0];
  const steps: number[] = [0];
  let c = 0;
  let s = 0;
  while (c < n) {
    const prev = s;
    s = s + h;
    c++;
    starts.push(c);
    values.push(s);
    steps.push(0);
    if (c >= n || prev === 0) continue;
    const top = powerOfTwoAbove(prev);
    if (!(s < top)) continue; // the last step left prev's binade: parity not settled yet
    const s2 = s + h;
    if (!(s2 < top)) continue;
    const d = s2 - s; // exact: both are multiples of u in the same binade
    // Step j (from x_j = s + j·d) rounds to x_j + d iff the exact sum x_j + h is below `top`.
    const stays = (j: number): boolean => {
      const x = s + j * d;
      return x < top && h < top - x;
    };
    let k = Math.max(1, Math.floor((top - s - h) / d) + 1);
    while (k > 1 && !stays(k - 1)) k--;
    while (stays(k)) k++;
    if (k > n - c) k = n - c;
    steps[steps.length - 1] = d;
    c += k;
    s = s + k * d;
  }
  return {
    starts: Float64Array.from(starts),
    values: Float64Array.from(values),
    steps: Float64Array.from(steps),
  };
}

function segmentsFor(n: number): Segments {
  let seg = segmentCache.get(n);
  if (seg === undefined) {
    seg = buildSegments(n);
    segmentCache.set(n, seg);
  }
  return seg;
}

/**
 * `S(c, n)`: the float64 value of adding `1 / n` to 0, `c` times in a row (0 ≤ c ≤ n, n ≥ 1) —
 * the class probability `ml-cart` computes for a class with `c` of the `n` samples of a side.
 */
export function unitSum(c: number, n: number): number {
  if (n <= tableRows) return table[(n * (n + 1)) / 2 + c]!;
  return unitSumBySegments(c, n);
}

/** {@linkcode unitSum} always through the segment description (exposed for testing). */
export function unitSumBySegments(c: number, n: number): number {
  const { starts, values, steps } = segmentsFor(n);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return values[lo]! + (c - starts[lo]!) * steps[lo]!;
}

/**
 * Gini impurity of a side of length `n` with the given class counts, computed as `ml-cart`'s
 * `giniImpurity`: `1 − Σ p²` with the sum taken in class order from 0; an empty side has 0.
 */
export function giniFromCounts(counts: ArrayLike<number>, n: number): number {
  if (n === 0) return 0;
  let sum = 0.0;
  for (let k = 0; k < counts.length; k++) {
    const p = unitSum(counts[k]!, n);
    sum += p * p;
  }
  return 1 - sum;
}

// ---------------------------------------------------------------------------------------------
// Trees
// ---------------------------------------------------------------------------------------------

/** The tree options `ml-cart` stores on every node, after its defaults were applied. */
export interface CartNodeOptions {
  /** Always `"classifier"`. */
  kind: string;
  /** Always `"gini"`. */
  gainFunction: string;
  /** Always `"mean"`. */
  splitFunction: string;
  /** A node with at most this many samples becomes a leaf without a split search. */
  minNumSamples: number | undefined;
  /** Nodes at this depth become leaves. */
  maxDepth: number | undefined;
  /** A split needs a gain strictly above this. */
  gainThreshold: number;
}

/** One node of `ml-cart`'s JSON (`TreeNode`), as `JSON.stringify` writes it. */
export interface CartNodeJSON {
  /** `"classifier"`. */
  kind: string;
  /** `"gini"`. */
  gainFunction: string;
  /** `"mean"`. */
  splitFunction: string;
  /** Copied from the tree options. */
  minNumSamples?: number;
  /** Copied from the tree options (`Infinity` is written as `null`). */
  maxDepth?: number | null;
  /** Copied from the tree options (`0` when unset). */
  gainThreshold: number;
  /** Threshold of the best split found (samples with `x < splitValue` go left). */
  splitValue?: number | null;
  /** Column (within the tree's bagged features) of the best split found. */
  splitColumn?: number;
  /** Gini gain of the best split (`-Infinity`, written `null`, when there was no candidate). */
  gain?: number | null;
  /** Number of samples of the node when a split was found. */
  numberSamples?: number;
  /** Subtree for `x < splitValue`. */
  left?: CartNodeJSON;
  /** Subtree for `x >= splitValue`. */
  right?: CartNodeJSON;
  /** Leaf class probabilities, as a 1-row matrix. */
  distribution?: number[][];
}

/** One `ml-cart` `DecisionTreeClassifier` as JSON. */
export interface CartTreeJSON {
  /** Tree options after `ml-cart`'s defaults were applied, plus `kind: "classifier"`. */
  options: Record<string, unknown>;
  /** The root node. */
  root: CartNodeJSON;
  /** `"DTClassifier"`. */
  name: string;
}

const NODE_LEAF_UNSEARCHED = 0;
const NODE_LEAF_SEARCHED = 1;
const NODE_SPLIT = 2;

/**
 * A trained (or loaded) classification tree: flat arrays for prediction and, for JSON, either
 * the per-node facts gathered while training or the JSON it was loaded from.
 */
export class CartTree {
  /** Per node: tree column to test, or -1 for a leaf. */
  readonly column: Int32Array;
  /** Per node: threshold (`x < threshold` goes left). */
  readonly threshold: Float64Array;
  /** Per node: left child. */
  readonly left: Int32Array;
  /** Per node: right child. */
  readonly right: Int32Array;
  /** Per node: predicted class of a leaf (first index of the largest probability). */
  readonly leafClass: Int32Array;
  #trained: TrainedNodes | undefined;
  #json: CartNodeJSON | undefined;

  private constructor(
    column: Int32Array,
    threshold: Float64Array,
    left: Int32Array,
    right: Int32Array,
    leafClass: Int32Array,
    trained: TrainedNodes | undefined,
    json: CartNodeJSON | undefined,
  ) {
    this.column = column;
    this.threshold = threshold;
    this.left = left;
    this.right = right;
    this.leafClass = leafClass;
    this.#trained = trained;
    this.#json = json;
  }

  /** @internal Builds a tree from the nodes recorded by {@linkcode CartTrainer}. */
  static fromTrained(nodes: TrainedNodes): CartTree {
    const count = nodes.kind.length;
    const column = new Int32Array(count).fill(-1);
    const threshold = new Float64Array(count);
    const left = new Int32Array(count).fill(-1);
    const right = new Int32Array(count).fill(-1);
    const leafClass = new Int32Array(count).fill(-1);
    for (let i = 0; i < count; i++) {
      if (nodes.kind[i] === NODE_SPLIT) {
        column[i] = nodes.splitColumn[i]!;
        threshold[i] = nodes.splitValue[i]!;
        left[i] = nodes.left[i]!;
        right[i] = nodes.right[i]!;
      } else {
        leafClass[i] = argmaxFirst(nodes.distribution[i]!);
      }
    }
    return new CartTree(column, threshold, left, right, leafClass, nodes, undefined);
  }

  /**
   * Builds a tree from `ml-cart` JSON (already passed through `JSON.stringify`/`JSON.parse`, so
   * plain objects and arrays). Leaves are the nodes with a `distribution`, as in `ml-cart`.
   */
  static fromJSON(root: CartNodeJSON, where: string): CartTree {
    const column: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const leafClass: number[] = [];
    const visit = (node: unknown, path: string): number => {
      if (node === null || typeof node !== "object") {
        throw new TypeError(`Invalid model: ${path} is not a tree node`);
      }
      const n = node as CartNodeJSON;
      const id = column.length;
      column.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      leafClass.push(-1);
      if (n.distribution !== undefined) {
        const d = n.distribution;
        const row = Array.isArray(d) ? d[0] : undefined;
        if (!Array.isArray(row) || row.length === 0 || !row.every((v) => typeof v === "number")) {
          throw new TypeError(`Invalid model: ${path}.distribution is not a 1-row matrix`);
        }
        leafClass[id] = argmaxFirst(row);
        return id;
      }
      const col = n.splitColumn;
      if (typeof col !== "number" || !Number.isInteger(col) || col < 0) {
        throw new TypeError(`Invalid model: ${path}.splitColumn is not a column index`);
      }
      column[id] = col;
      // `x < null` compares with 0 in JavaScript, which is what a split value written as null
      // (±Infinity in the original forest) means to ml-cart after a JSON round trip.
      threshold[id] = n.splitValue === null ? 0 : Number(n.splitValue);
      const l = visit(n.left, `${path}.left`);
      const r = visit(n.right, `${path}.right`);
      left[id] = l;
      right[id] = r;
      return id;
    };
    visit(root, where);
    return new CartTree(
      Int32Array.from(column),
      Float64Array.from(threshold),
      Int32Array.from(left),
      Int32Array.from(right),
      Int32Array.from(leafClass),
      undefined,
      root,
    );
  }

  /** Largest tree column any split tests (-1 for a single leaf). */
  maxColumn(): number {
    let m = -1;
    for (let i = 0; i < this.column.length; i++) if (this.column[i]! > m) m = this.column[i]!;
    return m;
  }

  /** Predicts one row given as an array of all features, with `features[col]` per tree column. */
  predictRow(row: ArrayLike<number>, features: ArrayLike<number>): number {
    let i = 0;
    while (this.column[i]! >= 0) {
      i = row[features[this.column[i]!]!]! < this.threshold[i]! ? this.left[i]! : this.right[i]!;
    }
    return this.leafClass[i]!;
  }

  /**
   * Predicts every row of row-major `values` (`columns` values per row) into
   * `out[row * stride + offset]`, `features[col]` being the row's value of tree column `col`:
   * what {@linkcode CartTree.predictRow} gives each row, one tree at a time (its nodes stay in
   * cache) and with each node's feature looked up once.
   */
  predictRows(
    values: Float64Array,
    rows: number,
    columns: number,
    features: ArrayLike<number>,
    out: Int32Array,
    stride: number,
    offset: number,
  ): void {
    const { column, threshold, left, right, leafClass } = this;
    const feature = new Int32Array(column.length);
    for (let i = 0; i < column.length; i++) {
      feature[i] = column[i]! >= 0 ? features[column[i]!]! : -1;
    }
    for (let r = 0, base = 0; r < rows; r++, base += columns) {
      let i = 0;
      for (let f = feature[0]!; f >= 0; f = feature[i]!) {
        i = values[base + f]! < threshold[i]! ? left[i]! : right[i]!;
      }
      out[r * stride + offset] = leafClass[i]!;
    }
  }

  /** Predicts row `r` of column-major data (`data[f * rows + r]`). */
  predictColumnMajor(
    data: Float64Array,
    rows: number,
    r: number,
    features: ArrayLike<number>,
  ): number {
    let i = 0;
    while (this.column[i]! >= 0) {
      const x = data[features[this.column[i]!]! * rows + r]!;
      i = x < this.threshold[i]! ? this.left[i]! : this.right[i]!;
    }
    return this.leafClass[i]!;
  }

  /** The root node as `ml-cart` writes it. */
  rootJSON(options: CartNodeOptions): CartNodeJSON {
    if (this.#json !== undefined) return this.#json;
    const t = this.#trained!;
    const build = (i: number): CartNodeJSON => {
      const node: CartNodeJSON = {
        kind: options.kind,
        gainFunction: options.gainFunction,
        splitFunction: options.splitFunction,
        minNumSamples: options.minNumSamples,
        maxDepth: options.maxDepth,
        gainThreshold: options.gainThreshold,
      };
      const kind = t.kind[i]!;
      if (kind !== NODE_LEAF_UNSEARCHED) {
        const column = t.splitColumn[i]!;
        const value = t.splitValue[i]!;
        const found = column >= 0;
        node.splitValue = found ? value : undefined;
        node.splitColumn = found ? column : undefined;
        node.gain = t.gain[i]!;
        node.numberSamples = found ? t.numberSamples[i]! : undefined;
      }
      if (kind === NODE_SPLIT) {
        node.left = build(t.left[i]!);
        node.right = build(t.right[i]!);
      } else {
        node.distribution = [t.distribution[i]!.slice()];
      }
      return node;
    };
    return build(0);
  }
}

/** First index of the largest value (ml-matrix `maxRowIndex`). */
function argmaxFirst(values: ArrayLike<number>): number {
  let best = values[0]!;
  let idx = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i]! > best) {
      best = values[i]!;
      idx = i;
    }
  }
  return idx;
}

/** Per-node facts recorded while training (indexed by node id; the root is node 0). */
export interface TrainedNodes {
  /** Leaf without split search, leaf after a split search, or split. */
  kind: number[];
  /** Tree column of the best split, or -1 when no candidate existed. */
  splitColumn: number[];
  /** Threshold of the best split. */
  splitValue: number[];
  /** Gain of the best split (`-Infinity` when no candidate existed). */
  gain: number[];
  /** Node size when a split was found. */
  numberSamples: number[];
  /** Left child of a split. */
  left: number[];
  /** Right child of a split. */
  right: number[];
  /** Leaf class probabilities. */
  distribution: (number[] | undefined)[];
}

/** Training data shared by all trees of a forest, column-major. */
export interface ForestData {
  /** Number of rows. */
  rows: number;
  /** Number of features. */
  features: number;
  /** `values[f * rows + r]`: feature f of row r. */
  values: Float64Array;
  /** Class of each row (0…classes-1). */
  labels: Int32Array;
  /** One more than the largest label. */
  classes: number;
  /** `ranks[f * rows + r]`: dense rank of row r's value among feature f's distinct values. */
  ranks: Int32Array;
  /** Number of distinct values per feature. */
  distinct: Int32Array;
}

/** Builds {@linkcode ForestData} from validated column-major values and labels. */
export function prepareForestData(
  values: Float64Array,
  rows: number,
  features: number,
  labels: Int32Array,
): ForestData {
  let classes = 0;
  for (let r = 0; r < rows; r++) if (labels[r]! + 1 > classes) classes = labels[r]! + 1;
  const ranks = new Int32Array(rows * features);
  const distinct = new Int32Array(features);
  const sorted = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    const col = values.subarray(f * rows, (f + 1) * rows);
    sorted.set(col);
    sorted.sort();
    // Distinct values; -0 and 0 compare equal, as in ml-cart's `a[0] - b[0]` comparator.
    let u = 0;
    for (let i = 0; i < rows; i++) {
      if (i === 0 || sorted[i]! !== sorted[u - 1]!) sorted[u++] = sorted[i]!;
    }
    distinct[f] = u;
    for (let r = 0; r < rows; r++) {
      const x = col[r]!;
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      ranks[f * rows + r] = lo;
    }
  }
  return { rows, features, values, labels, classes, ranks, distinct };
}

/** Split-stopping parameters, with `ml-cart`'s JavaScript comparison semantics. */
export interface CartParams {
  /** `undefined` never stops on size. */
  minNumSamples: number | undefined;
  /** `undefined` stops at the root (as `0 < undefined` is false in ml-cart). */
  maxDepth: number | undefined;
  /** Already `|| 0`-normalized. */
  gainThreshold: number;
}

/**
 * Trains trees of one forest, reusing its buffers. For a tree it presorts the bootstrap sample
 * once per feature (a counting sort by value rank that keeps sample order among equal values,
 * exactly the order of ml-cart's stable sort) and keeps each node's samples as one contiguous
 * range of every feature's sorted list, partitioning the ranges stably on every split.
 */
export class CartTrainer {
  readonly #data: ForestData;
  readonly #params: CartParams;
  readonly #n: number; // samples per tree
  readonly #cols: number; // features per tree
  readonly #order: Int32Array; // [col * n + k] sample position at sorted index k
  readonly #sortedValues: Float64Array;
  readonly #sortedLabels: Int32Array;
  readonly #labels: Int32Array; // label per sample position
  readonly #goLeft: Uint8Array;
  readonly #tmpOrder: Int32Array;
  readonly #tmpValues: Float64Array;
  readonly #tmpLabels: Int32Array;
  readonly #rankCounts: Int32Array;
  readonly #prefix: Int32Array;
  readonly #totals: Int32Array;
  // Best split of the current node.
  #bestGain = -Infinity;
  #bestColumn = -1;
  #bestValue = 0;
  #bestBoundary = 0;

  /**
   * Allocates the buffers for trees of `samples` sample positions over `columns` features each.
   */
  constructor(data: ForestData, params: CartParams, samples: number, columns: number) {
    this.#data = data;
    this.#params = params;
    this.#n = samples;
    this.#cols = columns;
    this.#order = new Int32Array(samples * columns);
    this.#sortedValues = new Float64Array(samples * columns);
    this.#sortedLabels = new Int32Array(samples * columns);
    this.#labels = new Int32Array(samples);
    this.#goLeft = new Uint8Array(samples);
    this.#tmpOrder = new Int32Array(samples);
    this.#tmpValues = new Float64Array(samples);
    this.#tmpLabels = new Int32Array(samples);
    let maxDistinct = 0;
    for (let f = 0; f < data.features; f++) {
      if (data.distinct[f]! > maxDistinct) maxDistinct = data.distinct[f]!;
    }
    this.#rankCounts = new Int32Array(maxDistinct + 1);
    this.#prefix = new Int32Array(Math.max(1, data.classes));
    this.#totals = new Int32Array(Math.max(1, data.classes));
    unitSumTable(samples);
  }

  /**
   * Trains one tree on the samples `rows` (row index per sample position, in bootstrap order)
   * restricted to the features `features` (original feature index per tree column).
   */
  fit(rows: Int32Array, features: ArrayLike<number>): CartTree {
    const n = this.#n;
    const cols = this.#cols;
    if (rows.length !== n || features.length !== cols) {
      throw new RangeError("CartTrainer.fit: unexpected sample or feature count");
    }
    this.#presort(rows, features);

    const nodes: TrainedNodes = {
      kind: [],
      splitColumn: [],
      splitValue: [],
      gain: [],
      numberSamples: [],
      left: [],
      right: [],
      distribution: [],
    };
    const newNode = (): number => {
      nodes.kind.push(NODE_LEAF_UNSEARCHED);
      nodes.splitColumn.push(-1);
      nodes.splitValue.push(0);
      nodes.gain.push(-Infinity);
      nodes.numberSamples.push(0);
      nodes.left.push(-1);
      nodes.right.push(-1);
      nodes.distribution.push(undefined);
      return nodes.kind.length - 1;
    };

    const { minNumSamples, maxDepth, gainThreshold } = this.#params;
    // Work list: node id, range [start, end), depth, parent gain (NaN for the root: never equal).
    const stack: number[] = [newNode(), 0, n, 0, NaN];
    while (stack.length > 0) {
      const parentGain = stack.pop()!;
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const start = stack.pop()!;
      const id = stack.pop()!;
      const m = end - start;
      this.#countTotals(start, end);
      if (minNumSamples !== undefined && m <= minNumSamples) {
        nodes.distribution[id] = this.#distribution(m);
        continue;
      }
      this.#search(start, end);
      const gain = this.#bestGain;
      const found = this.#bestColumn >= 0;
      nodes.kind[id] = NODE_LEAF_SEARCHED;
      nodes.splitColumn[id] = this.#bestColumn;
      nodes.splitValue[id] = this.#bestValue;
      nodes.gain[id] = gain;
      nodes.numberSamples[id] = m;
      const boundary = found ? this.#bestBoundary : start; // no candidate: all go right
      if (
        maxDepth !== undefined && depth < maxDepth &&
        gain > gainThreshold &&
        gain !== parentGain &&
        boundary > start && boundary < end
      ) {
        nodes.kind[id] = NODE_SPLIT;
        this.#partition(start, end, this.#bestColumn, boundary);
        const l = newNode();
        const r = newNode();
        nodes.left[id] = l;
        nodes.right[id] = r;
        stack.push(r, boundary, end, depth + 1, gain);
        stack.push(l, start, boundary, depth + 1, gain);
      } else {
        nodes.distribution[id] = this.#distribution(m);
      }
    }
    return CartTree.fromTrained(nodes);
  }

  #presort(rows: Int32Array, features: ArrayLike<number>): void {
    const n = this.#n;
    const data = this.#data;
    const N = data.rows;
    const labels = this.#labels;
    for (let p = 0; p < n; p++) labels[p] = data.labels[rows[p]!]!;
    const counts = this.#rankCounts;
    const order = this.#order;
    const sv = this.#sortedValues;
    const sl = this.#sortedLabels;
    for (let j = 0; j < this.#cols; j++) {
      const f = features[j]!;
      const base = j * n;
      let same = -1; // an earlier column with the same feature (feature bagging with replacement)
      for (let i = 0; i < j; i++) {
        if (features[i] === f) {
          same = i;
          break;
        }
      }
      if (same >= 0) {
        order.copyWithin(base, same * n, same * n + n);
        sv.copyWithin(base, same * n, same * n + n);
        sl.copyWithin(base, same * n, same * n + n);
        continue;
      }
      const u = data.distinct[f]!;
      const rb = f * N;
      counts.fill(0, 0, u + 1);
      for (let p = 0; p < n; p++) counts[data.ranks[rb + rows[p]!]! + 1]!++;
      for (let r = 1; r <= u; r++) counts[r]! += counts[r - 1]!;
      for (let p = 0; p < n; p++) {
        const r = data.ranks[rb + rows[p]!]!;
        order[base + counts[r]!++] = p;
      }
      for (let k = 0; k < n; k++) {
        const p = order[base + k]!;
        sv[base + k] = data.values[rb + rows[p]!]!;
        sl[base + k] = labels[p]!;
      }
    }
  }

  #countTotals(start: number, end: number): void {
    const totals = this.#totals;
    totals.fill(0);
    const sl = this.#sortedLabels;
    for (let k = start; k < end; k++) totals[sl[k]!]!++;
  }

  /** Leaf probabilities as ml-cart's `toDiscreteDistribution` (up to the largest label present). */
  #distribution(m: number): number[] {
    const totals = this.#totals;
    let classes = 0;
    for (let k = 0; k < totals.length; k++) if (totals[k]! > 0) classes = k + 1;
    const out = new Array<number>(classes);
    for (let k = 0; k < classes; k++) out[k] = totals[k] === 0 ? 0 : unitSum(totals[k]!, m);
    return out;
  }

  /**
   * Finds the best split of the node [start, end): columns in order, candidates in sorted order,
   * a later candidate wins only with a strictly greater gain — as `ml-cart`'s `bestSplit`.
   *
   * A candidate sits wherever two neighbours in sorted order have different labels, at the mean
   * of their values; the samples with `x < threshold` go left. Sorted, these are a prefix whose
   * length never decreases along the sweep, so prefix class counts are advanced incrementally. A
   * candidate whose prefix equals the previous candidate's has the same gain and cannot win.
   *
   * Screening: in exact real arithmetic the gain is `Q / m − P / m²` with
   * `Q = Σ left_k² / n_left + Σ right_k² / n_right` and `P = Σ total_k²`, and the library's float
   * gain differs from that real value by less than `u (2.1 m + 10 K + 13)` (u = 2⁻⁵³; each
   * probability "1/n added c times" is within `u (c + 3) / 2` of c / n). So a candidate whose
   * float `Q` is below `((best − margin) m + P / m)` — with `margin` four times that error plus
   * the rounding of this test itself — has a float gain below the best and cannot win; only the
   * others get the exact evaluation with the library's arithmetic.
   */
  #search(start: number, end: number): void {
    this.#bestGain = -Infinity;
    this.#bestColumn = -1;
    this.#bestValue = 0;
    this.#bestBoundary = start;
    const m = end - start;
    const totals = this.#totals;
    const parentGini = giniFromCounts(totals, m);
    let sumSquares = 0;
    for (let k = 0; k < totals.length; k++) sumSquares += totals[k]! * totals[k]!;
    const margin = (8 * m + 32 * totals.length + 64) * 2 ** -53;
    for (let j = 0; j < this.#cols; j++) this.#sweep(j, start, end, parentGini, sumSquares, margin);
  }

  #sweep(
    j: number,
    start: number,
    end: number,
    parentGini: number,
    sumSquares: number,
    margin: number,
  ): void {
    const base = j * this.#n;
    const sv = this.#sortedValues;
    const sl = this.#sortedLabels;
    const m = end - start;
    const totals = this.#totals;
    const prefix = this.#prefix;
    prefix.fill(0);
    let squaresL = 0; // Σ prefix_k²
    let squaresG = sumSquares; // Σ (total_k − prefix_k)²
    let screen = this.#bestGain === -Infinity ? -Infinity : (this.#bestGain - margin) * m +
      sumSquares / m;
    let ptr = start;
    let lastBoundary = -1;
    let runStart = start;
    let prevV = sv[base + start]!;
    let prevL = sl[base + start]!;
    for (let k = start + 1; k < end; k++) {
      const v = sv[base + k]!;
      const l = sl[base + k]!;
      if (l !== prevL) {
        const t = (prevV + v) / 2;
        let boundary: number;
        if (prevV < t && t <= v) boundary = k;
        else if (t === prevV) boundary = runStart;
        else boundary = lowerBound(sv, base + start, base + end, t) - base;
        if (boundary !== lastBoundary) {
          lastBoundary = boundary;
          while (ptr < boundary) {
            const c = sl[base + ptr++]!;
            const left = prefix[c]!;
            squaresL += 2 * left + 1;
            squaresG -= 2 * (totals[c]! - left) - 1;
            prefix[c] = left + 1;
          }
          const nl = boundary - start;
          const ng = m - nl;
          const q = (nl > 0 ? squaresL / nl : 0) + (ng > 0 ? squaresG / ng : 0);
          if (!(q < screen)) {
            const gain = this.#exactGain(nl, ng, parentGini);
            if (gain > this.#bestGain) {
              this.#bestGain = gain;
              this.#bestColumn = j;
              this.#bestValue = t;
              this.#bestBoundary = boundary;
              screen = (gain - margin) * m + sumSquares / m;
            }
          }
        }
      }
      if (v !== prevV) runStart = k;
      prevV = v;
      prevL = l;
    }
  }

  /**
   * Gain of the split with class counts `prefix` on the left (`nl` samples) and the rest on the
   * right (`ng`), in `ml-cart`'s float arithmetic: `giniGain` with `giniImpurity` of each side.
   */
  #exactGain(nl: number, ng: number, parentGini: number): number {
    const totals = this.#totals;
    const prefix = this.#prefix;
    const K = totals.length;
    const m = nl + ng;
    let giniL = 0;
    if (nl > 0) {
      let sum = 0.0;
      for (let c = 0; c < K; c++) {
        const p = unitSum(prefix[c]!, nl);
        sum += p * p;
      }
      giniL = 1 - sum;
    }
    let giniG = 0;
    if (ng > 0) {
      let sum = 0.0;
      for (let c = 0; c < K; c++) {
        const p = unitSum(totals[c]! - prefix[c]!, ng);
        sum += p * p;
      }
      giniG = 1 - sum;
    }
    let splits = 0.0;
    splits += (giniG * ng) / m;
    splits += (giniL * nl) / m;
    return parentGini - splits;
  }

  /** Moves the samples left of `boundary` in column `column` to the front of every column. */
  #partition(start: number, end: number, column: number, boundary: number): void {
    const n = this.#n;
    const order = this.#order;
    const sv = this.#sortedValues;
    const sl = this.#sortedLabels;
    const goLeft = this.#goLeft;
    const cb = column * n;
    for (let k = start; k < boundary; k++) goLeft[order[cb + k]!] = 1;
    for (let k = boundary; k < end; k++) goLeft[order[cb + k]!] = 0;
    for (let j = 0; j < this.#cols; j++) {
      if (j === column) continue;
      partitionRange(
        order,
        sv,
        sl,
        goLeft,
        this.#tmpOrder,
        this.#tmpValues,
        this.#tmpLabels,
        j * n + start,
        j * n + end,
      );
    }
  }
}

/**
 * Stable partition of `order/values/labels[from, to)`: samples with `goLeft[sample] === 1` first.
 * (A separate function so that the engine optimizes it as a whole.)
 */
function partitionRange(
  order: Int32Array,
  values: Float64Array,
  labels: Int32Array,
  goLeft: Uint8Array,
  tmpOrder: Int32Array,
  tmpValues: Float64Array,
  tmpLabels: Int32Array,
  from: number,
  to: number,
): void {
  let w = from;
  let r = 0;
  for (let k = from; k < to; k++) {
    const p = order[k]!;
    if (goLeft[p] === 1) {
      order[w] = p;
      values[w] = values[k]!;
      labels[w] = labels[k]!;
      w++;
    } else {
      tmpOrder[r] = p;
      tmpValues[r] = values[k]!;
      tmpLabels[r] = labels[k]!;
      r++;
    }
  }
  for (let i = 0; i < r; i++, w++) {
    order[w] = tmpOrder[i]!;
    values[w] = tmpValues[i]!;
    labels[w] = tmpLabels[i]!;
  }
}

/** Index of the first element in a[lo, hi) that is not below `t` (a sorted ascending). */
function lowerBound(a: Float64Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
