/**
 * What MLflow's file registry (`mlflow/store/model_registry/file_store.py`) keeps under a store's
 * `models/` folder, read and written as MLflow 3.17 reads and writes it:
 *
 * ```
 * models/<name>/meta.yaml               the registered model (aliases mirrored in it)
 * models/<name>/tags/<key>              its tags, one file each
 * models/<name>/aliases/<alias>         each alias: a file holding a version number
 * models/<name>/version-<n>/meta.yaml   a version (deleted ones stay, staged Deleted_Internal)
 * models/<name>/version-<n>/tags/<key>  the version's tags
 * ```
 *
 * Plain functions of a folder; the registry decides which folder. A folder or file reached
 * through a symbolic link is never read.
 *
 * @module
 */

import { join } from "node:path";
import { listDirs } from "../_internal/fs.ts";
import { dumpYaml, intField, parseYaml, strField, type YamlValue } from "./_format.ts";
import { readNoFollow } from "./_atomic.ts";
import { readKeyFiles } from "./_file_layout.ts";
import type { ModelVersion, RegisteredModel } from "./entities.ts";

/** The stage of a version that was deleted (it stays on disk, as in MLflow). */
export const DELETED_STAGE = "Deleted_Internal";
/** The stages a version can have, in MLflow's order. */
const STAGES = ["None", "Staging", "Production", "Archived"];

