/**
 * Model URIs as MLflow reads them (`mlflow/store/artifact/utils/models.py`,
 * `RunsArtifactRepository`): `runs:/<run_id>/<path>`, MLflow 3's `models:/<model_id>`, and the
 * registry's `models:/<name>/<version>`, `models:/<name>@<alias>`, `models:/<name>/latest` and
 * `models:/<name>/<stage>` — parsed, and resolved to where the model's files are: a logged
 * model, or a folder of a run's artifacts. A version's recorded source is followed only to a
 * logged model or into its own run's artifacts, never to a place outside the stores.
 *
 * @module
 */

import { printable } from "../_internal/show.ts";
import type { ModelVersion } from "./entities.ts";
import { invalid, MlflowError } from "./errors.ts";
import type { RegistryStore } from "./registry_store.ts";
import type { TrackingStore } from "./store.ts";
import { validateArtifactPath, validateModelId, validateRunId } from "./validation.ts";

/** A `models:/` URI taken apart; exactly one of its forms is set. */
export interface ParsedModelUri {
  /** `models:/<model_id>`: an MLflow 3 logged model. */
  modelId?: string;
  /** The registered model's name (every other form). */
  name?: string;
  /** `models:/<name>/<version>`. */
  version?: string;
  /** `models:/<name>@<alias>`. */
  alias?: string;
  /** `models:/<name>/<stage>`: the newest version in that stage. */
  stage?: string;
  /** `models:/<name>/latest`: the newest version. */
  latest?: boolean;
}

const STAGES: Record<string, string> = {
  none: "None",
  staging: "Staging",
  production: "Production",
  archived: "Archived",
};

function improper(uri: string): MlflowError {
  return invalid(
    `Not a proper models:/ URI: '${printable(uri)}'. Models URIs must be of the form ` +
      `'models:/<name>/<version>', 'models:/<name>/latest', 'models:/<name>/<stage>', ` +
      `'models:/<name>@<alias>' or 'models:/<model_id>'`,
  );
}

/**
 * Takes a `models:/` URI apart as MLflow's `_parse_model_uri` does.
 *
 * @example Each form
 * ```ts
 * import { parseModelUri } from "./model_uri.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseModelUri("models:/knn/3"), { name: "knn", version: "3" });
 * assert.deepEqual(parseModelUri("models:/knn@champion"), { name: "knn", alias: "champion" });
 * assert.deepEqual(parseModelUri("models:/knn/Latest"), { name: "knn", latest: true });
 * assert.deepEqual(parseModelUri("models:/knn/production"), { name: "knn", stage: "Production" });
 * assert.deepEqual(parseModelUri(`models:/m-${"0".repeat(32)}`), { modelId: `m-${"0".repeat(32)}` });
 * assert.throws(() => parseModelUri("models:/a/b/c"), /Not a proper models:\/ URI/);
 * ```
 */
export function parseModelUri(uri: string): ParsedModelUri {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(uri);
  if (!m || m[1]!.toLowerCase() !== "models") throw improper(uri);
  let rest = m[2]!;
  const query = rest.indexOf("?");
  if (query >= 0) rest = rest.slice(0, query);
  if (rest.startsWith("//")) throw improper(uri); // a Databricks profile: not supported here
  if (!rest.startsWith("/") || rest.length <= 1) throw improper(uri);
  const parts = rest.replace(/^\/+/, "").split("/");
  if (parts.length > 2 || parts[0]!.trim() === "") throw improper(uri);
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string];
    if (suffix.trim() === "") throw improper(uri);
    if (/^\p{Nd}+$/u.test(suffix)) return { name, version: suffix };
    if (suffix.toLowerCase() === "latest") return { name, latest: true };
    const stage = STAGES[suffix.toLowerCase()];
    if (!stage) {
      throw invalid(
        `Invalid model version stage '${printable(suffix)}' in '${printable(uri)}': one of ` +
          `None, Staging, Production, Archived (or a version number, or 'latest')`,
      );
    }
    return { name, stage };
  }
  if (rest.includes("@")) {
    const at = parts[0]!.lastIndexOf("@");
    const alias = parts[0]!.slice(at + 1);
    if (at < 0 || alias.trim() === "") throw improper(uri);
    return { name: parts[0]!.slice(0, at), alias };
  }
  return { modelId: parts[0]! };
}

