/**
 * Models in MLflow's model layout, and hyperparameters logged automatically when training runs
 * inside an active run.
 *
 * `logModel` writes the layout MLflow 3 writes for `mlflow.<flavor>.log_model` (a "logged model"
 * under `<experiment>/models/<model_id>/` with `meta.yaml`, params, tags, metrics and an
 * `artifacts/` folder holding `MLmodel`, plus a run output `<run>/outputs/<model_id>/meta.yaml`).
 * That is the layout MLflow 3's UI lists on a run's page and in the experiment's Models tab; the
 * MLflow 2 layout (a model folder under the run's artifacts with the `mlflow.log-model.history`
 * tag) is what MLflow 3 no longer writes and only still parses for old runs.
 *
 * @module
 */

import { basename, join } from "node:path";
import { randomBytes } from "node:crypto";
import { stringify as stringifyYaml } from "yaml";
import {
  dumpYaml,
  formatFloat,
  latestPoint,
  parseMetricLines,
  parseYaml,
  strField,
} from "./_format.ts";
import { invalid, MlflowError, notFound } from "./errors.ts";
import { activeRunId, getStore } from "./fluent.ts";
import { RestStore } from "./rest.ts";
import { FileStore } from "./store.ts";
import { type Pipeline, type PipelineJSON } from "../models/pipeline.ts";
import { loadPipeline } from "../models/load_pipeline.ts";
import { onTrain } from "../models/hooks.ts";
import { validateRunId } from "./validation.ts";

// The run's tags that travel with a logged model, as in MLflow 3.
const SOURCE_TAGS = [
  "mlflow.source.name",
  "mlflow.source.type",
  "mlflow.user",
  "mlflow.source.git.commit",
];

/** The flavor name this library records in `MLmodel`. */
export const FLAVOR = "deno_ml_pipeline";

const LIBRARIES: Record<Pipeline["kind"], string> = {
  k_neighbors: "ml-knn",
  random_forest: "ml-random-forest",
};

