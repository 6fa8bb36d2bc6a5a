/**
 * The WebAssembly kernel of the k-neighbours scan (see `_knn_scan.ts`), written with the small
 * assembler of `_wasm.ts`. Not part of the public API.
 *
 * Two functions over one memory:
 *
 * - `scan(points, blocks, pairs, queries, values, groups, groupMask)`: for `QUERIES` queries
 *   against every block of `BLOCK_ROWS` rows, the exact `s̃ = ‖q̃‖² + ‖x̃‖² − 2 q̃·x̃` of each row,
 *   stored, and the lane-wise minima of the row groups (group = block & groupMask). Rows hold
 *   `−2x̃` as 16-bit integers, two features per 32-bit lane, so one `i32x4.dot_i16x8_s` adds
 *   `−2(q̃ᵢx̃ᵢ + q̃ⱼx̃ⱼ)` to four rows' sums, which start at `‖q̃‖² + ‖x̃‖²`.
 * - `collect(values, blocks, bound, pool)`: the rows whose `s̃` is at most `bound`, for one query.
 *
 * Layout (byte offsets; every vector 16-aligned):
 *
 * - block b of rows at `points + b·BLOCK_BYTES(pairs)`: the rows' ‖x̃‖² (`VECTORS` i32 vectors),
 *   then per feature pair `VECTORS` vectors of four rows, each lane `(−2x̃[2c], −2x̃[2c + 1])`;
 * - `queries`: per feature pair one i32 per query, `(q̃[2c], q̃[2c + 1])`, then the queries' ‖q̃‖²;
 * - `values` and `groups`: per block (per group), per query, `VECTORS` i32 vectors — so a query's
 *   values are `VALUES_STRIDE` bytes apart from block to block.
 *
 * @module
 */

import { assemble, I32, op, V128 } from "./_wasm.ts";

/** Queries per kernel call. */
export const QUERIES = 4;
/** 128-bit vectors of rows per block (four rows each). */
export const VECTORS = 2;
/** Rows per block. */
export const BLOCK_ROWS = 4 * VECTORS;
/** Feature pairs per kernel loop step (the feature count is padded to a multiple of 4). */
export const PAIRS_PER_STEP = 2;
/** Bytes from one block's values (or one group's minima) to the next. */
export const VALUES_STRIDE = QUERIES * VECTORS * 16;

/** Bytes of a block of rows with `pairs` feature pairs. */
export function blockBytes(pairs: number): number {
  return (pairs + 1) * VECTORS * 16;
}

/** `scan`'s parameters, then its locals. */
const S = {
  points: 0,
  blocks: 1,
  pairs: 2,
  queries: 3,
  values: 4,
  groups: 5,
  groupMask: 6,
  block: 7,
  pointsAt: 8,
  queriesAt: 9,
  pairsLeft: 10,
  valuesAt: 11,
  groupAt: 12,
  /** v128: the splat of each query's ‖q̃‖². */
  norm: 13,
};
/** v128 accumulators, query-major: s̃ of four rows each. */
const ACC = S.norm + QUERIES;
/** v128 rows of the current feature pair (or their norms). */
const ROW = ACC + QUERIES * VECTORS;
/** v128 scratch: the splat of a query's feature pair. */
const PAIR = ROW + VECTORS;

function repeat(count: number, make: (i: number) => number[][]): number[][] {
  return Array.from({ length: count }, (_, i) => make(i)).flat();
}

const get = op.localGet;
const set = op.localSet;

/** Adds a constant to an i32 local. */
function advance(local: number, bytes: number): number[][] {
  return [get(local), op.i32Const(bytes), op.i32Add, set(local)];
}

