/**
 * Loading a pipeline logged with `logModel` back from any tracking store: by run and name
 * (`runs:/<run_id>/<name>`), by logged-model id (`models:/<model_id>`), or by registered
 * version (`models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/latest`).
 *
 * @module
 */

import { parseYaml } from "../tracking/_format.ts";
import { invalid, MlflowError, notFound } from "../tracking/errors.ts";
import { getStore } from "../tracking/tracking_uri.ts";
import { getRegistry } from "../tracking/registry_uri.ts";
import { resolveModelUri } from "../tracking/model_uri.ts";
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
 * Loads a pipeline logged with `logModel`, by any of MLflow's model URIs:
 * `runs:/<run_id>/<name>`, MLflow 3's `models:/<model_id>`, or a registered version —
 * `models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/latest` (a model folder
 * with `MLmodel` under a run's artifacts, as MLflow 2 logged them, loads too). A registered
 * version is resolved as MLflow resolves it, to its logged model or its run's artifacts.
 * Predictions are identical to the pipeline that was logged. Unknown runs, models, versions
 * and aliases are errors naming the URI.
 *
 * @example By run, by logged model, and by registered version
 * ```ts
 * import { loadModel, logModel } from "./mod.ts";
 * import { registerModel, setRegisteredModelAlias, setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainRandomForest } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0, 1], [1, 0], [2, 3], [3, 2], [4, 4], [5, 5]];
 * const model = trainRandomForest(X, [0, 0, 0, 1, 1, 1], { nEstimators: 3 });
 * const logged = await withRun({}, () => logModel(model));
 * await registerModel(logged.modelUri, "forest");
 * await setRegisteredModelAlias("forest", "champion", 1);
 * for (const uri of [logged.modelUri, `runs:/${logged.runId}/model`, "models:/forest@champion"]) {
 *   assert.deepEqual((await loadModel(uri)).predict(X), model.predict(X));
 * }
 * await assert.rejects(loadModel("models:/forest/2"), /Cannot resolve 'models:\/forest\/2'/);
 * ```
 */
export async function loadModel(uri: string): Promise<Pipeline> {
  const store = getStore();
  const files = await resolveModelUri(uri, { tracking: store, registry: getRegistry() });
  // Reads one file of the model's folder: a logged model's artifacts, or (MLflow 2) a folder of
  // the run's artifacts.
  const read = async (file: string): Promise<string> => {
    const bytes = "modelId" in files
      ? await store.readLoggedModelArtifact(files.modelId, file)
      : await store.readArtifact(files.runId, `${files.path}/${file}`);
    return new TextDecoder().decode(bytes);
  };
  let mlmodelText: string;
  try {
    mlmodelText = await read("MLmodel");
  } catch (e) {
    if (!("modelId" in files) && e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") {
      throw notFound(
        `Cannot load model '${uri}': run ${files.runId} has no model named '${files.path}'`,
      );
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