/** Whether `path` is a real folder (not a symbolic link to one). */
export function isRealDir(path: string): boolean {
  try {
    return Deno.lstatSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** A registered model's `meta.yaml` as MLflow 3.17's file registry writes it. */
export function registeredModelMeta(
  model: Omit<RegisteredModel, "latestVersions" | "tags">,
): Record<string, YamlValue> {
  const aliases: Record<string, string> = {};
  for (const [alias, version] of Object.entries(model.aliases)) aliases[alias] = String(version);
  return {
    aliases,
    creation_timestamp: model.creationTimestamp,
    deployment_job_id: null,
    deployment_job_state: null,
    description: model.description,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    name: model.name,
    workspace: "default",
  };
}

/**
 * A version's `meta.yaml` as MLflow 3.17's file registry writes it, with the place its files are
 * (`storage_location`: a logged model's or run's artifact location, else the source).
 */
export function modelVersionMeta(
  v: Omit<ModelVersion, "tags" | "aliases">,
  storageLocation: string,
): Record<string, YamlValue> {
  return {
    creation_timestamp: v.creationTimestamp,
    current_stage: v.currentStage,
    deployment_job_state: null,
    description: v.description,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    model_id: v.modelId,
    name: v.name,
    run_id: v.runId,
    run_link: v.runLink,
    source: v.source,
    status: v.status,
    status_message: v.statusMessage,
    storage_location: storageLocation,
    user_id: v.userId,
    version: v.version,
    workspace: "default",
  };
}

/** Reads a `meta.yaml` (never through a link); a missing or empty one is an error naming it. */
export function readMetaFile(dir: string): Record<string, unknown> {
  const file = join(dir, "meta.yaml");
  const text = readNoFollow(file);
  if (text === null) throw new SyntaxError(`${file} is missing`);
  let meta: Record<string, unknown> | null;
  try {
    meta = parseYaml(text);
  } catch (e) {
    throw new SyntaxError(`${file}: ${(e as Error).message}`, { cause: e });
  }
  if (!meta) throw new SyntaxError(`${file} is empty`);
  return meta;
}

const optional = (meta: Record<string, unknown>, key: string): string | null =>
  meta[key] === null || meta[key] === undefined ? null : strField(meta, key);

/** The aliases of a registered model's folder (`aliases/<alias>` files holding versions). */
export function readAliases(modelDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [alias, text] of Object.entries(readKeyFiles(join(modelDir, "aliases")))) {
    const version = Number(text.trim());
    if (!Number.isSafeInteger(version) || text.trim() === "") {
      console.warn(`Skipping alias ${join(modelDir, "aliases", alias)}: '${text}' is no version`);
      continue;
    }
    out[alias] = version;
  }
  return out;
}

/**
 * Reads a version folder: its meta.yaml, tags, and the aliases (of `aliases`, its registered
 * model's) that point at it. The folder must be `version-<n>` of the version its meta.yaml
 * names.
 */
export function readVersionDir(dir: string, aliases: Record<string, number>): ModelVersion {
  const meta = readMetaFile(dir);
  const version = intField(meta, "version");
  const folder = dir.slice(dir.lastIndexOf("/") + 1);
  if (version === null || folder !== `version-${version}`) {
    throw new SyntaxError(`${join(dir, "meta.yaml")} names version ${version}, not ${folder}`);
  }
  const created = intField(meta, "creation_timestamp") ?? 0;
  return {
    name: strField(meta, "name"),
    version,
    creationTimestamp: created,
    lastUpdatedTimestamp: intField(meta, "last_updated_timestamp") ?? created,
    description: optional(meta, "description"),
    source: strField(meta, "source"),
    runId: optional(meta, "run_id"),
    modelId: optional(meta, "model_id"),
    status: strField(meta, "status", "READY"),
    statusMessage: optional(meta, "status_message"),
    currentStage: strField(meta, "current_stage", "None"),
    userId: optional(meta, "user_id"),
    runLink: optional(meta, "run_link"),
    tags: readKeyFiles(join(dir, "tags")),
    aliases: Object.keys(aliases).filter((a) => aliases[a] === version).sort(),
  };
}

/** The recorded storage location of a version folder (MLflow's `storage_location`), or null. */
export function readStorageLocation(dir: string): string | null {
  return optional(readMetaFile(dir), "storage_location");
}

/**
 * Every readable version of a registered model's folder, deleted ones included; a malformed
 * one is skipped with a warning naming it.
 */
export function readVersionDirs(
  modelDir: string,
  aliases: Record<string, number>,
): ModelVersion[] {
  const out: ModelVersion[] = [];
  for (const name of listDirs(modelDir)) {
    if (!name.startsWith("version-")) continue;
    try {
      out.push(readVersionDir(join(modelDir, name), aliases));
    } catch (e) {
      console.warn(
        `Skipping malformed model version ${join(modelDir, name)}: ${(e as Error).message}`,
      );
    }
  }
  return out;
}

/** The newest version of each stage in use, in MLflow's stage order (deleted ones left out). */
export function latestVersions(versions: ModelVersion[]): ModelVersion[] {
  const latest = new Map<string, ModelVersion>();
  for (const v of versions) {
    if (!STAGES.includes(v.currentStage)) continue;
    const seen = latest.get(v.currentStage);
    if (!seen || seen.version < v.version) latest.set(v.currentStage, v);
  }
  return STAGES.filter((s) => latest.has(s)).map((s) => latest.get(s)!);
}

/** Reads a registered model's folder: meta.yaml, tags, aliases and its latest versions. */
export function readModelDir(dir: string): RegisteredModel {
  const meta = readMetaFile(dir);
  const aliases = readAliases(dir);
  const created = intField(meta, "creation_timestamp") ?? 0;
  return {
    name: strField(meta, "name"),
    creationTimestamp: created,
    lastUpdatedTimestamp: intField(meta, "last_updated_timestamp") ?? created,
    description: optional(meta, "description"),
    tags: readKeyFiles(join(dir, "tags")),
    aliases,
    latestVersions: latestVersions(readVersionDirs(dir, aliases)),
  };
}

/** A registered model's meta.yaml text with new fields, aliases as they are on disk. */
export function modelMetaText(
  dir: string,
  change: (model: Omit<RegisteredModel, "latestVersions" | "tags">) => void,
): string {
  const meta = readMetaFile(dir);
  const created = intField(meta, "creation_timestamp") ?? 0;
  const model = {
    name: strField(meta, "name"),
    creationTimestamp: created,
    lastUpdatedTimestamp: intField(meta, "last_updated_timestamp") ?? created,
    description: optional(meta, "description"),
    aliases: readAliases(dir),
  };
  change(model);
  return dumpYaml(registeredModelMeta(model));
}
