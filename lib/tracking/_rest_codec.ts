/**
 * MLflow's REST JSON: request bodies as MLflow's proto parser reads them (NaN and ±∞ as its
 * strings, -0 kept), and answers turned into this library's entities — their shape checked
 * first, so a server answering `{}` or `{"run": null}` gets an INTERNAL_ERROR naming the endpoint
 * and the missing field, never a `TypeError`.
 *
 * @module
 */

import {
  type Experiment,
  type LifecycleStage,
  LOGGED_MODEL_STATUSES,
  type LoggedModelInfo,
  type LoggedModelStatus,
  type ModelVersion,
  type RegisteredModel,
  type RunInputs,
  type RunStatus,
} from "./entities.ts";
import { MlflowError } from "./errors.ts";
import { Run } from "./run.ts";

/** A JSON object as the server sends it. */
export type Json = Record<string, unknown>;

const NEG_ZERO = "\u0000-0\u0000";

/**
 * JSON for MLflow's proto parser: NaN and ±∞ as its strings, -0 kept as `-0.0`.
 *
 * @example
 * ```ts
 * import { toJson } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toJson({ v: [NaN, -Infinity, -0, 1] }), '{"v":["NaN","-Infinity",-0.0,1]}');
 * ```
 */
export function toJson(body: unknown): string {
  return JSON.stringify(body, (_k, v) => {
    if (typeof v !== "number") return v;
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    if (Object.is(v, -0)) return NEG_ZERO;
    return v;
  }).replaceAll(JSON.stringify(NEG_ZERO), "-0.0");
}

/** A number from MLflow's JSON, where NaN and ±∞ arrive as strings. */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return Number(v);
}

function optNum(v: unknown): number | null {
  return v === undefined || v === null ? null : num(v);
}

type KeyValue = { key: string; value?: string };

