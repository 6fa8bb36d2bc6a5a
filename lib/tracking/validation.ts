/**
 * MLflow's validation rules (`mlflow/utils/validation.py`) for keys, values, ids, artifact paths,
 * model names and search limits, checked by every store before anything is written or sent, and
 * the normal form of a logging batch that every store writes.
 *
 * @module
 */

import { isAbsolute } from "node:path";
import { printable } from "../_internal/show.ts";
import { invalid } from "./errors.ts";
import { generateRunName } from "./run_names.ts";
import type { Batch, CreateRunOptions } from "./store.ts";
import type { DatasetInput } from "./entities.ts";

/** Longest metric, param or tag key MLflow accepts. */
export const MAX_KEY_LENGTH = 250;
/** Longest param value; longer ones are truncated with a warning, as MLflow does by default. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest run tag value (MLflow's `log_batch` and SQL stores); longer ones are truncated. */
export const MAX_TAG_VALUE_LENGTH = 8000;
/** Longest experiment name. */
export const MAX_EXPERIMENT_NAME_LENGTH = 500;

// Python's `\w` on str is Unicode-aware: letters, digits (any script) and underscore.
const KEY_CHARS = /^[/\p{L}\p{N}_.\- :]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;

/** Python's `posixpath.normpath`, used by MLflow to reject keys that are not canonical paths. */
export function normpath(path: string): string {
  if (path === "") return ".";
  const initial = path.startsWith("/")
    ? (path.startsWith("//") && !path.startsWith("///") ? 2 : 1)
    : 0;
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (!initial && out.length === 0) || out[out.length - 1] === "..") {
      out.push(part);
    } else if (out.length) {
      out.pop();
    }
  }
  const joined = "/".repeat(initial) + out.join("/");
  return joined || ".";
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Checks a metric, param or tag key: MLflow's character set, a canonical relative path (no `..`,
 * no leading `/`, no `//`, no trailing `/`), at most 250 characters, and path segments the file
 * system can hold.
 *
 * @example
 * ```ts
 * import { validateKey } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * validateKey("metric", "val/loss");
 * assert.throws(() => validateKey("metric", "../escape"), /Invalid metric name/);
 * ```
 */
export function validateKey(kind: "metric" | "param" | "tag", key: unknown): asserts key is string {
  if (typeof key !== "string") {
    throw invalid(`Invalid ${kind} name: expected a string, got ${typeof key} ${String(key)}`);
  }
  if (!KEY_CHARS.test(key)) {
    throw invalid(
      `Invalid ${kind} name: '${printable(key)}'. Names may only contain alphanumerics, ` +
        `underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/).`,
    );
  }
  const norm = normpath(key);
  if (norm !== key || norm === "." || norm.startsWith("..") || norm.startsWith("/")) {
    throw invalid(
      `Invalid ${kind} name: '${printable(key)}'. Names may be treated as files in certain ` +
        `cases, and must not resolve to other names when treated as such. This name would ` +
        `resolve to '${norm}'`,
    );
  }
  if (codePointLength(key) > MAX_KEY_LENGTH) {
    throw invalid(
      `Invalid ${kind} name: '${key.slice(0, 40)}…' has ${codePointLength(key)} characters, ` +
        `more than the limit of ${MAX_KEY_LENGTH}`,
    );
  }
  for (const segment of key.split("/")) {
    if (new TextEncoder().encode(segment).length > 255) {
      throw invalid(
        `Invalid ${kind} name: '${key.slice(0, 40)}…' has a path segment longer than 255 bytes, ` +
          `which the file system cannot store`,
      );
    }
  }
}

/** Checks a run id's form (so it cannot escape the store as a path). */
export function validateRunId(runId: unknown): asserts runId is string {
  if (typeof runId !== "string" || !RUN_ID.test(runId)) {
    throw invalid(`Invalid value '${printable(String(runId))}' for parameter 'run_id' supplied`);
  }
}

/** Checks an experiment id's form (so it cannot escape the store as a path). */
export function validateExperimentId(id: unknown): asserts id is string {
  if (typeof id !== "string" || !EXPERIMENT_ID.test(id)) {
    throw invalid(
      `Invalid experiment ID: '${printable(String(id))}'. Experiment ids are decimal strings`,
    );
  }
}

