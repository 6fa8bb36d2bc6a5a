/**
 * The model registry of an MLflow tracking server: {@linkcode RestRegistry} speaks the REST
 * API's `registered-models/*` and `model-versions/*` endpoints as MLflow's client does, with
 * the same checks of names, versions, aliases, tags and filters as the file registry (made
 * before any request), answers checked for shape, and searches paged through
 * `next_page_token`.
 *
 * @module
 */

import { printable } from "../_internal/show.ts";
import type { ModelVersion, RegisteredModel } from "./entities.ts";
import { MlflowError } from "./errors.ts";
import { HttpClient, type RestOptions } from "./http.ts";
import { collectPages, type Page } from "./paging.ts";
import {
  type Json,
  kvList,
  listIn,
  modelVersionFrom,
  objectIn,
  pageToken,
  registeredModelFrom,
} from "./_rest_codec.ts";
import {
  registryTags,
  registryTagValue,
  validateAlias,
  validateRegisteredModelName,
  versionNumber,
} from "./_registry_checks.ts";
import { parseRegistryFilter, withPromptFilter } from "./_registry_search.ts";
import type {
  CreateModelVersionOptions,
  CreateRegisteredModelOptions,
  RegistryStore,
  SearchModelVersionsOptions,
  SearchRegisteredModelsOptions,
} from "./registry_store.ts";
import { checkMaxResults, validateModelId, validateRunId } from "./validation.ts";

/**
 * The model registry of an MLflow tracking server.
 *
 * @example Against a server (needs one running)
 * ```ts ignore
 * import { RestRegistry } from "./rest_registry.ts";
 *
 * const registry = new RestRegistry("http://127.0.0.1:5000");
 * await registry.createRegisteredModel("knn");
 * await registry.setRegisteredModelAlias("knn", "champion", 1);
 * ```
 */
export class RestRegistry implements RegistryStore {
  readonly #http: HttpClient;

  /** The registry of the server at `uri` (`http(s)://[user:pass@]host[:port][/prefix]`). */
  constructor(uri: string | HttpClient, options: RestOptions = {}) {
    this.#http = typeof uri === "string" ? new HttpClient(uri, options) : uri;
  }

  /** The server's base URL, without credentials or trailing slash. */
  get uri(): string {
    return this.#http.uri;
  }

