/**
 * A scoring server for a logged model: MLflow's protocol ({@linkcode scoringHandler}) over HTTP,
 * what `deno task serve <model-uri>` runs.
 *
 * @module
 */

import { loadModel } from "../flavor/load_model.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { ScoringError } from "./_errors.ts";
import { scoringHandler, type ScoringOptions } from "./scoring.ts";

/** Options of {@linkcode serveModel}. */
export interface ServeOptions extends ScoringOptions {
  /**
   * The port to listen on (0 for any free one).
   * @default {5000} (as `mlflow models serve`)
   */
  port?: number;
  /**
   * The network interface to listen on (`0.0.0.0` for every interface).
   * @default {"127.0.0.1"} (as `mlflow models serve`)
   */
  hostname?: string;
  /** Shuts the server down when aborted (as {@linkcode ScoringServer.shutdown}). @default none */
  signal?: AbortSignal;
}

/** A running scoring server. `await using` shuts it down at the end of the block. */
export interface ScoringServer extends AsyncDisposable {
  /** Its base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  /** The model it serves. */
  readonly model: Pipeline;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
  /**
   * Answers the requests in flight (their bodies may still be arriving), refuses new ones with
   * 503 meanwhile, then closes the server; resolves once it has stopped.
   */
  shutdown(): Promise<void>;
}

/**
 * Serves a model over HTTP with MLflow's scoring protocol: `model` is a model URI
 * (`runs:/<run_id>/<name>`, `models:/<model_id>`, anything `loadModel` takes) or a pipeline.
 * Resolves once the server listens.
 *
 * @example Serve a pipeline on a free port, ask it, stop it
 * ```ts
 * import { serveModel } from "./server.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0], [1], [5], [6]], [0, 0, 1, 1], { nNeighbors: 1, autolog: false });
 * await using server = await serveModel(model, { port: 0 });
 * const answer = await fetch(`${server.url}/invocations`, {
 *   method: "POST",
 *   headers: { "content-type": "text/csv" },
 *   body: "x0\n0.2\n5.5\n",
 * });
 * assert.deepEqual(await answer.json(), { predictions: [0, 1] });
 * assert.equal((await fetch(`${server.url}/ping`)).status, 200);
 * ```
 */
export async function serveModel(
  model: string | Pipeline,
  options: ServeOptions = {},
): Promise<ScoringServer> {
  const { port = 5000, hostname = "127.0.0.1", signal, ...scoring } = options;
  const pipeline = typeof model === "string" ? await loadModel(model) : model;
  const handler = scoringHandler(pipeline, scoring);
  // Deno's own shutdown cuts off request bodies still arriving, so requests are counted and
  // the server closes once the last one is answered.
  let inFlight = 0;
  let draining = false;
  const idle = Promise.withResolvers<void>();
  const serve = async (request: Request): Promise<Response> => {
    if (draining) {
      await request.body?.cancel().catch(() => {});
      return new ScoringError(
        503,
        "TEMPORARILY_UNAVAILABLE",
        "CLIENT_INTERNAL_ERROR",
        "XXM00",
        "The server is shutting down",
      ).toResponse();
    }
    inFlight++;
    try {
      return await handler(request);
    } finally {
      if (--inFlight === 0 && draining) idle.resolve();
    }
  };
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ port, hostname, onListen: resolve }, serve);
  const address = await listening;
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  const finished = server.finished.then(() => {});
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    stopping ??= (async () => {
      draining = true;
      if (inFlight > 0) await idle.promise;
      await server.shutdown();
      await finished;
    })();
  if (signal?.aborted) await shutdown();
  signal?.addEventListener("abort", () => void shutdown(), { once: true });
  return {
    url: `http://${host}:${address.port}`,
    model: pipeline,
    finished,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
