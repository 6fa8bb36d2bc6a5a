/**
 * Standardisation of features to zero mean and unit variance, as scikit-learn's
 * `StandardScaler`.
 *
 * @module
 */

import { checkMatrix } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";

/** A fitted {@linkcode StandardScaler} as plain JSON data. */
export interface StandardScalerJSON {
  /** Always `"StandardScaler"`. */
  name: "StandardScaler";
  /** The number of rows the scaler was fitted on. */
  nSamplesSeen: number;
  /** Per-feature mean. */
  mean: number[];
  /** Per-feature population variance. */
  variance: number[];
  /** Per-feature divisor: the population standard deviation, or 1 for a constant feature. */
  scale: number[];
}

interface Fitted {
  nSamplesSeen: number;
  mean: number[];
  variance: number[];
  scale: number[];
}

/**
 * Standardises features: `(x − mean) / scale`, column by column, with the statistics of the
 * rows given to {@linkcode StandardScaler.prototype.fit}.
 *
 * Conventions, as scikit-learn's `StandardScaler`: the variance is the population variance
 * (divided by n, not n − 1), computed with a two-pass algorithm with a correction term; `scale`
 * is its square root, except for a feature that is constant (variance within the rounding error
 * bound n·ε·var + (n·mean·ε)² of Chan, Golub and LeVeque), whose scale is 1 so that it
 * transforms to zeros instead of dividing by zero. Fitting costs O(rows × columns).
 *
 * @example Scale two features
 * ```ts
 * import { StandardScaler } from "./scaler.ts";
 * import assert from "node:assert/strict";
 *
 * const scaler = new StandardScaler().fit([[1, 5], [3, 5]]);
 * assert.deepEqual(scaler.mean, [2, 5]);
 * assert.deepEqual(scaler.scale, [1, 1]); // the constant column keeps scale 1
 * assert.deepEqual(scaler.transform([[3, 5], [0, 6]]), [[1, 0], [-2, 1]]);
 * ```
 */
export class StandardScaler {
  #fitted: Fitted | undefined;

  /** Per-feature means; `undefined` before fitting. */
  get mean(): readonly number[] | undefined {
    return this.#fitted?.mean;
  }

  /** Per-feature population variances; `undefined` before fitting. */
  get variance(): readonly number[] | undefined {
    return this.#fitted?.variance;
  }

  /** Per-feature divisors (standard deviation, 1 for constant features); `undefined` before fitting. */
  get scale(): readonly number[] | undefined {
    return this.#fitted?.scale;
  }

  /** The number of features seen in fitting; `undefined` before fitting. */
  get nFeatures(): number | undefined {
    return this.#fitted?.mean.length;
  }

