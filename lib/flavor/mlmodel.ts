/**
 * The files of a logged pipeline in MLflow's model format: `MLmodel` (the flavor, package
 * versions, signature and input example, as MLflow 3 lays it out), the pipeline's JSON
 * (`model.json`: the npm libraries' own `toJSON()` with the scaler) and the input example.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { dumpYaml } from "../tracking/_format.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { pipelineJson } from "../models/mod.ts";

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
 * assert.match(modelFiles(model, where).get("MLmodel")!, new RegExp(`^  ${FLAVOR}:$`, "m"));
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
 * The files of a logged pipeline, by name: `model.json`, `MLmodel`, and with an input example
 * `input_example.json` and `serving_input_example.json`.
 *
 * @example
 * ```ts
 * import { modelFiles } from "./mlmodel.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0], [1], [2], [3]], [0, 0, 1, 1], { nNeighbors: 1, autolog: false });
 * const files = modelFiles(model, { modelId: `m-${"0".repeat(32)}`, runId: "r", artifactLocation: "file:///m" });
 * assert.deepEqual([...files.keys()], ["model.json", "MLmodel"]);
 * assert.match(files.get("MLmodel")!, /^  deno_ml_pipeline:$/m);
 * ```
 */
export function modelFiles(model: Pipeline, where: ModelPlace): Map<string, string> {
  const files = new Map<string, string>();
  const modelText = pipelineJson(model);
  files.set("model.json", modelText);
  const { name: library, version } = LIBRARIES[model.kind];
  const mlmodel: Record<string, Parameters<typeof dumpYaml>[0][string]> = {
    artifact_path: where.artifactLocation,
    flavors: {
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
    signature: {
      inputs: JSON.stringify([{
        type: "tensor",
        "tensor-spec": { dtype: "float64", shape: [-1, model.nFeatures] },
      }]),
      outputs: JSON.stringify([{ type: "tensor", "tensor-spec": { dtype: "int64", shape: [-1] } }]),
      params: null,
    },
    type_hint_from_example: false,
    utc_time_created: utcNow(),
  };
  if (where.inputExample) {
    files.set("input_example.json", JSON.stringify(where.inputExample));
    files.set(
      "serving_input_example.json",
      JSON.stringify({ inputs: where.inputExample }, null, 2),
    );
    mlmodel.saved_input_example_info = {
      artifact_path: "input_example.json",
      serving_input_path: "serving_input_example.json",
      type: "ndarray",
    };
  }
  files.set("MLmodel", dumpYaml(mlmodel));
  return files;
}
