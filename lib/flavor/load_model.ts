/**
 * Loading a pipeline logged with `logModel` back from any tracking store: by run and name
 * (`runs:/<run_id>/<name>`), or by logged-model id (`models:/<model_id>`).
 *
 * @module
 */

import { parseYaml } from "../tracking/_format.ts";
import { invalid, MlflowError, notFound } from "../tracking/errors.ts";
import { getStore } from "../tracking/tracking_uri.ts";
import { validateRunId } from "../tracking/validation.ts";
import { loadPipeline } from "../models/load_pipeline.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { FLAVOR } from "./mlmodel.ts";

/**
 * The logged models a run produced, by name (its outputs, as MLflow 3 links them).
 *
 * @example
 * ```ts
 * import { logModel, runModels } from "./mod.ts";
 * import { setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const model = trainKNeighbors([[0], [1], [2], [3]], [0, 0, 1, 1], { nNeighbors: 1 });
 * const logged = await withRun({}, () => logModel(model, "knn"));
 * assert.deepEqual(await runModels(logged.runId), { knn: logged.modelId });
 * ```
 */
export async function runModels(runId: string): Promise<Record<string, string>> {
  validateRunId(runId);
  const store = getStore();
  const found: Record<string, string> = {};
  for (const { modelId } of await store.getRunOutputs(runId)) {
    found[(await store.getLoggedModel(modelId)).name] = modelId;
  }
  return found;
}

/**
 * Loads a pipeline logged with `logModel`: `runs:/<runId>/<name>` or `models:/<modelId>` (a
 * model folder with `MLmodel` under a run's artifacts, as MLflow 2 logged them, loads too).
 * Predictions are identical to the pipeline that was logged.
 *
 * @example
 * ```ts
 * import { loadModel, logModel } from "./mod.ts";
 * import { setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainRandomForest } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0, 1], [1, 0], [2, 3], [3, 2], [4, 4], [5, 5]];
 * const model = trainRandomForest(X, [0, 0, 0, 1, 1, 1], { nEstimators: 3 });
 * const logged = await withRun({}, () => logModel(model));
 * assert.deepEqual((await loadModel(logged.modelUri)).predict(X), model.predict(X));
 * ```
 */
export async function loadModel(uri: string): Promise<Pipeline> {
  const runs = /^runs:\/([^/]+)\/(.+)$/.exec(uri);
  const models = /^models:\/(m-[0-9a-f]{32})$/.exec(uri);
  if (!runs && !models) {
    throw invalid(
      `Cannot load model '${uri}': expected runs:/<run_id>/<name> or models:/<model_id>`,
    );
  }
  const store = getStore();
  const modelId = runs ? (await runModels(runs[1]!))[runs[2]!] : models![1]!;
  // Reads one file of the model's folder: a logged model's artifacts, or (MLflow 2) a folder of
  // the run's artifacts.
  const read = async (file: string): Promise<string> => {
    const bytes = modelId
      ? await store.readLoggedModelArtifact(modelId, file)
      : await store.readArtifact(runs![1]!, `${runs![2]}/${file}`);
    return new TextDecoder().decode(bytes);
  };
  let mlmodelText: string;
  try {
    mlmodelText = await read("MLmodel");
  } catch (e) {
    if (!modelId && e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") {
      throw notFound(`Run ${runs![1]} has no model named '${runs![2]}'`);
    }
    throw e;
  }
  // MLmodel is nested YAML; its scalars are read as text, which is all this needs.
  const mlmodel = parseYaml(mlmodelText) ?? {};
  const flavor = (mlmodel.flavors as Record<string, { model_file?: string }> | undefined)?.[FLAVOR];
  if (!flavor) {
    throw invalid(`Cannot load model '${uri}': its MLmodel has no '${FLAVOR}' flavor`);
  }
  const file = (flavor.model_file ?? "model.json").split("/").pop()!;
  return loadPipeline(JSON.parse(await read(file)));
}
