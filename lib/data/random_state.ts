/**
 * NumPy's legacy random generator, `numpy.random.RandomState`, stream for stream.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { Mt19937, MT19937_STATE_WORDS, type Mt19937Seed } from "./_mt19937.ts";
import {
  type AugmentedGenerator,
  generatorOf,
  legacyGauss,
  maskedInterval,
  shuffleInPlace,
} from "./_legacy_distributions.ts";
import { choiceIndices } from "./_choice.ts";

/** An output shape: a length, or the lengths of nested arrays (C order, last axis innermost). */
export type Size = number | readonly number[];

/** Numbers nested to any depth. */
export type NestedNumbers = number[] | NestedNumbers[];

/** What a method returns for a `size`: a number without one, else arrays of that shape. */
export type Sized<S extends Size | undefined> = S extends undefined ? number
  : S extends number ? number[]
  : S extends readonly [number] ? number[]
  : S extends readonly [number, number] ? number[][]
  : NestedNumbers;

/** The state of a {@linkcode RandomState}: NumPy's `get_state()` tuple without its name. */
export interface RandomStateState {
  /** The 624 words of the Mersenne Twister's state (NumPy's `key`). */
  key: Uint32Array | readonly number[];
  /** The position in the current block of 624 words, 0–624 (NumPy's `pos`). */
  pos: number;
  /** Whether a normal deviate is cached (NumPy's `has_gauss`). */
  hasGauss: boolean;
  /** The cached normal deviate, 0 when there is none (NumPy's `cached_gaussian`). */
  gauss: number;
}

/** Options for {@linkcode RandomState.choice}. */
export interface ChoiceOptions {
  /**
   * Draw with replacement (items may repeat).
   * @default {true}
   */
  replace?: boolean;
  /**
   * The probability of each item: non-negative, summing to 1 within about 1.5e-8. Uniform when
   * absent.
   * @default {undefined}
   */
  p?: readonly number[] | null;
}

const WHAT = "draw random numbers";

/**
 * NumPy's legacy generator `numpy.random.RandomState`, consuming the Mersenne Twister stream
 * exactly as NumPy does: for an integer seed, any sequence of these calls returns NumPy's
 * values — bit for bit for the floating-point ones. scikit-learn's `random_state=<int>` draws
 * from this generator, so {@linkcode makeClassification} and {@linkcode trainTestSplit} built
 * on it give scikit-learn's data and splits.
 *
 * - The raw stream is MT19937 (npm `random-js`), seeded with `init_genrand` for an integer and
 *   `init_by_array` for an array, as NumPy seeds it.
 * - Doubles in [0, 1) take two 32-bit words: (a ≫ 5 · 2²⁶ + b ≫ 6) / 2⁵³.
 * - Normal deviates use the polar method with NumPy's cached second value (glibc's `log`,
 *   reproduced bit for bit); `seed` and `setState` clear or restore the cache.
 * - Bounded integers (`randint`, `shuffle`, `permutation`, `choice`) use masked rejection on
 *   32-bit words (64-bit words for ranges of 2³² and more).
 *
 * Array results are plain nested arrays in C order; `size` is a length or a shape.
 *
 * @example The same numbers as `numpy.random.RandomState(42)`
 * ```ts
 * import { RandomState } from "./random_state.ts";
 * import assert from "node:assert/strict";
 *
 * const rs = new RandomState(42);
 * assert.equal(rs.randomSample(), 0.3745401188473625); // np.random.RandomState(42).random_sample()
 * assert.deepEqual(rs.randint(0, 10, 3), [7, 4, 6]);
 * assert.equal(new RandomState(0).standardNormal(), 1.764052345967664);
 * ```
 *
 * @example Save the state and resume from it
 * ```ts
 * import { RandomState } from "./random_state.ts";
 * import assert from "node:assert/strict";
 *
 * const rs = new RandomState(7);
 * rs.standardNormal(3); // leaves a cached deviate behind
 * const saved = rs.getState();
 * const next = rs.normal(10, 2, 4);
 * rs.setState(saved);
 * assert.deepEqual(rs.normal(10, 2, 4), next);
 * ```
 */
export class RandomState {
  #state: AugmentedGenerator;

