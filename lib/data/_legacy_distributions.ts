/**
 * The layers NumPy's legacy `RandomState` puts over the raw MT19937 stream, as in NumPy's
 * `legacy-distributions.c` and `distributions.c`: the polar-method normal deviate with its cached
 * second value, and bounded integers by masked rejection. Not part of the public API.
 *
 * @module
 */

import { glibcLog } from "./_glibc_log.ts";
import type { Mt19937 } from "./_mt19937.ts";

/** The raw generator plus the cached normal deviate: NumPy's `aug_bitgen_t`. */
export interface AugmentedGenerator {
  /** The raw 32-bit stream. */
  mt: Mt19937;
  /** Whether `gauss` holds the second deviate of the last pair. */
  hasGauss: boolean;
  /** The cached deviate (0 when there is none). */
  gauss: number;
}

/**
 * The state behind each `RandomState`, for the data generators' inner loops (which draw tens of
 * thousands of numbers and skip the public methods' argument handling).
 */
export const generatorOf: WeakMap<object, AugmentedGenerator> = new WeakMap();

/**
 * A standard normal deviate by the Marsaglia polar method, as NumPy's `legacy_gauss`: draw
 * x1 = 2u − 1 and x2 = 2v − 1 until 0 < r² = x1² + x2² < 1, then f = √(−2·ln r² / r²); return
 * f·x2 and keep f·x1 for the next call. The logarithm is glibc's, bit for bit.
 */
export function legacyGauss(state: AugmentedGenerator): number {
  if (state.hasGauss) {
    const cached = state.gauss;
    state.hasGauss = false;
    state.gauss = 0;
    return cached;
  }
  const { mt } = state;
  let x1: number;
  let x2: number;
  let r2: number;
  do {
    x1 = 2 * mt.nextDouble() - 1;
    x2 = 2 * mt.nextDouble() - 1;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1 || r2 === 0);
  const f = Math.sqrt(-2 * glibcLog(r2) / r2);
  state.gauss = f * x1;
  state.hasGauss = true;
  return f * x2;
}

const TWO_32 = 4294967296;

/**
 * A uniform integer in [0, max] by masked rejection, as NumPy's `random_interval` and its
 * masked bounded generators (`random_bounded_uint64_fill` with `use_masked`): no draw when max
 * is 0; otherwise mask = the smallest 2^k − 1 ≥ max, and draws are `word & mask` until one is
 * at most max — 32-bit words when max < 2³², else 64-bit words made of two (the first is the
 * high half). `max` must be a safe integer.
 */
export function maskedInterval(mt: Mt19937, max: number): number {
  if (max === 0) return 0;
  if (max <= 0xffffffff) {
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (mt.next32() & mask) >>> 0; while (value > max);
    return value;
  }
  // max ≥ 2³²: the mask keeps every bit of the low word and the high word's bits up to max's.
  let maskHigh = Math.floor(max / TWO_32);
  maskHigh |= maskHigh >>> 1;
  maskHigh |= maskHigh >>> 2;
  maskHigh |= maskHigh >>> 4;
  maskHigh |= maskHigh >>> 8;
  maskHigh |= maskHigh >>> 16;
  let value: number;
  do {
    const high = mt.next32() & maskHigh;
    value = high * TWO_32 + mt.next32();
  } while (value > max);
  return value;
}

/** Fisher–Yates from the end, as NumPy's `shuffle`: swap item i with item `maskedInterval(i)`. */
export function shuffleInPlace<T>(
  mt: Mt19937,
  items: { length: number; [index: number]: T },
): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = maskedInterval(mt, i);
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
}
