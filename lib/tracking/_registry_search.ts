/**
 * MLflow's search grammar for the model registry (`SearchModelUtils` and
 * `SearchModelVersionUtils` in `mlflow/utils/search_utils.py`), read from the same sqlparse tree
 * as run searches: AND-joined comparisons on `name` and `tags.<key>` for registered models, on
 * `name`, `version_number`, `run_id`, `source_path` and `tags.<key>` for model versions, and
 * MLflow's order-by rules. Matching and ordering are those of MLflow's file registry; the checks
 * of comparators and values are those of MLflow's SQL registry, which makes them for every
 * clause (its file registry checks a clause only when a model reaches it).
 *
 * @module
 */

import { invalid } from "./errors.ts";
import type { ModelVersion, RegisteredModel } from "./entities.ts";
import { pyNumber, pyStrip } from "./_search_chars.ts";
import { comparePy, likeToRegExp } from "./search.ts";
import {
  filterComparisons,
  type Grammar,
  listValue,
  parseOrderBy,
  quotedValue,
  type RawComparison,
  unquoteKey,
} from "./search_grammar.ts";

/** What a registry search looks at: registered models or model versions. */
export type RegistryEntity = "model" | "version";

/** The tag MLflow marks prompts with (prompts live in the registry too, and are left out). */
export const PROMPT_TAG = "mlflow.prompt.is_prompt";

/** One parsed comparison of a registry filter. */
export interface RegistryClause {
  /** An attribute (`name`, `run_id`, …) or a tag. */
  type: "attribute" | "tag";
  /** The attribute or tag key. */
  key: string;
  /** Upper-case comparator. */
  comparator: string;
  /** A string, a list of strings (IN), or a version number. */
  value: string | string[] | number;
}

