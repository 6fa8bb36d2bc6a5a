/**
 * MLflow's search semantics (`mlflow/utils/search_utils.py`) on parsed filters: which runs or
 * experiments match (LIKE and ILIKE as MLflow evaluates them in memory, with Python's regex and
 * its case rules; NaN and missing values as MLflow treats them), and MLflow's ordering rules
 * (natural order start time descending then run id; missing values and NaN last).
 *
 * @module
 */

import { invalid } from "./errors.ts";
import { ignoreCaseClass } from "./_search_chars.ts";
import type { Experiment, RunInfo } from "./entities.ts";
import type { Run } from "./run.ts";
import {
  aliasAttribute,
  type Clause,
  type EntityType,
  EXPERIMENT_GRAMMAR,
  parseFilter,
  parseOrderBy,
} from "./search_grammar.ts";

/**
 * SQL LIKE as MLflow evaluates it in memory (`_like`, `_ilike` in `search_utils.py`): the
 * pattern becomes a Python regex — `%` any text, `_` one character (neither crosses a newline),
 * anchored at the start, and at the end unless the pattern ends with `%` (where Python's `$`
 * also matches before one final newline). ILIKE compiles it with `re.IGNORECASE`, whose rules
 * differ from JavaScript's `/i`: `i`, `I`, `İ` and `ı` are one letter to it, as are `s`, `S`
 * and `ſ`, or `k`, `K` and the Kelvin sign.
 *
 * @example Anchors and wildcards; case folded as Python folds it
 * ```ts
 * import { likeToRegExp } from "./search.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(likeToRegExp("rf-%", false).test("rf-10"));
 * assert.ok(!likeToRegExp("rf-_", false).test("rf-10"));
 * assert.ok(likeToRegExp("İD-%", true).test("id-3"));
 * assert.ok(likeToRegExp("ſtatus", true).test("STATUS"));
 * ```
 */
export function likeToRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let re = "";
  for (const ch of pattern) {
    if (ch === "%") re += "[^\\n]*";
    else if (ch === "_") re += "[^\\n]";
    else if (ignoreCase) re += ignoreCaseClass(ch);
    else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  // Python's re.match anchors at the start; `$` also matches before a final newline.
  const tail = pattern.endsWith("%") ? "" : "(?=\\n?$)";
  return new RegExp(`^${re}${tail}`, "u");
}

/**
 * Checks `search_runs`'s `max_results` as MLflow's file store does: an integer, at most 50,000.
 * It slices the sorted runs with it as Python slices a list, so 0 gives no runs and a negative
 * `n` all but the last `-n` (`Array.prototype.slice(0, n)` does the same). Servers backed by a
 * database refuse anything below 1 themselves.
 *
 * @example Zero and negative limits are answered, fractions and huge ones refused
 * ```ts
 * import { checkRunsMaxResults } from "./search.ts";
 * import assert from "node:assert/strict";
 *
 * checkRunsMaxResults(0);
 * checkRunsMaxResults(-2);
 * assert.deepEqual(["a", "b", "c"].slice(0, -2), ["a"]);
 * assert.throws(() => checkRunsMaxResults(50001), /at most 50000/);
 * assert.throws(() => checkRunsMaxResults(1.5), /max_results/);
 * ```
 */