  /**
   * A generator seeded as `numpy.random.RandomState(seed)`.
   *
   * @param seed an integer in [0, 2³² − 1] or a non-empty array of them, as NumPy takes;
   * `undefined` seeds from the platform's entropy
   * @throws {RangeError} when the seed is out of range or not an integer
   */
  constructor(seed?: Mt19937Seed) {
    checkSeed(seed);
    this.#state = { mt: new Mt19937(seed), hasGauss: false, gauss: 0 };
    generatorOf.set(this, this.#state);
  }

  /**
   * Reseeds the generator and clears the cached normal deviate, as NumPy's `seed`.
   *
   * @example Reseeding restarts the stream
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const rs = new RandomState(3);
   * const first = rs.randn(2);
   * rs.seed(3);
   * assert.deepEqual(rs.randn(2), first);
   * ```
   */
  seed(seed?: Mt19937Seed): void {
    checkSeed(seed);
    this.#state.mt = new Mt19937(seed);
    this.#state.hasGauss = false;
    this.#state.gauss = 0;
  }

  /**
   * A copy of the generator's state, as NumPy's `get_state()`.
   *
   * @example Two generators in the same state draw the same numbers
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const a = new RandomState(1);
   * a.randn();
   * const b = new RandomState(99);
   * b.setState(a.getState());
   * assert.equal(b.randn(), a.randn());
   * ```
   */
  getState(): RandomStateState {
    const { key, pos } = this.#state.mt.getState();
    return { key, pos, hasGauss: this.#state.hasGauss, gauss: this.#state.gauss };
  }

  /**
   * Restores a state from {@linkcode RandomState.getState} or from NumPy's `get_state()`
   * (its key array, position, `has_gauss` and cached deviate).
   *
   * @example Continue NumPy's stream from its state
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const saved = new RandomState(5).getState();
   * const rs = new RandomState();
   * rs.setState(saved);
   * assert.equal(rs.randomSample(), new RandomState(5).randomSample());
   * ```
   *
   * @throws {RangeError} when the key does not have 624 words of 32 bits or pos is not in
   * [0, 624]
   */
  setState(state: RandomStateState): void {
    const { key, pos, hasGauss, gauss } = state;
    if (
      key?.length !== MT19937_STATE_WORDS ||
      !Array.prototype.every.call(key, (w: number) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
    ) {
      throw new RangeError(
        `Cannot set the random state: key must hold 624 integers in [0, 4294967295], current value has ${
          show(key?.length)
        } entries`,
      );
    }
    if (!Number.isInteger(pos) || pos < 0 || pos > MT19937_STATE_WORDS) {
      throw new RangeError(
        `Cannot set the random state: pos must be an integer in [0, 624], current value is ${
          show(pos)
        }`,
      );
    }
    this.#state.mt.setState(key, pos);
    this.#state.hasGauss = Boolean(hasGauss);
    this.#state.gauss = hasGauss ? gauss : 0;
  }

  /**
   * Uniform doubles in [0, 1) with 53 random bits, as NumPy's `random_sample`.
   *
   * @example One number, then three
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const rs = new RandomState(0);
   * assert.equal(rs.randomSample(), 0.5488135039273248);
   * assert.equal(rs.randomSample(3).length, 3);
   * ```
   */
  randomSample<const S extends Size | undefined = undefined>(size?: S): Sized<S> {
    const mt = this.#state.mt;
    if (size === undefined) return mt.nextDouble() as Sized<S>;
    return fill(size as S, () => mt.nextDouble());
  }

  /**
   * Uniform doubles in [0, 1) of shape `dims`, as NumPy's `rand(d0, d1, …)`: one number
   * without dimensions.
   *
   * @example A 2 × 3 matrix
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const m = new RandomState(0).rand(2, 3);
   * assert.equal(m.length, 2);
   * assert.equal(m[1]!.length, 3);
   * ```
   */
  rand(): number;
  /** A vector of `d0` uniform doubles in [0, 1). */
  rand(d0: number): number[];
  /** A `d0` × `d1` matrix of uniform doubles in [0, 1). */
  rand(d0: number, d1: number): number[][];
  /** Uniform doubles in [0, 1) of shape `dims`. */
  rand(...dims: number[]): number | NestedNumbers;
  rand(...dims: number[]): number | NestedNumbers {
    return this.randomSample(dims.length === 0 ? undefined : dims);
  }

  /**
   * Uniform doubles in [low, high), as NumPy's `uniform`: low + (high − low)·u.
   *
   * @example Five numbers in [−1, 1)
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const values = new RandomState(4).uniform(-1, 1, 5);
   * assert.ok(values.every((v) => v >= -1 && v < 1));
   * ```
   *
   * @throws {RangeError} when high − low is not finite
   */
  uniform<const S extends Size | undefined = undefined>(
    low = 0,
    high = 1,
    size?: S,
  ): Sized<S> {
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(
        `Cannot ${WHAT}: high - low must be finite, current value is ${range} (low ${
          show(low)
        }, high ${show(high)})`,
      );
    }
    const mt = this.#state.mt;
    if (size === undefined) return low + range * mt.nextDouble() as Sized<S>;
    return fill(size as S, () => low + range * mt.nextDouble());
  }

  /**
   * Standard normal deviates, as NumPy's `standard_normal` (the legacy polar method).
   *
   * @example Deviates of NumPy's stream
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new RandomState(0).standardNormal(2), [1.764052345967664, 0.4001572083672233]);
   * ```
   */
  standardNormal<const S extends Size | undefined = undefined>(size?: S): Sized<S> {
    const state = this.#state;
    if (size === undefined) return legacyGauss(state) as Sized<S>;
    return fill(size as S, () => legacyGauss(state));
  }

  /**
   * Standard normal deviates of shape `dims`, as NumPy's `randn(d0, d1, …)`.
   *
   * @example A 3 × 2 matrix
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new RandomState(0).randn(3, 2)[2]!.length, 2);
   * ```
   */
  randn(): number;
  /** A vector of `d0` standard normal deviates. */
  randn(d0: number): number[];
  /** A `d0` × `d1` matrix of standard normal deviates. */
  randn(d0: number, d1: number): number[][];
  /** Standard normal deviates of shape `dims`. */
  randn(...dims: number[]): number | NestedNumbers;
  randn(...dims: number[]): number | NestedNumbers {
    return this.standardNormal(dims.length === 0 ? undefined : dims);
  }

  /**
   * Normal deviates with mean `loc` and standard deviation `scale`, as NumPy's `normal`:
   * loc + scale·z.
   *
   * @example Mean 10, standard deviation 2
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new RandomState(0).normal(10, 2), 10 + 2 * 1.764052345967664);
   * ```
   *
   * @throws {RangeError} when scale is negative or either is not finite
   */
  normal<const S extends Size | undefined = undefined>(loc = 0, scale = 1, size?: S): Sized<S> {
    if (!Number.isFinite(loc) || !Number.isFinite(scale) || scale < 0) {
      throw new RangeError(
        `Cannot ${WHAT}: loc must be finite and scale finite and non-negative, current value is loc ${
          show(loc)
        }, scale ${show(scale)}`,
      );
    }
    const state = this.#state;
    if (size === undefined) return loc + scale * legacyGauss(state) as Sized<S>;
    return fill(size as S, () => loc + scale * legacyGauss(state));
  }

  /**
   * Uniform integers in [low, high), as NumPy's `randint` (64-bit integers, masked rejection);
   * with one bound, in [0, low).
   *
   * @example Dice
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const rolls = new RandomState(42).randint(1, 7, 10);
   * assert.ok(rolls.every((r) => r >= 1 && r <= 6));
   * assert.equal(new RandomState(42).randint(10), 6);
   * ```
   *
   * @throws {RangeError} when the bounds are not safe integers with low < high
   */
  randint<const S extends Size | undefined = undefined>(
    low: number,
    high?: number,
    size?: S,
  ): Sized<S> {
    if (high === undefined) [low, high] = [0, low];
    if (
      !Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low >= high ||
      !Number.isSafeInteger(high - low - 1)
    ) {
      throw new RangeError(
        `Cannot ${WHAT}: low and high must be safe integers with low < high, current value is low ${
          show(low)
        }, high ${show(high)}`,
      );
    }
    const mt = this.#state.mt;
    const max = high - 1 - low;
    if (size === undefined) return low + maskedInterval(mt, max) as Sized<S>;
    return fill(size as S, () => low + maskedInterval(mt, max));
  }

  /**
   * Shuffles `items` in place, as NumPy's `shuffle` (Fisher–Yates from the last item; for a
   * matrix, its rows).
   *
   * @example Shuffle a copy
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const items = ["a", "b", "c", "d"];
   * new RandomState(0).shuffle(items);
   * assert.deepEqual([...items].sort(), ["a", "b", "c", "d"]);
   * ```
   */
  shuffle<T>(items: T[] | { length: number; [index: number]: T }): void {
    shuffleInPlace(this.#state.mt, items);
  }

  /**
   * A shuffled copy of `items`, or of 0, 1, …, n − 1 when given a number n, as NumPy's
   * `permutation`.
   *
   * @example A permutation of five indices
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new RandomState(42).permutation(5), [1, 4, 2, 0, 3]);
   * ```
   *
   * @throws {RangeError} when n is not a non-negative integer
   */
  permutation(n: number): number[];
  /** A shuffled copy of `items`. */
  permutation<T>(items: readonly T[]): T[];
  permutation<T>(itemsOrN: number | readonly T[]): (T | number)[] {
    const items: (T | number)[] = typeof itemsOrN === "number"
      ? range(itemsOrN, "permutation")
      : [...itemsOrN];
    shuffleInPlace<T | number>(this.#state.mt, items);
    return items;
  }

  /**
   * Random items of `items` (or integers in [0, n) when given a number n), as NumPy's
   * `choice`: with replacement by `randint` (or, with `p`, by inverting the cumulative
   * probabilities at uniform deviates); without replacement the first `size` items of a
   * permutation (or, with `p`, NumPy's repeated weighted draws of the items not yet chosen).
   *
   * @example Weighted draws, and a sample without replacement
   * ```ts
   * import { RandomState } from "./random_state.ts";
   * import assert from "node:assert/strict";
   *
   * const rs = new RandomState(0);
   * const colours = rs.choice(["red", "green", "blue"], 4, { p: [0.5, 0.3, 0.2] });
   * assert.equal(colours.length, 4);
   * const hand = rs.choice(52, 5, { replace: false });
   * assert.equal(new Set(hand).size, 5);
   * ```
   *
   * @throws {RangeError} for an empty population, a sample larger than the population without
   * replacement, or invalid probabilities
   */
  choice(n: number, size?: undefined, options?: ChoiceOptions): number;
  /** `size` random integers in [0, n). */
  choice(n: number, size: Size, options?: ChoiceOptions): number[];
  /** One random item of `items`. */
  choice<T>(items: readonly T[], size?: undefined, options?: ChoiceOptions): T;
  /** `size` random items of `items`. */
  choice<T>(items: readonly T[], size: Size, options?: ChoiceOptions): T[];
  choice<T>(
    itemsOrN: number | readonly T[],
    size?: Size,
    options: ChoiceOptions = {},
  ): T | number | (T | number)[] {
    const population = typeof itemsOrN === "number" ? itemsOrN : itemsOrN.length;
    if (typeof itemsOrN === "number") range(itemsOrN, "choice");
    const count = size === undefined ? 1 : sizeOf(size);
    const indices = choiceIndices(this, population, count, options);
    const pick = (i: number) => (typeof itemsOrN === "number" ? i : itemsOrN[i]!);
    return size === undefined ? pick(indices[0]!) : indices.map(pick);
  }
}

function checkSeed(seed: Mt19937Seed | undefined): void {
  const valid = (s: unknown) =>
    typeof s === "number" && Number.isInteger(s) && s >= 0 && s <= 0xffffffff;
  if (seed === undefined || valid(seed)) return;
  if (Array.isArray(seed) && seed.length > 0 && seed.every(valid)) return;
  throw new RangeError(
    `Cannot seed the random state: the seed must be an integer in [0, 4294967295] or a non-empty array of them, current value is ${
      show(seed)
    }`,
  );
}

/** 0, 1, …, n − 1. */
function range(n: number, what: string): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot ${WHAT} (${what}): n must be a non-negative integer, current value is ${show(n)}`,
    );
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** The number of entries of a shape. */
export function sizeOf(size: Size): number {
  const dims = typeof size === "number" ? [size] : size;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `Cannot ${WHAT}: size must hold non-negative integers, current value is ${show(size)}`,
      );
    }
  }
  return dims.reduce((a, b) => a * b, 1);
}

/** One draw without a size, else nested arrays of that shape filled in C order. */
function fill<S extends Size | undefined>(size: S, draw: () => number): Sized<S> {
  if (size === undefined) return draw() as Sized<S>;
  sizeOf(size);
  const dims = typeof size === "number" ? [size] : size as readonly number[];
  const build = (axis: number): NestedNumbers => {
    const n = dims[axis]!;
    if (axis === dims.length - 1) {
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) out[i] = draw();
      return out;
    }
    return Array.from({ length: n }, () => build(axis + 1)) as NestedNumbers;
  };
  return (dims.length === 0 ? draw() : build(0)) as Sized<S>;
}
