/**
 * Every user-facing message of the display area, in one place, so tests can assert them exactly.
 *
 * @module
 */

import { showAsString } from "../_internal/show.ts";

/** Thrown by `progress` for a bad total. */
export function badTotal(total: unknown): string {
  return `Cannot track progress: total must be a positive finite number, current value is ${
    showAsString(total)
  }`;
}

/** Thrown by a progress tracker's `update` for a bad count. */
export function badDone(done: unknown): string {
  return `Cannot update progress: done must be a finite number >= 0, current value is ${
    showAsString(done)
  }`;
}
