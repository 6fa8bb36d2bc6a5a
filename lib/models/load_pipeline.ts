/**
 * Restoring a saved pipeline.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import { type ClassifierStep, FittedPipeline } from "./_fitted_pipeline.ts";
import { loadRandomForestStep } from "./_forest_step.ts";
import { loadKNeighborsStep } from "./_knn_step.ts";
import { MODEL_KINDS, type ModelKind } from "./params.ts";
import type { Pipeline, PipelineJSON } from "./pipeline.ts";
import { StandardScaler } from "./scaler.ts";

const STEP_LOADERS: Record<ModelKind, (json: unknown) => ClassifierStep> = {
  k_neighbors: loadKNeighborsStep,
  random_forest: loadRandomForestStep,
};

/**
 * Restores a pipeline saved with `pipeline.toJSON()` (or `JSON.stringify(pipeline)` and
 * `JSON.parse`); the restored pipeline predicts exactly as the saved one. The input is not
 * modified.
 *
 * @param json the saved pipeline
 * @returns the pipeline
 * @throws {TypeError} when `json` is not a saved pipeline of a known kind
 *
 * @example Save as text, restore, predict the same
 * ```ts
 * import { loadPipeline } from "./load_pipeline.ts";
 * import { trainKNeighbors } from "./k_neighbors.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0], [1], [2], [3], [4], [5]];
 * const pipe = trainKNeighbors(X, [0, 0, 0, 1, 1, 1], { nNeighbors: 3, autolog: false });
 * const restored = loadPipeline(JSON.parse(JSON.stringify(pipe)));
 * assert.deepEqual(restored.predictProba(X), pipe.predictProba(X));
 * assert.deepEqual(restored.params, pipe.params);
 * ```
 */
export function loadPipeline(json: PipelineJSON): Pipeline {
  const what = "load pipeline";
  if (json === null || typeof json !== "object" || json.format !== "deno-ml-pipeline") {
    throw new TypeError(
      `Cannot ${what}: json must be a saved pipeline, current value is ${show(json)}`,
    );
  }
  if (json.version !== 1) {
    throw new TypeError(
      `Cannot ${what}: version must be 1, current value is ${show(json.version)}`,
    );
  }
  if (!(MODEL_KINDS as readonly string[]).includes(json.kind)) {
    throw new TypeError(
      `Cannot ${what}: kind must be one of ${MODEL_KINDS.join(", ")}, current value is ${
        show(json.kind)
      }`,
    );
  }
  if (
    !Array.isArray(json.classes) || json.classes.length === 0 ||
    !json.classes.every((label) => Number.isSafeInteger(label))
  ) {
    throw new TypeError(
      `Cannot ${what}: classes must be integer labels, current value is ${show(json.classes)}`,
    );
  }
  if (json.params === null || typeof json.params !== "object") {
    throw new TypeError(
      `Cannot ${what}: params must be a record, current value is ${show(json.params)}`,
    );
  }
  const scaler = StandardScaler.load(json.scaler);
  if (scaler.nFeatures !== json.nFeatures) {
    throw new TypeError(
      `Cannot ${what}: nFeatures must match the scaler's ${scaler.nFeatures}, current value is ${
        show(json.nFeatures)
      }`,
    );
  }
  return new FittedPipeline({
    kind: json.kind,
    params: { ...json.params },
    classes: json.classes,
    nFeatures: json.nFeatures,
    scaler,
    step: STEP_LOADERS[json.kind](json.model),
  });
}
