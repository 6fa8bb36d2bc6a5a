/**
 * MLflow's search grammar (`mlflow/utils/search_utils.py`), parsed as MLflow parses it: the
 * text goes through sqlparse's tokenizer and grouping (`_search_lexer.ts`, `_search_tree.ts`),
 * then MLflow's rules read the tree — AND-joined comparisons on `metrics.*`, `params.*`,
 * `tags.*`, `attributes.*` (and `datasets.*`), and `ORDER BY` clauses, for runs and for
 * experiments. So a filter MLflow answers is answered here with the same meaning, and one it
 * refuses is refused (`INVALID_PARAMETER_VALUE`). `search.ts` evaluates what this parses.
 *
 * @module
 */

import { invalid } from "./errors.ts";
import { pyNumber, pyStrip } from "./_search_chars.ts";
import { isA, tokenize } from "./_search_lexer.ts";
import { literalStrings, PySyntaxError, shlexSplit } from "./_search_pysyntax.ts";
import { GroupingLimit, groupStatement, type Node } from "./_search_tree.ts";

/** The entity a search clause looks at. */
export type EntityType = "metric" | "parameter" | "tag" | "attribute" | "dataset";

const RUN_ENTITIES: Record<string, EntityType> = {
  metric: "metric",
  metrics: "metric",
  parameter: "parameter",
  parameters: "parameter",
  param: "parameter",
  params: "parameter",
  tag: "tag",
  tags: "tag",
  attribute: "attribute",
  attributes: "attribute",
  attr: "attribute",
  run: "attribute",
  dataset: "dataset",
  datasets: "dataset",
};

/**
 * What a search may name: entity prefixes, searchable and orderable attributes, which attributes
 * are numbers, and which take `IN (…)` lists. Runs and experiments each have one.
 */
export interface Grammar {
  /** Entity prefixes (`metrics`, `tags`, …) and the entity each names. */
  entities: Readonly<Record<string, EntityType>>;
  /** Whether a prefix may be written in backticks (`` `metrics`.acc ``): runs yes, experiments no. */
  backtickedEntities: boolean;
  /** Entities that take `IS NULL` / `IS NOT NULL`. */
  nullable: ReadonlySet<EntityType>;
  /** Attributes a filter may compare. */
  searchable: ReadonlySet<string>;
  /** Attributes an order-by may sort on. */
  orderable: ReadonlySet<string>;
  /** Attributes compared as numbers. */
  numeric: ReadonlySet<string>;
  /** Attributes that accept `IN (…)` / `NOT IN (…)`. */
  lists: ReadonlySet<string>;
}

const RUN_ATTRIBUTES = [
  "artifact_uri",
  "end_time",
  "run_id",
  "run_name",
  "start_time",
  "status",
  "user_id",
  "created",
  "Created",
];

/**
 * `search_runs`'s grammar (`SearchUtils`).
 *
 * @example Runs sort on their own attributes, not on the experiment's
 * ```ts
 * import { RUN_GRAMMAR } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(RUN_GRAMMAR.searchable.has("run name"));
 * assert.ok(!RUN_GRAMMAR.orderable.has("experiment_id"));
 * ```
 */
export const RUN_GRAMMAR: Grammar = {
  entities: RUN_ENTITIES,
  backtickedEntities: true,
  nullable: new Set(["parameter", "tag"]),
  searchable: new Set([...RUN_ATTRIBUTES, "run name", "Run name", "Run Name"]),
  orderable: new Set(RUN_ATTRIBUTES),
  numeric: new Set(["start_time", "end_time", "created", "Created"]),
  lists: new Set(["run_id"]),
};

/**
 * `search_experiments`'s grammar (`SearchExperimentsUtils`): attributes and tags only.
 *
 * @example Experiments take `attribute.` and `tags.`, and lists of ids
 * ```ts
 * import { EXPERIMENT_GRAMMAR } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EXPERIMENT_GRAMMAR.entities.tags, "tag");
 * assert.ok(EXPERIMENT_GRAMMAR.lists.has("experiment_id"));
 * ```
 */
