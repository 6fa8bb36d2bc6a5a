/**
 * What `makeMoons` and `makeCircles` share: scikit-learn's split of `n_samples` into an outer and
 * an inner part, NumPy's `linspace`, and the shuffle and noise steps. Not part of the public API.
 *
 * @module
 */

import { checkFinite, checkInteger } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";
import { generatorOf, legacyGauss } from "./_legacy_distributions.ts";
import type { RandomState } from "./random_state.ts";

/** Two-dimensional rows and their labels (0 outer, 1 inner). */
export interface TwoClassData {
  /** The rows, two numbers each. */
  X: number[][];
  /** 0 for the outer moon or circle, 1 for the inner one. */
  y: number[];
}

/**
 * [outer, inner] from `nSamples`: an integer n gives ⌊n/2⌋ outer and the rest inner rows; a
 * pair gives both counts.
 */
export function splitSamples(
  what: string,
  nSamples: number | readonly [number, number],
  min: number,
): [number, number] {
  if (typeof nSamples === "number") {
    checkInteger(what, "nSamples", nSamples, min);
    const outer = Math.floor(nSamples / 2);
    return [outer, nSamples - outer];
  }
  if (!Array.isArray(nSamples) || nSamples.length !== 2) {
    throw new TypeError(
      `Cannot ${what}: nSamples must be an integer or a pair [outer, inner], current value is ${
        show(nSamples)
      }`,
    );
  }
  checkInteger(what, "nSamples[0]", nSamples[0], 0);
  checkInteger(what, "nSamples[1]", nSamples[1], 0);
  return [nSamples[0], nSamples[1]];
}

/**
 * NumPy's `linspace(start, stop, num, endpoint)`: i·step + start with step = (stop − start) /
 * (num − 1 or num), the last point set to `stop` when it is included.
 */
export function linspace(start: number, stop: number, num: number, endpoint: boolean): number[] {
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const out = new Array<number>(num);
  if (div > 0) {
    const step = delta / div;
    for (let i = 0; i < num; i++) out[i] = step === 0 ? i / div * delta + start : i * step + start;
  } else {
    for (let i = 0; i < num; i++) out[i] = i * delta + start;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/**
 * Shuffles rows and labels together (scikit-learn's `utils.shuffle`: one permutation), then adds
 * normal noise of standard deviation `noise` to every coordinate, row by row, as scikit-learn's
 * `X += generator.normal(scale=noise, size=X.shape)`.
 */
export function shuffleAndNoise(
  what: string,
  X: number[][],
  y: number[],
  shuffle: boolean,
  noise: number | null,
  rs: RandomState,
): TwoClassData {
  if (typeof shuffle !== "boolean") {
    throw new TypeError(
      `Cannot ${what}: shuffle must be a boolean, current value is ${show(shuffle)}`,
    );
  }
  if (shuffle) {
    const order = rs.permutation(X.length);
    X = order.map((i) => X[i]!);
    y = order.map((i) => y[i]!);
  }
  if (noise !== null && noise !== undefined) {
    const generator = generatorOf.get(rs)!;
    X = X.map((row) => row.map((v) => v + (0 + noise * legacyGauss(generator))));
  }
  return { X, y };
}

/** Validates `noise`: null, or a finite number ≥ 0. */
export function checkNoise(what: string, noise: number | null): void {
  if (noise === null || noise === undefined) return;
  checkFinite(what, "noise", noise);
  if (noise < 0) {
    throw new RangeError(`Cannot ${what}: noise must be at least 0, current value is ${noise}`);
  }
}
