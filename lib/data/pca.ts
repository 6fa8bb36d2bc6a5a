/**
 * Principal component analysis for looking at data in two dimensions.
 *
 * @module
 */

import { checkMatrix } from "../_internal/checks.ts";

/** Options of {@linkcode pca}. */
export interface PcaOptions {
  /** How many components to keep. @default 2 */
  nComponents?: number;
}

/** The result of {@linkcode pca}. */
export interface PcaResult {
  /** Unit-length component directions, largest variance first (one row per component). */
  components: number[][];
  /** Variance along each component (sample variance, divided by n − 1, as scikit-learn). */
  explainedVariance: number[];
  /** Share of the total variance along each component. */
  explainedVarianceRatio: number[];
  /** The centred rows projected on the components (one row per input row). */
  projected: number[][];
}

/**
 * Projects rows on their first principal components: the leading eigenvectors of the sample
 * covariance matrix, found by power iteration with deflation (O(iterations · d²) after the
 * O(n · d²) covariance). Each component's sign is chosen so its largest-magnitude entry is
 * positive, so results are deterministic.
 *
 * @example Points on a line
 * ```ts
 * import { pca } from "./pca.ts";
 * import assert from "node:assert/strict";
 *
 * // Points on the line y = 2x: one component carries all the variance.
 * const { explainedVarianceRatio, projected } = pca([[0, 0], [1, 2], [2, 4], [3, 6]]);
 * assert.ok(Math.abs(explainedVarianceRatio[0]! - 1) < 1e-12);
 * assert.equal(projected.length, 4);
 * ```
 */
export function pca(X: readonly (readonly number[])[], options: PcaOptions = {}): PcaResult {
  const { nComponents = 2 } = options;
  const d = checkMatrix("compute PCA", X);
  const n = X.length;
  if (n < 2) {
    throw new RangeError(`Cannot compute PCA: needs at least 2 rows, current value is ${n}`);
  }
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > Math.min(d, n)) {
    throw new RangeError(
      `Cannot compute PCA: nComponents must be an integer from 1 to ${Math.min(d, n)}, ` +
        `current value is ${nComponents}`,
    );
  }
  const mean = new Array<number>(d).fill(0);
  for (const row of X) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  const centred = X.map((row) => row.map((v, j) => v - mean[j]!));
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const row of centred) {
    for (let i = 0; i < d; i++) {
      const ri = row[i]!;
      const ci = cov[i]!;
      for (let j = i; j < d; j++) ci[j]! += ri * row[j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      cov[i]![j]! /= n - 1;
      cov[j]![i] = cov[i]![j]!;
    }
  }
  let total = 0;
  for (let i = 0; i < d; i++) total += cov[i]![i]!;
  const components: number[][] = [];
  const explainedVariance: number[] = [];
  for (let c = 0; c < nComponents; c++) {
    let v = Array.from({ length: d }, (_, i) => 1 / Math.sqrt(d) + i * 1e-3);
    let lambda = 0;
    for (let iter = 0; iter < 10_000; iter++) {
      const w = cov.map((row) => row.reduce((s, x, j) => s + x * v[j]!, 0));
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = Math.max(...next.map((x, i) => Math.abs(x - v[i]!)));
      v = next;
      lambda = norm;
      if (change < 1e-13) break;
    }
    // A deterministic sign: the largest-magnitude entry is positive.
    const big = v.reduce((b, x, i) => Math.abs(x) > Math.abs(v[b]!) ? i : b, 0);
    if (v[big]! < 0) v = v.map((x) => -x);
    components.push(v);
    explainedVariance.push(lambda);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) cov[i]![j]! -= lambda * v[i]! * v[j]!;
    }
  }
  const projected = centred.map((row) =>
    components.map((v) => row.reduce((s, x, j) => s + x * v[j]!, 0))
  );
  return {
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((x) => (total === 0 ? 0 : x / total)),
    projected,
  };
}
