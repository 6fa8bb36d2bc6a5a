/**
 * The model flavor: fitted pipelines logged as MLflow 3 logged models (`logModel`), loaded back
 * by run or model URI (`loadModel`, `runModels`), and hyperparameters logged automatically when
 * training runs inside an active run (`autolog`). Every logged model also carries MLflow's
 * `python_function` flavour (a NumPy-only loader that predicts exactly as `loadModel`'s
 * pipeline), so Python's `mlflow.pyfunc.load_model` and `mlflow models serve` take it too; its
 * signature names the features `x0` … `x{n−1}` (`featureNames`). It sits above tracking and
 * models, and uses only their public calls, as MLflow's `mlflow.sklearn` sits above
 * `mlflow.tracking`.
 *
 * @example Log a model and load it back
 * ```ts
 * import { loadModel, logModel } from "./mod.ts";
 * import { setTrackingUri, withRun } from "../tracking/mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
 * const model = trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 1 });
 * const logged = await withRun({ runName: "knn-1" }, () => logModel(model));
 * assert.deepEqual((await loadModel(`runs:/${logged.runId}/model`)).predict(X), [0, 0, 1, 1]);
 * ```
 *
 * @module
 */

export { type LoggedModel, logModel, type LogModelOptions } from "./log_model.ts";
export { loadModel, runModels } from "./load_model.ts";
export { autolog, type AutologOptions } from "./autolog.ts";
export { FLAVOR } from "./mlmodel.ts";
export { featureNames } from "./signature.ts";
