/**
 * The "on train" hook: a tiny observer list that lets the tracking layer log hyperparameters
 * automatically whenever a model is trained.
 *
 * @module
 */

import type { ModelKind, ModelParams } from "./params.ts";

/** Called with the kind of model and its hyperparameters (MLflow params) at the start of training. */
export type TrainCallback = (kind: ModelKind, params: Readonly<ModelParams>) => void;

const callbacks = new Set<TrainCallback>();

/**
 * Registers `callback` to be called by every training function ({@linkcode trainKNeighbors},
 * {@linkcode trainRandomForest}) that is not given `autolog: false`. It is called synchronously,
 * once the inputs are checked and before the model is fitted, in registration order; an error it
 * throws aborts the training. Registering the same function twice has no further effect.
 *
 * @param callback receives the model kind and its params
 * @returns a function that unregisters `callback`
 *
 * @example Log params while registered
 * ```ts
 * import { onTrain } from "./hooks.ts";
 * import { trainKNeighbors } from "./k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: unknown[] = [];
 * const off = onTrain((kind, params) => seen.push({ kind, ...params }));
 * const X = [[0], [1], [2], [3]];
 * trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 3 });
 * trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 1, autolog: false });
 * off();
 * trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 2 });
 * assert.deepEqual(seen, [{ kind: "k_neighbors", n_neighbors: 3 }]);
 * ```
 */
export function onTrain(callback: TrainCallback): () => void {
  if (typeof callback !== "function") {
    throw new TypeError(
      `Cannot register train callback: it must be a function, current value is ${typeof callback}`,
    );
  }
  callbacks.add(callback);
  return () => {
    callbacks.delete(callback);
  };
}

/**
 * Calls the registered callbacks (for the training functions; not part of the public API).
 *
 * @example One registered callback
 * ```ts
 * import { notifyTrain, onTrain } from "./hooks.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const off = onTrain((kind, params) => seen.push(`${kind} ${params.n_neighbors}`));
 * notifyTrain("k_neighbors", { n_neighbors: 5 });
 * off();
 * notifyTrain("k_neighbors", { n_neighbors: 7 });
 * assert.deepEqual(seen, ["k_neighbors 5"]);
 * ```
 */
export function notifyTrain(kind: ModelKind, params: Readonly<ModelParams>): void {
  for (const callback of [...callbacks]) callback(kind, { ...params });
}