/** Checks an experiment name: a non-empty string of at most 500 characters. */
export function validateExperimentName(name: unknown): asserts name is string {
  if (typeof name !== "string") {
    throw invalid(`Invalid experiment name: expected a string, got ${typeof name}`);
  }
  if (name.trim() === "") throw invalid(`Invalid experiment name: '${name}' is empty`);
  if (codePointLength(name) > MAX_EXPERIMENT_NAME_LENGTH) {
    throw invalid(
      `Invalid experiment name: ${codePointLength(name)} characters exceeds the limit of ` +
        `${MAX_EXPERIMENT_NAME_LENGTH}`,
    );
  }
  if (name.includes("\0")) throw invalid(`Invalid experiment name: contains a NUL character`);
}

/** Checks a metric value: any number (NaN and ±Infinity included), but not a boolean or string. */
export function validateMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw invalid(
      `Got invalid value ${printable(String(value))} (${typeof value}) for metric '${key}'. ` +
        `Please specify value as a valid double (64-bit floating point)`,
    );
  }
}

/** Checks a metric step: an integer (negative allowed, as in MLflow). */
export function validateStep(key: string, step: unknown): asserts step is number {
  if (typeof step !== "number" || !Number.isSafeInteger(step)) {
    throw invalid(
      `Got invalid step ${printable(String(step))} for metric '${key}'. Steps are integers`,
    );
  }
}

/** Checks a metric timestamp: a non-negative integer of milliseconds since the epoch. */
export function validateTimestamp(key: string, timestamp: unknown): asserts timestamp is number {
  if (typeof timestamp !== "number" || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw invalid(
      `Got invalid timestamp ${
        printable(String(timestamp))
      } for metric '${key}'. Timestamps are non-negative integers (milliseconds since the epoch)`,
    );
  }
}

/**
 * Turns a param or tag value into its stored text: strings as they are, numbers, booleans and
 * bigints with `String()`, `null`/`undefined` as the empty string (as MLflow stores `None`);
 * objects are refused, since their text would not be what the caller meant.
 */
export function stringifyValue(kind: "param" | "tag", key: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null || value === undefined) return "";
  throw invalid(
    `Invalid value for ${kind} '${key}': expected a string, number or boolean, got ${typeof value}`,
  );
}

/**
 * Truncates an over-long value to `limit` characters with a warning, as MLflow does while
 * `MLFLOW_TRUNCATE_LONG_VALUES` is true (its default); with `MLFLOW_TRUNCATE_LONG_VALUES=false`
 * it refuses the value instead.
 */
export function limitValue(
  kind: "param" | "tag",
  key: string,
  value: string,
  limit: number,
): string {
  const chars = [...value];
  if (chars.length <= limit) return value;
  const setting = Deno.env.get("MLFLOW_TRUNCATE_LONG_VALUES")?.toLowerCase();
  if (setting === "false" || setting === "0") {
    throw invalid(
      `Param or tag value length exceeded the maximum length of ${limit}: ${kind} '${key}' has ` +
        `${chars.length} characters`,
    );
  }
  console.warn(
    `Truncated the value of ${kind} '${key}' from ${chars.length} to ${limit} characters`,
  );
  return chars.slice(0, limit).join("");
}

/**
 * Rejects artifact paths that could leave the artifact folder (absolute, `..`, NUL, newline,
 * `#`, `\`) and returns the path in normal form (`/`-joined, no empty or `.` parts).
 *
 * @example
 * ```ts
 * import { validateArtifactPath } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(validateArtifactPath("charts//./roc"), "charts/roc");
 * assert.equal(validateArtifactPath(""), "");
 * assert.throws(() => validateArtifactPath("../up"), /'\.\.' is not allowed/);
 * ```
 */
export function validateArtifactPath(path: string, what = "artifact path"): string {
  if (typeof path !== "string") throw invalid(`Invalid ${what}: expected a string`);
  if (/[\0\n\r#\\]/.test(path)) {
    throw invalid(`Invalid ${what} '${printable(path)}': contains a NUL, newline, '#' or '\\'`);
  }
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) {
    throw invalid(`Invalid ${what} '${path}': absolute paths are not allowed`);
  }
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw invalid(`Invalid ${what} '${path}': '..' is not allowed`);
  return parts.join("/");
}