  /**
   * Learns each column's mean and standard deviation from `X`, replacing any earlier fit.
   *
   * @param X rows of finite numbers, all of the same length
   * @returns this scaler, fitted
   * @throws {RangeError} when `X` is empty, ragged, or holds a non-finite value
   * @throws {TypeError} when `X` is not an array of number arrays
   *
   * @example Fit, then read the statistics
   * ```ts
   * import { StandardScaler } from "./scaler.ts";
   * import assert from "node:assert/strict";
   *
   * const scaler = new StandardScaler().fit([[0], [2], [4]]);
   * assert.deepEqual(scaler.mean, [2]);
   * assert.ok(Math.abs(scaler.variance![0]! - 8 / 3) < 1e-15);
   * ```
   */
  fit(X: readonly (readonly number[])[]): this {
    const columns = checkMatrix("fit StandardScaler", X);
    const n = X.length;
    const mean: number[] = [];
    const variance: number[] = [];
    const scale: number[] = [];
    for (let j = 0; j < columns; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += X[i]![j]!;
      const m = sum / n;
      // Two passes: sum of squared deviations, minus the square of the deviations' sum (zero in
      // exact arithmetic) to cancel the rounding error of the mean.
      let correction = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const deviation = X[i]![j]! - m;
        correction += deviation;
        squares += deviation * deviation;
      }
      const v = (squares - correction * correction / n) / n;
      const eps = Number.EPSILON;
      const constant = v <= n * eps * v + (n * m * eps) ** 2;
      mean.push(m);
      variance.push(v);
      scale.push(constant ? 1 : Math.sqrt(v));
    }
    this.#fitted = { nSamplesSeen: n, mean, variance, scale };
    return this;
  }

  /**
   * Standardises `X` with the fitted statistics; `X` is not modified.
   *
   * @param X rows with as many finite numbers as the rows seen in fitting
   * @returns new rows `(x − mean) / scale`
   * @throws {TypeError} when the scaler is not fitted or `X` is not an array of number arrays
   * @throws {RangeError} when `X` is empty, has a row of the wrong length, or a non-finite value
   *
   * @example Standardise new rows
   * ```ts
   * import { StandardScaler } from "./scaler.ts";
   * import assert from "node:assert/strict";
   *
   * const scaler = new StandardScaler().fit([[0], [4]]);
   * assert.deepEqual(scaler.transform([[6]]), [[2]]);
   * ```
   */
  transform(X: readonly (readonly number[])[]): number[][] {
    const fitted = this.#fitted;
    if (fitted === undefined) {
      throw new TypeError(
        "Cannot transform with StandardScaler: it must be fitted first, current value is unfitted",
      );
    }
    checkMatrix("transform with StandardScaler", X, fitted.mean.length);
    return X.map((row) => row.map((x, j) => (x - fitted.mean[j]!) / fitted.scale[j]!));
  }

  /**
   * Fits to `X`, then standardises it.
   *
   * @param X rows of finite numbers, all of the same length
   * @returns the standardised rows
   * @throws {RangeError} when `X` is empty, ragged, or holds a non-finite value
   * @throws {TypeError} when `X` is not an array of number arrays
   *
   * @example Columns of mean 0 and variance 1
   * ```ts
   * import { StandardScaler } from "./scaler.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new StandardScaler().fitTransform([[1], [3]]), [[-1], [1]]);
   * ```
   */
  fitTransform(X: readonly (readonly number[])[]): number[][] {
    return this.fit(X).transform(X);
  }

  /**
   * The fitted statistics as plain JSON data, for {@linkcode StandardScaler.load}.
   *
   * @returns the statistics
   * @throws {TypeError} when the scaler is not fitted
   *
   * @example Save and restore
   * ```ts
   * import { StandardScaler } from "./scaler.ts";
   * import assert from "node:assert/strict";
   *
   * const scaler = new StandardScaler().fit([[1, 2], [3, 7]]);
   * const copy = StandardScaler.load(JSON.parse(JSON.stringify(scaler)));
   * assert.deepEqual(copy.transform([[2, 2]]), scaler.transform([[2, 2]]));
   * ```
   */
  toJSON(): StandardScalerJSON {
    const fitted = this.#fitted;
    if (fitted === undefined) {
      throw new TypeError(
        "Cannot serialise StandardScaler: it must be fitted first, current value is unfitted",
      );
    }
    return {
      name: "StandardScaler",
      nSamplesSeen: fitted.nSamplesSeen,
      mean: [...fitted.mean],
      variance: [...fitted.variance],
      scale: [...fitted.scale],
    };
  }

  /**
   * Restores a scaler saved with {@linkcode StandardScaler.prototype.toJSON}.
   *
   * @param json the saved statistics
   * @returns a fitted scaler that transforms exactly as the saved one
   * @throws {TypeError} when `json` is not a saved StandardScaler
   *
   * @example Restore from JSON text
   * ```ts
   * import { StandardScaler } from "./scaler.ts";
   * import assert from "node:assert/strict";
   *
   * const scaler = StandardScaler.load({
   *   name: "StandardScaler",
   *   nSamplesSeen: 2,
   *   mean: [1],
   *   variance: [4],
   *   scale: [2],
   * });
   * assert.deepEqual(scaler.transform([[5]]), [[2]]);
   * ```
   */
  static load(json: StandardScalerJSON): StandardScaler {
    const what = "load StandardScaler";
    if (json === null || typeof json !== "object" || json.name !== "StandardScaler") {
      throw new TypeError(
        `Cannot ${what}: json must be a saved StandardScaler, current value is ${show(json)}`,
      );
    }
    const { mean, variance, scale, nSamplesSeen } = json;
    const columns = checkMatrix(what, [mean], undefined, "mean");
    checkMatrix(what, [variance], columns, "variance");
    checkMatrix(what, [scale], columns, "scale");
    if (!Number.isInteger(nSamplesSeen) || nSamplesSeen < 1) {
      throw new TypeError(
        `Cannot ${what}: nSamplesSeen must be a positive integer, current value is ${
          show(nSamplesSeen)
        }`,
      );
    }
    const scaler = new StandardScaler();
    scaler.#fitted = { nSamplesSeen, mean: [...mean], variance: [...variance], scale: [...scale] };
    return scaler;
  }
}
