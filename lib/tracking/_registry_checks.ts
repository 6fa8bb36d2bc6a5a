/**
 * MLflow's checks of model registry input (`mlflow/utils/validation.py`: `_validate_model_name`,
 * `_validate_model_alias_name`, `_validate_model_alias_name_reserved`, `_validate_model_version`,
 * `_validate_registered_model_tag`, `_validate_model_version_tag`), made by both registry
 * stores before anything is written or sent. Each refusal is an INVALID_PARAMETER_VALUE naming
 * the model, version, alias or tag.
 *
 * @module
 */

import { printable } from "../_internal/show.ts";
import { invalid } from "./errors.ts";
import { WORD } from "./_search_chars.ts";
import { stringifyValue, validateKey } from "./validation.ts";

/** Longest registered-model tag value MLflow accepts. */
const MAX_REGISTERED_MODEL_TAG_VALUE = 100_000;
/** Longest alias MLflow accepts. */
const MAX_ALIAS_LENGTH = 255;
// Python's `\w` on str (any script's letters and digits, and `_`) and `-`.
const ALIAS_CHARS = new RegExp(`^[${WORD}\\-]*$`, "u");

/**
 * Checks a registered model's name as MLflow does: not blank, no `/` or `:`, not `.`, `..` or a
 * name starting with `..`. A file store also refuses `%` (as MLflow's file registry does), a
 * NUL character, and names longer than the file system holds (255 bytes).
 *
 * @example
 * ```ts
 * import { validateRegisteredModelName } from "./_registry_checks.ts";
 * import assert from "node:assert/strict";
 *
 * validateRegisteredModelName("knn classifier", "file");
 * validateRegisteredModelName("50%", "server");
 * assert.throws(() => validateRegisteredModelName("50%", "file"), /cannot contain '%'/);
 * assert.throws(() => validateRegisteredModelName("a/b", "server"), /cannot contain '\/' or ':'/);
 * assert.throws(() => validateRegisteredModelName("  ", "server"), /Missing value for parameter 'name'/);
 * ```
 */
export function validateRegisteredModelName(
  name: unknown,
  store: "file" | "server",
): asserts name is string {
  if (typeof name !== "string") {
    throw invalid(`Invalid registered model name: expected a string, got ${typeof name}`);
  }
  if (name.trim() === "") throw invalid(`Missing value for parameter 'name'`);
  const shown = printable(name);
  if (name.includes("/") || name.includes(":")) {
    throw invalid(`Invalid registered model name '${shown}': names cannot contain '/' or ':'`);
  }
  if (name === "." || name.startsWith("..")) {
    throw invalid(
      `Invalid registered model name '${shown}': names may be treated as files and must not ` +
        `be '.' or start with '..'`,
    );
  }
  if (store === "file") {
    if (name.includes("%")) {
      throw invalid(
        `Invalid registered model name '${shown}': a file store's registered model name ` +
          `cannot contain '%'`,
      );
    }
    if (name.includes("\0")) {
      throw invalid(`Invalid registered model name '${shown}': it contains a NUL character`);
    }
    if (new TextEncoder().encode(name).length > 255) {
      throw invalid(
        `Invalid registered model name '${shown.slice(0, 40)}…': longer than 255 bytes, which ` +
          `a file store's folder cannot hold`,
      );
    }
  }
}

/**
 * A model version number from a number or its text, as MLflow's `int(version)` reads it
 * (surrounding spaces and a sign allowed); anything else is refused, naming the model.
 *
 * @example
 * ```ts
 * import { versionNumber } from "./_registry_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(versionNumber("knn", " 3 "), 3);
 * assert.equal(versionNumber("knn", 2), 2);
 * assert.throws(() => versionNumber("knn", "latest"), /version of model 'knn' must be an integer/);
 * ```
 */
export function versionNumber(name: string, version: unknown): number {
  let n = NaN;
  if (typeof version === "number") n = version;
  else if (typeof version === "string" && /^\s*[+-]?\d+\s*$/.test(version)) n = Number(version);
  if (!Number.isSafeInteger(n)) {
    throw invalid(
      `Invalid version '${printable(String(version))}': the version of model ` +
        `'${printable(name)}' must be an integer`,
    );
  }
  return n;
}

/**
 * Checks an alias name as MLflow does: not empty, letters, digits, `_` and `-` only, at most
 * 255 characters; with `forSetting`, also not `latest` (any case) or `v<number>`, which MLflow
 * reserves.
 *
 * @example
 * ```ts
 * import { validateAlias } from "./_registry_checks.ts";
 * import assert from "node:assert/strict";
 *
 * validateAlias("champion", true);
 * validateAlias("latest", false); // may be read: the newest version
 * assert.throws(() => validateAlias("Latest", true), /'latest' alias name .* is reserved/);
 * assert.throws(() => validateAlias("v2", true), /'v2' is reserved/);
 * assert.throws(() => validateAlias("a b", false), /Invalid alias name: 'a b'/);
 * ```
 */
export function validateAlias(alias: unknown, forSetting: boolean): asserts alias is string {
  if (typeof alias !== "string" || alias === "") {
    throw invalid("Registered model alias name cannot be empty.");
  }
  if (!ALIAS_CHARS.test(alias)) {
    throw invalid(
      `Invalid alias name: '${printable(alias)}'. Names may only contain alphanumerics, ` +
        `underscores (_) and dashes (-).`,
    );
  }
  if ([...alias].length > MAX_ALIAS_LENGTH) {
    throw invalid(
      `Invalid alias name: '${alias.slice(0, 40)}…' is longer than ${MAX_ALIAS_LENGTH} characters`,
    );
  }
  if (!forSetting) return;
  if (alias.toLowerCase() === "latest") {
    throw invalid("'latest' alias name (case insensitive) is reserved.");
  }
  if (/^[vV]\d+$/.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
}

/**
 * Checks a registry tag and returns its value as stored text: the key as MLflow checks tag
 * keys; a registered model's value at most 100,000 characters, a model version's not null.
 *
 * @example
 * ```ts
 * import { registryTagValue } from "./_registry_checks.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(registryTagValue("model", "team", "ml"), "ml");
 * assert.equal(registryTagValue("version", "epochs", 20), "20");
 * assert.throws(() => registryTagValue("version", "k", null), /Tag value cannot be None/);
 * assert.throws(() => registryTagValue("model", "../k", "x"), /Invalid tag name/);
 * ```
 */
export function registryTagValue(of: "model" | "version", key: unknown, value: unknown): string {
  validateKey("tag", key);
  if (of === "version" && (value === null || value === undefined)) {
    throw invalid(`Tag value cannot be None (model version tag '${key}')`);
  }
  const text = stringifyValue("tag", key, value);
  if (of === "model" && [...text].length > MAX_REGISTERED_MODEL_TAG_VALUE) {
    throw invalid(
      `Invalid value for registered model tag '${key}': ${[...text].length} characters, more ` +
        `than the limit of ${MAX_REGISTERED_MODEL_TAG_VALUE}`,
    );
  }
  return text;
}

/** Checks a set of registry tags (keys and values) and returns them as stored text. */
export function registryTags(
  of: "model" | "version",
  tags: Record<string, unknown> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[k] = registryTagValue(of, k, v);
  return out;
}
