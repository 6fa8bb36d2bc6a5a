/**
 * MLflow's search grammar (`mlflow/utils/search_utils.py`), parsed: AND-joined comparisons on
 * `metrics.*`, `params.*`, `tags.*`, `attributes.*` (and `datasets.*`), and `ORDER BY` clauses,
 * for runs and for experiments. `search.ts` evaluates what this parses.
 *
 * @module
 */

import { invalid } from "./errors.ts";

/** The entity a search clause looks at. */
export type EntityType = "metric" | "parameter" | "tag" | "attribute" | "dataset";

const ENTITY_ALIASES: Record<string, EntityType> = {
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
  /** Attributes a filter may compare. */
  searchable: ReadonlySet<string>;
  /** Attributes an order-by may sort on. */
  orderable: ReadonlySet<string>;
  /** Attributes compared as numbers. */
  numeric: ReadonlySet<string>;
  /** Attributes that accept `IN (…)` / `NOT IN (…)`. */
  lists: ReadonlySet<string>;
}

const RUN_SEARCHABLE = [
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

/** `search_runs`'s grammar (`SearchUtils`). */
export const RUN_GRAMMAR: Grammar = {
  entities: ENTITY_ALIASES,
  searchable: new Set([...RUN_SEARCHABLE, "run name", "Run name", "Run Name"]),
  orderable: new Set([...RUN_SEARCHABLE, "experiment_id"]),
  numeric: new Set(["start_time", "end_time", "created", "Created"]),
  lists: new Set(["run_id"]),
};

/** `search_experiments`'s grammar (`SearchExperimentsUtils`): attributes and tags only. */
export const EXPERIMENT_GRAMMAR: Grammar = {
  entities: { attribute: "attribute", tag: "tag", tags: "tag" },
  searchable: new Set(["name", "experiment_id", "creation_time", "last_update_time"]),
  orderable: new Set(["name", "experiment_id", "creation_time", "last_update_time"]),
  numeric: new Set(["creation_time", "last_update_time"]),
  lists: new Set(["experiment_id"]),
};

/** The attribute an alias names (`created` → `start_time`, `run name` → `run_name`). */
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

type Tok =
  | { kind: "ident"; text: string }
  | { kind: "string"; text: string; quote: "'" | '"' }
  | { kind: "number"; text: string }
  | { kind: "op"; text: string }
  | { kind: "word"; text: string }
  | { kind: "list"; items: string[] };

function tokenize(filter: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = filter.length;
  const fail = (what: string): never => {
    throw invalid(`Invalid filter '${filter}': ${what} at position ${i}`);
  };
  const readQuoted = (q: string): string => {
    const start = i;
    i++;
    while (i < n) {
      if (filter[i] === "\\" && q !== "`") i += 2;
      else if (filter[i] === q && filter[i + 1] === q && q !== "`") i += 2;
      else if (filter[i] === q) break;
      else i++;
    }
    if (i >= n) fail(`unterminated ${q}-quoted text`);
    i++;
    return filter.slice(start, i);
  };
  while (i < n) {
    const c = filter[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const text = readQuoted(c);
      toks.push({ kind: "string", text: text.slice(1, -1), quote: c });
      continue;
    }
    if (c === "(") {
      i++;
      const items: string[] = [];
      for (;;) {
        while (i < n && /\s/.test(filter[i]!)) i++;
        if (filter[i] === ")") break;
        if (filter[i] !== "'" && filter[i] !== '"') fail("expected a quoted string in the list");
        items.push(readQuoted(filter[i]!).slice(1, -1));
        while (i < n && /\s/.test(filter[i]!)) i++;
        if (filter[i] === ",") i++;
        else if (filter[i] !== ")") fail("expected ',' or ')' in the list");
      }
      i++;
      toks.push({ kind: "list", items });
      continue;
    }
    const op = /^(>=|<=|!=|<>|==|=|>|<)/.exec(filter.slice(i));
    if (op) {
      toks.push({ kind: "op", text: op[1]! });
      i += op[1]!.length;
      continue;
    }
    const num = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![\w.`])/.exec(filter.slice(i));
    if (num) {
      toks.push({ kind: "number", text: num[0] });
      i += num[0].length;
      continue;
    }
    if (/[\p{L}_`]/u.test(c)) {
      // An identifier: dotted words and backticked or double-quoted parts, no spaces.
      const start = i;
      for (;;) {
        if (filter[i] === "`") readQuoted("`");
        else if (filter[i] === '"' && filter[i - 1] === ".") readQuoted('"');
        else {
          const w = /^[\p{L}\p{N}_]+/u.exec(filter.slice(i));
          if (!w) fail("expected a name");
          i += w![0].length;
        }
        if (filter[i] === ".") i++;
        else break;
      }
      const text = filter.slice(start, i);
      if (/^(and|or|not|like|ilike|in|is|null)$/i.test(text)) {
        toks.push({ kind: "word", text: text.toUpperCase() });
      } else toks.push({ kind: "ident", text });
      if (i < n && !/[\s=<>!(]/.test(filter[i]!)) {
        fail(
          `unexpected '${
            filter[i]
          }' after '${text}' (quote names with special characters in backticks)`,
        );
      }
      continue;
    }
    fail(`unexpected character '${c}'`);
  }
  return toks;
}

function stripKeyQuotes(key: string): string {
  if (
    key.length >= 2 &&
    ((key[0] === "`" && key.endsWith("`")) || (key[0] === '"' && key.endsWith('"')))
  ) {
    return key.slice(1, -1);
  }
  return key;
}

/** Splits `entity.key` at the first dot; a bare name is an attribute. */
function parseIdentifier(
  text: string,
  grammar: Grammar,
  validAttributes: ReadonlySet<string>,
  source: string,
) {
  const dot = text.startsWith("`") ? text.indexOf("`.", 1) + 1 : text.indexOf(".");
  let entity = "attribute";
  let key = text;
  if (dot > 0) {
    entity = stripKeyQuotes(text.slice(0, dot));
    key = text.slice(dot + 1);
  }
  const type = grammar.entities[stripKeyQuotes(entity)];
  if (!type) {
    throw invalid(
      `Invalid entity type '${entity}' in '${source}'. Valid values are ` +
        `['${[...new Set(Object.values(grammar.entities))].join("', '")}']`,
    );
  }
  key = stripKeyQuotes(key);
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

const METRIC_OPS = new Set([">", ">=", "!=", "=", "<", "<="]);
const STRING_OPS = new Set(["!=", "=", "LIKE", "ILIKE", "IS NULL", "IS NOT NULL"]);
const STRING_ATTR_OPS = new Set(["!=", "=", "LIKE", "ILIKE", "IN", "NOT IN"]);

/**
 * Parses a filter string into clauses, with MLflow's rules and error messages — for runs, or
 * for experiments with {@linkcode EXPERIMENT_GRAMMAR}.
 */
export function parseFilter(filter: string, grammar: Grammar = RUN_GRAMMAR): Clause[] {
  if (!filter || !filter.trim()) return [];
  if (filter.includes(";")) {
    throw invalid(
      `Search filter contained multiple expression '${filter}'. Provide AND-ed expression list.`,
    );
  }
  const toks = tokenize(filter);
  const clauses: Clause[] = [];
  let i = 0;
  while (i < toks.length) {
    if (clauses.length > 0) {
      const t = toks[i]!;
      if (t.kind !== "word" || t.text !== "AND") {
        throw invalid(
          `Invalid clause(s) in filter string: '${"text" in t ? t.text : "(…)"}'` +
            (t.kind === "word" && t.text === "OR" ? " (only AND is supported)" : ""),
        );
      }
      i++;
    }
    const lhs = toks[i++];
    if (!lhs || lhs.kind !== "ident") {
      throw invalid(`Invalid filter '${filter}': expected a name like metrics.<key> after AND`);
    }
    const { type, key } = parseIdentifier(lhs.text, grammar, grammar.searchable, filter);
    let comparator: string;
    const t1 = toks[i++];
    if (t1?.kind === "op") comparator = t1.text;
    else if (t1?.kind === "word" && t1.text === "IS") {
      const t2 = toks[i++];
      if (t2?.kind === "word" && t2.text === "NULL") comparator = "IS NULL";
      else if (
        t2?.kind === "word" && t2.text === "NOT" && toks[i]?.kind === "word" &&
        (toks[i] as { text: string }).text === "NULL"
      ) {
        i++;
        comparator = "IS NOT NULL";
      } else {throw invalid(
          `Invalid comparison clause in '${filter}': expected IS NULL or IS NOT NULL`,
        );}
    } else if (
      t1?.kind === "word" && t1.text === "NOT" && toks[i]?.kind === "word" &&
      (toks[i] as { text: string }).text === "IN"
    ) {
      i++;
      comparator = "NOT IN";
    } else if (t1?.kind === "word" && ["LIKE", "ILIKE", "IN"].includes(t1.text)) {
      comparator = t1.text;
    } else {throw invalid(
        `Invalid comparison clause in '${filter}': expected a comparator after '${lhs.text}'`,
      );}

    let value: Clause["value"] = null;
    if (comparator !== "IS NULL" && comparator !== "IS NOT NULL") {
      const v = toks[i++];
      if (!v) {
        throw invalid(
          `Invalid comparison clause in '${filter}': missing a value after ${comparator}`,
        );
      }
      value = clauseValue(grammar, type, key, comparator, v);
    }
    checkComparator(grammar, type, key, comparator);
    clauses.push({ type, key, comparator, value });
  }
  return clauses;
}

function clauseValue(
  grammar: Grammar,
  type: EntityType,
  key: string,
  comparator: string,
  v: Tok,
): Clause["value"] {
  if (type === "metric" || (type === "attribute" && grammar.numeric.has(key))) {
    if (v.kind !== "number") {
      throw invalid(
        `Expected numeric value type for ${
          type === "metric" ? "metric" : `numeric attribute: ${key}`
        }. ` +
          `Found ${"text" in v ? v.text : "a list"}`,
      );
    }
    return Number(v.text);
  }
  if (v.kind === "list") {
    if (!(type === "attribute" && grammar.lists.has(key)) && type !== "dataset") {
      throw invalid(
        `Only ['${[...grammar.lists].join("', '")}'] attributes support comparison with a list ` +
          `of quoted string values.`,
      );
    }
    if (comparator !== "IN" && comparator !== "NOT IN") {
      throw invalid(`A list of values needs IN or NOT IN, not ${comparator}`);
    }
    if (v.items.length === 0) {
      throw invalid(
        "While parsing a list in the query, expected a non-empty list of string values, but " +
          "got empty list",
      );
    }
    return v.items;
  }
  if (v.kind !== "string") {
    throw invalid(
      `Expected a quoted string value for ${type === "parameter" ? "param" : type} ` +
        `(e.g. 'my-value'). Got value ${"text" in v ? v.text : ""}`,
    );
  }
  return v.text;
}

function checkComparator(
  grammar: Grammar,
  type: EntityType,
  key: string,
  comparator: string,
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
}

/** One parsed ORDER BY clause. */
export interface OrderBy {
  /** Which part of a run it reads. */
  type: EntityType;
  /** The metric, param, tag or attribute name. */
  key: string;
  /** ASC (true) or DESC. */
  ascending: boolean;
}

/** Parses `"<entity>.<key> [ASC|DESC]"`, backticks or double quotes around keys allowed. */
export function parseOrderBy(clause: string, grammar: Grammar = RUN_GRAMMAR): OrderBy {
  const m = /^\s*(.+?)(?:\s+(asc|desc))?\s*$/i.exec(clause);
  if (!m || !m[1]) throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  let ident = m[1];
  // Inside backticks spaces are part of the key; outside, one identifier and one direction.
  const unquoted = ident.replace(/`[^`]*`|"[^"]*"/g, "");
  if (/\s/.test(unquoted)) {
    throw invalid(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  }
  ident = ident.trim();
  const { type, key } = parseIdentifier(ident, grammar, grammar.orderable, clause);
  if (type === "dataset") throw invalid(`Invalid order_by entity type 'dataset' in '${clause}'`);
  return { type, key, ascending: (m[2] ?? "asc").toLowerCase() === "asc" };
}
