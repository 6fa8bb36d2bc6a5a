/**
 * The model registry contract: registered models, their versions, tags, descriptions and
 * aliases, as MLflow's model registry keeps them. Two stores implement it —
 * {@linkcode FileRegistry} (a local store's `mlruns/models/`, in the layout MLflow's file
 * registry writes) and {@linkcode RestRegistry} (a tracking server's `registered-models/*` and
 * `model-versions/*` endpoints) — with the same validation and the same `MlflowError`s.
 *
 * @module
 */

import type { ModelVersion, RegisteredModel } from "./entities.ts";
import type { Awaitable } from "./store.ts";

/** Options of {@linkcode RegistryStore.createRegisteredModel}. */
export interface CreateRegisteredModelOptions {
  /** Tags set at creation; values are stored as text. */
  tags?: Record<string, unknown>;
  /** A description. */
  description?: string;
}

/** Options of {@linkcode RegistryStore.createModelVersion}. */
export interface CreateModelVersionOptions {
  /** The registered model the version belongs to (it must exist). */
  name: string;
  /**
   * Where its files are: `models:/<model_id>`, `models:/<name>/<version>`, or a run's artifact
   * URI.
   */
  source: string;
  /** The run that produced it. */
  runId?: string;
  /** The MLflow 3 logged model it registers. */
  modelId?: string;
  /** Tags set at creation; values are stored as text. */
  tags?: Record<string, unknown>;
  /** A description. */
  description?: string;
}

/** Options of {@linkcode RegistryStore.searchRegisteredModels}. */
export interface SearchRegisteredModelsOptions {
  /** MLflow's filter for registered models, e.g. `name LIKE 'knn%' and tags.team = 'ml'`. */
  filter?: string;
  /**
   * Order-by clauses. MLflow's stores differ here and each store answers as MLflow's does: a
   * file store sorts on `name`, `creation_timestamp` and `last_updated_timestamp`, a server on
   * `name`, `timestamp` and `last_updated_timestamp`. @default ["name ASC"]
   */
  orderBy?: string[];
  /** At most this many (1 … 1000). @default 100 */
  maxResults?: number;
}

/** Options of {@linkcode RegistryStore.searchModelVersions}. */
export interface SearchModelVersionsOptions {
  /**
   * MLflow's filter for model versions, e.g. `name = 'knn' and run_id = '…'` (keys `name`,
   * `version_number`, `run_id`, `source_path`, `tags.<key>`).
   */
  filter?: string;
  /**
   * Order-by clauses on `name`, `version_number`, `creation_timestamp`,
   * `last_updated_timestamp`. @default ["last_updated_timestamp DESC", "name ASC", "version_number DESC"]
   */
  orderBy?: string[];
  /** At most this many (1 … 200,000). @default 10000 */
  maxResults?: number;
}

/**
 * A model registry: registered models and their versions, chosen by the same URI as the
 * tracking store (a local `mlruns/` or a tracking server). Versions are numbered from 1 within
 * their registered model; a deleted version's number is not reused.
 *
 * @example Any registry, used the same way
 * ```ts
 * import type { RegistryStore } from "./registry_store.ts";
 * import { FileRegistry } from "./file_registry.ts";
 * import assert from "node:assert/strict";
 *
 * async function firstVersion(registry: RegistryStore, source: string): Promise<number> {
 *   await registry.createRegisteredModel("knn");
 *   const v = await registry.createModelVersion({ name: "knn", source });
 *   await registry.setRegisteredModelAlias("knn", "champion", v.version);
 *   return (await registry.getModelVersionByAlias("knn", "champion")).version;
 * }
 * const registry = new FileRegistry(await Deno.makeTempDir());
 * assert.equal(await firstVersion(registry, "file:///tmp/model"), 1);
 * ```
 */
export interface RegistryStore {
  /** The registry URI this store answers for (`file:///…` or `http(s)://…`). */
  readonly uri: string;

  /** Creates a registered model; RESOURCE_ALREADY_EXISTS when the name is taken. */
  createRegisteredModel(
    name: string,
    options?: CreateRegisteredModelOptions,
  ): Awaitable<RegisteredModel>;
  /** A registered model by name; RESOURCE_DOES_NOT_EXIST when there is none. */
  getRegisteredModel(name: string): Awaitable<RegisteredModel>;
  /** Sets a registered model's description. */
  updateRegisteredModel(name: string, description: string): Awaitable<RegisteredModel>;
  /** Renames a registered model, its versions, tags and aliases with it. */
  renameRegisteredModel(name: string, newName: string): Awaitable<RegisteredModel>;
  /** Deletes a registered model and all its versions. */
  deleteRegisteredModel(name: string): Awaitable<void>;
  /** Registered models matching MLflow's filter, in MLflow's order. */
  searchRegisteredModels(options?: SearchRegisteredModelsOptions): Awaitable<RegisteredModel[]>;
  /** Sets a tag on a registered model. */
  setRegisteredModelTag(name: string, key: string, value: unknown): Awaitable<void>;
  /** Removes a tag from a registered model (a missing tag is no error, as in MLflow). */
  deleteRegisteredModelTag(name: string, key: string): Awaitable<void>;

  /** Creates the next version of a registered model. */
  createModelVersion(options: CreateModelVersionOptions): Awaitable<ModelVersion>;
  /** A model version; RESOURCE_DOES_NOT_EXIST when there is none. */
  getModelVersion(name: string, version: number | string): Awaitable<ModelVersion>;
  /** Sets a model version's description. */
  updateModelVersion(
    name: string,
    version: number | string,
    description: string,
  ): Awaitable<ModelVersion>;
  /** Deletes a model version (and the aliases pointing at it). */
  deleteModelVersion(name: string, version: number | string): Awaitable<void>;
  /** Model versions matching MLflow's filter, in MLflow's order. */
  searchModelVersions(options?: SearchModelVersionsOptions): Awaitable<ModelVersion[]>;
  /** Sets a tag on a model version. */
  setModelVersionTag(
    name: string,
    version: number | string,
    key: string,
    value: unknown,
  ): Awaitable<void>;
  /** Removes a tag from a model version (a missing tag is no error, as in MLflow). */
  deleteModelVersionTag(name: string, version: number | string, key: string): Awaitable<void>;

  /** Points an alias of a registered model at one of its versions (moving it if set). */
  setRegisteredModelAlias(name: string, alias: string, version: number | string): Awaitable<void>;
  /** Removes an alias (a missing alias is no error, as in MLflow). */
  deleteRegisteredModelAlias(name: string, alias: string): Awaitable<void>;
  /**
   * The version an alias points at (`latest`: the newest version); an unknown alias is
   * INVALID_PARAMETER_VALUE, as in MLflow.
   */
  getModelVersionByAlias(name: string, alias: string): Awaitable<ModelVersion>;
}
