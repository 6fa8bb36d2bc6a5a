/**
 * Seeded random draws for tests that need some reproducible numbers and no particular stream:
 * uniform, normal, integer and permutation, on top of npm `random-js`'s Mersenne Twister
 * (MT19937). The data generators draw from `RandomState` (random_state.ts) instead, which reproduces
 * NumPy's stream. Not part of the public API.
 *
 * @module
 */

import {
  integer,
  MersenneTwister19937,
  realZeroToOneExclusive,
  shuffle,
} from "npm:random-js@2.1.0";

/** The draws the tests need. */
export interface RandomSource {
  /** A uniform deviate in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal deviate (mean 0, variance 1). */
  normal(): number;
  /** A uniform integer in [min, max], both inclusive. */
  integer(min: number, max: number): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** A random permutation of 0, 1, …, n − 1. */
  permutation(n: number): number[];
}

/**
 * Makes a {@linkcode RandomSource} seeded with `randomState`, or seeded from the clock and the
 * platform's entropy when it is `undefined`.
 *
 * Normal deviates use the Marsaglia polar method: draw (u, v) uniform in the square (−1, 1)²
 * until 0 < s = u² + v² < 1, then u·√(−2 ln s / s) and v·√(−2 ln s / s) are two independent
 * standard normal deviates; the second is kept for the next call.
 */
export function createRandomSource(randomState?: number): RandomSource {
  // `seed` takes an int32; `| 0` maps [0, 2³²) onto int32 one-to-one.
  const engine = randomState === undefined
    ? MersenneTwister19937.autoSeed()
    : MersenneTwister19937.seed(randomState | 0);
  let spareNormal: number | undefined;

  const uniform = () => realZeroToOneExclusive(engine);

  return {
    uniform,
    normal(): number {
      if (spareNormal !== undefined) {
        const z = spareNormal;
        spareNormal = undefined;
        return z;
      }
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * uniform() - 1;
        v = 2 * uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const factor = Math.sqrt(-2 * Math.log(s) / s);
      spareNormal = v * factor;
      return u * factor;
    },
    integer(min: number, max: number): number {
      return integer(min, max)(engine);
    },
    shuffle<T>(array: T[]): T[] {
      return shuffle(engine, array);
    },
    permutation(n: number): number[] {
      const indices = Array.from({ length: n }, (_, i) => i);
      return shuffle(engine, indices);
    },
  };
}
