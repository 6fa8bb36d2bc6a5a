/**
 * The index draws of NumPy's legacy `RandomState.choice`, with and without replacement, with and
 * without probabilities. Not part of the public API.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import type { ChoiceOptions, RandomState } from "./random_state.ts";

const WHAT = "choose random items";

/** √(machine epsilon): how far from 1 NumPy lets the probabilities sum. */
const P_SUM_TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * `count` indices into a population of `population` items, drawn from `rs` as NumPy's `choice`
 * draws them.
 */
export function choiceIndices(
  rs: RandomState,
  population: number,
  count: number,
  options: ChoiceOptions,
): number[] {
  const { replace = true, p = null } = options;
  if (population === 0 && count !== 0) {
    throw new RangeError(
      `Cannot ${WHAT}: the population must not be empty unless no items are taken, current value is 0 items`,
    );
  }
  const probabilities = p === null || p === undefined ? null : checkProbabilities(p, population);
  if (replace) {
    if (probabilities === null) return rs.randint(0, population, count);
    const cdf = cumulative(probabilities);
    return rs.randomSample(count).map((u) => searchRight(cdf, u));
  }
  if (count > population) {
    throw new RangeError(
      `Cannot ${WHAT}: without replacement the sample must be at most the population (${population}), current value is ${count}`,
    );
  }
  if (probabilities === null) return rs.permutation(population).slice(0, count);
  const nonZero = probabilities.filter((q) => q > 0).length;
  if (nonZero < count) {
    throw new RangeError(
      `Cannot ${WHAT}: without replacement p needs at least as many non-zero entries as the sample (${count}), current value has ${nonZero}`,
    );
  }
  // NumPy's loop: draw the missing number of items at once, keep the first occurrence of each
  // new index in drawing order, zero the chosen items' probabilities, repeat.
  const weights = [...probabilities];
  const found: number[] = [];
  while (found.length < count) {
    const uniforms = rs.randomSample(count - found.length);
    for (const i of found) weights[i] = 0;
    const cdf = cumulative(weights);
    const seen = new Set<number>();
    for (const u of uniforms) {
      const index = searchRight(cdf, u);
      if (!seen.has(index)) {
        seen.add(index);
        found.push(index);
      }
    }
  }
  return found;
}

/** Validates `p` as NumPy does (length, NaN, sign, Kahan sum within √ε of 1). */
function checkProbabilities(p: readonly number[], population: number): readonly number[] {
  if (!Array.isArray(p) || p.some((q) => typeof q !== "number")) {
    throw new TypeError(
      `Cannot ${WHAT}: p must be an array of numbers, current value is ${show(p)}`,
    );
  }
  if (p.length !== population) {
    throw new RangeError(
      `Cannot ${WHAT}: p must have one entry per item (${population}), current value has ${p.length}`,
    );
  }
  // NumPy's kahan_sum.
  let sum = p[0] ?? 0;
  let c = 0;
  for (let i = 1; i < p.length; i++) {
    const y = p[i]! - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  if (Number.isNaN(sum)) {
    throw new RangeError(`Cannot ${WHAT}: p must not contain NaN, current value is ${show(p)}`);
  }
  if (p.some((q) => q < 0)) {
    throw new RangeError(`Cannot ${WHAT}: p must be non-negative, current value is ${show(p)}`);
  }
  if (Math.abs(sum - 1) > P_SUM_TOLERANCE) {
    throw new RangeError(`Cannot ${WHAT}: p must sum to 1, current value sums to ${sum}`);
  }
  return p;
}

/** NumPy's `cdf = p.cumsum(); cdf /= cdf[-1]`. */
function cumulative(p: readonly number[]): number[] {
  const cdf = new Array<number>(p.length);
  let total = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = total += p[i]!;
  const last = cdf[cdf.length - 1]!;
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/** `searchsorted(cdf, u, side="right")`: how many entries of the sorted `cdf` are ≤ u. */
function searchRight(cdf: readonly number[], u: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
