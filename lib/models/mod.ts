/**
 * Models of the original project as fitted pipelines (a {@linkcode StandardScaler} then a
 * classifier): k-nearest neighbours that predict exactly as npm `ml-knn` does, and a random
 * forest that builds exactly npm `ml-random-forest`'s forests, both much faster than those
 * packages ({@linkcode FastKNeighborsClassifier}, {@linkcode FastRandomForestClassifier}).
 * Training announces its hyperparameters (MLflow params) to {@linkcode onTrain} callbacks;
 * pipelines save to JSON and load back.
 *
 * @example Train, predict, save, restore
 * ```ts
 * import { seedDataset } from "../data/mod.ts";
 * import { accuracyScore } from "../metrics/mod.ts";
 * import { loadPipeline, trainKNeighbors } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { XTrain, yTrain, XTest, yTest } = seedDataset();
 * const pipe = trainKNeighbors(XTrain, yTrain, { nNeighbors: 5 });
 * assert.deepEqual(pipe.params, { n_neighbors: 5 });
 * assert.ok(accuracyScore(yTest, pipe.predict(XTest)) > 0.8);
 * const restored = loadPipeline(JSON.parse(JSON.stringify(pipe)));
 * assert.deepEqual(restored.predict(XTest), pipe.predict(XTest));
 * ```
 *
 * @module
 */

export { StandardScaler, type StandardScalerJSON } from "./scaler.ts";
export type { Pipeline, PipelineJSON } from "./pipeline.ts";
export { trainKNeighbors } from "./k_neighbors.ts";
export { trainRandomForest } from "./random_forest.ts";
export { loadPipeline } from "./load_pipeline.ts";
export { treeVotes } from "./tree_votes.ts";
export { pipelineJson } from "./pipeline_json.ts";
export { onTrain, type TrainCallback } from "./hooks.ts";
export {
  type KNeighborsOptions,
  kNeighborsParams,
  MODEL_KINDS,
  type ModelKind,
  type ModelParams,
  type ParamValue,
  type RandomForestOptions,
  randomForestParams,
  type TrainOptions,
} from "./params.ts";
export {
  type DistanceFunction,
  FastKNeighborsClassifier,
  type FastKNeighborsJSON,
  type FastKNeighborsOptions,
  type KNNNodeJSON,
  type KNNTreeJSON,
} from "./fast_k_neighbors.ts";
export {
  type CartNodeJSON,
  type CartTreeJSON,
  type FastRandomForestBaseModel,
  FastRandomForestClassifier,
  type FastRandomForestJSON,
  type FastRandomForestOptions,
  type FastTreeOptions,
  type FeatureRows,
  type OOBResult,
  PredictionMatrix,
} from "./fast_random_forest.ts";