function packageVersion(name: string): string {
  try {
    const m = new RegExp(`/${name}/(\\d+\\.\\d+\\.\\d+[^/]*)/`).exec(import.meta.resolve(name));
    return m?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

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
  /** The step the model belongs to (metrics of the run are copied to it). @default 0 */
  step?: number;
}

function utcNow(): string {
  const d = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.` +
    `${pad(d.getUTCMilliseconds(), 3)}000`;
}

function yamlText(value: unknown): string {
  return stringifyYaml(value, {
    defaultStringType: "QUOTE_DOUBLE",
    defaultKeyType: "PLAIN",
    lineWidth: 0,
  });
}

/** Writes `MLmodel`, `model.json` and the input example of a pipeline into `dir`. */
async function writeModelFiles(
  dir: string,
  model: Pipeline,
  where: { modelId: string; runId: string; artifactLocation: string; inputExample?: number[][] },
): Promise<void> {
  const json: PipelineJSON = model.toJSON();
  const modelText = JSON.stringify(json);
  await Deno.writeTextFile(join(dir, "model.json"), modelText);
  const library = LIBRARIES[model.kind];
  const mlmodel: Record<string, unknown> = {
    artifact_path: where.artifactLocation,
    flavors: {
      [FLAVOR]: {
        model_file: "model.json",
        kind: model.kind,
        library,
        library_version: packageVersion(library),
        deno_version: Deno.version.deno,
        classes: [...model.classes],
        loader: "loadModel() from this project's lib/mod.ts",
      },
    },
    is_signature_from_type_hint: false,
    model_id: where.modelId,
    model_size_bytes: new TextEncoder().encode(modelText).length,
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
    await Deno.writeTextFile(join(dir, "input_example.json"), JSON.stringify(where.inputExample));
    await Deno.writeTextFile(
      join(dir, "serving_input_example.json"),
      JSON.stringify({ inputs: where.inputExample }, null, 2),
    );
    mlmodel.saved_input_example_info = {
      artifact_path: "input_example.json",
      serving_input_path: "serving_input_example.json",
      type: "ndarray",
    };
  }
  await Deno.writeTextFile(join(dir, "MLmodel"), yamlText(mlmodel));
}

/**
 * Records a fitted pipeline on the active run in MLflow's model layout, so MLflow's UI shows it
 * as the run's model and {@linkcode loadModel} (`runs:/<runId>/<name>`) restores it with
 * identical predictions. The model itself is the npm library's own `toJSON()` with the scaler
 * (`model.json`); `MLmodel` names the flavor, the package versions, an input signature and an
 * input example.
 *
 * @example
 * ```ts
 * import { loadModel, logModel, setTrackingUri, withRun } from "../mod.ts";
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
  await Promise.resolve();
  if (!model || typeof model.toJSON !== "function" || !(model.kind in LIBRARIES)) {
    throw invalid(
      "Cannot log model: expected a fitted pipeline from trainKNeighbors or trainRandomForest",
    );
  }
  if (typeof name !== "string" || name === "" || /[/:.%"']/.test(name)) {
    throw invalid(
      `Invalid model name '${name}': it must be non-empty and contain none of / : . % " '`,
    );
  }
  const { step = 0, inputExample } = options;
  if (!Number.isSafeInteger(step)) throw invalid(`Invalid model step ${step}: steps are integers`);
  if (inputExample !== undefined) {
    if (
      !Array.isArray(inputExample) ||
      inputExample.some((r) => !Array.isArray(r) || r.length !== model.nFeatures)
    ) {
      throw invalid(`Invalid input example: expected rows of ${model.nFeatures} numbers`);
    }
  }
  const runId = activeRunId();
  if (!runId) {
    throw new MlflowError(
      "INVALID_STATE",
      "Cannot log model: no run is active (use startRun or withRun)",
    );
  }
  const store = getStore();
  if (store instanceof RestStore) return await logModelToServer(store, model, name, runId, options);
  if (!(store instanceof FileStore)) throw invalid("Cannot log model: unsupported tracking store");
  const run = store.getRun(runId);
  const runDir = store.runDir(runId);
  const expDir = join(store.root, run.info.experimentId);
  const modelId = `m-${randomBytes(16).toString("hex")}`;
  const modelDir = join(expDir, "models", modelId);
  const now = Date.now();

  // Build the whole logged model in the store's staging folder, then rename it into place.
  const stage = store.stagingPath();
  for (const sub of ["artifacts", "params", "tags", "metrics"]) {
    await Deno.mkdir(join(stage, sub), { recursive: true });
  }
  await writeModelFiles(join(stage, "artifacts"), model, {
    modelId,
    runId,
    artifactLocation: `file://${join(modelDir, "artifacts")}`,
    ...(inputExample ? { inputExample } : {}),
  });
  // The run's params, source tags and latest metrics travel with the model, as in MLflow 3.
  for (const [k, v] of Object.entries(run.data.params)) {
    await Deno.mkdir(join(stage, "params", k, ".."), { recursive: true });
    await Deno.writeTextFile(join(stage, "params", k), v);
  }
  for (const k of SOURCE_TAGS) {
    const v = run.data.tags[k];
    if (v !== undefined) await Deno.writeTextFile(join(stage, "tags", k), v);
  }
  for (const k of Object.keys(run.data.metrics)) {
    const p = latestPoint(parseMetricLines(await Deno.readTextFile(join(runDir, "metrics", k)), k));
    await Deno.mkdir(join(stage, "metrics", k, ".."), { recursive: true });
    await Deno.writeTextFile(
      join(stage, "metrics", k),
      `${p.timestamp} ${formatFloat(p.value)} ${p.step} ${runId}\n`,
    );
  }
  await Deno.writeTextFile(
    join(stage, "meta.yaml"),
    dumpYaml({
      artifact_location: `file://${join(modelDir, "artifacts")}`,
      creation_timestamp: now,
      experiment_id: run.info.experimentId,
      last_updated_timestamp: now,
      model_id: modelId,
      model_type: null,
      name,
      source_run_id: runId,
      status: 2, // READY: the model is complete before it becomes visible
      status_message: null,
    }),
  );
  await Deno.mkdir(join(expDir, "models"), { recursive: true });
  await Deno.rename(stage, modelDir);

  const outStage = store.stagingPath();
  await Deno.mkdir(outStage, { recursive: true });
  await Deno.writeTextFile(
    join(outStage, "meta.yaml"),
    dumpYaml({
      destination_id: modelId,
      destination_type: "MODEL_OUTPUT",
      source_id: modelId,
      source_type: "RUN_OUTPUT",
      step,
    }) + "tags: {}\n",
  );
  await Deno.mkdir(join(runDir, "outputs"), { recursive: true });
  await Deno.rename(outStage, join(runDir, "outputs", modelId));
  return {
    modelId,
    name,
    runId,
    modelUri: `models:/${modelId}`,
    artifactDir: join(modelDir, "artifacts"),
  };
}

/** {@linkcode logModel} on a tracking server: a logged model created, uploaded, finalized. */
async function logModelToServer(
  store: RestStore,
  model: Pipeline,
  name: string,
  runId: string,
  options: LogModelOptions,
): Promise<LoggedModel> {
  const run = await store.getRun(runId);
  const tags: Record<string, string> = {};
  for (const k of SOURCE_TAGS) {
    const v = run.data.tags[k];
    if (v !== undefined) tags[k] = v;
  }
  const { modelId, artifactUri } = await store.createLoggedModel({
    experimentId: run.info.experimentId,
    name,
    sourceRunId: runId,
    params: run.data.params,
    tags,
  });
  const dir = await Deno.makeTempDir({ prefix: "logged-model-" });
  try {
    await writeModelFiles(dir, model, {
      modelId,
      runId,
      artifactLocation: artifactUri,
      ...(options.inputExample ? { inputExample: options.inputExample } : {}),
    });
    await store.uploadFolder(artifactUri, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await store.finalizeLoggedModel(modelId);
  await store.logOutputs(runId, [{ modelId, step: options.step ?? 0 }]);
  return { modelId, name, runId, modelUri: `models:/${modelId}`, artifactDir: artifactUri };
}

/** Finds a logged model's folder by id in any experiment (active or deleted). */
function findModelDir(store: FileStore, modelId: string): string {
  if (!/^m-[0-9a-f]{32}$/.test(modelId)) throw invalid(`Invalid model id '${modelId}'`);
  const roots = [store.root, join(store.root, ".trash")];
  for (const root of roots) {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = [...Deno.readDirSync(root)];
    } catch { /* no such folder */ }
    for (const e of entries) {
      const dir = join(root, e.name, "models", modelId);
      try {
        if (Deno.statSync(join(dir, "meta.yaml")).isFile) return dir;
      } catch { /* not here */ }
    }
  }
  throw notFound(`Logged model '${modelId}' not found`);
}

/** The logged models a run produced, by name (from `<run>/outputs/`). */
export async function runModels(runId: string): Promise<Record<string, string>> {
  await Promise.resolve();
  validateRunId(runId);
  const store = getStore();
  if (store instanceof RestStore) {
    const found: Record<string, string> = {};
    for (const { modelId } of await store.runOutputs(runId)) {
      found[(await store.getLoggedModel(modelId)).name] = modelId;
    }
    return found;
  }
  if (!(store instanceof FileStore)) throw invalid("runModels: unsupported tracking store");
  const outputs = join(store.runDir(runId), "outputs");
  const found: Record<string, string> = {};
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(outputs)];
  } catch { /* no outputs */ }
  for (const e of entries) {
    const meta = parseYaml(Deno.readTextFileSync(join(outputs, e.name, "meta.yaml")));
    const id = meta ? strField(meta, "destination_id") : "";
    if (!id) continue;
    const modelMeta = parseYaml(Deno.readTextFileSync(join(findModelDir(store, id), "meta.yaml")));
    if (modelMeta) found[strField(modelMeta, "name")] = id;
  }
  return found;
}

/**
 * Loads a pipeline logged with {@linkcode logModel}: `runs:/<runId>/<name>` or
 * `models:/<modelId>`. Predictions are identical to the pipeline that was logged.
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
  // Reads one file of the model's artifact folder.
  let read: (file: string) => Promise<string>;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  if (store instanceof RestStore) {
    if (modelId) {
      const repo = store.artifactRepo((await store.getLoggedModel(modelId)).artifactUri);
      read = async (file) => decode(await store.getFile(repo, file));
    } else {
      // An MLflow 2 style model: a folder with MLmodel under the run's artifacts.
      const [, runId, name] = runs as unknown as [string, string, string];
      read = async (file) => decode(await store.readArtifact(runId, `${name}/${file}`));
    }
  } else if (store instanceof FileStore) {
    let dir: string;
    if (modelId) dir = join(findModelDir(store, modelId), "artifacts");
    else {
      const [, runId, name] = runs as unknown as [string, string, string];
      dir = store.artifactTarget(runId, name);
    }
    read = (file) => Deno.readTextFile(join(dir, file));
  } else throw invalid("loadModel: unsupported tracking store");
  let mlmodelText: string;
  try {
    mlmodelText = await read("MLmodel");
  } catch (e) {
    if (
      !modelId && runs &&
      (e instanceof Deno.errors.NotFound ||
        (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST"))
    ) throw notFound(`Run ${runs[1]} has no model named '${runs[2]}'`);
    throw e;
  }
  // MLmodel is nested YAML; its scalars are read as text, which is all this needs.
  const mlmodel = parseYaml(mlmodelText) ?? {};
  const flavor = (mlmodel.flavors as Record<string, { model_file?: string }> | undefined)?.[FLAVOR];
  if (!flavor) {
    throw invalid(`Cannot load model '${uri}': its MLmodel has no '${FLAVOR}' flavor`);
  }
  const file = basename(flavor.model_file ?? "model.json");
  return loadPipeline(JSON.parse(await read(file)));
}

// ------------------------------------------------------------------ autolog

let autologOff: (() => void) | null = null;

/** Options of {@linkcode autolog}. */
export interface AutologOptions {
  /** Stop logging hyperparameters automatically. @default false */
  disable?: boolean;
}

/**
 * Turns automatic logging of hyperparameters on (the default) or off: while on, training a
 * model inside an active run logs its hyperparameters (e.g. `n_neighbors`) as params of that
 * run. A param already logged with another value is left as it is, with a warning. Training
 * outside a run logs nothing. Single calls opt out with `autolog: false` in their options.
 *
 * @example
 * ```ts
 * import { autolog, getRun, setTrackingUri, withRun } from "../mod.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const X = [[0], [1], [2], [3]];
 * const id = await withRun({}, (run) => {
 *   trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 3 });
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).data.params.n_neighbors, "3");
 * autolog({ disable: true });
 * const quiet = await withRun({}, (run) => {
 *   trainKNeighbors(X, [0, 0, 1, 1], { nNeighbors: 3 });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getRun(quiet)).data.params, {});
 * autolog();
 * ```
 */
export function autolog(options: AutologOptions = {}): void {
  const { disable = false } = options;
  if (disable) {
    autologOff?.();
    autologOff = null;
    return;
  }
  if (autologOff) return;
  autologOff = onTrain((_kind, params) => {
    const runId = activeRunId();
    if (!runId) return;
    const warn = (e: unknown) =>
      console.warn(`autolog: hyperparameters not logged: ${(e as Error).message}`);
    try {
      // A server answers later: a refusal then arrives as a rejected Promise.
      Promise.resolve(getStore().logBatch(runId, { params })).catch(warn);
    } catch (e) {
      warn(e);
    }
  });
}

autolog();
