/**
 * Two interleaving half circles, generated as scikit-learn's `make_moons` does.
 *
 * @module
 */

import { resolveRandomState } from "./_random_state_option.ts";
import {
  checkNoise,
  linspace,
  shuffleAndNoise,
  splitSamples,
  type TwoClassData,
} from "./_two_rings.ts";
import type { RandomState } from "./random_state.ts";

/** Options for {@linkcode makeMoons}; names follow scikit-learn's in camelCase. */
export interface MakeMoonsOptions {
  /**
   * The number of rows (⌊n/2⌋ on the outer moon, the rest on the inner one), or the pair
   * [outer, inner].
   * @default {100}
   */
  nSamples?: number | readonly [number, number];
  /**
   * Shuffle the rows; without shuffling the outer moon comes first.
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
}

const WHAT = "make moons";

/**
 * Two interleaving half circles in the plane, as scikit-learn's `make_moons`: the outer moon is
 * (cos t, sin t) and the inner one (1 − cos t, 0.5 − sin t) for t evenly spaced in [0, π]; the
 * rows are then shuffled and, with `noise`, moved by Gaussian noise — drawn from
 * {@linkcode RandomState} (NumPy's legacy generator) in scikit-learn's order, so an integer
 * `randomState` gives scikit-learn's data (the cosines and sines are V8's, which agree with
 * NumPy's to an ulp).
 *
 * Costs O(nSamples) time.
 *
 * @param options what to generate; every field is optional
 * @returns the rows and their labels (0 outer, 1 inner)
 * @throws {RangeError} when nSamples is below 1 or noise is negative
 * @throws {TypeError} when an option has the wrong type
 *
 * @example Noisy moons
 * ```ts
 * import { makeMoons } from "./make_moons.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeMoons({ nSamples: 200, noise: 0.2, randomState: 42 });
 * assert.equal(X.length, 200);
 * assert.equal(y.filter((label) => label === 1).length, 100);
 * ```
 *
 * @example Without shuffling or noise the points lie on the moons, outer moon first
 * ```ts
 * import { makeMoons } from "./make_moons.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeMoons({ nSamples: [3, 2], shuffle: false });
 * assert.deepEqual(y, [0, 0, 0, 1, 1]);
 * assert.deepEqual(X[0], [1, 0]);
 * assert.deepEqual(X[3], [0, 0.5]);
 * ```
 */
export function makeMoons(options: MakeMoonsOptions = {}): TwoClassData {
  const { nSamples = 100, shuffle = true, noise = null, randomState } = options;
  const [nOuter, nInner] = splitSamples(WHAT, nSamples, 1);
  checkNoise(WHAT, noise);
  const rs = resolveRandomState(WHAT, randomState);
  const outer = linspace(0, Math.PI, nOuter, true);
  const inner = linspace(0, Math.PI, nInner, true);
  const X = [
    ...outer.map((t) => [Math.cos(t), Math.sin(t)]),
    ...inner.map((t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5]),
  ];
  const y = [...outer.map(() => 0), ...inner.map(() => 1)];
  return shuffleAndNoise(WHAT, X, y, shuffle, noise, rs);
}