/** `{ key: value }` as MLflow's list of `{ key, value }` pairs. */
export function kvList(record: Record<string, string>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * The error for an answer of the wrong shape: `where` names the endpoint and server, `field` the
 * offending field.
 *
 * @example A run answer without its run
 * ```ts
 * import { badAnswer } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const e = badAnswer("GET /runs/get on http://127.0.0.1:5000", "run", undefined, "an object");
 * assert.equal(e.code, "INTERNAL_ERROR");
 * assert.match(e.message, /GET \/runs\/get on http:\/\/127\.0\.0\.1:5000: 'run' is missing/);
 * ```
 */
export function badAnswer(
  where: string,
  field: string,
  got: unknown,
  expected: string,
): MlflowError {
  return new MlflowError(
    "INTERNAL_ERROR",
    `Unexpected answer from ${where}: '${field}' is ${describe(got)}, expected ${expected}`,
  );
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The object `j[key]` of an answer; anything else is an INTERNAL_ERROR naming `where` and
 * `prefix` + `key`.
 *
 * @example
 * ```ts
 * import { objectIn } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(objectIn({ run: { info: {} } }, "run", "GET /runs/get"), { info: {} });
 * assert.throws(() => objectIn({ run: null }, "run", "GET /runs/get"), /'run' is null/);
 * ```
 */
export function objectIn(j: Json, key: string, where: string, prefix = ""): Json {
  const v = j[key];
  if (!isObject(v)) throw badAnswer(where, prefix + key, v, "an object");
  return v;
}

/**
 * The list of objects `j[key]` of an answer (empty when missing, as MLflow leaves out empty
 * lists); anything else is an INTERNAL_ERROR naming `where` and the field.
 *
 * @example
 * ```ts
 * import { listIn } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listIn({}, "runs", "POST /runs/search"), []);
 * assert.throws(() => listIn({ runs: "x" }, "runs", "POST /runs/search"), /'runs' is a string/);
 * ```
 */
export function listIn(j: Json, key: string, where: string, prefix = ""): Json[] {
  const v = j[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badAnswer(where, prefix + key, v, "a list");
  v.forEach((item, i) => {
    if (!isObject(item)) throw badAnswer(where, `${prefix}${key}[${i}]`, item, "an object");
  });
  return v as Json[];
}

/**
 * The identifier `j[key]` of an answer (a non-empty string or a number), as a string.
 *
 * @example
 * ```ts
 * import { idIn } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(idIn({ experiment_id: "3" }, "experiment_id", "POST /experiments/create"), "3");
 * assert.throws(() => idIn({}, "experiment_id", "POST /experiments/create"), /is missing/);
 * ```
 */
export function idIn(j: Json, key: string, where: string, prefix = ""): string {
  const v = j[key];
  if ((typeof v === "string" && v !== "") || (typeof v === "number" && Number.isFinite(v))) {
    return String(v);
  }
  throw badAnswer(where, prefix + key, v, "an identifier");
}

/**
 * The `next_page_token` of a page (undefined on the last page).
 *
 * @example
 * ```ts
 * import { pageToken } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pageToken({ next_page_token: "abc" }, "POST /runs/search"), "abc");
 * assert.equal(pageToken({}, "POST /runs/search"), undefined);
 * ```
 */
export function pageToken(j: Json, where: string): string | undefined {
  const v = j.next_page_token;
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw badAnswer(where, "next_page_token", v, "a string");
  return v;
}

function kvRecord(j: Json, key: string, where: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  listIn(j, key, where, prefix).forEach((kv, i) => {
    if (typeof kv.key !== "string") {
      throw badAnswer(where, `${prefix}${key}[${i}].key`, kv.key, "a string");
    }
    out[kv.key] = kv.value === undefined || kv.value === null ? "" : String(kv.value);
  });
  return out;
}

/**
 * An `Experiment` message as an {@linkcode Experiment}; `where` names the endpoint for errors.
 *
 * @example
 * ```ts
 * import { experimentFrom } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(experimentFrom({ experiment_id: "1", name: "a" }).name, "a");
 * assert.throws(() => experimentFrom({}, "GET /experiments/get"), /'experiment.experiment_id'/);
 * ```
 */
export function experimentFrom(j: Json, where = "the server", prefix = "experiment."): Experiment {
  return {
    experimentId: idIn(j, "experiment_id", where, prefix),
    name: String(j.name ?? ""),
    artifactLocation: String(j.artifact_location ?? ""),
    lifecycleStage: (j.lifecycle_stage ?? "active") as LifecycleStage,
    creationTime: optNum(j.creation_time),
    lastUpdateTime: optNum(j.last_update_time),
    tags: kvRecord(j, "tags", where, prefix),
  };
}

/**
 * A `Run` message as a {@linkcode Run}; `where` names the endpoint for errors.
 *
 * @example
 * ```ts
 * import { runFrom } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const run = runFrom({ info: { run_id: "r1", experiment_id: "0" }, data: {} });
 * assert.equal(run.info.runId, "r1");
 * assert.throws(() => runFrom({}, "GET /runs/get on http://h"), /'run.info' is missing/);
 * ```
 */
export function runFrom(j: Json, where = "the server", prefix = "run."): Run {
  const info = objectIn(j, "info", where, prefix);
  const data = j.data === undefined ? {} : objectIn(j, "data", where, prefix);
  const metrics: Record<string, number> = {};
  listIn(data, "metrics", where, `${prefix}data.`).forEach((m, i) => {
    if (typeof m.key !== "string") {
      throw badAnswer(where, `${prefix}data.metrics[${i}].key`, m.key, "a string");
    }
    metrics[m.key] = num(m.value);
  });
  const at = `${prefix}info.`;
  const runId = info.run_id ?? info.run_uuid;
  return new Run({
    runId: idIn({ run_id: runId }, "run_id", where, at),
    experimentId: idIn(info, "experiment_id", where, at),
    runName: String(info.run_name ?? ""),
    userId: String(info.user_id ?? ""),
    status: (info.status ?? "RUNNING") as RunStatus,
    startTime: num(info.start_time ?? 0),
    endTime: optNum(info.end_time),
    artifactUri: String(info.artifact_uri ?? ""),
    lifecycleStage: (info.lifecycle_stage ?? "active") as LifecycleStage,
  }, {
    params: kvRecord(data, "params", where, `${prefix}data.`),
    metrics,
    tags: kvRecord(data, "tags", where, `${prefix}data.`),
  }, inputsFrom(j, where, prefix));
}

/** A run's `inputs` message (its dataset inputs) as {@linkcode RunInputs}. */
function inputsFrom(j: Json, where: string, prefix: string): RunInputs {
  if (j.inputs === undefined || j.inputs === null) return { datasetInputs: [] };
  const inputs = objectIn(j, "inputs", where, prefix);
  const at = `${prefix}inputs.`;
  const optional = (v: unknown) => (v === undefined || v === null ? null : String(v));
  const datasetInputs = listIn(inputs, "dataset_inputs", where, at).map((input, i) => {
    const d = objectIn(input, "dataset", where, `${at}dataset_inputs[${i}].`);
    return {
      dataset: {
        name: String(d.name ?? ""),
        digest: String(d.digest ?? ""),
        sourceType: String(d.source_type ?? ""),
        source: String(d.source ?? ""),
        schema: optional(d.schema),
        profile: optional(d.profile),
      },
      tags: kvRecord(input, "tags", where, `${at}dataset_inputs[${i}].`),
    };
  });
  return { datasetInputs };
}

/**
 * A `LoggedModel` message as a {@linkcode LoggedModelInfo}; `where` names the endpoint for errors.
 *
 * @example
 * ```ts
 * import { loggedModelFrom } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const id = "m-" + "0".repeat(32);
 * assert.equal(loggedModelFrom({ info: { model_id: id } }).modelId, id);
 * assert.throws(() => loggedModelFrom({ info: {} }), /'model.info.model_id' is missing/);
 * ```
 */
export function loggedModelFrom(j: Json, where = "the server", prefix = "model."): LoggedModelInfo {
  const info = objectIn(j, "info", where, prefix);
  const data = j.data === undefined ? {} : objectIn(j, "data", where, prefix);
  const at = `${prefix}info.`;
  const status = String(info.status ?? "");
  const created = num(info.creation_timestamp_ms ?? 0);
  return {
    modelId: idIn(info, "model_id", where, at),
    experimentId: String(info.experiment_id ?? ""),
    name: String(info.name ?? ""),
    artifactLocation: String(info.artifact_uri ?? ""),
    sourceRunId: info.source_run_id ? String(info.source_run_id) : null,
    status:
      ((LOGGED_MODEL_STATUSES as readonly string[]).includes(status)
        ? status
        : "LOGGED_MODEL_STATUS_UNSPECIFIED") as LoggedModelStatus,
    creationTimestamp: created,
    lastUpdatedTimestamp: num(info.last_updated_timestamp_ms ?? created),
    params: kvRecord(data, "params", where, `${prefix}data.`),
    tags: kvRecord(info, "tags", where, at),
  };
}

function optText(v: unknown): string | null {
  return v === undefined || v === null ? null : String(v);
}

/**
 * A `ModelVersion` message as a {@linkcode ModelVersion}; `where` names the endpoint for errors.
 *
 * @example
 * ```ts
 * import { modelVersionFrom } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const v = modelVersionFrom({ name: "knn", version: "2", source: "models:/m-1", aliases: ["a"] });
 * assert.equal(v.version, 2);
 * assert.deepEqual(v.aliases, ["a"]);
 * assert.throws(() => modelVersionFrom({ name: "knn" }), /'model_version.version' is missing/);
 * ```
 */
export function modelVersionFrom(
  j: Json,
  where = "the server",
  prefix = "model_version.",
): ModelVersion {
  const version = Number(idIn(j, "version", where, prefix));
  if (!Number.isSafeInteger(version)) {
    throw badAnswer(where, `${prefix}version`, j.version, "a version number");
  }
  const aliases = j.aliases === undefined || j.aliases === null ? [] : j.aliases;
  if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== "string")) {
    throw badAnswer(where, `${prefix}aliases`, aliases, "a list of strings");
  }
  const created = num(j.creation_timestamp ?? 0);
  return {
    name: idIn(j, "name", where, prefix),
    version,
    creationTimestamp: created,
    lastUpdatedTimestamp: num(j.last_updated_timestamp ?? created),
    // A server sends an unset description as "" (a proto3 default): none.
    description: j.description ? String(j.description) : null,
    source: String(j.source ?? ""),
    runId: j.run_id ? String(j.run_id) : null,
    modelId: j.model_id ? String(j.model_id) : null,
    status: String(j.status ?? "READY"),
    statusMessage: optText(j.status_message),
    currentStage: String(j.current_stage ?? "None"),
    userId: j.user_id ? String(j.user_id) : null,
    runLink: j.run_link ? String(j.run_link) : null,
    tags: kvRecord(j, "tags", where, prefix),
    aliases: [...aliases as string[]].sort(),
  };
}

/**
 * A `RegisteredModel` message as a {@linkcode RegisteredModel}; `where` names the endpoint for
 * errors.
 *
 * @example
 * ```ts
 * import { registeredModelFrom } from "./_rest_codec.ts";
 * import assert from "node:assert/strict";
 *
 * const m = registeredModelFrom({ name: "knn", aliases: [{ alias: "champion", version: "1" }] });
 * assert.deepEqual(m.aliases, { champion: 1 });
 * assert.throws(() => registeredModelFrom({}), /'registered_model.name' is missing/);
 * ```
 */
export function registeredModelFrom(
  j: Json,
  where = "the server",
  prefix = "registered_model.",
): RegisteredModel {
  const aliases: Record<string, number> = {};
  listIn(j, "aliases", where, prefix).forEach((a, i) => {
    const version = Number(a.version);
    if (typeof a.alias !== "string" || !Number.isSafeInteger(version)) {
      throw badAnswer(where, `${prefix}aliases[${i}]`, a, "an alias and a version number");
    }
    aliases[a.alias] = version;
  });
  const created = num(j.creation_timestamp ?? 0);
  return {
    name: idIn(j, "name", where, prefix),
    creationTimestamp: created,
    lastUpdatedTimestamp: num(j.last_updated_timestamp ?? created),
    description: j.description ? String(j.description) : null,
    tags: kvRecord(j, "tags", where, prefix),
    aliases,
    latestVersions: listIn(j, "latest_versions", where, prefix).map((v, i) =>
      modelVersionFrom(v, where, `${prefix}latest_versions[${i}].`)
    ),
  };
}