const ENTITIES = ["attribute", "tag", "tags"];
const SEARCHABLE: Record<RegistryEntity, ReadonlySet<string>> = {
  model: new Set(["name"]),
  version: new Set(["name", "version_number", "run_id", "source_path"]),
};
const LISTS: Record<RegistryEntity, ReadonlySet<string>> = {
  model: new Set(["name"]),
  version: new Set(["name", "run_id"]),
};
const NUMERIC = new Set(["version_number"]);
const STRING_OPS = new Set(["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]);
const TAG_OPS = new Set(["=", "!=", "LIKE", "ILIKE"]);
const NUMERIC_OPS = new Set(["=", "!=", "<", "<=", ">", ">="]);
const WHAT: Record<RegistryEntity, string> = {
  model: "registered models",
  version: "model versions",
};

/**
 * A filter with MLflow's clause that leaves prompts out appended (`add_prompt_filter_string`),
 * unless it names the prompt tag itself: what MLflow's file registry searches registered models
 * and versions with, and what MLflow's client sends a server for registered models.
 *
 * @example
 * ```ts
 * import { withPromptFilter } from "./_registry_search.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(withPromptFilter(""), "tag.`mlflow.prompt.is_prompt` != 'true'");
 * assert.equal(
 *   withPromptFilter("name = 'knn'"),
 *   "name = 'knn' AND tag.`mlflow.prompt.is_prompt` != 'true'",
 * );
 * ```
 */
export function withPromptFilter(filter: string): string {
  if (filter.includes(PROMPT_TAG)) return filter;
  const clause = `tag.\`${PROMPT_TAG}\` != 'true'`;
  return filter ? `${filter} AND ${clause}` : clause;
}

/**
 * Parses a registry filter with MLflow's rules for registered models (`"model"`) or model
 * versions (`"version"`); a filter MLflow refuses is refused (INVALID_PARAMETER_VALUE).
 *
 * @example Version filters, and refusals
 * ```ts
 * import { parseRegistryFilter } from "./_registry_search.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseRegistryFilter("name = 'knn' and version_number >= 2", "version"), [
 *   { type: "attribute", key: "name", comparator: "=", value: "knn" },
 *   { type: "attribute", key: "version_number", comparator: ">=", value: 2 },
 * ]);
 * assert.throws(() => parseRegistryFilter("run_id = 'x'", "model"), /Invalid attribute key 'run_id'/);
 * assert.throws(() => parseRegistryFilter("tags.team > 'a'", "version"), /Invalid comparator '>'/);
 * ```
 */
export function parseRegistryFilter(filter: string, entity: RegistryEntity): RegistryClause[] {
  if (!filter) return [];
  return filterComparisons(filter).map((c) => parseClause(c, entity, filter));
}

function parseClause(c: RawComparison, entity: RegistryEntity, filter: string): RegistryClause {
  if (c.comparator === "IS NULL" || c.comparator === "IS NOT NULL") {
    throw invalid(
      `Invalid comparison clause in '${filter}': ${c.comparator} is not supported in a ` +
        `search of ${WHAT[entity]}`,
    );
  }
  const expected = c.comparator ? 2 : 3;
  if (c.parts.length !== expected) {
    throw invalid(
      `Invalid comparison clause in '${filter}': expected 3 tokens, found ${c.parts.length}`,
    );
  }
  const [left, middle, right] = c.comparator ? [c.parts[0]!, null, c.parts[1]!] : c.parts;
  if (left!.kind !== "Identifier") {
    throw invalid(
      `Invalid comparison clause in '${filter}': expected a name like name or tags.<key>, ` +
        `found '${left!.value}'`,
    );
  }
  const text = left!.value;
  const dot = text.indexOf(".");
  let type: RegistryClause["type"] = "attribute";
  let raw = text;
  if (dot >= 0) {
    const prefix = text.slice(0, dot);
    if (!ENTITIES.includes(prefix)) {
      throw invalid(
        `Invalid entity type '${prefix}' in '${filter}'. Valid entity types are ` +
          `('attribute', 'tag', 'tags')`,
      );
    }
    type = prefix === "attribute" ? "attribute" : "tag";
    raw = text.slice(dot + 1);
  }
  // MLflow checks an attribute's key as written, before taking off quotes and backticks.
  if (type === "attribute" && !SEARCHABLE[entity].has(raw)) {
    throw invalid(
      `Invalid attribute key '${raw}' specified. Valid keys for ${WHAT[entity]} are ` +
        `'${[...SEARCHABLE[entity]].join("', '")}'`,
    );
  }
  const key = unquoteKey(raw);
  const comparator = c.comparator || middle!.value.toUpperCase();
  const value = clauseValue(type, key, right!, entity);
  checkClause(type, key, comparator, value, right!.type === "Literal.Number.Float", entity);
  return { type, key, comparator, value };
}

function clauseValue(
  type: RegistryClause["type"],
  key: string,
  v: RawComparison["parts"][number],
  entity: RegistryEntity,
): RegistryClause["value"] {
  const quotedOrName = v.type === "Literal.String.Single" || v.kind === "Identifier";
  if (type === "tag") {
    if (quotedOrName) return quotedValue(v);
    throw invalid(`Expected a quoted string value for tag (e.g. 'my-value'). Got value ${v.value}`);
  }
  if (quotedOrName) return quotedValue(v);
  if (v.kind === "Parenthesis") {
    if (!LISTS[entity].has(key)) {
      throw invalid(
        `Only ['${[...LISTS[entity]].join("', '")}'] attributes support comparison with a ` +
          `list of quoted string values.`,
      );
    }
    return listValue(v);
  }
  if (
    entity === "version" && (v.type === "Literal.Number.Integer" ||
      v.type === "Literal.Number.Float")
  ) {
    if (!NUMERIC.has(key)) {
      throw invalid(`Only 'version_number' supports comparison with numeric values, not '${key}'`);
    }
    return pyNumber(v.value);
  }
  throw invalid(
    `Expected a quoted string value or a list of quoted string values for attributes. Got ` +
      `value ${v.value}`,
  );
}

/** Python's `int(text)` of a string: spaces around, a sign, digits of any script, `_` between. */
function pyInt(text: string): number | null {
  const s = pyStrip(text);
  if (!/^[+-]?\p{Nd}+(_\p{Nd}+)*$/u.test(s)) return null;
  return pyNumber(s.replaceAll("_", ""));
}

function checkClause(
  type: RegistryClause["type"],
  key: string,
  comparator: string,
  value: RegistryClause["value"],
  floatLiteral: boolean,
  entity: RegistryEntity,
): void {
  const refuse = (allowed: Set<string>) =>
    invalid(
      `Invalid comparator '${comparator}' for ${type} '${key}' in a search of ${WHAT[entity]}: ` +
        `not one of ${[...allowed].join(", ")}`,
    );
  if (type === "tag") {
    if (!TAG_OPS.has(comparator)) throw refuse(TAG_OPS);
    return;
  }
  if (NUMERIC.has(key)) {
    if (!NUMERIC_OPS.has(comparator)) throw refuse(NUMERIC_OPS);
    const whole = typeof value === "number"
      ? (floatLiteral ? null : value)
      : typeof value === "string"
      ? pyInt(value)
      : null;
    if (whole === null) {
      throw invalid(
        `Invalid value for numeric attribute '${key}': ${JSON.stringify(value)} (an integer ` +
          `is expected)`,
      );
    }
    return;
  }
  if (!STRING_OPS.has(comparator)) throw refuse(STRING_OPS);
  const listed = comparator === "IN" || comparator === "NOT IN";
  if (listed && !LISTS[entity].has(key)) {
    throw invalid(`Invalid comparator '${comparator}' for attribute '${key}'`);
  }
  if (Array.isArray(value) !== listed) {
    throw invalid(
      listed
        ? `${comparator} needs a list of quoted strings for attribute '${key}'`
        : `${comparator} needs a quoted string, not a list, for attribute '${key}'`,
    );
  }
}

type Item = RegisteredModel | ModelVersion;

function attributeOf(item: Item, key: string): string | number | null {
  if (key === "name") return item.name;
  const v = item as ModelVersion;
  if (key === "run_id") return v.runId;
  if (key === "source_path") return v.source;
  if (key === "version_number") return v.version;
  return null;
}

function matches(item: Item, clause: RegistryClause, like: RegExp | null): boolean {
  const { type, key, comparator, value } = clause;
  const lhs = type === "tag"
    ? (Object.hasOwn(item.tags, key) ? item.tags[key]! : null)
    : attributeOf(item, key);
  // MLflow's rule for the prompt tag: what lacks it is no prompt.
  if (type === "tag" && key === PROMPT_TAG && lhs === null) {
    return (comparator === "=" && value === "false") || (comparator === "!=" && value === "true");
  }
  if (lhs === null) return false;
  if (typeof lhs === "number") {
    const rhs = typeof value === "number" ? value : pyInt(String(value))!;
    switch (comparator) {
      case "=":
        return lhs === rhs;
      case "!=":
        return lhs !== rhs;
      case "<":
        return lhs < rhs;
      case "<=":
        return lhs <= rhs;
      case ">":
        return lhs > rhs;
      default:
        return lhs >= rhs;
    }
  }
  switch (comparator) {
    case "IN":
      return (value as string[]).includes(lhs);
    case "NOT IN":
      return !(value as string[]).includes(lhs);
    case "=":
      return lhs === value;
    case "!=":
      return lhs !== value;
    default:
      return like!.test(lhs);
  }
}

/**
 * Compiles a registry filter (as {@linkcode parseRegistryFilter} reads it) into a test of a
 * registered model or model version, with MLflow's file-registry semantics: a missing tag or
 * run id matches nothing (not even `!=`), LIKE and ILIKE as Python's regexes, and a model
 * without the prompt tag counts as no prompt.
 *
 * @example
 * ```ts
 * import { compileRegistryFilter } from "./_registry_search.ts";
 * import type { RegisteredModel } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * const model = (name: string, tags: Record<string, string> = {}): RegisteredModel => ({
 *   name, tags, creationTimestamp: 0, lastUpdatedTimestamp: 0, description: null, aliases: {},
 *   latestVersions: [],
 * });
 * const keep = compileRegistryFilter("name LIKE 'knn%' and tags.team != 'x'", "model");
 * assert.deepEqual(
 *   [model("knn-a", { team: "ml" }), model("knn-b"), model("rf")].filter(keep).map((m) => m.name),
 *   ["knn-a"],
 * );
 * ```
 */
export function compileRegistryFilter(
  filter: string,
  entity: RegistryEntity,
): (item: Item) => boolean {
  const clauses = parseRegistryFilter(filter, entity).map((clause) => ({
    clause,
    like: clause.comparator === "LIKE" || clause.comparator === "ILIKE"
      ? likeToRegExp(clause.value as string, clause.comparator === "ILIKE")
      : null,
  }));
  return (item) => clauses.every(({ clause, like }) => matches(item, clause, like));
}

// ------------------------------------------------------------------ order-by

const ORDER_KEYS: Record<RegistryEntity, string[]> = {
  model: ["name", "creation_timestamp", "last_updated_timestamp"],
  version: ["name", "version_number", "creation_timestamp", "last_updated_timestamp"],
};

function orderGrammar(entity: RegistryEntity): Grammar {
  const keys = new Set(ORDER_KEYS[entity]);
  return {
    entities: { attribute: "attribute", tag: "tag", tags: "tag" },
    backtickedEntities: false,
    nullable: new Set(),
    searchable: keys,
    orderable: keys,
    numeric: new Set(),
    lists: new Set(),
  };
}

function sortValue(item: Item, key: string): string | number {
  switch (key) {
    case "name":
      return item.name;
    case "version":
      return (item as ModelVersion).version;
    case "creation_timestamp":
      return item.creationTimestamp;
    default:
      return item.lastUpdatedTimestamp;
  }
}

/**
 * The sort MLflow's file registry applies (`SearchModelUtils.sort`,
 * `SearchModelVersionUtils.sort`): the order-by clauses (attributes only), then `name` ascending
 * when no clause sorts on it, and for versions the version number descending.
 *
 * @example Versions, newest first within a name
 * ```ts
 * import { registryOrder } from "./_registry_search.ts";
 * import type { ModelVersion } from "./entities.ts";
 * import assert from "node:assert/strict";
 *
 * const v = (name: string, version: number) => ({ name, version } as ModelVersion);
 * const sort = registryOrder<ModelVersion>(["name ASC"], "version");
 * assert.deepEqual(sort([v("b", 1), v("a", 1), v("a", 2)]).map((x) => `${x.name}${x.version}`), [
 *   "a2",
 *   "a1",
 *   "b1",
 * ]);
 * assert.throws(() => registryOrder(["tags.team"], "model"), /Invalid order_by entity: tag/);
 * ```
 */
export function registryOrder<T extends Item>(
  orderBy: readonly string[],
  entity: RegistryEntity,
): (items: T[]) => T[] {
  const keys: [string, boolean][] = orderBy.map((clause) => {
    const { type, key, ascending } = parseOrderBy(clause, orderGrammar(entity));
    if (type !== "attribute") throw invalid(`Invalid order_by entity: ${type}`);
    return [entity === "version" && key === "version_number" ? "version" : key, ascending];
  });
  if (!keys.some(([k]) => k === "name")) keys.push(["name", true]);
  if (entity === "version") keys.push(["version", false]);
  return (items) =>
    [...items].sort((a, b) => {
      for (const [key, ascending] of keys) {
        const c = comparePy(sortValue(a, key), sortValue(b, key));
        if (c !== 0) return ascending ? c : -c;
      }
      return 0;
    });
}
