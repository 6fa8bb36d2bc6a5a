/**
 * Serving logged models with MLflow's scoring protocol: {@linkcode serveModel} runs an HTTP
 * server (`deno task serve <model-uri>`), {@linkcode scoringHandler} is its request handler.
 * The same requests get the same answers — predictions, status codes, `error_code`s — as from
 * `mlflow models serve` on the same model through its `python_function` flavour. It sits above
 * the flavour, and loads models only through `loadModel`.
 *
 * @example Log a model, serve it, score rows
 * ```ts
 * import { serveModel } from "./mod.ts";
 * import { logModel } from "../flavor/mod.ts";
 * import { setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const model = trainKNeighbors([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1], { nNeighbors: 1 });
 * const logged = await withRun({}, () => logModel(model));
 * await using server = await serveModel(logged.modelUri, { port: 0 });
 * const answer = await fetch(`${server.url}/invocations`, {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ inputs: [{ x0: 0, x1: 0.5 }, { x0: 5, x1: 5.5 }] }),
 * });
 * assert.deepEqual(await answer.json(), { predictions: [0, 1] });
 * ```
 *
 * @module
 */

export { type ScoringServer, serveModel, type ServeOptions } from "./server.ts";
export { MLFLOW_PROTOCOL_VERSION, scoringHandler, type ScoringOptions } from "./scoring.ts";
