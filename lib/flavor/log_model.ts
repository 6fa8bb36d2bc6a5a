/**
 * Logging a fitted pipeline as MLflow 3 logs a model: a logged model in the run's experiment
 * (created PENDING, its files written, then finalized READY) linked to the run as an output —
 * what MLflow 3's UI lists on a run's page and in the experiment's Models tab. Works on any
 * tracking store through its contract.
 *
 * @module
 */

import { invalid, MlflowError } from "../tracking/errors.ts";
import { activeRunId } from "../tracking/fluent.ts";
import { getStore } from "../tracking/tracking_uri.ts";
import { uriToPath } from "../tracking/uri.ts";
import { validateModelName } from "../tracking/validation.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { LIBRARIES, modelFiles } from "./mlmodel.ts";

// The run's tags that travel with a logged model, as in MLflow 3.
const SOURCE_TAGS = [
  "mlflow.source.name",
  "mlflow.source.type",
  "mlflow.user",
  "mlflow.source.git.commit",
];

/** What {@linkcode logModel} recorded. */
export interface LoggedModel {
  /** `m-` and 32 hex characters. */
  modelId: string;
  /** The name given (`"model"` by default): `runs:/<runId>/<name>` loads it. */
  name: string;
  /** The run it was logged from. */
  runId: string;
  /** `models:/<modelId>`. */
  modelUri: string;
  /**
   * Where `MLmodel` and the model files are: a local folder in a file store, the model's
   * artifact URI (`mlflow-artifacts:/…`) on a tracking server.
   */
  artifactDir: string;
}

/** Options of {@linkcode logModel}. */
export interface LogModelOptions {
  /** A few input rows saved as `input_example.json`. @default none */
  inputExample?: number[][];
  /** The step the model belongs to. @default 0 */
  step?: number;
}

function checkModel(model: Pipeline, name: string, options: LogModelOptions): void {
  if (!model || typeof model.toJSON !== "function" || !(model.kind in LIBRARIES)) {
    throw invalid(
      "Cannot log model: expected a fitted pipeline from trainKNeighbors or trainRandomForest",
    );
  }
  validateModelName(name);
  const { step = 0, inputExample } = options;
  if (!Number.isSafeInteger(step)) throw invalid(`Invalid model step ${step}: steps are integers`);
  if (
    inputExample !== undefined &&
    (!Array.isArray(inputExample) ||
      inputExample.some((r) => !Array.isArray(r) || r.length !== model.nFeatures))
  ) {
    throw invalid(`Invalid input example: expected rows of ${model.nFeatures} numbers`);
  }
}

/**
 * Records a fitted pipeline on the active run in MLflow's model layout, so MLflow's UI shows it
 * as the run's model and `loadModel` (`runs:/<runId>/<name>`) restores it with identical
 * predictions. The model itself is the npm library's own `toJSON()` with the scaler
 * (`model.json`); `MLmodel` names the flavor, the package versions, an input signature (one
 * `double` column per feature, `x0` … `x{n−1}`) and an input example. MLflow's
 * `python_function` flavour comes with it: a NumPy-only loader module in `code/` and the
 * environment files, so Python's `mlflow.pyfunc.load_model` predicts exactly what `loadModel`
 * does and `mlflow models serve` serves it. The run's params and source tags travel with the
 * model.
 *
 * @example
 * ```ts
 * import { loadModel, logModel } from "./mod.ts";
 * import { setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3]];
 * const y = [0, 0, 0, 1, 1, 1];
 * const model = trainKNeighbors(X, y, { nNeighbors: 3 });
 * const logged = await withRun({}, () => logModel(model, "model", { inputExample: X.slice(0, 2) }));
 * const back = await loadModel(`runs:/${logged.runId}/model`);
 * assert.deepEqual(back.predict(X), model.predict(X));
 * ```
 */
export async function logModel(
  model: Pipeline,
  name = "model",
  options: LogModelOptions = {},
): Promise<LoggedModel> {
  checkModel(model, name, options);
  const runId = activeRunId();
  if (!runId) {
    throw new MlflowError(
      "INVALID_STATE",
      "Cannot log model: no run is active (use startRun or withRun)",
    );
  }
  const store = getStore();
  const run = await store.getRun(runId);
  const tags: Record<string, string> = {};
  for (const k of SOURCE_TAGS) {
    const v = run.data.tags[k];
    if (v !== undefined) tags[k] = v;
  }
  const logged = await store.createLoggedModel({
    experimentId: run.info.experimentId,
    name,
    sourceRunId: runId,
    params: run.data.params,
    tags,
  });
  const { modelId, artifactLocation } = logged;
  try {
    const files = await modelFiles(model, {
      modelId,
      runId,
      artifactLocation,
      inputExample: options.inputExample,
    });
    for (const [file, text] of files) await store.writeLoggedModelArtifact(modelId, file, text);
  } catch (e) {
    await Promise.resolve(store.finalizeLoggedModel(modelId, "LOGGED_MODEL_UPLOAD_FAILED"))
      .catch(() => {});
    throw e;
  }
  await store.finalizeLoggedModel(modelId, "LOGGED_MODEL_READY");
  await store.logOutputs(runId, [{ modelId, step: options.step ?? 0 }]);
  return {
    modelId,
    name,
    runId,
    modelUri: `models:/${modelId}`,
    artifactDir: artifactLocation.startsWith("file:")
      ? uriToPath(artifactLocation)
      : artifactLocation,
  };
}
