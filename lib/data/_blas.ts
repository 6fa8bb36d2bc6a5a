/**
 * Matrix products in the order NumPy's `np.dot` computes them for the data generators' small
 * blocks: OpenBLAS's `dgemm` kernels accumulate each entry as a forward chain of fused
 * multiply-adds, x₀·a₀ first, then fma(xₜ, aₜ, sum) for t = 1, 2, … — plain `sum += x * a`
 * agrees with that on only about half the entries. Not part of the public API.
 *
 * (NumPy sends products with a single row or a single column to `dgemv`, whose kernels sum in
 * other orders; there these products agree with NumPy's to a few ulps, not always bit for bit.)
 *
 * @module
 */

/** 2²⁷ + 1: Veltkamp's constant, splitting a double into two halves of 26 bits. */
const SPLITTER = 134217729;

/**
 * A k × m matrix prepared for {@linkcode rowTimesMatrix}: its entries and their Veltkamp halves
 * (high and low 26 bits), row-major, so that each exact product needs only the row's split.
 */
export interface SplitMatrix {
  k: number;
  m: number;
  value: Float64Array;
  high: Float64Array;
  low: Float64Array;
}

/** Prepares the k × m matrix `A` (rows of length m) for {@linkcode rowTimesMatrix}. */
export function splitMatrix(A: readonly (readonly number[])[]): SplitMatrix {
  const k = A.length;
  const m = A[0]?.length ?? 0;
  const value = new Float64Array(k * m);
  const high = new Float64Array(k * m);
  const low = new Float64Array(k * m);
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < m; j++) {
      const a = A[t]![j]!;
      const s = SPLITTER * a;
      const h = s - (s - a);
      value[t * m + j] = a;
      high[t * m + j] = h;
      low[t * m + j] = a - h;
    }
  }
  return { k, m, value, high, low };
}

// Scratch space for the split of one row.
let rowHigh = new Float64Array(16);
let rowLow = new Float64Array(16);

/**
 * Writes `row` · A into `out[offset …]`, reading the first A.k entries of `row`: entry j is the
 * forward chain sum = x₀·a₀, then sum = fma(xₜ, aₜ, sum), each fused multiply-add emulated by
 * Dekker's exact product and Knuth's exact sum (see `_fma.ts`).
 */
export function rowTimesMatrix(
  row: ArrayLike<number>,
  A: SplitMatrix,
  out: number[],
  offset: number,
): void {
  const { k, m, value, high, low } = A;
  if (rowHigh.length < k) {
    rowHigh = new Float64Array(k);
    rowLow = new Float64Array(k);
  }
  for (let t = 0; t < k; t++) {
    const x = row[t]!;
    const s = SPLITTER * x;
    const h = s - (s - x);
    rowHigh[t] = h;
    rowLow[t] = x - h;
  }
  for (let j = 0; j < m; j++) {
    let sum = row[0]! * value[j]!;
    for (let t = 1; t < k; t++) {
      const x = row[t]!;
      const i = t * m + j;
      const p = x * value[i]!;
      const xh = rowHigh[t]!;
      const xl = rowLow[t]!;
      const ah = high[i]!;
      const al = low[i]!;
      const e = xh * ah - p + xh * al + xl * ah + xl * al;
      const s = p + sum;
      const v = s - p;
      sum = s + (p - (s - v) + (sum - v) + e);
    }
    out[offset + j] = sum;
  }
}
