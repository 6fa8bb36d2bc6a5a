/**
 * The Euclidean k-nearest search behind {@linkcode FastKNeighborsClassifier}: a brute-force
 * WebAssembly SIMD scan over integer-quantised rows proves which rows can be among a query's
 * k + 1 nearest, then those few get exact distances. Not part of the public API.
 *
 * **Quantised scan.** Training rows are stored as 16-bit integers `x̃ = round(x / step)`, `step`
 * a power of two such that `|x̃| ≤ limit` (3,663 for 20 features; `limit` shrinks with the
 * number of features so that no 32-bit sum overflows). For a query (rounded the same way,
 * clamped to ±`limit`) the kernel `scan` computes `s̃ = ‖q̃‖² + ‖x̃‖² − 2 q̃·x̃ = ‖q̃ − x̃‖²`
 * **exactly**, in 32-bit integers, with `i32x4.dot_i16x8_s` (eight multiply-adds per
 * instruction), four queries against eight rows per step. It stores every `s̃` and the minimum of
 * each group of rows (a SIMD lane × the block number modulo a power of two; 2·(k + 1) to
 * 4·(k + 1) groups), without a branch.
 *
 * **Bounds.** With `D` the real distance, `D̃ = step·√s̃` and `δ = ‖q − step·q̃‖ + max‖x −
 * step·x̃‖`, the triangle inequality gives `|D − D̃| ≤ δ`; the distance `ml-knn` computes (a
 * rounded sum of rounded squares, then `Math.sqrt`) is within a relative `η = (d + 4)·2⁻⁵²` of
 * `D` (plus a term for squares below the smallest double). The (k + 1)-th smallest group minimum
 * `t` is at least the (k + 1)-th smallest `s̃` (k + 1 groups, so k + 1 rows, are at most `t`),
 * so a row whose lower bound exceeds the upper bound of a row at `t` is provably not among the
 * k + 1 nearest. `collect` gathers the other rows — k + 1 and a few more on this project's data,
 * branching only on blocks that hold one — and they get exact distances, computed as `ml-knn`
 * computes them, and are sorted. Ties among them are the caller's business.
 *
 * @module
 */

import {
  BLOCK_ROWS,
  blockBytes,
  type Collect,
  kernelModule,
  PAIRS_PER_STEP,
  QUERIES,
  type Scan,
  VALUES_STRIDE,
  VECTORS,
} from "./_knn_kernel.ts";

/** Largest k the scan serves (it keeps k + 1 values per query, inserting by shifting). */
export const MAX_SCAN_K = 63;
/** Values kept per query. */
const MAX_SELECTED = MAX_SCAN_K + 1;
/** Magnitudes outside 2⁻⁹⁰⁰ … 2⁵⁰⁰ go to the replay (no double over- or underflow). */
const MAX_MAGNITUDE = 2 ** 500;
/** See {@linkcode MAX_MAGNITUDE}. */
const MIN_MAGNITUDE = 2 ** -900;
/** `i32` maximum: the "no threshold yet" value. */
const NO_LIMIT = 2 ** 31 - 1;

/**
 * A scan over fixed training rows. {@linkcode EuclideanScan.nearest} finds, per query, the k
 * nearest rows by `ml-knn`'s Euclidean distance, or reports that it cannot tell them from the
 * (k + 1)-th (then only a replay of `ml-knn`'s search knows which rows it keeps).
 */
export class EuclideanScan {
  readonly #rows: number;
  readonly #features: number;
  readonly #coords: Float64Array;
  readonly #pairs: number;
  readonly #blocks: number;
  readonly #step: number;
  readonly #limit: number;
  /** An upper bound of ‖x − step·x̃‖ over the training rows. */
  readonly #rowError: number;
  readonly #scan: Scan;
  readonly #collect: Collect;
  readonly #i16: Int16Array;
  readonly #i32: Int32Array;
  readonly #pointsAt: number;
  readonly #queriesAt: number;
  readonly #valuesAt: number;
  readonly #groupsAt: number;
  readonly #poolAt: number;
  /** Per query of a kernel call: how far (in steps) a row's lower bound may sit below √s̃. */
  readonly #widen = new Float64Array(QUERIES);
  readonly #top = new Int32Array(MAX_SELECTED);
  readonly #distances: Float64Array;
  readonly #ids: Int32Array;