export const EXPERIMENT_GRAMMAR: Grammar = {
  entities: { attribute: "attribute", tag: "tag", tags: "tag" },
  backtickedEntities: false,
  nullable: new Set(["tag"]),
  searchable: new Set(["name", "experiment_id", "creation_time", "last_update_time"]),
  orderable: new Set(["name", "experiment_id", "creation_time", "last_update_time"]),
  numeric: new Set(["creation_time", "last_update_time"]),
  lists: new Set(["experiment_id"]),
};

/**
 * The attribute an alias names (`created` → `start_time`, `run name` → `run_name`).
 *
 * @example The aliases MLflow's UI writes
 * ```ts
 * import { aliasAttribute } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(aliasAttribute("Created"), "start_time");
 * assert.equal(aliasAttribute("Run Name"), "run_name");
 * assert.equal(aliasAttribute("status"), "status");
 * ```
 */
export function aliasAttribute(key: string): string {
  if (key === "created" || key === "Created") return "start_time";
  if (key === "run name" || key === "Run name" || key === "Run Name") return "run_name";
  return key;
}

/** One parsed comparison. */
export interface Clause {
  /** Which part of a run it reads. */
  type: EntityType;
  /** The metric, param, tag or attribute name. */
  key: string;
  /** Upper-case comparator: `=`, `!=`, `<`, `LIKE`, `IN`, `IS NULL`, … */
  comparator: string;
  /** The right-hand side: a number, a string, a list of strings, or null for IS [NOT] NULL. */
  value: number | string | string[] | null;
}

// ------------------------------------------------------------------ statements

/** Tokenizes and groups `text` as `sqlparse.parse` does, refusing what MLflow refuses first. */
function statement(text: string, what: "filter" | "order_by"): Node {
  const lexemes = tokenize(text);
  if (lexemes.some((l) => l.type === "Punctuation" && l.text === ";")) {
    throw invalid(
      what === "filter"
        ? `Search filter contained multiple expression '${text}'. Provide AND-ed expression list.`
        : `Invalid order_by clause '${text}'. Could not be parsed: ';' ends a statement.`,
    );
  }
  if (lexemes.every((l) => isA(l.type, "Text.Whitespace"))) {
    throw invalid(
      what === "filter"
        ? `Invalid filter '${text}'. Could not be parsed: it is blank.`
        : `Invalid order_by clause '${text}'. Could not be parsed: it is blank.`,
    );
  }
  try {
    return groupStatement(lexemes);
  } catch (e) {
    if (!(e instanceof GroupingLimit)) throw e;
    throw invalid(
      `Error on parsing ${
        what === "filter" ? "filter" : "order_by clause"
      } '${text}': ${e.message}`,
    );
  }
}

function isQuoted(s: string, q: string): boolean {
  return s.length >= 2 && s.startsWith(q) && s.endsWith(q);
}

function trimBackticks(s: string): string {
  return isQuoted(s, "`") ? s.slice(1, -1) : s;
}

function stripQuotes(s: string): string {
  return isQuoted(s, "'") || isQuoted(s, '"') ? s.slice(1, -1) : s;
}

/**
 * A key without its quotes, then without its backticks, as MLflow reads a key
 * (`_trim_backticks(_strip_quotes(key))`).
 *
 * @example
 * ```ts
 * import { unquoteKey } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unquoteKey("`f1 score`"), "f1 score");
 * assert.equal(unquoteKey('"team"'), "team");
 * assert.equal(unquoteKey("plain"), "plain");
 * ```
 */
export function unquoteKey(key: string): string {
  return trimBackticks(stripQuotes(key));
}

