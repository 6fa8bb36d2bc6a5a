/**
 * MLflow's model registry, fluently, in camelCase: `registerModel` (as `mlflow.register_model`
 * does it) and `MlflowClient`'s registry calls — registered models, versions, descriptions,
 * tags and aliases — over the registry behind the registry URI (by default the tracking URI: a
 * local store's `models/` folder, or the tracking server).
 *
 * @module
 */

import { printable } from "../_internal/show.ts";
import type { ModelVersion, RegisteredModel } from "./entities.ts";
import { invalid, MlflowError, notFound } from "./errors.ts";
import { parseModelUri, parseRunsUri, registeredVersion } from "./model_uri.ts";
import { registryTags } from "./_registry_checks.ts";
import type {
  CreateRegisteredModelOptions,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
} from "./registry_store.ts";
import { getRegistry } from "./registry_uri.ts";
import type { TrackingStore } from "./store.ts";
import { getStore } from "./tracking_uri.ts";
import { validateModelId, validateRunId } from "./validation.ts";

/** Options of {@linkcode registerModel}. */
export interface RegisterModelOptions {
  /** Tags of the new version; values are stored as text. */
  tags?: Record<string, unknown>;
}

/** What a registration records: the version's source, run and logged model. */
interface Source {
  source: string;
  runId?: string;
  modelId?: string;
}

/**
 * The source, run and logged model a `runs:/<run_id>/<path>` URI registers, as
 * `mlflow.register_model` finds them: a model folder with `MLmodel` at that path of the run's
 * artifacts (MLflow 2) is registered by its artifact URI; otherwise the run's MLflow 3 logged
 * model of that name (the one logged at the largest step, when there are several).
 */