export function checkRunsMaxResults(maxResults: number): void {
  if (!Number.isInteger(maxResults) || maxResults > 50000) {
    throw invalid(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be an ` +
        `integer at most 50000`,
    );
  }
}

/** Search attribute names → the `RunInfo` fields they read. */
const ATTRIBUTE_FIELDS: Record<string, keyof RunInfo> = {
  run_id: "runId",
  run_name: "runName",
  user_id: "userId",
  status: "status",
  start_time: "startTime",
  end_time: "endTime",
  artifact_uri: "artifactUri",
};

function attributeValue(run: Run, key: string): string | number | null {
  const name = aliasAttribute(key);
  return Object.hasOwn(ATTRIBUTE_FIELDS, name) ? run.info[ATTRIBUTE_FIELDS[name]!] : null;
}

/** `record[key]`, or null when the record has no such key of its own. */
function own<T>(record: Record<string, T>, key: string): T | null {
  return Object.hasOwn(record, key) ? record[key]! : null;
}

function lookup(run: Run, type: EntityType, key: string): string | number | null {
  switch (type) {
    case "metric":
      return own(run.data.metrics, key);
    case "parameter":
      return own(run.data.params, key);
    case "tag":
      return own(run.data.tags, key);
    case "attribute":
      return attributeValue(run, key);
    default:
      return null;
  }
}

/**
 * The values a `datasets.<key>` clause is tried against, one per dataset input of the run (a run
 * matches when any does, as in MLflow): the dataset's name or digest, or the input's context.
 */
function datasetValues(run: Run, key: string): (string | null)[] {
  return run.inputs.datasetInputs.flatMap((input) => {
    if (key === "context") {
      const context = input.tags["mlflow.data.context"];
      return context === undefined ? [] : [context];
    }
    return [key === "name" ? input.dataset.name : key === "digest" ? input.dataset.digest : null];
  });
}

function compileLikes(clauses: Clause[]): Map<Clause, RegExp> {
  const likes = new Map<Clause, RegExp>();
  for (const c of clauses) {
    if (c.comparator === "LIKE" || c.comparator === "ILIKE") {
      likes.set(c, likeToRegExp(String(c.value), c.comparator === "ILIKE"));
    }
  }
  return likes;
}

/** Whether the value a clause reads (`null` when missing) satisfies it. */
function matchClause(
  lhs: string | number | null,
  c: Clause,
  likes: Map<Clause, RegExp>,
): boolean {
  if (c.comparator === "IS NULL") return lhs === null;
  if (c.comparator === "IS NOT NULL") return lhs !== null;
  if (lhs === null) return false;
  const rhs = c.value;
  switch (c.comparator) {
    case "=":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return (lhs as number) < (rhs as number);
    case "<=":
      return (lhs as number) <= (rhs as number);
    case ">":
      return (lhs as number) > (rhs as number);
    case ">=":
      return (lhs as number) >= (rhs as number);
    case "LIKE":
    case "ILIKE":
      return likes.get(c)!.test(String(lhs));
    case "IN":
      return (rhs as string[]).includes(String(lhs));
    case "NOT IN":
      return !(rhs as string[]).includes(String(lhs));
  }
  return false;
}

/**
 * Compiles a filter into a predicate over runs. The filter is parsed (and refused) as MLflow
 * parses it; see {@linkcode parseFilter}.
 *
 * @example A run's metrics, params and tags against one filter
 * ```ts
 * import { compileFilter } from "./search.ts";
 * import { Run } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = new Run(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "rf-1", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1, artifactUri: "", lifecycleStage: "active" },
 *   { params: { max_depth: "3" }, metrics: { test_accuracy: 0.92 }, tags: { "mlflow.runName": "rf-1" } },
 * );
 * const keep = compileFilter(
 *   "metrics.test_accuracy > 0.9 and params.max_depth = '3' and tags.mlflow.runName LIKE 'rf%'",
 * );
 * assert.equal(keep(run), true);
 * assert.equal(compileFilter("attributes.status = 'FAILED'")(run), false);
 * ```
 */
export function compileFilter(filter: string): RunFilter {
  const clauses = parseFilter(filter);
  const likes = compileLikes(clauses);
  const keys = {
    metrics: new Set<string>(),
    params: new Set<string>(),
    tags: new Set<string>(),
    datasets: clauses.some((c) => c.type === "dataset"),
  };
  for (const c of clauses) {
    if (c.type === "metric") keys.metrics.add(c.key);
    if (c.type === "parameter") keys.params.add(c.key);
    if (c.type === "tag") keys.tags.add(c.key);
  }
  const test = (run: Run) =>
    clauses.every((c) =>
      c.type === "dataset"
        ? datasetValues(run, c.key).some((v) => matchClause(v, c, likes))
        : matchClause(lookup(run, c.type, c.key), c, likes)
    );
  return Object.assign(test, { empty: clauses.length === 0, keys });
}

/**
 * A compiled filter: a predicate over runs, plus the metric, param and tag keys it reads (so a
 * store can load just those before deciding whether to load the whole run).
 */
export interface RunFilter {
  /** Whether `run` satisfies every clause. */
  (run: Run): boolean;
  /** True when the filter has no clauses. */
  empty: boolean;
  /** The keys the clauses read, by kind, and whether they read the run's dataset inputs. */
  keys: { metrics: Set<string>; params: Set<string>; tags: Set<string>; datasets: boolean };
}

/**
 * Compares two numbers, or two strings by code point as Python does (JavaScript's `<` compares
 * UTF-16 units, which orders characters beyond U+FFFF differently).
 *
 * @example
 * ```ts
 * import { comparePy } from "./search.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(comparePy("a", "b"), -1);
 * assert.equal(comparePy("\u{1F600}", "\uFFFD"), 1); // above U+FFFF sorts last, as in Python
 * assert.equal(comparePy(2, 2), 0);
 * ```
 */
export function comparePy(a: string | number, b: string | number): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  if (sa === sb) return 0;
  const ia = sa[Symbol.iterator]();
  const ib = sb[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/**
 * Compiles ORDER BY clauses into a sort: natural order (start time descending, then run id
 * ascending), then each clause applied as a stable sort from the last to the first, with
 * missing values last and NaN just before them, in both directions.
 *
 * @example Runs by a metric, the one without it last
 * ```ts
 * import { compileOrderBy } from "./search.ts";
 * import { Run } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (runName: string, acc?: number) =>
 *   new Run(
 *     { runId: runName.padEnd(32, "0"), experimentId: "0", runName, userId: "me",
 *       status: "FINISHED", startTime: 0, endTime: 1, artifactUri: "", lifecycleStage: "active" },
 *     { params: {}, metrics: acc === undefined ? {} : { acc }, tags: {} },
 *   );
 * const sort = compileOrderBy(["metrics.acc DESC"]);
 * const names = sort([run("a", 0.5), run("b"), run("c", 0.9)]).map((r) => r.info.runName);
 * assert.deepEqual(names, ["c", "a", "b"]);
 * ```
 */
export function compileOrderBy(orderBy: string[]): (runs: Run[]) => Run[] {
  const clauses = orderBy.map((clause) => parseOrderBy(clause));
  return (runs) => {
    let out = [...runs].sort((a, b) =>
      b.info.startTime - a.info.startTime || comparePy(a.info.runId, b.info.runId)
    );
    for (const { type, key, ascending } of [...clauses].reverse()) {
      // Rank: 0 = a value, 1 = NaN, 2 = missing; values compared within rank 0.
      const keyed = out.map((run) => {
        const v = lookup(run, type, key);
        const rank = v === null ? 2 : typeof v === "number" && Number.isNaN(v) ? 1 : 0;
        return { run, v, rank };
      });
      keyed.sort((a, b) => {
        if (a.rank !== b.rank) return a.rank - b.rank;
        if (a.rank !== 0) return 0;
        const c = comparePy(a.v!, b.v!);
        return ascending ? c : -c;
      });
      out = keyed.map((k) => k.run);
    }
    return out;
  };
}

// ------------------------------------------------------------------ experiments

const EXPERIMENT_FIELDS: Record<string, keyof Experiment> = {
  name: "name",
  experiment_id: "experimentId",
  creation_time: "creationTime",
  last_update_time: "lastUpdateTime",
};

function experimentValue(e: Experiment, type: EntityType, key: string): string | number | null {
  if (type === "tag") return own(e.tags, key);
  return Object.hasOwn(EXPERIMENT_FIELDS, key)
    ? e[EXPERIMENT_FIELDS[key]!] as string | number | null
    : null;
}

/**
 * Compiles an experiment filter (`name LIKE 'rf%' and tags.team = 'ml'`, `creation_time > 0`,
 * `experiment_id IN ('1', '2')`) into a predicate, with MLflow's `search_experiments` rules.
 *
 * @example A name pattern and a tag that must be set
 * ```ts
 * import { compileExperimentFilter } from "./search.ts";
 * import assert from "node:assert/strict";
 *
 * const keep = compileExperimentFilter("name LIKE 'rf%' and tags.team IS NOT NULL");
 * const exp = { experimentId: "1", name: "rf-grid", artifactLocation: "", lifecycleStage: "active" as const,
 *   creationTime: 1, lastUpdateTime: 1, tags: { team: "ml" } };
 * assert.equal(keep(exp), true);
 * assert.equal(keep({ ...exp, tags: {} }), false);
 * ```
 */
export function compileExperimentFilter(filter: string): (experiment: Experiment) => boolean {
  const clauses = parseFilter(filter, EXPERIMENT_GRAMMAR);
  const likes = compileLikes(clauses);
  return (e) => clauses.every((c) => matchClause(experimentValue(e, c.type, c.key), c, likes));
}

/**
 * Sorts experiments as MLflow's `search_experiments` does: by each order-by clause in turn with
 * missing values last, then by `experiment_id` descending unless a clause names it; without
 * clauses (none given, or an empty list) the order is `creation_time DESC, experiment_id ASC`.
 *
 * @example Newest first by default, or by name
 * ```ts
 * import { sortExperiments } from "./search.ts";
 * import assert from "node:assert/strict";
 *
 * const exp = (experimentId: string, name: string, creationTime: number) => ({
 *   experimentId, name, creationTime, lastUpdateTime: creationTime, artifactLocation: "",
 *   lifecycleStage: "active" as const, tags: {},
 * });
 * const all = [exp("1", "b", 10), exp("2", "a", 20), exp("3", "c", 20)];
 * assert.deepEqual(sortExperiments(all).map((e) => e.experimentId), ["2", "3", "1"]);
 * assert.deepEqual(sortExperiments(all, ["name"]).map((e) => e.name), ["a", "b", "c"]);
 * ```
 */
export function sortExperiments(
  experiments: readonly Experiment[],
  orderBy?: readonly string[],
): Experiment[] {
  const order = orderBy?.length ? orderBy : ["creation_time DESC", "experiment_id ASC"];
  const clauses = order.map((clause) => parseOrderBy(clause, EXPERIMENT_GRAMMAR));
  for (const c of clauses) {
    if (c.type !== "attribute") throw invalid(`Invalid order_by entity: ${c.type}`);
  }
  if (!clauses.some((c) => c.key === "experiment_id")) {
    clauses.push({ type: "attribute", key: "experiment_id", ascending: false });
  }
  return [...experiments].sort((a, b) => {
    for (const { key, ascending } of clauses) {
      const x = experimentValue(a, "attribute", key);
      const y = experimentValue(b, "attribute", key);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = comparePy(x, y);
      if (c !== 0) return ascending ? c : -c;
    }
    return 0;
  });
}