/** Splits `entity.key` at the first dot; a bare name is an attribute. */
function parseIdentifier(
  text: string,
  grammar: Grammar,
  validAttributes: ReadonlySet<string>,
  source: string,
): { type: EntityType; key: string } {
  const dot = text.indexOf(".");
  let type: EntityType = "attribute";
  let key = text;
  if (dot >= 0) {
    const raw = text.slice(0, dot);
    const entity = grammar.backtickedEntities ? trimBackticks(raw) : raw;
    const found = Object.hasOwn(grammar.entities, entity) ? grammar.entities[entity] : undefined;
    if (!found) {
      throw invalid(
        `Invalid entity type '${entity}' in '${source}'. Valid values are ` +
          `['${[...new Set(Object.values(grammar.entities))].join("', '")}']`,
      );
    }
    type = found;
    key = text.slice(dot + 1);
  }
  key = trimBackticks(stripQuotes(key));
  if (type === "attribute" && !validAttributes.has(key)) {
    throw invalid(
      `Invalid attribute key '${key}' specified. Valid keys are ` +
        `'${[...validAttributes].sort().join("', '")}'`,
    );
  }
  if (type === "dataset" && !["name", "digest", "context"].includes(key)) {
    throw invalid(
      `Invalid dataset key '${key}' specified. Valid keys are 'name', 'digest', 'context'`,
    );
  }
  return { type, key };
}

// ------------------------------------------------------------------ filters

/**
 * A comparison as MLflow reads it from the tree: its parts (left side, comparator, right side;
 * for a joined `IN`, `NOT IN`, `IS [NOT] NULL`, the sides only) and the joined comparator.
 */
export interface RawComparison {
  /** The non-blank parts of the comparison. */
  parts: Node[];
  /** The comparator of a joined comparison (`IN`, `NOT IN`, `IS NULL`, …), else empty. */
  comparator: string;
}

const nonBlank = (tokens: readonly Node[]) => tokens.filter((t) => !t.isWhitespace);

/**
 * The statement's top-level pieces with MLflow's `IN`, `NOT IN`, `IS NULL` and `IS NOT NULL`
 * joined into comparisons (`_join_in_comparison_tokens`), and what is neither a comparison nor
 * `AND` (which makes MLflow refuse the filter).
 */
function comparisons(stmt: Node): { found: RawComparison[]; stray: Node[] } {
  const toks = nonBlank(stmt.tokens);
  const found: RawComparison[] = [];
  const stray: Node[] = [];
  const keep = (t: Node) => {
    if (t.kind === "Comparison") found.push({ parts: nonBlank(t.tokens), comparator: "" });
    else if (!t.is("Keyword", "AND")) stray.push(t);
  };
  for (let i = 0; i < toks.length;) {
    const [first, second, third, fourth] = toks.slice(i, i + 4);
    if (toks.length - i < 3) {
      toks.slice(i).forEach(keep);
      break;
    }
    if (first!.kind !== "Identifier") {
      keep(first!);
      i++;
      continue;
    }
    const join = (comparator: string, parts: Node[], used: number) => {
      found.push({ parts, comparator });
      i += used;
    };
    if (second!.is("Keyword", "IN") && third!.kind === "Parenthesis") {
      join("IN", [first!, third!], 3);
    } else if (second!.is("Keyword", "IS") && third!.is("Keyword", "NULL")) {
      join("IS NULL", [first!], 3);
    } else if (
      second!.is("Keyword", "IS") && third!.type === "Keyword" &&
      third!.value.toUpperCase() === "NOT NULL"
    ) {
      join("IS NOT NULL", [first!], 3);
    } else if (!fourth) {
      [first!, second!, third!].forEach(keep);
      break;
    } else if (
      second!.is("Keyword", "NOT") && third!.is("Keyword", "IN") && fourth.kind === "Parenthesis"
    ) {
      join("NOT IN", [first!, fourth], 4);
    } else {
      [first!, second!, third!, fourth].forEach(keep);
      i += 4;
    }
  }
  return { found, stray };
}