/** `scan`: see the module documentation. Branch-free apart from its loops. */
const scan = {
  export: "scan",
  params: new Array<number>(7).fill(I32),
  results: [],
  locals: [
    ...new Array<number>(6).fill(I32),
    ...new Array<number>(QUERIES + QUERIES * VECTORS + VECTORS + 1).fill(V128),
  ],
  body: [
    get(S.queries),
    get(S.pairs),
    op.i32Const(16),
    op.i32Mul,
    op.i32Add,
    set(S.queriesAt),
    ...repeat(QUERIES, (i) => [get(S.queriesAt), op.v128Load32Splat(i * 4), set(S.norm + i)]),
    op.i32Const(0),
    set(S.block),
    get(S.points),
    set(S.pointsAt),
    get(S.values),
    set(S.valuesAt),
    op.loop, // blocks
    // Each sum starts at ‖q̃‖² + ‖x̃‖².
    ...repeat(VECTORS, (v) => [get(S.pointsAt), op.v128Load(v * 16), set(ROW + v)]),
    ...repeat(QUERIES * VECTORS, (a) => [
      get(S.norm + Math.floor(a / VECTORS)),
      get(ROW + (a % VECTORS)),
      op.i32x4Add,
      set(ACC + a),
    ]),
    ...advance(S.pointsAt, 16 * VECTORS),
    get(S.pairs),
    set(S.pairsLeft),
    get(S.queries),
    set(S.queriesAt),
    op.loop, // feature pairs
    ...repeat(PAIRS_PER_STEP, (p) => [
      ...repeat(VECTORS, (v) => [
        get(S.pointsAt),
        op.v128Load((p * VECTORS + v) * 16),
        set(ROW + v),
      ]),
      ...repeat(QUERIES, (i) => [
        get(S.queriesAt),
        op.v128Load32Splat(p * 16 + i * 4),
        set(PAIR),
        ...repeat(VECTORS, (v) => [
          get(ACC + i * VECTORS + v),
          get(ROW + v),
          get(PAIR),
          op.i32x4DotI16x8S,
          op.i32x4Add,
          set(ACC + i * VECTORS + v),
        ]),
      ]),
    ]),
    ...advance(S.pointsAt, 16 * PAIRS_PER_STEP * VECTORS),
    ...advance(S.queriesAt, 16 * PAIRS_PER_STEP),
    get(S.pairsLeft),
    op.i32Const(PAIRS_PER_STEP),
    op.i32Sub,
    op.localTee(S.pairsLeft),
    op.brIf(0),
    op.end,
    // Store s̃ and lower the group's minima.
    get(S.groups),
    get(S.block),
    get(S.groupMask),
    op.i32And,
    op.i32Const(VALUES_STRIDE),
    op.i32Mul,
    op.i32Add,
    set(S.groupAt),
    ...repeat(QUERIES * VECTORS, (a) => [
      get(S.valuesAt),
      get(ACC + a),
      op.v128Store(a * 16),
      get(S.groupAt),
      get(S.groupAt),
      op.v128Load(a * 16),
      get(ACC + a),
      op.i32x4MinS,
      op.v128Store(a * 16),
    ]),
    ...advance(S.valuesAt, VALUES_STRIDE),
    get(S.block),
    op.i32Const(1),
    op.i32Add,
    op.localTee(S.block),
    get(S.blocks),
    op.i32LtU,
    op.brIf(0),
    op.end,
  ],
};

/** `collect`'s parameters, then its locals. */
const C = {
  values: 0,
  blocks: 1,
  bound: 2,
  pool: 3,
  at: 4,
  row: 5,
  count: 6,
  limit: 7,
  /** v128 × VECTORS: the block's values. */
  lanes: 8,
};

/**
 * `collect(values, blocks, bound, pool) → count`: the rows (block·BLOCK_ROWS + lane) whose
 * value is at most `bound`, in order, written as i32 from `pool`, reading one query's values:
 * `VECTORS` vectors from `values`, then every `VALUES_STRIDE` bytes. Branches only on blocks
 * holding such a value; the appends themselves are branch-free.
 */
const collect = {
  export: "collect",
  params: [I32, I32, I32, I32],
  results: [I32],
  locals: [I32, I32, I32, V128, ...new Array<number>(VECTORS).fill(V128)],
  body: [
    get(C.bound),
    op.i32x4Splat,
    set(C.limit),
    get(C.values),
    set(C.at),
    op.i32Const(0),
    set(C.row),
    op.i32Const(0),
    set(C.count),
    op.loop,
    ...repeat(VECTORS, (v) => [
      get(C.at),
      op.v128Load(v * 16),
      op.localTee(C.lanes + v),
      get(C.limit),
      op.i32x4LeS,
    ]),
    ...repeat(VECTORS - 1, () => [op.v128Or]),
    op.v128AnyTrue,
    op.if,
    ...repeat(BLOCK_ROWS, (lane) => [
      get(C.pool),
      get(C.count),
      op.i32Const(2),
      op.i32Shl,
      op.i32Add,
      get(C.row),
      op.i32Const(lane),
      op.i32Add,
      op.i32Store(0),
      get(C.count),
      get(C.lanes + (lane >> 2)),
      op.i32x4ExtractLane(lane & 3),
      get(C.bound),
      op.i32LeS,
      op.i32Add,
      set(C.count),
    ]),
    op.end,
    ...advance(C.at, VALUES_STRIDE),
    get(C.row),
    op.i32Const(BLOCK_ROWS),
    op.i32Add,
    op.localTee(C.row),
    get(C.blocks),
    op.i32Const(BLOCK_ROWS),
    op.i32Mul,
    op.i32LtU,
    op.brIf(0),
    op.end,
    get(C.count),
  ],
};

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or `null` where WebAssembly SIMD is unavailable. */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(assemble([scan, collect]));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** `scan`, as JavaScript calls it. */
export type Scan = (
  points: number,
  blocks: number,
  pairs: number,
  queries: number,
  values: number,
  groups: number,
  groupMask: number,
) => void;

/** `collect`, as JavaScript calls it. */
export type Collect = (values: number, blocks: number, bound: number, pool: number) => number;