async function runsSource(uri: string, tracking: TrackingStore): Promise<Source> {
  const { runId, path } = parseRunsUri(uri);
  const run = await tracking.getRun(runId);
  let listed: string[] = [];
  try {
    listed = (await tracking.listArtifacts(runId, path)).map((f) => f.path);
  } catch (e) {
    if (!(e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST")) throw e;
  }
  if (listed.includes(`${path}/MLmodel`)) {
    return { source: `${run.info.artifactUri.replace(/\/+$/, "")}/${path}`, runId };
  }
  const models = (await tracking.searchLoggedModels({
    experimentIds: [run.info.experimentId],
    maxResults: 50_000,
  })).filter((m) => m.name === path && m.sourceRunId === runId);
  if (models.length === 0) {
    throw notFound(
      `Unable to find a logged_model with artifact_path ${printable(path)} under run ${runId}`,
    );
  }
  let chosen = models[0]!;
  if (models.length > 1) {
    const steps = new Map((await tracking.getRunOutputs(runId)).map((o) => [o.modelId, o.step]));
    for (const m of models) {
      if ((steps.get(m.modelId) ?? -Infinity) > (steps.get(chosen.modelId) ?? -Infinity)) {
        chosen = m;
      }
    }
  }
  return { source: `models:/${chosen.modelId}`, runId, modelId: chosen.modelId };
}

/** What a URI registers, every lookup done (and every unknown run, model or version refused). */
async function registrationSource(uri: string): Promise<Source> {
  if (typeof uri === "string" && uri.startsWith("runs:")) return await runsSource(uri, getStore());
  if (typeof uri === "string" && /^models:/i.test(uri)) {
    const parsed = parseModelUri(uri);
    if (parsed.modelId !== undefined) {
      validateModelId(parsed.modelId);
      const model = await getStore().getLoggedModel(parsed.modelId);
      return { source: `models:/${model.modelId}`, modelId: model.modelId };
    }
    // A version, alias, `latest` or stage: the version it names now, by number (MLflow's
    // server records it so; its file registry accepts only the numbered form).
    const v = await registeredVersion(uri, getRegistry());
    return {
      source: `models:/${v.name}/${v.version}`,
      ...(v.modelId ? { modelId: v.modelId } : {}),
    };
  }
  throw invalid(
    `Cannot register a model from '${printable(String(uri))}': expected runs:/<run_id>/<path>, ` +
      `models:/<model_id> or models:/<name>/<version|latest> or models:/<name>@<alias>`,
  );
}

/**
 * Registers a model as a new version of the registered model `name` (created when missing), as
 * `mlflow.register_model` does: `runs:/<run_id>/<name>` registers the run's MLflow 3 logged
 * model of that name (source `models:/<model_id>`, with its run and model id), or an MLflow 2
 * model folder of the run's artifacts; `models:/<model_id>` a logged model; and
 * `models:/<name>/<version>` (or `@<alias>`, `/latest`) a copy of an existing version. Every
 * run, logged model and version the URI names is looked up, and the name and tags checked,
 * before anything is written.
 *
 * @example Two versions, the second named by an alias
 * ```ts
 * import { getModelVersionByAlias, logText, registerModel, setRegisteredModelAlias, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel"); // a model folder in the run's artifacts
 *   return run.info.runId;
 * });
 * const first = await registerModel(`runs:/${runId}/model`, "knn", { tags: { k: 5 } });
 * const second = await registerModel("models:/knn/1", "knn");
 * assert.deepEqual([first.version, first.runId, first.tags], [1, runId, { k: "5" }]);
 * await setRegisteredModelAlias("knn", "champion", second.version);
 * assert.equal((await getModelVersionByAlias("knn", "champion")).source, "models:/knn/1");
 * await assert.rejects(registerModel(`runs:/${runId}/none`, "rf"), /Unable to find a logged_model/);
 * ```
 */
export async function registerModel(
  modelUri: string,
  name: string,
  options: RegisterModelOptions = {},
): Promise<ModelVersion> {
  const registry = getRegistry();
  const tags = registryTags("version", options.tags);
  let exists = true;
  try {
    await registry.getRegisteredModel(name); // checks the name, too
  } catch (e) {
    if (!(e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST")) throw e;
    exists = false;
  }
  const source = await registrationSource(modelUri);
  if (!exists) {
    try {
      await registry.createRegisteredModel(name);
    } catch (e) {
      if (!(e instanceof MlflowError && e.code === "RESOURCE_ALREADY_EXISTS")) throw e;
    }
  }
  return await registry.createModelVersion({ name, ...source, tags });
}

/**
 * Creates a registered model; RESOURCE_ALREADY_EXISTS when the name is taken.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const model = await createRegisteredModel("knn", { tags: { team: "ml" }, description: "k-NN" });
 * assert.deepEqual([model.name, model.tags, model.description], ["knn", { team: "ml" }, "k-NN"]);
 * await assert.rejects(createRegisteredModel("knn"), /already exists/);
 * ```
 */
export async function createRegisteredModel(
  name: string,
  options: CreateRegisteredModelOptions = {},
): Promise<RegisteredModel> {
  return await getRegistry().createRegisteredModel(name, options);
}

/**
 * A registered model by name, with its tags, aliases and latest versions; RESOURCE_DOES_NOT_EXIST
 * when there is none.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, getRegisteredModel, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * assert.deepEqual((await getRegisteredModel("knn")).latestVersions, []);
 * await assert.rejects(getRegisteredModel("rf"), /Registered Model with name=rf not found/);
 * ```
 */
export async function getRegisteredModel(name: string): Promise<RegisteredModel> {
  return await getRegistry().getRegisteredModel(name);
}

/**
 * Registered models matching MLflow's filter (`name` and `tags.<key>` with `=`, `!=`, `LIKE`,
 * `ILIKE`, and `name IN (…)`), in MLflow's order (by name unless `orderBy` says otherwise).
 *
 * @example
 * ```ts
 * import { createRegisteredModel, searchRegisteredModels, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * for (const name of ["rf", "knn-b", "knn-a"]) await createRegisteredModel(name);
 * const found = await searchRegisteredModels({ filter: "name LIKE 'knn%'" });
 * assert.deepEqual(found.map((m) => m.name), ["knn-a", "knn-b"]);
 * ```
 */
export async function searchRegisteredModels(
  options: SearchRegisteredModelsOptions = {},
): Promise<RegisteredModel[]> {
  return await getRegistry().searchRegisteredModels(options);
}

/**
 * Renames a registered model; its versions, tags and aliases go with it.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, getRegisteredModel, renameRegisteredModel, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn", { tags: { team: "ml" } });
 * await renameRegisteredModel("knn", "k-neighbours");
 * assert.deepEqual((await getRegisteredModel("k-neighbours")).tags, { team: "ml" });
 * await assert.rejects(getRegisteredModel("knn"), /not found/);
 * ```
 */
export async function renameRegisteredModel(
  name: string,
  newName: string,
): Promise<RegisteredModel> {
  return await getRegistry().renameRegisteredModel(name, newName);
}

/**
 * Sets a registered model's description.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, setTrackingUri, updateRegisteredModel } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * assert.equal((await updateRegisteredModel("knn", "k-neighbours, k = 5")).description, "k-neighbours, k = 5");
 * ```
 */
export async function updateRegisteredModel(
  name: string,
  description: string,
): Promise<RegisteredModel> {
  return await getRegistry().updateRegisteredModel(name, description);
}

/**
 * Deletes a registered model with all its versions.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, deleteRegisteredModel, searchRegisteredModels, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * await deleteRegisteredModel("knn");
 * assert.deepEqual(await searchRegisteredModels(), []);
 * ```
 */
export async function deleteRegisteredModel(name: string): Promise<void> {
  await getRegistry().deleteRegisteredModel(name);
}

/**
 * A model version by registered model name and number; RESOURCE_DOES_NOT_EXIST when there is
 * none.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, getModelVersion, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * await assert.rejects(getModelVersion("knn", 1), /Model Version \(name=knn, version=1\) not found/);
 * ```
 */
export async function getModelVersion(
  name: string,
  version: number | string,
): Promise<ModelVersion> {
  return await getRegistry().getModelVersion(name, version);
}

/**
 * Model versions matching MLflow's filter (`name`, `version_number`, `run_id`, `source_path`,
 * `tags.<key>`; e.g. `name = 'knn' and run_id = '…'`), newest update first unless `orderBy`
 * says otherwise.
 *
 * @example A run's registered versions
 * ```ts
 * import { logText, registerModel, searchModelVersions, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * const found = await searchModelVersions({ filter: `name = 'knn' and run_id = '${runId}'` });
 * assert.deepEqual(found.map((v) => v.version), [1]);
 * ```
 */
export async function searchModelVersions(
  options: SearchModelVersionsOptions = {},
): Promise<ModelVersion[]> {
  return await getRegistry().searchModelVersions(options);
}

/**
 * Sets a model version's description.
 *
 * @example
 * ```ts
 * import { logText, registerModel, setTrackingUri, updateModelVersion, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * assert.equal((await updateModelVersion("knn", 1, "first try")).description, "first try");
 * ```
 */
export async function updateModelVersion(
  name: string,
  version: number | string,
  description: string,
): Promise<ModelVersion> {
  return await getRegistry().updateModelVersion(name, version, description);
}

/**
 * Deletes a model version (and the aliases that pointed at it); its number is not given out
 * again.
 *
 * @example
 * ```ts
 * import { deleteModelVersion, logText, registerModel, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * await deleteModelVersion("knn", 1);
 * assert.equal((await registerModel(`runs:/${runId}/model`, "knn")).version, 2);
 * ```
 */
export async function deleteModelVersion(name: string, version: number | string): Promise<void> {
  await getRegistry().deleteModelVersion(name, version);
}

/**
 * Points an alias of a registered model at one of its versions (moving it when it pointed
 * elsewhere); `latest` and `v<number>` are reserved, as in MLflow.
 *
 * @example
 * ```ts
 * import { getRegisteredModel, logText, registerModel, setRegisteredModelAlias, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * await setRegisteredModelAlias("knn", "champion", 1);
 * assert.deepEqual((await getRegisteredModel("knn")).aliases, { champion: 1 });
 * await assert.rejects(setRegisteredModelAlias("knn", "latest", 1), /reserved/);
 * ```
 */
export async function setRegisteredModelAlias(
  name: string,
  alias: string,
  version: number | string,
): Promise<void> {
  await getRegistry().setRegisteredModelAlias(name, alias, version);
}

/**
 * Removes an alias of a registered model (a missing alias is no error, as in MLflow).
 *
 * @example
 * ```ts
 * import { createRegisteredModel, deleteRegisteredModelAlias, getRegisteredModel, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * await deleteRegisteredModelAlias("knn", "champion");
 * assert.deepEqual((await getRegisteredModel("knn")).aliases, {});
 * ```
 */
export async function deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
  await getRegistry().deleteRegisteredModelAlias(name, alias);
}

/**
 * The version an alias points at (`latest`: the newest version); an unknown alias is
 * INVALID_PARAMETER_VALUE, as in MLflow.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, getModelVersionByAlias, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * await assert.rejects(getModelVersionByAlias("knn", "champion"), /alias champion not found/);
 * ```
 */
export async function getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
  return await getRegistry().getModelVersionByAlias(name, alias);
}

/**
 * Sets a tag on a registered model.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, getRegisteredModel, setRegisteredModelTag, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn");
 * await setRegisteredModelTag("knn", "team", "ml");
 * assert.deepEqual((await getRegisteredModel("knn")).tags, { team: "ml" });
 * ```
 */
export async function setRegisteredModelTag(
  name: string,
  key: string,
  value: unknown,
): Promise<void> {
  await getRegistry().setRegisteredModelTag(name, key, value);
}

/**
 * Removes a tag from a registered model.
 *
 * @example
 * ```ts
 * import { createRegisteredModel, deleteRegisteredModelTag, getRegisteredModel, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createRegisteredModel("knn", { tags: { team: "ml" } });
 * await deleteRegisteredModelTag("knn", "team");
 * assert.deepEqual((await getRegisteredModel("knn")).tags, {});
 * ```
 */
export async function deleteRegisteredModelTag(name: string, key: string): Promise<void> {
  await getRegistry().deleteRegisteredModelTag(name, key);
}

/**
 * Sets a tag on a model version.
 *
 * @example
 * ```ts
 * import { getModelVersion, logText, registerModel, setModelVersionTag, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * await setModelVersionTag("knn", 1, "validated", true);
 * assert.deepEqual((await getModelVersion("knn", 1)).tags, { validated: "true" });
 * ```
 */
export async function setModelVersionTag(
  name: string,
  version: number | string,
  key: string,
  value: unknown,
): Promise<void> {
  await getRegistry().setModelVersionTag(name, version, key, value);
}

/**
 * Removes a tag from a model version.
 *
 * @example
 * ```ts
 * import { deleteModelVersionTag, getModelVersion, logText, registerModel, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn", { tags: { validated: "no" } });
 * await deleteModelVersionTag("knn", 1, "validated");
 * assert.deepEqual((await getModelVersion("knn", 1)).tags, {});
 * ```
 */
export async function deleteModelVersionTag(
  name: string,
  version: number | string,
  key: string,
): Promise<void> {
  await getRegistry().deleteModelVersionTag(name, version, key);
}

const warned = new Set<string>();

/**
 * The registered versions of a run's models (name, version and aliases), for its card; a
 * registry that cannot be read gives none, with a warning (once per registry).
 *
 * @example
 * ```ts
 * import { logText, registerModel, runModelVersions, setRegisteredModelAlias, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const runId = await withRun({}, async (run) => {
 *   await logText("flavors: {}\n", "model/MLmodel");
 *   return run.info.runId;
 * });
 * await registerModel(`runs:/${runId}/model`, "knn");
 * await setRegisteredModelAlias("knn", "champion", 1);
 * assert.deepEqual(await runModelVersions(runId), [{ name: "knn", version: 1, aliases: ["champion"] }]);
 * ```
 */
export async function runModelVersions(
  runId: string,
): Promise<Pick<ModelVersion, "name" | "version" | "aliases">[]> {
  validateRunId(runId);
  const registry = getRegistry();
  try {
    const versions = await registry.searchModelVersions({
      filter: `run_id = '${runId}'`,
      orderBy: ["name ASC", "version_number ASC"],
    });
    // A server's search may leave aliases out: they come from the registered models.
    const aliases = new Map<string, Record<string, number>>();
    for (const name of new Set(versions.map((v) => v.name))) {
      aliases.set(name, (await registry.getRegisteredModel(name)).aliases);
    }
    return versions.map((v) => ({
      name: v.name,
      version: v.version,
      aliases: Object.entries(aliases.get(v.name) ?? {})
        .filter(([, n]) => n === v.version).map(([a]) => a).sort(),
    }));
  } catch (e) {
    if (!(e instanceof MlflowError)) throw e;
    if (!warned.has(registry.uri)) {
      warned.add(registry.uri);
      console.warn(`Cannot read the model registry at ${registry.uri}: ${e.message}`);
    }
    return [];
  }
}