/**
 * Validates the path of an artifact file: inside the artifact folder, and naming a file.
 *
 * @example
 * ```ts
 * import { validateArtifactFile } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(validateArtifactFile("charts/roc.json"), "charts/roc.json");
 * assert.throws(() => validateArtifactFile("../up.txt"));
 * assert.throws(() => validateArtifactFile(""), /a file name is needed/);
 * ```
 */
export function validateArtifactFile(path: string): string {
  const rel = validateArtifactPath(path, "artifact file");
  if (!rel) throw invalid(`Invalid artifact file '${path}': a file name is needed`);
  return rel;
}

/**
 * Refuses a `max_results` outside 1 … `limit` (50,000 unless told: MLflow's limit for runs,
 * experiments and logged models; its registry allows 1,000 registered models and 200,000
 * versions a page), as MLflow does.
 *
 * @example
 * ```ts
 * import { checkMaxResults } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * checkMaxResults(1000);
 * assert.throws(() => checkMaxResults(0), /max_results/);
 * assert.throws(() => checkMaxResults(1001, 1000), /at most 1000/);
 * ```
 */
export function checkMaxResults(maxResults: number, limit = 50000): void {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limit) {
    throw invalid(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a ` +
        `positive integer at most ${limit}`,
    );
  }
}

/**
 * Checks a logged model's name as MLflow does: non-empty, none of `/ : . % " '`.
 *
 * @example
 * ```ts
 * import { validateModelName } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * validateModelName("model");
 * assert.throws(() => validateModelName("../x"), /Invalid model name/);
 * ```
 */
export function validateModelName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "" || /[/:.%"']/.test(name)) {
    throw invalid(
      `Invalid model name '${name}': it must be non-empty and contain none of / : . % " '`,
    );
  }
}

/**
 * Checks a logged model's id: `m-` and 32 lowercase hex characters (so it cannot escape a store
 * as a path).
 *
 * @example
 * ```ts
 * import { validateModelId } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * validateModelId(`m-${"0".repeat(32)}`);
 * assert.throws(() => validateModelId("m-../x"), /Invalid model id/);
 * ```
 */
export function validateModelId(modelId: unknown): asserts modelId is string {
  if (typeof modelId !== "string" || !/^m-[0-9a-f]{32}$/.test(modelId)) {
    throw invalid(`Invalid model id '${printable(String(modelId))}'`);
  }
}

/**
 * The tags a new run starts with, validated as MLflow validates them: the given tags (values as
 * strings), `mlflow.runName` (generated when no name is given) and `mlflow.user`.
 *
 * @example
 * ```ts
 * import { runTags } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * const { tags, runName } = runTags({ experimentId: "0", runName: "a", userId: "me", tags: { k: 1 } });
 * assert.equal(runName, "a");
 * assert.deepEqual(tags, { k: "1", "mlflow.runName": "a", "mlflow.user": "me" });
 * ```
 */
export function runTags(
  options: CreateRunOptions,
): { tags: Record<string, string>; runName: string } {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.tags ?? {})) {
    validateKey("tag", k);
    tags[k] = limitValue("tag", k, stringifyValue("tag", k, v), MAX_TAG_VALUE_LENGTH);
  }
  const tagName = tags["mlflow.runName"];
  if (options.runName !== undefined && tagName !== undefined && tagName !== options.runName) {
    throw invalid(
      `Both 'runName' ('${options.runName}') and tag 'mlflow.runName' ('${tagName}') were ` +
        `given and differ`,
    );
  }
  const runName = options.runName ?? tagName ?? generateRunName();
  tags["mlflow.runName"] = runName;
  tags["mlflow.user"] ??= options.userId ?? "unknown";
  return { tags, runName };
}

/** A metric point after validation: step and timestamp set; `auto` marks a defaulted timestamp. */
export interface NormalizedMetric {
  /** Metric name. */
  key: string;
  /** The value. */
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Integer step. */
  step: number;
  /** Whether the timestamp was defaulted to now. */
  auto: boolean;
}

/** A batch after validation: values as strings, metric points with step and timestamp set. */
export interface NormalizedBatch {
  /** `[key, value]` pairs, values truncated as MLflow truncates them. */
  params: [string, string][];
  /** Metric points. */
  metrics: NormalizedMetric[];
  /** `[key, value]` pairs. */
  tags: [string, string][];
}

