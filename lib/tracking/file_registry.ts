/**
 * MLflow's model registry in a local store: `mlruns/models/`, written as MLflow 3.17's file
 * registry writes it (see `_registry_layout.ts`), so `MlflowClient`, `mlflow ui` and
 * `mlflow migrate-filestore` read what this writes, and this reads what they wrote.
 *
 * Everything is checked before anything is written. Writes go through the store's staging
 * folder and lock (as the file store's do): a registered model or version appears whole or not
 * at all, meta.yaml, tag and alias files are replaced by rename, version numbers are given out
 * under the lock, and a deleted or renamed model leaves the `models/` folder in one rename.
 *
 * @module
 */

import { join } from "node:path";
import { exists, listDirs } from "../_internal/fs.ts";
import { printable } from "../_internal/show.ts";
import { dumpYaml } from "./_format.ts";
import { readNoFollow, Staging, writeKeyFile } from "./_atomic.ts";
import {
  DELETED_STAGE,
  isRealDir,
  latestVersions,
  modelMetaText,
  modelVersionMeta,
  readAliases,
  readMetaFile,
  readModelDir,
  readStorageLocation,
  readVersionDir,
  readVersionDirs,
  registeredModelMeta,
} from "./_registry_layout.ts";
import {
  registryTags,
  registryTagValue,
  validateAlias,
  validateRegisteredModelName,
  versionNumber,
} from "./_registry_checks.ts";
import {
  compileRegistryFilter,
  parseRegistryFilter,
  registryOrder,
  withPromptFilter,
} from "./_registry_search.ts";
import type { ModelVersion, RegisteredModel } from "./entities.ts";
import { MlflowError, notFound } from "./errors.ts";
import { FileStore } from "./file_store.ts";
import { parseModelUri } from "./model_uri.ts";
import type {
  CreateModelVersionOptions,
  CreateRegisteredModelOptions,
  RegistryStore,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
} from "./registry_store.ts";
import type { TrackingStore } from "./store.ts";
import { pathToUri, uriToPath } from "./uri.ts";
import { checkMaxResults, validateModelId, validateRunId } from "./validation.ts";

const MODELS = "models";
const STAGING = ".staging.trash"; // the file store's staging folder (and lock) at the root
/** The logged-model tag listing the registered versions of a logged model (MLflow 3). */
export const MODEL_VERSIONS_TAG = "mlflow.modelVersions";

/** Options of {@linkcode FileRegistry}. */
export interface FileRegistryOptions {
  /**
   * The tracking store whose MLflow 3 logged models versions register (MLflow's file registry
   * asks the tracking URI's store). @default a FileStore on the same root
   */
  tracking?: TrackingStore;
}

/**
 * MLflow's model registry in a local store's `models/` folder.
 *
 * @example Register a version, name it with an alias, find it again
 * ```ts
 * import { FileRegistry } from "./file_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new FileRegistry(await Deno.makeTempDir());
 * registry.createRegisteredModel("knn", { tags: { team: "ml" } });
 * const v = await registry.createModelVersion({ name: "knn", source: "file:///tmp/m" });
 * registry.setRegisteredModelAlias("knn", "champion", v.version);
 * assert.deepEqual(registry.getRegisteredModel("knn").aliases, { champion: 1 });
 * assert.deepEqual(registry.searchModelVersions({ filter: "name = 'knn'" }).map((x) => x.version), [1]);
 * ```
 */
export class FileRegistry implements RegistryStore {
  /** Absolute path of the store's root folder (the registry is its `models/` folder). */
  readonly root: string;
  readonly #staging: Staging;
  readonly #tracking: TrackingStore;

  /** The registry of the store at `rootUri` (a path or `file:` URI). */
  constructor(rootUri: string, options: FileRegistryOptions = {}) {
    this.root = uriToPath(rootUri);
    this.#staging = new Staging(join(this.root, STAGING));
    this.#tracking = options.tracking ?? new FileStore(this.root);
  }

  /** The store's `file:` URI. */
  get uri(): string {
    return pathToUri(this.root);
  }