  #at(method: string, endpoint: string): string {
    return `${method} ${endpoint} on ${this.#http.uri}`;
  }

  async #model(method: "GET" | "POST" | "PATCH", endpoint: string, body: Json) {
    const j = await this.#http.call(method, endpoint, body);
    const where = this.#at(method, endpoint);
    return registeredModelFrom(objectIn(j, "registered_model", where), where);
  }

  async #version(method: "GET" | "POST" | "PATCH", endpoint: string, body: Json) {
    const j = await this.#http.call(method, endpoint, body);
    const where = this.#at(method, endpoint);
    return modelVersionFrom(objectIn(j, "model_version", where), where);
  }

  #pages<T>(
    fetchPage: (token: string | undefined, wanted: number) => Promise<Page<T>>,
    limit: number,
    where: string,
  ): Promise<T[]> {
    return collectPages(fetchPage, limit, where).catch((e) => {
      throw this.#http.scrubError(e);
    });
  }

  // ---------------------------------------------------------------- registered models

  /** Creates a registered model (`POST /registered-models/create`). */
  createRegisteredModel(
    name: string,
    options: CreateRegisteredModelOptions = {},
  ): Promise<RegisteredModel> {
    validateRegisteredModelName(name, "server");
    const tags = registryTags("model", options.tags);
    return this.#model("POST", "/registered-models/create", {
      name,
      tags: kvList(tags),
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
  }

  /** A registered model by name (`GET /registered-models/get`). */
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    validateRegisteredModelName(name, "server");
    return this.#model("GET", "/registered-models/get", { name });
  }

  /** Sets a registered model's description (`PATCH /registered-models/update`). */
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    validateRegisteredModelName(name, "server");
    return this.#model("PATCH", "/registered-models/update", { name, description });
  }

  /** Renames a registered model (`POST /registered-models/rename`). */
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    validateRegisteredModelName(name, "server");
    validateRegisteredModelName(newName, "server");
    return this.#model("POST", "/registered-models/rename", { name, new_name: newName });
  }

  /** Deletes a registered model and its versions (`DELETE /registered-models/delete`). */
  async deleteRegisteredModel(name: string): Promise<void> {
    validateRegisteredModelName(name, "server");
    await this.#http.call("DELETE", "/registered-models/delete", { name });
  }

  /**
   * Registered models matching MLflow's filter, paging through the server's answers. The
   * filter is checked here first (as the file registry checks it) and sent with MLflow's
   * clause leaving prompts out, as MLflow's client sends it; the order-by is the server's to
   * check.
   */
  searchRegisteredModels(options: SearchRegisteredModelsOptions = {}): Promise<RegisteredModel[]> {
    const { filter = "", orderBy = [], maxResults = 100 } = options;
    checkMaxResults(maxResults, 1000);
    const sent = withPromptFilter(filter);
    parseRegistryFilter(sent, "model");
    const where = this.#at("GET", "/registered-models/search");
    return this.#pages(
      async (token, wanted) => {
        const j = await this.#http.call("GET", "/registered-models/search", {
          filter: sent,
          max_results: Math.min(wanted, this.#http.options.pageSize ?? 1000),
          order_by: orderBy,
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "registered_models", where).map((m, i) =>
            registeredModelFrom(m, where, `registered_models[${i}].`)
          ),
          nextPageToken: pageToken(j, where),
        };
      },
      maxResults,
      where,
    );
  }

  /** Sets a tag on a registered model (`POST /registered-models/set-tag`). */
  async setRegisteredModelTag(name: string, key: string, value: unknown): Promise<void> {
    validateRegisteredModelName(name, "server");
    const text = registryTagValue("model", key, value);
    await this.#http.call("POST", "/registered-models/set-tag", { name, key, value: text });
  }

  /** Removes a tag from a registered model (`DELETE /registered-models/delete-tag`). */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    validateRegisteredModelName(name, "server");
    registryTagValue("model", key, "");
    await this.#http.call("DELETE", "/registered-models/delete-tag", { name, key });
  }

  // ---------------------------------------------------------------- model versions

  /**
   * Creates the next version of a registered model (`POST /model-versions/create`); the
   * server records a logged model's versions in its `mlflow.modelVersions` tag.
   */
  createModelVersion(options: CreateModelVersionOptions): Promise<ModelVersion> {
    const { name, source } = options;
    validateRegisteredModelName(name, "server");
    const tags = registryTags("version", options.tags);
    if (options.runId !== undefined) validateRunId(options.runId);
    if (options.modelId !== undefined) validateModelId(options.modelId);
    if (typeof source !== "string" || source === "") {
      throw new MlflowError("INVALID_PARAMETER_VALUE", "Missing value for parameter 'source'");
    }
    return this.#version("POST", "/model-versions/create", {
      name,
      source,
      tags: kvList(tags),
      ...(options.runId !== undefined ? { run_id: options.runId } : {}),
      ...(options.modelId !== undefined ? { model_id: options.modelId } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    });
  }

  /** A model version (`GET /model-versions/get`). */
  getModelVersion(name: string, version: number | string): Promise<ModelVersion> {
    validateRegisteredModelName(name, "server");
    const v = versionNumber(name, version);
    return this.#version("GET", "/model-versions/get", { name, version: String(v) });
  }

  /** Sets a model version's description (`PATCH /model-versions/update`). */
  updateModelVersion(
    name: string,
    version: number | string,
    description: string,
  ): Promise<ModelVersion> {
    validateRegisteredModelName(name, "server");
    const v = versionNumber(name, version);
    return this.#version("PATCH", "/model-versions/update", {
      name,
      version: String(v),
      description,
    });
  }

  /** Deletes a model version (`DELETE /model-versions/delete`). */
  async deleteModelVersion(name: string, version: number | string): Promise<void> {
    validateRegisteredModelName(name, "server");
    const v = versionNumber(name, version);
    await this.#http.call("DELETE", "/model-versions/delete", { name, version: String(v) });
  }

  /**
   * Model versions matching MLflow's filter, paging through the server's answers; the filter
   * is checked here first, the order-by is the server's to check.
   */
  searchModelVersions(options: SearchModelVersionsOptions = {}): Promise<ModelVersion[]> {
    const { filter = "", orderBy = [], maxResults = 10_000 } = options;
    checkMaxResults(maxResults, 200_000);
    parseRegistryFilter(filter, "version");
    const where = this.#at("GET", "/model-versions/search");
    return this.#pages(
      async (token, wanted) => {
        const j = await this.#http.call("GET", "/model-versions/search", {
          filter,
          max_results: Math.min(wanted, this.#http.options.pageSize ?? 10_000),
          order_by: orderBy,
          ...(token ? { page_token: token } : {}),
        });
        return {
          items: listIn(j, "model_versions", where).map((v, i) =>
            modelVersionFrom(v, where, `model_versions[${i}].`)
          ),
          nextPageToken: pageToken(j, where),
        };
      },
      maxResults,
      where,
    );
  }

  /** Sets a tag on a model version (`POST /model-versions/set-tag`). */
  async setModelVersionTag(
    name: string,
    version: number | string,
    key: string,
    value: unknown,
  ): Promise<void> {
    validateRegisteredModelName(name, "server");
    const v = versionNumber(name, version);
    const text = registryTagValue("version", key, value);
    await this.#http.call("POST", "/model-versions/set-tag", {
      name,
      version: String(v),
      key,
      value: text,
    });
  }

  /** Removes a tag from a model version (`DELETE /model-versions/delete-tag`). */
  async deleteModelVersionTag(name: string, version: number | string, key: string): Promise<void> {
    validateRegisteredModelName(name, "server");
    const v = versionNumber(name, version);
    registryTagValue("version", key, "");
    await this.#http.call("DELETE", "/model-versions/delete-tag", {
      name,
      version: String(v),
      key,
    });
  }

  // ---------------------------------------------------------------- aliases

  /** Points an alias at a version (`POST /registered-models/alias`). */
  async setRegisteredModelAlias(
    name: string,
    alias: string,
    version: number | string,
  ): Promise<void> {
    validateRegisteredModelName(name, "server");
    validateAlias(alias, true);
    const v = versionNumber(name, version);
    await this.#http.call("POST", "/registered-models/alias", {
      name,
      alias,
      version: String(v),
    });
  }

  /** Removes an alias (`DELETE /registered-models/alias`). */
  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    validateRegisteredModelName(name, "server");
    validateAlias(alias, false);
    await this.#http.call("DELETE", "/registered-models/alias", { name, alias });
  }

  /** The version an alias points at (`GET /registered-models/alias`). */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    validateRegisteredModelName(name, "server");
    validateAlias(alias, false);
    try {
      return await this.#version("GET", "/registered-models/alias", { name, alias });
    } catch (e) {
      // The server's message names the alias only; say which model too.
      if (e instanceof MlflowError && /alias .* not found/i.test(e.message)) {
        throw new MlflowError(e.code, `${e.message} (model '${printable(name)}')`, {
          ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
        });
      }
      throw e;
    }
  }
}