  /**
   * A scan over `rows` rows of `features` values (`coords`, row-major, finite), or `undefined`
   * when WebAssembly SIMD is unavailable or a magnitude is beyond the bounds' range (above 2⁵⁰⁰,
   * or non-zero below 2⁻⁹⁰⁰).
   */
  static create(coords: Float64Array, rows: number, features: number): EuclideanScan | undefined {
    const module = kernelModule();
    if (module === null) return undefined;
    let maxAbs = 0;
    for (let i = 0; i < coords.length; i++) maxAbs = Math.max(maxAbs, Math.abs(coords[i]!));
    if (maxAbs > MAX_MAGNITUDE || (maxAbs !== 0 && maxAbs < MIN_MAGNITUDE)) return undefined;
    return new EuclideanScan(coords, rows, features, module, maxAbs);
  }

  private constructor(
    coords: Float64Array,
    rows: number,
    features: number,
    module: WebAssembly.Module,
    maxAbs: number,
  ) {
    this.#rows = rows;
    this.#features = features;
    this.#coords = coords;
    const padded = Math.ceil(features / (2 * PAIRS_PER_STEP)) * 2 * PAIRS_PER_STEP;
    this.#pairs = padded / 2;
    this.#blocks = Math.ceil(rows / BLOCK_ROWS);
    // 4·padded·limit² < 2³⁰: no i32 sum overflows (partial sums included), −2x̃ fits in 16
    // bits, and a padding row (‖x̃‖² = 2³⁰) is farther than every real row.
    this.#limit = Math.min(4095, Math.floor(Math.sqrt((2 ** 30 - 1) / (4 * padded))));
    let step = maxAbs === 0 ? 1 : 2 ** Math.ceil(Math.log2(maxAbs / this.#limit));
    while (maxAbs / step > this.#limit) step *= 2;
    this.#step = step;

    const bytesPerBlock = blockBytes(this.#pairs);
    let bytes = 0;
    const reserve = (size: number): number => {
      const at = bytes;
      bytes += Math.ceil(size / 16) * 16;
      return at;
    };
    this.#pointsAt = reserve(this.#blocks * bytesPerBlock);
    this.#queriesAt = reserve(this.#pairs * 16 + 16);
    this.#valuesAt = reserve(this.#blocks * VALUES_STRIDE);
    // At most max(1, (k + 1) / 2) ≤ MAX_SELECTED / 2 groups per lane (see `nearest`).
    this.#groupsAt = reserve((MAX_SELECTED / 2) * VALUES_STRIDE);
    this.#poolAt = reserve(this.#blocks * BLOCK_ROWS * 4);
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    this.#scan = exports.scan as Scan;
    this.#collect = exports.collect as Collect;
    this.#i16 = new Int16Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#distances = new Float64Array(rows);
    this.#ids = new Int32Array(rows);

    // Rows b·8 … b·8 + 7 form block b: their ‖x̃‖² (two i32 vectors), then per feature pair
    // two vectors of four rows, (−2x̃[2c], −2x̃[2c + 1]) each.
    const inverse = 1 / step;
    let rowError = 0;
    for (let b = 0; b < this.#blocks; b++) {
      const block = this.#pointsAt + b * bytesPerBlock;
      for (let lane = 0; lane < BLOCK_ROWS; lane++) {
        const row = b * BLOCK_ROWS + lane;
        const vector = lane >> 2;
        const normAt = (block + vector * 16) / 4 + (lane & 3);
        if (row >= rows) {
          this.#i32[normAt] = 2 ** 30;
          continue;
        }
        let norm = 0;
        let error = 0;
        for (let j = 0; j < features; j++) {
          const x = coords[row * features + j]!;
          const v = Math.round(x * inverse);
          const e = x - v * step;
          const pairAt = block + ((1 + (j >> 1)) * VECTORS + vector) * 16;
          this.#i16[pairAt / 2 + (lane & 3) * 2 + (j & 1)] = -2 * v;
          norm += v * v;
          error += e * e;
        }
        this.#i32[normAt] = norm;
        rowError = Math.max(rowError, Math.sqrt(error));
      }
    }
    this.#rowError = rowError * (1 + 2 ** -30) + 2 ** -1000;
  }

  /**
   * For each of the `count` rows of `queries` (row-major, finite values): when its k-th and
   * (k + 1)-th smallest distances differ, writes its k nearest training rows, nearest first, to
   * `nearest[r·k …]` and sets `settled[r] = 1`; otherwise sets `settled[r] = 0` (also when the
   * bounds cannot narrow the candidates down, as for a query far outside the training rows).
   * Needs 1 ≤ k < rows and k ≤ {@linkcode MAX_SCAN_K}.
   */
  nearest(
    queries: Float64Array,
    count: number,
    k: number,
    nearest: Int32Array,
    settled: Uint8Array,
  ): void {
    const keep = k + 1;
    // Groups of rows (lane × block mod a power of two): 2·keep to 4·keep of them, fewer when
    // the blocks run out (one row per group then).
    let perLane = 1;
    while (perLane * BLOCK_ROWS < 2 * keep && perLane < this.#blocks) perLane *= 2;
    const i32 = this.#i32;
    const groupsAt = this.#groupsAt / 4;
    const lanes = QUERIES * BLOCK_ROWS; // i32 per group: every query's lanes
    for (let first = 0; first < count; first += QUERIES) {
      for (let i = 0; i < QUERIES; i++) this.#loadQuery(queries, Math.min(first + i, count - 1), i);
      i32.fill(NO_LIMIT, groupsAt, groupsAt + perLane * lanes);
      this.#scan(
        this.#pointsAt,
        this.#blocks,
        this.#pairs,
        this.#queriesAt,
        this.#valuesAt,
        this.#groupsAt,
        perLane - 1,
      );
      for (let i = 0; i < QUERIES && first + i < count; i++) {
        const r = first + i;
        const widen = this.#widen[i]!;
        let found = false;
        if (widen !== Infinity) {
          // keep groups (so keep rows) have a value at most their keep-th smallest minimum;
          // empty groups hold NO_LIMIT, which bounds nothing.
          const top = this.#top;
          let kept = 0;
          for (let g = groupsAt + i * BLOCK_ROWS; g < groupsAt + perLane * lanes; g += lanes) {
            for (let lane = g; lane < g + BLOCK_ROWS; lane++) {
              kept = keepSmallest(top, kept, keep, i32[lane]!);
            }
          }
          const kth = kept === keep ? top[keep - 1]! : NO_LIMIT;
          const bound = kth >= NO_LIMIT
            ? NO_LIMIT
            : Math.min(Math.floor(this.#bound(kth, widen)), NO_LIMIT);
          const pooled = this.#collect(
            this.#valuesAt + i * BLOCK_ROWS * 4,
            this.#blocks,
            bound,
            this.#poolAt,
          );
          found = this.#finish(queries, r, k, pooled, nearest);
        }
        settled[r] = found ? 1 : 0;
      }
    }
  }

  /**
   * Quantises query row `r` into kernel slot `i`, and sets the slot's widening. (Padding
   * features stay 0 from the memory's start: nothing writes there.)
   */
  #loadQuery(queries: Float64Array, r: number, i: number): void {
    const features = this.#features;
    const step = this.#step;
    const inverse = 1 / step;
    const limit = this.#limit;
    const i16 = this.#i16;
    let at = this.#queriesAt / 2 + i * 2;
    let norm = 0;
    let error = 0;
    let largest = 0;
    for (let j = 0, o = r * features; j < features; j++, o++) {
      const x = queries[o]!;
      let v = Math.round(x * inverse);
      if (v > limit) v = limit;
      else if (v < -limit) v = -limit;
      const e = x - v * step;
      i16[at + (j & 1)] = v;
      at += (j & 1) << 3;
      norm += v * v;
      error += e * e;
      largest = Math.max(largest, Math.abs(x));
    }
    const inRange = largest <= MAX_MAGNITUDE;
    this.#i32[(this.#queriesAt + this.#pairs * 16) / 4 + i] = norm;
    // |D − step·√s̃| ≤ delta for every row (triangle inequality); the distance ml-knn computes
    // is within a relative eta of D, give or take alpha (squares below the smallest double).
    const eta = (features + 4) * 2 ** -52;
    const alpha = Math.sqrt(features) * 2 ** -530;
    const delta = (Math.sqrt(error) * (1 + 2 ** -30) + this.#rowError) * (1 + 2 ** -30);
    this.#widen[i] = inRange
      ? ((delta * (2 + 3 * eta) + 2 * alpha * (1 + 2 * eta)) / step) * (1 + 2 ** -30)
      : Infinity;
  }

  /**
   * The largest s̃ a row can have and still be as near as some row with s̃ ≤ `kth`, given the
   * query's widening: rows above it are provably farther.
   */
  #bound(kth: number, widen: number): number {
    const eta = (this.#features + 4) * 2 ** -52;
    const root = Math.sqrt(kth) * (1 + 3 * eta) + widen;
    return root * root * (1 + 2 ** -40);
  }

  /**
   * Exact distances of the `pooled` rows collected for query row `r`, sorted; true (with the
   * k nearest written out) when the k-th and (k + 1)-th differ.
   */
  #finish(
    queries: Float64Array,
    r: number,
    k: number,
    pooled: number,
    nearest: Int32Array,
  ): boolean {
    if (pooled > k + 1 + MAX_SELECTED) return false; // loose bounds: not worth sorting here
    const features = this.#features;
    const rows = this.#rows;
    const coords = this.#coords;
    const i32 = this.#i32;
    const pool = this.#poolAt / 4;
    const q = r * features;
    let found = 0;
    // Two rows at a time (two independent sums); a padding row (index ≥ rows) is skipped.
    for (let c = 0; c < pooled; c += 2) {
      const a = i32[pool + c]!;
      const b = c + 1 < pooled ? i32[pool + c + 1]! : rows;
      const oa = Math.min(a, rows - 1) * features;
      const ob = Math.min(b, rows - 1) * features;
      // ml-distance-euclidean: Σ (query − row)², in feature order, then Math.sqrt.
      let sa = 0;
      let sb = 0;
      for (let j = 0; j < features; j++) {
        const x = queries[q + j]!;
        const ta = x - coords[oa + j]!;
        const tb = x - coords[ob + j]!;
        sa += ta * ta;
        sb += tb * tb;
      }
      if (a < rows) found = this.#insert(found, a, Math.sqrt(sa));
      if (b < rows) found = this.#insert(found, b, Math.sqrt(sb));
    }
    const distances = this.#distances;
    if (found <= k || !(distances[k - 1]! < distances[k]!)) return false;
    for (let t = 0; t < k; t++) nearest[r * k + t] = this.#ids[t]!;
    return true;
  }

  /** Inserts `row` at `distance` into the first `found` sorted entries; returns the new count. */
  #insert(found: number, row: number, distance: number): number {
    const distances = this.#distances;
    const ids = this.#ids;
    let at = found;
    while (at > 0 && distances[at - 1]! > distance) {
      distances[at] = distances[at - 1]!;
      ids[at] = ids[at - 1]!;
      at--;
    }
    distances[at] = distance;
    ids[at] = row;
    return found + 1;
  }
}

/**
 * Keeps the `keep` smallest values offered so far in `top[0 … kept − 1]` (ascending) after
 * offering `value`; returns the new count.
 */
function keepSmallest(top: Int32Array, kept: number, keep: number, value: number): number {
  if (kept === keep) {
    if (value >= top[keep - 1]!) return kept;
  } else {
    kept++;
  }
  let at = kept - 1;
  while (at > 0 && top[at - 1]! > value) {
    top[at] = top[at - 1]!;
    at--;
  }
  top[at] = value;
  return kept;
}