/** Why MLflow refuses the stray pieces, in the words of this library's earlier messages. */
function strayMessage(filter: string, stray: Node[], stmt: Node): string {
  const listed = stray.map((t) => `'${t.value}'`).join(", ");
  const last = nonBlank(stmt.tokens).at(-1);
  if (stray.some((t) => t.is("Keyword", "OR"))) {
    return `Invalid clause(s) in filter string: ${listed} (only AND is supported)`;
  }
  if (stray.some((t) => t.type === "Error" && (t.value === "'" || t.value === '"'))) {
    return `Invalid filter '${filter}': unterminated quoted text (${listed})`;
  }
  if (last?.type === "Operator.Comparison") {
    return `Invalid comparison clause in '${filter}': missing a value after ${last.value}`;
  }
  return `Invalid clause(s) in filter string: ${listed}`;
}

const METRIC_OPS = new Set([">", ">=", "!=", "=", "<", "<="]);
const STRING_OPS = new Set(["!=", "=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"]);
const STRING_ATTR_OPS = new Set(["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"]);

/**
 * Parses a filter string into clauses, with MLflow's rules and error messages — for runs, or
 * for experiments with {@linkcode EXPERIMENT_GRAMMAR}. Comparators are checked here for every
 * clause (MLflow's file store checks one only when a run reaches it; its SQL stores, like this,
 * check them all).
 *
 * @example Typed clauses, quoted keys, and a refusal
 * ```ts
 * import { parseFilter } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseFilter("metrics.`f1 score` >= 0.5 and params.lr = 'x;y'"), [
 *   { type: "metric", key: "f1 score", comparator: ">=", value: 0.5 },
 *   { type: "parameter", key: "lr", comparator: "=", value: "x;y" },
 * ]);
 * assert.deepEqual(parseFilter("params.k IS NOT NULL and")[0]!.comparator, "IS NOT NULL");
 * assert.throws(() => parseFilter("metrics.acc > 0.9 OR metrics.acc < 0.1"), /only AND/);
 * ```
 */
export function parseFilter(filter: string, grammar: Grammar = RUN_GRAMMAR): Clause[] {
  if (!filter) return [];
  return filterComparisons(filter).map((c) => parseComparison(c, grammar, filter));
}

/**
 * The comparisons of a filter as MLflow's `_process_statement` finds them in sqlparse's tree:
 * the left side, comparator and right side of each (`IN`, `NOT IN`, `IS NULL` and `IS NOT NULL`
 * joined, the comparator then given apart), refusing the filter when anything but comparisons
 * and `AND` is left. Each search grammar (runs, experiments, the model registry) reads these
 * with its own rules.
 *
 * @example Two comparisons, one of them an IN list
 * ```ts
 * import { filterComparisons } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * const [eq, list] = filterComparisons("name = 'knn' and run_id IN ('a', 'b')");
 * assert.deepEqual(eq!.parts.map((p) => p.value), ["name", "=", "'knn'"]);
 * assert.equal(list!.comparator, "IN");
 * assert.throws(() => filterComparisons("name = 'a' OR name = 'b'"), /only AND/);
 * ```
 */
export function filterComparisons(filter: string): RawComparison[] {
  const stmt = statement(filter, "filter");
  const { found, stray } = comparisons(stmt);
  if (stray.length > 0) throw invalid(strayMessage(filter, stray, stmt));
  return found;
}

