/**
 * The file store's MLflow 3 logged models: `<experiment>/models/<model_id>/` folders (meta.yaml,
 * params, tags, metrics, `artifacts/`) and the run outputs that link them to runs
 * (`<run>/outputs/<model_id>/meta.yaml`), written as MLflow's file store writes them.
 *
 * @module
 */

import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { exists, listDirs } from "../_internal/fs.ts";
import { dumpYaml } from "./_format.ts";
import { type Staging, writeKeyFile } from "./_atomic.ts";
import {
  experimentFolders,
  latestPoints,
  loggedModelMeta,
  loggedModelMetricLine,
  readLoggedModel,
  runOutputMeta,
} from "./_file_layout.ts";
import type { LoggedModelInfo, LoggedModelStatus } from "./entities.ts";
import { notFound } from "./errors.ts";
import { LocalArtifactRepository } from "./artifact_repo.ts";
import type { CreateLoggedModelOptions, RunOutput } from "./store.ts";
import { pathToUri } from "./uri.ts";
import { validateKey, validateModelId, validateModelName } from "./validation.ts";

const MODELS = "models"; // an experiment's logged models

/**
 * The logged models of one file store.
 *
 * @example
 * ```ts
 * import { FileStore } from "./file_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new FileStore(await Deno.makeTempDir());
 * store.ensureRoot();
 * const model = store.createLoggedModel({ experimentId: "0", name: "model" });
 * await store.writeLoggedModelArtifact(model.modelId, "MLmodel", "flavors: {}\n");
 * store.finalizeLoggedModel(model.modelId, "LOGGED_MODEL_READY");
 * assert.equal(store.getLoggedModel(model.modelId).status, "LOGGED_MODEL_READY");
 * assert.deepEqual((await store.listLoggedModelArtifacts(model.modelId)).map((f) => f.path), ["MLmodel"]);
 * ```
 */
export class LoggedModelFolders {
  readonly #staging: Staging;
  readonly #root: string;
  readonly #dirs = new Map<string, string>();

  /** The logged models of the store at `root`, written through its staging area. */
  constructor(staging: Staging, root: string) {
    this.#staging = staging;
    this.#root = root;
  }

  /**
   * Creates a PENDING logged model in the experiment folder `experimentDir`, with the latest
   * metrics of the source run's folder `runDir`, built in staging and renamed into place.
   */
  create(
    experimentDir: string,
    runDir: string | null,
    options: CreateLoggedModelOptions,
  ): LoggedModelInfo {
    const { experimentId, name, sourceRunId, params = {}, tags = {} } = options;
    validateModelName(name);
    for (const k of Object.keys(params)) validateKey("param", k);
    for (const k of Object.keys(tags)) validateKey("tag", k);
    const modelId = `m-${randomBytes(16).toString("hex")}`;
    const modelDir = join(experimentDir, MODELS, modelId);
    const now = Date.now();
    const model: LoggedModelInfo = {
      modelId,
      experimentId,
      name,
      artifactLocation: pathToUri(join(modelDir, "artifacts")),
      sourceRunId: sourceRunId ?? null,
      status: "LOGGED_MODEL_PENDING",
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      params: { ...params },
      tags: { ...tags },
    };
    Deno.mkdirSync(join(experimentDir, MODELS), { recursive: true });
    this.#staging.publish(modelDir, (dir) => {
      for (const sub of ["artifacts", "params", "tags", "metrics"]) Deno.mkdirSync(join(dir, sub));
      const write = (kind: "metric" | "param" | "tag", key: string, text: string) =>
        writeKeyFile(
          kind,
          join(dir, `${kind}s`),
          key,
          (path) => Deno.writeTextFileSync(path, text),
        );
      for (const [k, v] of Object.entries(params)) write("param", k, v);
      for (const [k, v] of Object.entries(tags)) write("tag", k, v);
      // The source run's latest metrics travel with the model, as MLflow 3's log_model copies them.
      for (const [k, point] of runDir ? latestPoints(runDir) : []) {
        write("metric", k, loggedModelMetricLine(point, sourceRunId!));
      }
      Deno.writeTextFileSync(join(dir, "meta.yaml"), dumpYaml(loggedModelMeta(model)));
    });
    this.#dirs.set(modelId, modelDir);
    return model;
  }

  /** The folder of a logged model, in any experiment (active or deleted). */
  #dir(modelId: string): string {
    validateModelId(modelId);
    const cached = this.#dirs.get(modelId);
    if (cached && exists(join(cached, "meta.yaml"))) return cached;
    for (const expDir of experimentFolders(this.#root, "ALL")) {
      const dir = join(expDir, MODELS, modelId);
      if (exists(join(dir, "meta.yaml"))) {
        this.#dirs.set(modelId, dir);
        return dir;
      }
    }
    throw notFound(`Logged model '${modelId}' not found`);
  }

  /** Sets a logged model's final status (meta.yaml replaced atomically). */
  finalize(modelId: string, status: Exclude<LoggedModelStatus, "LOGGED_MODEL_PENDING">): void {
    const dir = this.#dir(modelId);
    this.#staging.withLock(() => {
      const model = readLoggedModel(dir);
      const meta = loggedModelMeta({ ...model, status, lastUpdatedTimestamp: Date.now() });
      this.#staging.replace(join(dir, "meta.yaml"), dumpYaml(meta));
    });
  }

  /** Sets tags of a logged model (each tag file replaced atomically). */
  setTags(modelId: string, tags: Record<string, string>): void {
    for (const key of Object.keys(tags)) validateKey("tag", key);
    const tagsDir = join(this.#dir(modelId), "tags");
    for (const [key, value] of Object.entries(tags)) {
      writeKeyFile("tag", tagsDir, key, (path) => this.#staging.replace(path, value));
    }
  }

  /** A logged model by id. */
  get(modelId: string): LoggedModelInfo {
    return readLoggedModel(this.#dir(modelId));
  }

  /** The logged models of some experiment folders, newest first; malformed ones are skipped. */
  search(experimentDirs: string[]): LoggedModelInfo[] {
    const out: LoggedModelInfo[] = [];
    for (const expDir of experimentDirs) {
      for (const name of listDirs(join(expDir, MODELS))) {
        try {
          out.push(readLoggedModel(join(expDir, MODELS, name)));
        } catch (e) {
          console.warn(`Skipping malformed logged model ${name}: ${(e as Error).message}`);
        }
      }
    }
    return out.sort((a, b) =>
      b.creationTimestamp - a.creationTimestamp || (a.modelId < b.modelId ? -1 : 1)
    );
  }

  /** A logged model's artifact folder. */
  repo(modelId: string): LocalArtifactRepository {
    return new LocalArtifactRepository(join(this.#dir(modelId), "artifacts"), {
      owner: `Logged model ${modelId}`,
      staging: this.#staging,
    });
  }

  /** Links logged models to the run in `runDir`, each link renamed into place. */
  logOutputs(runDir: string, outputs: RunOutput[]): void {
    for (const output of outputs) validateModelId(output.modelId);
    Deno.mkdirSync(join(runDir, "outputs"), { recursive: true });
    for (const output of outputs) {
      this.#staging.publish(join(runDir, "outputs", output.modelId), (dir) => {
        Deno.writeTextFileSync(join(dir, "meta.yaml"), runOutputMeta(output));
      });
    }
  }
}
