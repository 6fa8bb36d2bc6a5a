/**
 * MLflow's REST JSON: request bodies as MLflow's proto parser reads them (NaN and ±∞ as its
 * strings, -0 kept), and answers turned into this library's entities.
 *
 * @module
 */

import {
  type Experiment,
  type LifecycleStage,
  LOGGED_MODEL_STATUSES,
  type LoggedModelInfo,
  type LoggedModelStatus,
  type RunInputs,
  type RunStatus,
} from "./entities.ts";
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

function kvRecord(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (list ?? []) as KeyValue[]) out[kv.key] = kv.value ?? "";
  return out;
}

/** An `Experiment` message as an {@linkcode Experiment}. */
export function experimentFrom(j: Json): Experiment {
  return {
    experimentId: String(j.experiment_id),
    name: String(j.name ?? ""),
    artifactLocation: String(j.artifact_location ?? ""),
    lifecycleStage: (j.lifecycle_stage ?? "active") as LifecycleStage,
    creationTime: optNum(j.creation_time),
    lastUpdateTime: optNum(j.last_update_time),
    tags: kvRecord(j.tags),
  };
}

/** A `Run` message as a {@linkcode Run}. */
export function runFrom(j: Json): Run {
  const info = (j.info ?? {}) as Json;
  const data = (j.data ?? {}) as Json;
  const metrics: Record<string, number> = {};
  for (const m of (data.metrics ?? []) as Json[]) metrics[String(m.key)] = num(m.value);
  return new Run(
    {
      runId: String(info.run_id ?? info.run_uuid),
      experimentId: String(info.experiment_id),
      runName: String(info.run_name ?? ""),
      userId: String(info.user_id ?? ""),
      status: (info.status ?? "RUNNING") as RunStatus,
      startTime: num(info.start_time ?? 0),
      endTime: optNum(info.end_time),
      artifactUri: String(info.artifact_uri ?? ""),
      lifecycleStage: (info.lifecycle_stage ?? "active") as LifecycleStage,
    },
    { params: kvRecord(data.params), metrics, tags: kvRecord(data.tags) },
    inputsFrom(j.inputs),
  );
}

/** A run's `inputs` message (its dataset inputs) as {@linkcode RunInputs}. */
function inputsFrom(j: unknown): RunInputs {
  const list = ((j ?? {}) as Json).dataset_inputs;
  const datasetInputs = ((Array.isArray(list) ? list : []) as Json[]).map((input) => {
    const d = (input.dataset ?? {}) as Json;
    const optional = (v: unknown) => (v === undefined || v === null ? null : String(v));
    return {
      dataset: {
        name: String(d.name ?? ""),
        digest: String(d.digest ?? ""),
        sourceType: String(d.source_type ?? ""),
        source: String(d.source ?? ""),
        schema: optional(d.schema),
        profile: optional(d.profile),
      },
      tags: kvRecord(input.tags),
    };
  });
  return { datasetInputs };
}

/** A `LoggedModel` message as a {@linkcode LoggedModelInfo}. */
export function loggedModelFrom(j: Json): LoggedModelInfo {
  const info = (j.info ?? {}) as Json;
  const data = (j.data ?? {}) as Json;
  const status = String(info.status ?? "");
  const created = num(info.creation_timestamp_ms ?? 0);
  return {
    modelId: String(info.model_id ?? ""),
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
    params: kvRecord(data.params),
    tags: kvRecord(info.tags),
  };
}