function parseComparison(c: RawComparison, grammar: Grammar, filter: string): Clause {
  if (c.comparator === "IS NULL" || c.comparator === "IS NOT NULL") {
    const { type, key } = parseIdentifier(c.parts[0]!.value, grammar, grammar.searchable, filter);
    if (!grammar.nullable.has(type)) {
      throw invalid(
        `IS NULL / IS NOT NULL is only supported for ${
          [...grammar.nullable].map((t) => `${t}s`).join(" and ")
        }, not for ${type} '${key}'`,
      );
    }
    return { type, key, comparator: c.comparator, value: null };
  }
  const [left, middle, right] = c.comparator ? [c.parts[0], null, c.parts[1]] : c.parts;
  if (c.parts.length !== (c.comparator ? 2 : 3)) {
    throw invalid(
      `Invalid comparison clause in '${filter}': expected 3 tokens, found ${c.parts.length}`,
    );
  }
  if (left!.kind !== "Identifier") {
    const op = left!.kind === "Operation"
      ? left!.tokens.find((t) => t.type === "Operator")
      : undefined;
    throw invalid(
      `Invalid comparison clause in '${filter}': ` +
        (op
          ? `unexpected '${op.value}' in '${left!.value}'`
          : `expected a name like metrics.<key>, found '${left!.value}'`) +
        " (quote names with special characters in backticks)",
    );
  }
  const { type, key } = parseIdentifier(left!.value, grammar, grammar.searchable, filter);
  const comparator = c.comparator || middle!.value.toUpperCase();
  const value = clauseValue(grammar, type, key, right!);
  checkComparator(grammar, type, key, comparator, value);
  return { type, key, comparator, value };
}

const quotedOrName = (t: Node) => t.type === "Literal.String.Single" || t.kind === "Identifier";

/**
 * The text of a quoted value (`'x'` or `"x"`) without its quotes; anything unquoted is refused
 * as MLflow refuses it (`_strip_quotes(..., expect_quoted_value=True)`).
 *
 * @example
 * ```ts
 * import { filterComparisons, quotedValue } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * const [c] = filterComparisons("tags.team = 'ml'");
 * assert.equal(quotedValue(c!.parts[2]!), "ml");
 * const [bare] = filterComparisons("tags.team = ml");
 * assert.throws(() => quotedValue(bare!.parts[2]!), /not quoted/);
 * ```
 */
export function quotedValue(t: Node): string {
  const v = t.value;
  if (isQuoted(v, "'") || isQuoted(v, '"')) return v.slice(1, -1);
  throw invalid(
    "Parameter value is either not quoted or unidentified quote types used for string value " +
      `${v}. Use either single or double quotes.`,
  );
}

/**
 * The strings of an `IN (…)` list as MLflow reads them (`ast.literal_eval`): a non-empty list of
 * quoted strings; anything else is refused.
 *
 * @example
 * ```ts
 * import { filterComparisons, listValue } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * const [c] = filterComparisons("name IN ('a', \"b\")");
 * assert.deepEqual(listValue(c!.parts[1]!), ["a", "b"]);
 * const [empty] = filterComparisons("name IN ()");
 * assert.throws(() => listValue(empty!.parts[1]!), /non-empty list/);
 * ```
 */
export function listValue(t: Node): string[] {
  let parsed: string | string[];
  try {
    parsed = literalStrings(t.value);
  } catch (e) {
    if (!(e instanceof PySyntaxError)) throw e;
    throw invalid(
      `While parsing a list in the query, expected a non-empty list of string values, but got ` +
        `ill-formed list ${t.value} (${e.message}).`,
    );
  }
  const items = typeof parsed === "string" ? [parsed] : parsed;
  if (items.length === 0) {
    throw invalid(
      "While parsing a list in the query, expected a non-empty list of string values, but " +
        "got empty list",
    );
  }
  return items;
}