  get #models(): string {
    return join(this.root, MODELS);
  }

  /** The folder of a registered model that exists; RESOURCE_DOES_NOT_EXIST otherwise. */
  #modelDir(name: string): string {
    validateRegisteredModelName(name, "file");
    const dir = join(this.#models, name);
    if (
      !isRealDir(this.#models) || !isRealDir(dir) || readNoFollow(join(dir, "meta.yaml")) === null
    ) {
      throw notFound(`Registered Model with name=${printable(name)} not found`);
    }
    return dir;
  }

  /** The folder of a model version that exists and is not deleted. */
  #versionDir(name: string, version: number | string): { dir: string; number: number } {
    const modelDir = this.#modelDir(name);
    const number = versionNumber(name, version);
    const dir = join(modelDir, `version-${number}`);
    const missing = () =>
      notFound(`Model Version (name=${printable(name)}, version=${number}) not found`);
    if (!isRealDir(dir) || readNoFollow(join(dir, "meta.yaml")) === null) throw missing();
    if (this.#read(() => readMetaFile(dir), dir).current_stage === DELETED_STAGE) throw missing();
    return { dir, number };
  }

  /** Runs a read of the store, saying which folder is malformed when it fails. */
  #read<T>(read: () => T, dir: string): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof MlflowError) throw e;
      throw new MlflowError(
        "INTERNAL_ERROR",
        `The registry folder ${dir} is malformed: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** Rewrites a registered model's meta.yaml (under the lock), aliases as on disk. */
  #touch(dir: string, change: Parameters<typeof modelMetaText>[1]): void {
    this.#staging.replace(join(dir, "meta.yaml"), modelMetaText(dir, change));
  }

  #prepare(): void {
    this.#tracking.ensureRoot();
    if (!exists(this.#models)) {
      try {
        Deno.mkdirSync(this.#models, { recursive: true });
      } catch (e) {
        throw this.#staging.failure(e);
      }
    }
    if (!isRealDir(this.#models)) {
      throw new MlflowError("INVALID_STATE", `${this.#models} is not a folder of this store`);
    }
  }

  // ---------------------------------------------------------------- registered models

  /** Creates a registered model (its folder built in staging, then renamed into place). */
  createRegisteredModel(name: string, options: CreateRegisteredModelOptions = {}): RegisteredModel {
    validateRegisteredModelName(name, "file");
    const tags = registryTags("model", options.tags);
    const now = Date.now();
    const model: RegisteredModel = {
      name,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      description: options.description ?? null,
      tags,
      aliases: {},
      latestVersions: [],
    };
    this.#prepare();
    const taken = () =>
      new MlflowError(
        "RESOURCE_ALREADY_EXISTS",
        `Registered Model (name=${printable(name)}) already exists.`,
      );
    this.#staging.withLock(() => {
      if (present(join(this.#models, name))) throw taken();
      const made = this.#staging.publish(join(this.#models, name), (dir) => {
        Deno.writeTextFileSync(join(dir, "meta.yaml"), dumpYaml(registeredModelMeta(model)));
        for (const [k, v] of Object.entries(tags)) {
          writeKeyFile("tag", join(dir, "tags"), k, (path) => Deno.writeTextFileSync(path, v));
        }
      });
      if (!made) throw taken();
    });
    return model;
  }

  /** A registered model by name, with its tags, aliases and latest versions. */
  getRegisteredModel(name: string): RegisteredModel {
    const dir = this.#modelDir(name);
    return this.#read(() => readModelDir(dir), dir);
  }

  /** Sets a registered model's description. */
  updateRegisteredModel(name: string, description: string): RegisteredModel {
    const dir = this.#modelDir(name);
    this.#staging.withLock(() =>
      this.#touch(dir, (m) => {
        m.description = description;
        m.lastUpdatedTimestamp = Date.now();
      })
    );
    return this.getRegisteredModel(name);
  }

  /**
   * Renames a registered model with its versions, tags and aliases: the renamed folder is
   * built in staging (each version's meta.yaml naming the new name), renamed into place, and
   * the old one then leaves in one rename. MLflow's file registry keeps neither the model's
   * tags nor its aliases in a rename; this keeps both, as MLflow's SQL registry does.
   */
  renameRegisteredModel(name: string, newName: string): RegisteredModel {
    validateRegisteredModelName(newName, "file");
    const dir = this.#modelDir(name);
    const target = join(this.#models, newName);
    const taken = () =>
      new MlflowError(
        "RESOURCE_ALREADY_EXISTS",
        `Registered Model (name=${printable(newName)}) already exists.`,
      );
    if (name === newName) throw taken();
    this.#staging.withLock(() => {
      if (present(target)) throw taken();
      const now = Date.now();
      const copied = this.#staging.publish(target, (stage) => {
        copyTree(dir, stage);
        Deno.writeTextFileSync(
          join(stage, "meta.yaml"),
          modelMetaText(dir, (m) => {
            m.name = newName;
            m.lastUpdatedTimestamp = now;
          }),
        );
        for (const folder of listDirs(stage)) {
          if (!folder.startsWith("version-")) continue;
          const vdir = join(stage, folder);
          const v = readVersionDir(vdir, {});
          const location = readStorageLocation(vdir) ?? v.source;
          const meta = modelVersionMeta(
            { ...v, name: newName, lastUpdatedTimestamp: now },
            location,
          );
          Deno.writeTextFileSync(join(vdir, "meta.yaml"), dumpYaml(meta));
        }
      });
      if (!copied) throw taken();
      this.#discard(dir);
    });
    return this.getRegisteredModel(newName);
  }

  /** Moves a folder out of `models/` in one rename, then removes it. */
  #discard(dir: string): void {
    const gone = this.#staging.path();
    try {
      Deno.renameSync(dir, gone);
    } catch (e) {
      throw this.#staging.failure(e);
    }
    Deno.removeSync(gone, { recursive: true });
  }

  /** Deletes a registered model with all its versions. */
  deleteRegisteredModel(name: string): void {
    const dir = this.#modelDir(name);
    this.#staging.withLock(() => this.#discard(dir));
  }

  /** Every readable registered model; a malformed one is skipped with a warning. */
  #allModels(): RegisteredModel[] {
    if (!isRealDir(this.#models)) return [];
    const out: RegisteredModel[] = [];
    for (const name of listDirs(this.#models)) {
      try {
        out.push(readModelDir(join(this.#models, name)));
      } catch (e) {
        console.warn(
          `Skipping malformed registered model ${join(this.#models, name)}: ${
            (e as Error).message
          }`,
        );
      }
    }
    return out;
  }

  /**
   * Registered models matching MLflow's filter (prompts left out, as MLflow does), sorted as
   * MLflow's file registry sorts them: by the order-by clauses, then by name.
   */
  searchRegisteredModels(options: SearchRegisteredModelsOptions = {}): RegisteredModel[] {
    const { filter = "", orderBy = [], maxResults = 100 } = options;
    checkMaxResults(maxResults, 1000);
    const keep = compileRegistryFilter(withPromptFilter(filter), "model");
    const sort = registryOrder<RegisteredModel>(orderBy, "model");
    return sort(this.#allModels().filter(keep)).slice(0, maxResults);
  }

  /** Sets a tag on a registered model. */
  setRegisteredModelTag(name: string, key: string, value: unknown): void {
    const text = registryTagValue("model", key, value);
    const dir = this.#modelDir(name);
    this.#staging.withLock(() => {
      writeKeyFile("tag", join(dir, "tags"), key, (path) => this.#staging.replace(path, text));
      this.#touch(dir, (m) => void (m.lastUpdatedTimestamp = Date.now()));
    });
  }

  /** Removes a tag from a registered model (a missing tag is no error). */
  deleteRegisteredModelTag(name: string, key: string): void {
    registryTagValue("model", key, "");
    const dir = this.#modelDir(name);
    this.#staging.withLock(() => {
      if (removeFile(join(dir, "tags", key))) {
        this.#touch(dir, (m) => void (m.lastUpdatedTimestamp = Date.now()));
      }
    });
  }

  // ---------------------------------------------------------------- model versions

  /**
   * Where a new version's files are, as MLflow's file registry records it (`storage_location`),
   * and the run it names: a `models:/<model_id>` source is the logged model's artifact location
   * and its source run; a `models:/<name>/<version>` source is that version's location.
   */
  async #storage(
    options: CreateModelVersionOptions,
  ): Promise<{ location: string; runId: string | null }> {
    let runId = options.runId ?? null;
    let location = options.source;
    if (/^models:/i.test(options.source)) {
      const parsed = parseModelUri(options.source);
      if (parsed.modelId !== undefined) {
        const model = await this.#tracking.getLoggedModel(parsed.modelId);
        location = model.artifactLocation;
        runId ??= model.sourceRunId;
      } else if (parsed.version !== undefined) {
        const { dir } = this.#versionDir(parsed.name!, parsed.version);
        const v = this.#read(() => readVersionDir(dir, {}), dir);
        location = readStorageLocation(dir) ?? v.source;
      } else {
        throw new MlflowError(
          "INVALID_PARAMETER_VALUE",
          `Cannot register '${printable(options.source)}': a models:/ source names a logged ` +
            `model (models:/<model_id>) or a version (models:/<name>/<version>)`,
        );
      }
    }
    if (runId === null && options.modelId !== undefined) {
      runId = (await this.#tracking.getLoggedModel(options.modelId)).sourceRunId;
    }
    return { location, runId };
  }

  /**
   * Creates the next version of a registered model (numbered under the store lock, its folder
   * built in staging), and for an MLflow 3 logged model records the version in the logged
   * model's `mlflow.modelVersions` tag, as MLflow's tracking server does.
   */
  async createModelVersion(options: CreateModelVersionOptions): Promise<ModelVersion> {
    const { name, source, description = null } = options;
    validateRegisteredModelName(name, "file");
    const tags = registryTags("version", options.tags);
    if (options.runId !== undefined) validateRunId(options.runId);
    if (options.modelId !== undefined) validateModelId(options.modelId);
    if (typeof source !== "string" || source === "") {
      throw new MlflowError("INVALID_PARAMETER_VALUE", "Missing value for parameter 'source'");
    }
    this.#modelDir(name); // an unknown model is refused before anything else is looked up
    const { location, runId } = await this.#storage(options);
    const version = this.#staging.withLock(() => {
      const modelDir = this.#modelDir(name);
      const taken = listDirs(modelDir).map((d) => /^version-(\d+)$/.exec(d)?.[1])
        .filter((n) => n !== undefined).map(Number);
      const number = Math.max(0, ...taken) + 1;
      const now = Date.now();
      const v: ModelVersion = {
        name,
        version: number,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
        description,
        source,
        runId,
        modelId: options.modelId ?? null,
        status: "READY",
        statusMessage: null,
        currentStage: "None",
        userId: null,
        runLink: null,
        tags,
        aliases: [],
      };
      const made = this.#staging.publish(join(modelDir, `version-${number}`), (dir) => {
        Deno.writeTextFileSync(join(dir, "meta.yaml"), dumpYaml(modelVersionMeta(v, location)));
        for (const [k, t] of Object.entries(tags)) {
          writeKeyFile("tag", join(dir, "tags"), k, (path) => Deno.writeTextFileSync(path, t));
        }
      });
      if (!made) {
        throw new MlflowError(
          "INTERNAL_ERROR",
          `Model Version creation error (name=${printable(name)}): version-${number} appeared`,
        );
      }
      this.#touch(modelDir, (m) => void (m.lastUpdatedTimestamp = now));
      return v;
    });
    if (options.modelId !== undefined) await this.#linkLoggedModel(options.modelId, version);
    return version;
  }

  /** Adds a version to its logged model's `mlflow.modelVersions` tag (each version once). */
  async #linkLoggedModel(modelId: string, v: ModelVersion): Promise<void> {
    const model = await this.#tracking.getLoggedModel(modelId);
    let listed: { name: string; version: number }[] = [];
    try {
      const parsed = JSON.parse(model.tags[MODEL_VERSIONS_TAG] ?? "[]");
      if (Array.isArray(parsed)) listed = parsed;
    } catch { /* a damaged tag is replaced */ }
    if (!listed.some((e) => e?.name === v.name && Number(e?.version) === v.version)) {
      listed.push({ name: v.name, version: v.version });
    }
    // Python's json.dumps layout, as MLflow writes the tag.
    const text = "[" +
      listed.map((e) => `{"name": ${JSON.stringify(e.name)}, "version": ${e.version}}`).join(", ") +
      "]";
    await this.#tracking.setLoggedModelTags(modelId, { [MODEL_VERSIONS_TAG]: text });
  }

  /** A model version (not deleted), with its tags and aliases. */
  getModelVersion(name: string, version: number | string): ModelVersion {
    const { dir } = this.#versionDir(name, version);
    const modelDir = join(dir, "..");
    return this.#read(() => readVersionDir(dir, readAliases(modelDir)), dir);
  }

  /** Rewrites a version's meta.yaml under the lock after `change` edits it. */
  #updateVersion(dir: string, change: (v: ModelVersion) => void): ModelVersion {
    return this.#staging.withLock(() => {
      const v = this.#read(() => readVersionDir(dir, {}), dir);
      const location = readStorageLocation(dir) ?? v.source;
      change(v);
      this.#staging.replace(join(dir, "meta.yaml"), dumpYaml(modelVersionMeta(v, location)));
      return v;
    });
  }

  /** Sets a model version's description. */
  updateModelVersion(name: string, version: number | string, description: string): ModelVersion {
    const { dir } = this.#versionDir(name, version);
    this.#updateVersion(dir, (v) => {
      v.description = description;
      v.lastUpdatedTimestamp = Date.now();
    });
    return this.getModelVersion(name, version);
  }

  /**
   * Deletes a model version as MLflow's file registry does: its folder stays, staged
   * `Deleted_Internal` (so its number is not given out again), and the aliases pointing at it
   * are removed.
   */
  deleteModelVersion(name: string, version: number | string): void {
    const { dir, number } = this.#versionDir(name, version);
    const modelDir = join(dir, "..");
    const now = Date.now();
    this.#updateVersion(dir, (v) => {
      v.currentStage = DELETED_STAGE;
      v.lastUpdatedTimestamp = now;
    });
    this.#staging.withLock(() => {
      for (const [alias, n] of Object.entries(readAliases(modelDir))) {
        if (n === number) removeFile(join(modelDir, "aliases", alias));
      }
      this.#touch(modelDir, (m) => void (m.lastUpdatedTimestamp = now));
    });
  }

  /**
   * Model versions matching MLflow's filter (deleted ones and prompts left out), sorted as
   * MLflow's file registry sorts them (newest update first, then name, then version).
   */
  searchModelVersions(options: SearchModelVersionsOptions = {}): ModelVersion[] {
    const {
      filter = "",
      orderBy = ["last_updated_timestamp DESC", "name ASC", "version_number DESC"],
      maxResults = 10_000,
    } = options;
    checkMaxResults(maxResults, 200_000);
    // MLflow's file registry reads the filter with its clause for prompts appended, which would
    // let a blank filter through; its SQL registry (and MLflow's client sends no such clause)
    // refuses one: so is the filter read as given first.
    parseRegistryFilter(filter, "version");
    const keep = compileRegistryFilter(withPromptFilter(filter), "version");
    const sort = registryOrder<ModelVersion>(orderBy.length ? orderBy : [], "version");
    const all: ModelVersion[] = [];
    if (isRealDir(this.#models)) {
      for (const folder of listDirs(this.#models)) {
        const dir = join(this.#models, folder);
        let aliases: Record<string, number>;
        try {
          readMetaFile(dir);
          aliases = readAliases(dir);
        } catch (e) {
          console.warn(`Skipping malformed registered model ${dir}: ${(e as Error).message}`);
          continue;
        }
        for (const v of readVersionDirs(dir, aliases)) {
          if (v.currentStage !== DELETED_STAGE) all.push(v);
        }
      }
    }
    return sort(all.filter(keep)).slice(0, maxResults);
  }

  /** Sets a tag on a model version. */
  setModelVersionTag(name: string, version: number | string, key: string, value: unknown): void {
    const text = registryTagValue("version", key, value);
    const { dir } = this.#versionDir(name, version);
    this.#staging.withLock(() => {
      writeKeyFile("tag", join(dir, "tags"), key, (path) => this.#staging.replace(path, text));
      this.#touch(join(dir, ".."), (m) => void (m.lastUpdatedTimestamp = Date.now()));
    });
  }

  /** Removes a tag from a model version (a missing tag is no error). */
  deleteModelVersionTag(name: string, version: number | string, key: string): void {
    registryTagValue("version", key, "");
    const { dir } = this.#versionDir(name, version);
    this.#staging.withLock(() => {
      if (removeFile(join(dir, "tags", key))) {
        this.#touch(join(dir, ".."), (m) => void (m.lastUpdatedTimestamp = Date.now()));
      }
    });
  }

  // ---------------------------------------------------------------- aliases

  /** Points an alias at a version (`aliases/<alias>` replaced atomically). */
  setRegisteredModelAlias(name: string, alias: string, version: number | string): void {
    validateRegisteredModelName(name, "file");
    validateAlias(alias, true);
    const { number } = this.#versionDir(name, version);
    const dir = this.#modelDir(name);
    this.#staging.withLock(() => {
      try {
        Deno.mkdirSync(join(dir, "aliases"), { recursive: true });
      } catch (e) {
        throw this.#staging.failure(e);
      }
      this.#staging.replace(join(dir, "aliases", alias), String(number));
      this.#touch(dir, (m) => void (m.lastUpdatedTimestamp = Date.now()));
    });
  }

  /** Removes an alias (a missing alias is no error). */
  deleteRegisteredModelAlias(name: string, alias: string): void {
    validateRegisteredModelName(name, "file");
    validateAlias(alias, false);
    const dir = this.#modelDir(name);
    this.#staging.withLock(() => {
      if (removeFile(join(dir, "aliases", alias))) {
        this.#touch(dir, (m) => void (m.lastUpdatedTimestamp = Date.now()));
      }
    });
  }

  /** The version an alias points at; `latest` is the newest version. */
  getModelVersionByAlias(name: string, alias: string): ModelVersion {
    validateRegisteredModelName(name, "file");
    validateAlias(alias, false);
    const dir = this.#modelDir(name);
    if (alias.toLowerCase() === "latest") {
      const aliases = this.#read(() => readAliases(dir), dir);
      const newest = latestVersions(readVersionDirs(dir, aliases))
        .sort((a, b) => b.version - a.version)[0];
      if (!newest) {
        throw notFound(`Latest version not found for model ${printable(name)}.`);
      }
      return newest;
    }
    const version = this.#read(() => readAliases(dir), dir)[alias];
    if (version === undefined) {
      throw new MlflowError(
        "INVALID_PARAMETER_VALUE",
        `Registered model alias ${alias} not found (model '${printable(name)}').`,
      );
    }
    return this.getModelVersion(name, version);
  }
}

/** Whether anything (a link included) is at `path`. */
function present(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes a file (never following a link); false when there was none. */
function removeFile(path: string): boolean {
  try {
    if (Deno.lstatSync(path).isDirectory) return false;
    Deno.removeSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}

/** Copies a folder's real files and folders (links left behind) into `to`, which exists. */
function copyTree(from: string, to: string): void {
  for (const e of Deno.readDirSync(from)) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory) {
      Deno.mkdirSync(dst);
      copyTree(src, dst);
    } else if (e.isFile) Deno.copyFileSync(src, dst);
  }
}
