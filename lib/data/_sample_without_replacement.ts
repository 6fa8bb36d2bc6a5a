/**
 * scikit-learn's `sklearn.utils.random.sample_without_replacement` with its default method
 * ("auto"), drawing from a {@linkcode RandomState} as scikit-learn draws from NumPy's. Not part
 * of the public API.
 *
 * @module
 */

import type { RandomState } from "./random_state.ts";

/**
 * `nSamples` distinct integers from [0, nPopulation), chosen as scikit-learn's "auto" method
 * chooses them: for a sampled share strictly between 0.01 and 0.99 the first `nSamples` of a
 * permutation; below 0.2 otherwise, "tracking selection" (`randint(nPopulation)` again until
 * unseen); else reservoir sampling (`randint(0, i + 1)` for i from nSamples on).
 */
export function sampleWithoutReplacement(
  nPopulation: number,
  nSamples: number,
  rs: RandomState,
): number[] {
  const ratio = nPopulation !== 0 ? nSamples / nPopulation : 1;
  if (ratio > 0.01 && ratio < 0.99) return rs.permutation(nPopulation).slice(0, nSamples);
  if (ratio < 0.2) {
    const selected = new Set<number>();
    const out: number[] = [];
    for (let i = 0; i < nSamples; i++) {
      let j = rs.randint(nPopulation);
      while (selected.has(j)) j = rs.randint(nPopulation);
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  const out = Array.from({ length: nSamples }, (_, i) => i);
  for (let i = nSamples; i < nPopulation; i++) {
    const j = rs.randint(0, i + 1);
    if (j < nSamples) out[j] = i;
  }
  return out;
}
