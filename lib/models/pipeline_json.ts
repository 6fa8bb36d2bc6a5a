/**
 * A pipeline's JSON as text, as a logged model stores it.
 *
 * @module
 */

import { FittedPipeline } from "./_fitted_pipeline.ts";
import type { Pipeline } from "./pipeline.ts";

/**
 * `JSON.stringify(model.toJSON())`: the text `loadPipeline(JSON.parse(text))` restores. A fitted
 * pipeline writes its classifier's part once and keeps it (a forest of 100 deep trees is over a
 * megabyte of JSON), so logging a model or saving it again costs only the copy.
 *
 * @example The text of a small pipeline
 * ```ts
 * import { pipelineJson } from "./pipeline_json.ts";
 * import { loadPipeline } from "./load_pipeline.ts";
 * import { trainKNeighbors } from "./k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0], [1], [2], [3]];
 * const model = trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 1, autolog: false });
 * const text = pipelineJson(model);
 * assert.equal(text, JSON.stringify(model.toJSON()));
 * assert.deepEqual(loadPipeline(JSON.parse(text)).predict(X), [0, 0, 1, 1]);
 * ```
 */
export function pipelineJson(model: Pipeline): string {
  return model instanceof FittedPipeline ? model.toJSONText() : JSON.stringify(model.toJSON());
}
