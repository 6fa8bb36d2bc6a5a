/**
 * The files of a logged pipeline in MLflow's model format: `MLmodel` (this library's flavor and
 * MLflow's `python_function` flavor, package versions, signature and input example, as MLflow 3
 * lays it out), the pipeline's JSON (`model.json`: the npm libraries' own `toJSON()` with the
 * scaler), the `python_function` loader module and environment files, and the input example.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { dumpYaml, type YamlValue } from "../tracking/_format.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { pipelineJson } from "../models/mod.ts";
import { pyfuncFiles, pyfuncFlavor } from "./pyfunc.ts";
import { featureNames, modelSignature } from "./signature.ts";

/**
 * The flavor name this library records in `MLmodel`.
 *
 * @example
 * ```ts
 * import { FLAVOR, modelFiles } from "./mlmodel.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0], [1]], [0, 1], { nNeighbors: 1, autolog: false });
 * const where = { modelId: `m-${"1".repeat(32)}`, runId: "r", artifactLocation: "file:///m" };
 * assert.match((await modelFiles(model, where)).get("MLmodel")!, new RegExp(`^  ${FLAVOR}:$`, "m"));
 * ```
 */
export const FLAVOR = "deno_ml_pipeline";

/**
 * The npm library behind each kind of pipeline, at the version this library pins (the
 * forest's JSON is `ml-random-forest`'s, which `FastRandomForestClassifier` builds exactly).
 */
export const LIBRARIES: Record<Pipeline["kind"], { name: string; version: string }> = {
  k_neighbors: { name: "ml-knn", version: "3.0.0" },
  random_forest: { name: "ml-random-forest", version: "2.1.0" },
};

function utcNow(): string {
  const d = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.` +
    `${pad(d.getUTCMilliseconds(), 3)}000`;
}

/** Where a model is logged, as `MLmodel` records it. */
export interface ModelPlace {
  /** The logged model's id. */
  modelId: string;
  /** The run it was logged from. */
  runId: string;
  /** The logged model's artifact location. */
  artifactLocation: string;
  /** Rows saved as the input example. */
  inputExample?: number[][] | undefined;
}

/**
 * The files of a logged pipeline, by path in the model's folder: `model.json`, the
 * `python_function` flavour's files (`code/deno_ml_pyfunc.py`, `requirements.txt`,
 * `python_env.yaml`, `conda.yaml`), `MLmodel`, and with an input example `input_example.json`
 * and `serving_input_example.json` (a `dataframe_split` request, as MLflow saves a DataFrame
 * example).
 *
 * @example
 * ```ts
 * import { modelFiles } from "./mlmodel.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0], [1], [2], [3]], [0, 0, 1, 1], { nNeighbors: 1, autolog: false });
 * const files = await modelFiles(model, { modelId: `m-${"0".repeat(32)}`, runId: "r", artifactLocation: "file:///m" });
 * assert.deepEqual([...files.keys()], [
 *   "model.json",
 *   "code/deno_ml_pyfunc.py",
 *   "requirements.txt",
 *   "python_env.yaml",
 *   "conda.yaml",
 *   "MLmodel",
 * ]);
 * assert.match(files.get("MLmodel")!, /^  deno_ml_pipeline:$/m);
 * assert.match(files.get("MLmodel")!, /^    loader_module: "deno_ml_pyfunc"$/m);
 * ```
 */
export async function modelFiles(model: Pipeline, where: ModelPlace): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const modelText = pipelineJson(model);
  files.set("model.json", modelText);
  for (const [path, text] of await pyfuncFiles()) files.set(path, text);
  const { name: library, version } = LIBRARIES[model.kind];
  const mlmodel: Record<string, YamlValue> = {
    artifact_path: where.artifactLocation,
    flavors: {
      python_function: pyfuncFlavor(),
      [FLAVOR]: {
        model_file: "model.json",
        kind: model.kind,
        library,
        library_version: version,
        deno_version: Deno.version.deno,
        classes: [...model.classes],
        loader: "loadModel() from this project's lib/mod.ts",
      },
    },
    is_signature_from_type_hint: false,
    model_id: where.modelId,
    model_size_bytes: Buffer.byteLength(modelText, "utf8"),
    model_uuid: where.modelId,
    prompts: null,
    run_id: where.runId,
    signature: { ...modelSignature(model.nFeatures) },
    type_hint_from_example: false,
    utc_time_created: utcNow(),
  };
  if (where.inputExample) {
    const example = { columns: featureNames(model.nFeatures), data: where.inputExample };
    files.set("input_example.json", JSON.stringify(example));
    files.set(
      "serving_input_example.json",
      JSON.stringify({ dataframe_split: example }, null, 2),
    );
    mlmodel.saved_input_example_info = {
      artifact_path: "input_example.json",
      pandas_orient: "split",
      serving_input_path: "serving_input_example.json",
      type: "dataframe",
    };
  }
  files.set("MLmodel", dumpYaml(mlmodel));
  return files;
}