/**
 * Takes a `runs:/<run_id>/<path>` URI apart; the path is checked to stay inside the run's
 * artifacts.
 *
 * @example
 * ```ts
 * import { parseRunsUri } from "./model_uri.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseRunsUri(`runs:/${"a".repeat(32)}/model`), { runId: "a".repeat(32), path: "model" });
 * assert.throws(() => parseRunsUri("runs:/x"), /runs:\/<run_id>\/<path>/);
 * ```
 */
export function parseRunsUri(uri: string): { runId: string; path: string } {
  const m = /^runs:\/([^/]+)\/(.+)$/.exec(uri);
  if (!m) {
    throw invalid(`Not a proper runs:/ URI: '${printable(uri)}'. Expected runs:/<run_id>/<path>`);
  }
  validateRunId(m[1]);
  return { runId: m[1]!, path: validateArtifactPath(m[2]!, "model path") };
}

/** Where a model's files are: a logged model, or a folder of a run's artifacts. */
export type ModelFiles = { modelId: string } | { runId: string; path: string };

/** The stores a URI is resolved against. */
export interface ModelStores {
  /** The tracking store (runs and logged models). */
  tracking: TrackingStore;
  /** The model registry. */
  registry: RegistryStore;
}

/** Runs `step`, saying which URI was being resolved when it fails. */
async function about<T>(uri: string, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (!(e instanceof MlflowError)) throw e;
    throw new MlflowError(e.code, `Cannot resolve '${printable(uri)}': ${e.message}`, {
      cause: e,
      ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    });
  }
}

/**
 * The registered version a `models:/<name>/…` URI names (version, alias, `latest` or stage);
 * errors name the URI.
 *
 * @example
 * ```ts
 * import { registeredVersion } from "./model_uri.ts";
 * import { FileRegistry } from "./file_registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new FileRegistry(await Deno.makeTempDir());
 * registry.createRegisteredModel("knn");
 * await registry.createModelVersion({ name: "knn", source: "file:///tmp/a" });
 * await registry.createModelVersion({ name: "knn", source: "file:///tmp/b" });
 * assert.equal((await registeredVersion("models:/knn/latest", registry)).version, 2);
 * await assert.rejects(registeredVersion("models:/knn/7", registry), /Cannot resolve 'models:\/knn\/7'/);
 * ```
 */
export function registeredVersion(uri: string, registry: RegistryStore): Promise<ModelVersion> {
  return about(uri, async () => {
    const p = parseModelUri(uri);
    if (p.modelId !== undefined) {
      throw invalid(`'${printable(uri)}' names a logged model, not a registered version`);
    }
    if (p.version !== undefined) return await registry.getModelVersion(p.name!, p.version);
    if (p.alias !== undefined) return await registry.getModelVersionByAlias(p.name!, p.alias);
    if (p.latest) return await registry.getModelVersionByAlias(p.name!, "latest");
    const model = await registry.getRegisteredModel(p.name!);
    const found = model.latestVersions.find((v) => v.currentStage === p.stage);
    if (!found) {
      throw new MlflowError(
        "RESOURCE_DOES_NOT_EXIST",
        `No versions of model with name '${printable(p.name!)}' and stage '${p.stage}' found`,
      );
    }
    return found;
  });
}

/** Whether `uri` lies inside the folder URI `root` (path segments compared, no `..`). */
function inside(uri: string, root: string): string | null {
  const base = root.replace(/\/+$/, "");
  if (!uri.startsWith(base + "/")) return null;
  const rel = uri.slice(base.length + 1).replace(/\/+$/, "");
  try {
    return validateArtifactPath(decodeURIComponent(rel), "model path") || null;
  } catch {
    return null;
  }
}

