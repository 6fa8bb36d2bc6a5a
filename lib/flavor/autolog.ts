/**
 * Hyperparameters logged automatically: while on (the default), training a model inside an
 * active run logs its hyperparameters as params of that run — as MLflow's `autolog` does for
 * scikit-learn. Models announce training through a hook, so they know nothing of tracking.
 *
 * @module
 */

import { activeRunId } from "../tracking/fluent.ts";
import { getStore } from "../tracking/tracking_uri.ts";
import { onTrain } from "../models/hooks.ts";

let autologOff: (() => void) | null = null;

/** Options of {@linkcode autolog}. */
export interface AutologOptions {
  /** Stop logging hyperparameters automatically. @default false */
  disable?: boolean;
}

/**
 * Turns automatic logging of hyperparameters on (the default) or off: while on, training a
 * model inside an active run logs its hyperparameters (e.g. `n_neighbors`) as params of that
 * run. A param already logged with another value is left as it is, with a warning. Training
 * outside a run logs nothing. Single calls opt out with `autolog: false` in their options.
 *
 * @example
 * ```ts
 * import { autolog } from "./mod.ts";
 * import { getRun, setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0], [1], [2], [3]];
 * const id = await withRun({}, (run) => {
 *   trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 3 });
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).data.params.n_neighbors, "3");
 * autolog({ disable: true });
 * const quiet = await withRun({}, (run) => {
 *   trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 3 });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getRun(quiet)).data.params, {});
 * autolog();
 * ```
 */
export function autolog(options: AutologOptions = {}): void {
  const { disable = false } = options;
  if (disable) {
    autologOff?.();
    autologOff = null;
    return;
  }
  if (autologOff) return;
  autologOff = onTrain((_kind, params) => {
    const runId = activeRunId();
    if (!runId) return;
    const warn = (e: unknown) =>
      console.warn(`autolog: hyperparameters not logged: ${(e as Error).message}`);
    try {
      // A server answers later: a refusal then arrives as a rejected Promise.
      Promise.resolve(getStore().logBatch(runId, { params })).catch(warn);
    } catch (e) {
      warn(e);
    }
  });
}

autolog();
