/**
 * The `randomState` option of the data functions, read as scikit-learn's `check_random_state`
 * reads `random_state`. Not part of the public API.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { RandomState } from "./random_state.ts";

/**
 * A seed (an integer in [0, 2³² − 1]) for a fresh {@linkcode RandomState}, a `RandomState` to
 * draw from (and advance), or `undefined` for one seeded from entropy.
 */
export type RandomStateOption = number | RandomState | undefined;

/**
 * The generator `randomState` stands for, as scikit-learn's `check_random_state`: a new
 * `RandomState(seed)` for an integer, the instance itself for a `RandomState`, a fresh one seeded
 * from entropy for `undefined`.
 *
 * @param what the operation, for the error message ("make classification")
 * @throws {RangeError} for a number that is not an integer in [0, 2³² − 1]
 * @throws {TypeError} for anything else
 */
export function resolveRandomState(what: string, randomState: RandomStateOption): RandomState {
  if (randomState instanceof RandomState) return randomState;
  if (randomState === undefined) return new RandomState();
  if (typeof randomState !== "number") {
    throw new TypeError(
      `Cannot ${what}: randomState must be an integer seed or a RandomState, current value is ${
        show(randomState)
      }`,
    );
  }
  if (!Number.isInteger(randomState) || randomState < 0 || randomState > 0xffffffff) {
    throw new RangeError(
      `Cannot ${what}: randomState must be an integer in [0, 4294967295], current value is ${randomState}`,
    );
  }
  return new RandomState(randomState);
}