/**
 * Where a registered version's files are, as MLflow resolves a version: its logged model
 * (`model_id`, or a `models:/<model_id>` source), the version a `models:/<name>/<version>`
 * source copies, or a folder of its run's artifacts (a `runs:/` source, or a source inside the
 * run's artifact location). Any other recorded source is refused, naming it: it is not followed.
 *
 * @example A version of a logged model
 * ```ts
 * import { versionFiles } from "./model_uri.ts";
 * import { FileRegistry } from "./file_registry.ts";
 * import { FileStore } from "./file_store.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const tracking = new FileStore(root);
 * const registry = new FileRegistry(root, { tracking });
 * tracking.ensureRoot();
 * const model = tracking.createLoggedModel({ experimentId: "0", name: "model" });
 * registry.createRegisteredModel("knn");
 * const v = await registry.createModelVersion({
 *   name: "knn", source: `models:/${model.modelId}`, modelId: model.modelId,
 * });
 * assert.deepEqual(await versionFiles(v, { tracking, registry }), { modelId: model.modelId });
 * ```
 */
export async function versionFiles(
  version: ModelVersion,
  stores: ModelStores,
): Promise<ModelFiles> {
  const seen = new Set<string>();
  for (let v = version;;) {
    const label = `${v.name}/${v.version}`;
    if (seen.has(label) || seen.size > 20) {
      throw new MlflowError(
        "INVALID_STATE",
        `Model version ${printable(label)} leads back to itself through its sources`,
      );
    }
    seen.add(label);
    if (v.modelId) {
      validateModelId(v.modelId);
      return { modelId: v.modelId };
    }
    const source = v.source;
    if (/^runs:\//.test(source)) return parseRunsUri(source);
    if (/^models:/i.test(source)) {
      const p = parseModelUri(source);
      if (p.modelId !== undefined) {
        validateModelId(p.modelId);
        return { modelId: p.modelId };
      }
      v = await registeredVersion(source, stores.registry);
      continue;
    }
    if (v.runId) {
      const run = await stores.tracking.getRun(v.runId);
      const path = inside(source, run.info.artifactUri);
      if (path !== null) return { runId: v.runId, path };
    }
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      `Model version ${printable(label)} records its files at '${printable(source)}', which ` +
        `is neither a logged model nor inside the artifacts of its run; it is not followed`,
    );
  }
}

/**
 * Where the model a URI names has its files: `runs:/<run_id>/<path>` (the run's logged model
 * of that name, as MLflow 3 links them, or an MLflow 2 model folder of that path),
 * `models:/<model_id>`, or a registered version (`models:/<name>/<version>`, `@<alias>`,
 * `/latest`, `/<stage>`). Unknown runs, models, versions and aliases are errors naming the URI.
 *
 * @example
 * ```ts
 * import { resolveModelUri } from "./model_uri.ts";
 * import { FileRegistry } from "./file_registry.ts";
 * import { FileStore } from "./file_store.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const stores = { tracking: new FileStore(root), registry: new FileRegistry(root) };
 * await assert.rejects(resolveModelUri("models:/knn@champion", stores), /Cannot resolve 'models:\/knn@champion'/);
 * await assert.rejects(resolveModelUri("s3://bucket/model", stores), /expected runs:\/<run_id>/);
 * ```
 */
export async function resolveModelUri(uri: string, stores: ModelStores): Promise<ModelFiles> {
  if (/^runs:/.test(uri)) {
    const { runId, path } = parseRunsUri(uri);
    return await about(uri, async () => {
      // The run's logged model of that name (the one of the largest step, as MLflow picks),
      // else a model folder of that path in its artifacts.
      let best: { modelId: string; step: number } | null = null;
      for (const output of await stores.tracking.getRunOutputs(runId)) {
        const model = await stores.tracking.getLoggedModel(output.modelId);
        if (model.name === path && (best === null || output.step > best.step)) best = output;
      }
      return best ? { modelId: best.modelId } : { runId, path };
    });
  }
  if (!/^models:/i.test(uri)) {
    throw invalid(
      `Cannot load model '${printable(uri)}': expected runs:/<run_id>/<name>, ` +
        `models:/<model_id>, models:/<name>/<version>, models:/<name>@<alias> or ` +
        `models:/<name>/latest`,
    );
  }
  const parsed = parseModelUri(uri);
  if (parsed.modelId !== undefined) {
    return await about(uri, async () => {
      validateModelId(parsed.modelId);
      await stores.tracking.getLoggedModel(parsed.modelId!);
      return { modelId: parsed.modelId! };
    });
  }
  const version = await registeredVersion(uri, stores.registry);
  return await about(uri, () => versionFiles(version, stores));
}