/**
 * Validates a batch as MLflow does before anything is written (keys, values, steps,
 * timestamps) and brings it to the form every store writes. Throws `INVALID_PARAMETER_VALUE`
 * naming the first bad key or value.
 *
 * @example
 * ```ts
 * import { normalizeBatch } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * const b = normalizeBatch({ params: { k: 5 }, metrics: [{ key: "acc", value: 0.9, timestamp: 1 }] });
 * assert.deepEqual(b.params, [["k", "5"]]);
 * assert.equal(b.metrics[0]?.step, 0);
 * assert.throws(() => normalizeBatch({ params: { "../x": 1 } }), /Invalid param name/);
 * ```
 */
export function normalizeBatch(batch: Batch, now: number = Date.now()): NormalizedBatch {
  const params: [string, string][] = [];
  for (const [k, v] of Object.entries(batch.params ?? {})) {
    validateKey("param", k);
    params.push([
      k,
      limitValue("param", k, stringifyValue("param", k, v), MAX_PARAM_VALUE_LENGTH),
    ]);
  }
  const metrics: NormalizedMetric[] = [];
  for (const m of batch.metrics ?? []) {
    validateKey("metric", m.key);
    validateMetricValue(m.key, m.value);
    const step = m.step ?? 0;
    validateStep(m.key, step);
    const timestamp = m.timestamp ?? now;
    validateTimestamp(m.key, timestamp);
    metrics.push({ key: m.key, value: m.value, step, timestamp, auto: m.timestamp === undefined });
  }
  const tags: [string, string][] = [];
  for (const [k, v] of Object.entries(batch.tags ?? {})) {
    validateKey("tag", k);
    tags.push([k, limitValue("tag", k, stringifyValue("tag", k, v), MAX_TAG_VALUE_LENGTH)]);
  }
  return { params, metrics, tags };
}

const DATASET_LIMITS = { name: 500, digest: 36, source: 65535, schema: 1048575, profile: 16777215 };

/**
 * Checks dataset inputs as MLflow does (`_validate_dataset_inputs`): name, digest, source type
 * and source present, each within MLflow's sizes, input tag keys up to 255 and values up to 500
 * characters; the first problem is named.
 *
 * @example
 * ```ts
 * import { validateDatasetInputs } from "./validation.ts";
 * import assert from "node:assert/strict";
 *
 * const dataset = { name: "seed-train", digest: "929378ba", sourceType: "code", source: "{}",
 *   schema: null, profile: null };
 * validateDatasetInputs([{ dataset, tags: { "mlflow.data.context": "training" } }]);
 * assert.throws(() => validateDatasetInputs([{ dataset: { ...dataset, digest: "x".repeat(37) }, tags: {} }]),
 *   /digest of dataset 'seed-train' has 37 characters, more than 36/);
 * ```
 */
export function validateDatasetInputs(inputs: readonly DatasetInput[]): void {
  if (!Array.isArray(inputs)) throw invalid("Dataset inputs must be a list");
  for (const input of inputs) {
    const d = input?.dataset as unknown as Record<string, unknown> | undefined;
    if (!d || typeof d !== "object") throw invalid("Dataset cannot be missing");
    const name = typeof d.name === "string" ? d.name : "";
    for (const field of ["name", "digest", "sourceType", "source"] as const) {
      if (typeof d[field] !== "string") {
        throw invalid(`Dataset ${field} cannot be missing (dataset '${printable(name)}')`);
      }
    }
    for (const [field, limit] of Object.entries(DATASET_LIMITS)) {
      const value = d[field];
      if (value === null || value === undefined) continue;
      if (typeof value !== "string") {
        throw invalid(`Dataset ${field} must be text (dataset '${printable(name)}')`);
      }
      if (value.length > limit) {
        throw invalid(
          `The ${field} of dataset '${
            printable(name)
          }' has ${value.length} characters, more than ` +
            `${limit}`,
        );
      }
    }
    for (const [key, value] of Object.entries(input.tags ?? {})) {
      if (typeof value !== "string") {
        throw invalid(`Input tag '${printable(key)}' needs a text value`);
      }
      if (key.length > 255) {
        throw invalid(`Input tag key '${key.slice(0, 40)}…' is over 255 characters`);
      }
      if (value.length > 500) {
        throw invalid(`Input tag '${printable(key)}' has a value over 500 characters`);
      }
    }
  }
}
