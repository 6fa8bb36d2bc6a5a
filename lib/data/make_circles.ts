/**
 * A large circle containing a smaller one, generated as scikit-learn's `make_circles` does.
 *
 * @module
 */

import { checkFinite } from "../_internal/checks.ts";
import { resolveRandomState } from "./_random_state_option.ts";
import {
  checkNoise,
  linspace,
  shuffleAndNoise,
  splitSamples,
  type TwoClassData,
} from "./_two_rings.ts";
import type { RandomState } from "./random_state.ts";

/** Options for {@linkcode makeCircles}; names follow scikit-learn's in camelCase. */
export interface MakeCirclesOptions {
  /**
   * The number of rows (⌊n/2⌋ on the outer circle, the rest on the inner one), or the pair
   * [outer, inner].
   * @default {100}
   */
  nSamples?: number | readonly [number, number];
  /**
   * Shuffle the rows; without shuffling the outer circle comes first.
   * @default {true}
   */
  shuffle?: boolean;
  /**
   * The standard deviation of Gaussian noise added to every coordinate; `null` adds none.
   * @default {null}
   */
  noise?: number | null;
  /**
   * An integer seed in [0, 2³² − 1] (the same data as scikit-learn's `random_state=<int>`), a
   * {@linkcode RandomState} to draw from, or `undefined` to seed from entropy.
   * @default {undefined}
   */
  randomState?: number | RandomState;
  /**
   * The inner circle's radius relative to the outer one's (1), in [0, 1).
   * @default {0.8}
   */
  factor?: number;
}

const WHAT = "make circles";

/**
 * Two concentric circles in the plane, as scikit-learn's `make_circles`: points at angles evenly
 * spaced in [0, 2π) (the end left out) on the unit circle and on a circle of radius `factor`;
 * then the rows are shuffled and, with `noise`, moved by Gaussian noise — drawn from
 * {@linkcode RandomState} (NumPy's legacy generator) in scikit-learn's order, so an integer
 * `randomState` gives scikit-learn's data (the cosines and sines are V8's, which agree with
 * NumPy's to an ulp).
 *
 * Costs O(nSamples) time.
 *
 * @param options what to generate; every field is optional
 * @returns the rows and their labels (0 outer, 1 inner)
 * @throws {RangeError} when nSamples is negative, factor is outside [0, 1) or noise is negative
 * @throws {TypeError} when an option has the wrong type
 *
 * @example Noisy circles
 * ```ts
 * import { makeCircles } from "./make_circles.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeCircles({ nSamples: 100, noise: 0.05, factor: 0.5, randomState: 0 });
 * assert.equal(X.length, 100);
 * assert.equal(y.filter((label) => label === 0).length, 50);
 * ```
 *
 * @example The inner circle has radius `factor`
 * ```ts
 * import { makeCircles } from "./make_circles.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeCircles({ nSamples: 8, factor: 0.5, shuffle: false });
 * assert.deepEqual(y, [0, 0, 0, 0, 1, 1, 1, 1]);
 * assert.deepEqual(X[4], [0.5, 0]);
 * ```
 */
export function makeCircles(options: MakeCirclesOptions = {}): TwoClassData {
  const { nSamples = 100, shuffle = true, noise = null, randomState, factor = 0.8 } = options;
  const [nOuter, nInner] = splitSamples(WHAT, nSamples, 0);
  checkNoise(WHAT, noise);
  checkFinite(WHAT, "factor", factor);
  if (factor < 0 || factor >= 1) {
    throw new RangeError(`Cannot ${WHAT}: factor must be in [0, 1), current value is ${factor}`);
  }
  const rs = resolveRandomState(WHAT, randomState);
  const outer = linspace(0, 2 * Math.PI, nOuter, false);
  const inner = linspace(0, 2 * Math.PI, nInner, false);
  const X = [
    ...outer.map((t) => [Math.cos(t), Math.sin(t)]),
    ...inner.map((t) => [Math.cos(t) * factor, Math.sin(t) * factor]),
  ];
  const y = [...outer.map(() => 0), ...inner.map(() => 1)];
  return shuffleAndNoise(WHAT, X, y, shuffle, noise, rs);
}