function clauseValue(grammar: Grammar, type: EntityType, key: string, v: Node): Clause["value"] {
  const isNumber = v.type === "Literal.Number.Integer" || v.type === "Literal.Number.Float";
  if (type === "metric" || (type === "attribute" && grammar.numeric.has(key))) {
    if (!isNumber) {
      throw invalid(
        `Expected numeric value type for ${
          type === "metric" ? "metric" : `numeric attribute: ${key}`
        }. Found ${v.value}`,
      );
    }
    return pyNumber(v.value);
  }
  if (quotedOrName(v) && (type !== "attribute" || !grammar.numeric.has(key))) {
    return quotedValue(v);
  }
  if (v.kind === "Parenthesis" && (type === "attribute" || type === "dataset")) {
    if (type === "attribute" && !grammar.lists.has(key)) {
      throw invalid(
        `Only ['${[...grammar.lists].join("', '")}'] attributes support comparison with a list ` +
          `of quoted string values.`,
      );
    }
    return listValue(v);
  }
  throw invalid(
    `Expected a quoted string value for ${type === "parameter" ? "param" : type} ` +
      `(e.g. 'my-value'). Got value ${v.value}`,
  );
}

function checkComparator(
  grammar: Grammar,
  type: EntityType,
  key: string,
  comparator: string,
  value: Clause["value"],
): void {
  let valid: Set<string>;
  if (type === "metric" || (type === "attribute" && grammar.numeric.has(key))) {
    valid = METRIC_OPS;
  } else if (type === "parameter" || type === "tag") valid = STRING_OPS;
  else valid = STRING_ATTR_OPS;
  if (!valid.has(comparator)) {
    throw invalid(
      `Invalid comparator '${comparator}' for ${type} '${key}': not one of ${
        [...valid].join(", ")
      }`,
    );
  }
  // MLflow would hand the list to its LIKE, which fails on anything but a string.
  if (type === "attribute" && Array.isArray(value) && /LIKE/.test(comparator)) {
    throw invalid(`${comparator} needs a quoted string, not a list, for attribute '${key}'`);
  }
}

// ------------------------------------------------------------------ order-by

/** One parsed ORDER BY clause. */
export interface OrderBy {
  /** Which part of a run it reads. */
  type: EntityType;
  /** The metric, param, tag or attribute name. */
  key: string;
  /** ASC (true) or DESC. */
  ascending: boolean;
}

/**
 * Parses `"<entity>.<key> [ASC|DESC]"` as MLflow does: the clause must be one name (backticks
 * or quotes around the key, no spaces around the clause), then `shlex` splits off the
 * direction.
 *
 * @example A quoted key, a direction, and clauses MLflow refuses
 * ```ts
 * import { parseOrderBy } from "./search_grammar.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseOrderBy("metrics.`f1 score` desc"), {
 *   type: "metric",
 *   key: "f1 score",
 *   ascending: false,
 * });
 * assert.throws(() => parseOrderBy(" metrics.acc"), /Could not be parsed/);
 * assert.throws(() => parseOrderBy("params.p/q"), /Could not be parsed/);
 * ```
 */
export function parseOrderBy(clause: string, grammar: Grammar = RUN_GRAMMAR): OrderBy {
  const stmt = statement(clause, "order_by");
  const only = stmt.tokens[0]!;
  if (stmt.tokens.length !== 1 || only.kind !== "Identifier") {
    throw invalid(
      `Invalid order_by clause '${clause}'. Could not be parsed: it must be one name, ` +
        `optionally followed by ASC or DESC`,
    );
  }
  let text = only.value;
  let words: string[];
  try {
    words = shlexSplit(text.replaceAll("`", '"'));
  } catch (e) {
    if (!(e instanceof PySyntaxError)) throw e;
    throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed: ${e.message}`);
  }
  if (words.length > 2) throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  let ascending = true;
  if (words.length === 2) {
    const direction = words[1]!.toLowerCase();
    if (direction !== "asc" && direction !== "desc") {
      throw invalid(
        `Invalid order_by clause '${clause}'. Could not be parsed: invalid ordering key ` +
          `'${words[1]}' (ASC or DESC)`,
      );
    }
    ascending = direction === "asc";
    text = words[0]!;
  }
  const { type, key } = parseIdentifier(pyStrip(text), grammar, grammar.orderable, clause);
  if (type === "dataset") throw invalid(`Invalid order_by entity type 'dataset' in '${clause}'`);
  return { type, key, ascending };
}
