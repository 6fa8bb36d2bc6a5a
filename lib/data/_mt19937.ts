/**
 * The raw 32-bit stream of NumPy's legacy generator: the Mersenne Twister MT19937 of npm
 * `random-js`, which seeds an integer with the reference `init_genrand` (multiplier 1812433253)
 * and an array with `init_by_array`, exactly as NumPy's `RandomState(seed)` does, plus the two
 * ways NumPy combines 32-bit words (53-bit doubles, 64-bit integers) and access to the state.
 * Not part of the public API.
 *
 * @module
 */

import { MersenneTwister19937 } from "npm:random-js@2.1.0";

/** The number of 32-bit words in the Mersenne Twister's state. */
export const MT19937_STATE_WORDS = 624;

/**
 * `random-js`'s engine as it is at run time: its state array and read position are declared
 * private in its typings, and {@linkcode Mt19937} reads and writes them for `getState` and
 * `setState` (checked when an engine is made, so a changed dependency fails loudly).
 */
interface EngineInternals {
  data: Int32Array;
  index: number;
}

/** A seed: an integer in [0, 2³² − 1], or a non-empty array of such integers. */
export type Mt19937Seed = number | readonly number[];

/** The generator's state: NumPy's `get_state()[1:3]`, the 624 key words and the position. */
export interface Mt19937State {
  /** The 624 words of the state, as NumPy's `key` array. */
  key: Uint32Array;
  /** How many words of the current block were used, 0–624, as NumPy's `pos`. */
  pos: number;
}

/** MT19937 seeded as NumPy's legacy `RandomState` seeds it. */
export class Mt19937 {
  #engine: MersenneTwister19937;
  #internals: EngineInternals;

  /**
   * @param seed an integer (NumPy's `init_genrand`), an array of integers (`init_by_array`), or
   * `undefined` for a seed from the platform's entropy
   */
  constructor(seed?: Mt19937Seed) {
    this.#engine = seedEngine(seed);
    this.#internals = internalsOf(this.#engine);
  }

  /** The next 32-bit word, as an unsigned integer. */
  next32(): number {
    return this.#engine.next() >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, from two words, as NumPy's `next_double`. */
  nextDouble(): number {
    const a = this.#engine.next() >>> 5;
    const b = this.#engine.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A copy of the state. */
  getState(): Mt19937State {
    const { data, index } = this.#internals;
    return { key: new Uint32Array(data.buffer.slice(0)), pos: index };
  }

  /** Replaces the state (the arguments are copied). */
  setState(key: ArrayLike<number>, pos: number): void {
    this.#internals.data.set(Int32Array.from(key, (word) => word | 0));
    this.#internals.index = pos;
  }
}

function seedEngine(seed: Mt19937Seed | undefined): MersenneTwister19937 {
  if (seed === undefined) return MersenneTwister19937.autoSeed();
  // `| 0` maps [0, 2³²) onto int32 one-to-one; the engine works on int32 words.
  if (typeof seed === "number") return MersenneTwister19937.seed(seed | 0);
  return MersenneTwister19937.seedWithArray(seed.map((word) => word | 0));
}

function internalsOf(engine: MersenneTwister19937): EngineInternals {
  const internals = engine as unknown as EngineInternals;
  if (
    !(internals.data instanceof Int32Array) ||
    internals.data.length !== MT19937_STATE_WORDS ||
    typeof internals.index !== "number"
  ) {
    throw new Error(
      "Cannot use random-js's MersenneTwister19937: its state is not the expected 624-word array",
    );
  }
  return internals;
}
