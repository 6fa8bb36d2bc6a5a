// The search grammar on its own: parsing, LIKE semantics, and MLflow's ordering rules (missing
// values and NaN last, ties by start time then run id). The interop tests compare whole
// searches with real MLflow; these pin the rules down case by case.

import assert from "node:assert/strict";
import { MlflowError, Run } from "../../lib/mod.ts";
import { compileFilter, compileOrderBy, likeToRegExp } from "../../lib/tracking/search.ts";
import { parseFilter, parseOrderBy } from "../../lib/tracking/search_grammar.ts";

function run(
  id: string,
  start: number,
  metrics: Record<string, number>,
  params: Record<string, string> = {},
) {
  return new Run(
    {
      runId: id.padEnd(32, "0"),
      experimentId: "0",
      runName: id,
      userId: "u",
      status: "FINISHED",
      startTime: start,
      endTime: null,
      artifactUri: "",
      lifecycleStage: "active",
    },
    { params, metrics, tags: { "mlflow.runName": id } },
  );
}

Deno.test("filters parse into typed clauses: entity aliases, quoted keys, IS NULL, IN lists", () => {
  assert.deepEqual(
    parseFilter(
      "metrics.`f1 score` >= 0.5 AND params.\"max depth\" = '3' and tags.mlflow.runName LIKE 'rf%'",
    ),
    [
      { type: "metric", key: "f1 score", comparator: ">=", value: 0.5 },
      { type: "parameter", key: "max depth", comparator: "=", value: "3" },
      { type: "tag", key: "mlflow.runName", comparator: "LIKE", value: "rf%" },
    ],
  );
  assert.deepEqual(parseFilter("status = 'FAILED'")[0], {
    type: "attribute",
    key: "status",
    comparator: "=",
    value: "FAILED",
  });
  assert.deepEqual(parseFilter("param.k is not null")[0]!.comparator, "IS NOT NULL");
  assert.deepEqual(parseFilter("attributes.run_id IN ('abc', 'DEF')")[0]!.value, ["abc", "DEF"]);
  assert.throws(() => parseFilter("attributes.run_id IN ()"), /non-empty list/);
  assert.deepEqual(parseFilter("metric.x < -1.5e-3")[0]!.value, -1.5e-3);
  assert.deepEqual(parseFilter(""), []);
});

Deno.test("bad filters are refused with MLflow's code and a message naming the problem", () => {
  const cases: [string, RegExp][] = [
    ["metrics.acc > 0.9 OR metrics.acc < 0.1", /only AND is supported/],
    ["metrics.acc = 'x'", /Expected numeric value type for metric/],
    ["params.k > '3'", /Invalid comparator '>' for parameter 'k'/],
    ["params.k = 3", /Expected a quoted string value for param/],
    ["things.k = '3'", /Invalid entity type 'things'/],
    ["attributes.color = 'red'", /Invalid attribute key 'color'/],
    ["metrics.f1-score > 1", /unexpected '-'/],
    ["metrics.acc >", /missing a value after >/],
    ["metrics.acc > 1; drop", /multiple expression/],
    ["params.k = 'unterminated", /unterminated/],
  ];
  for (const [filter, message] of cases) {
    assert.throws(
      () => parseFilter(filter),
      (e: unknown) =>
        e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE" && message.test(e.message),
      filter,
    );
  }
});

Deno.test("LIKE is anchored, % and _ are wildcards, other characters literal; ILIKE ignores case", () => {
  assert.ok(likeToRegExp("rf%", false).test("rf-10"));
  assert.ok(!likeToRegExp("rf%", false).test("xrf"));
  assert.ok(likeToRegExp("%-1_", false).test("knn-15"));
  assert.ok(!likeToRegExp("%-1_", false).test("knn-150"));
  assert.ok(likeToRegExp("a.b", false).test("a.b") && !likeToRegExp("a.b", false).test("axb"));
  assert.ok(!likeToRegExp("RF%", false).test("rf-1") && likeToRegExp("RF%", true).test("rf-1"));
  // As with Python's re (checked against MLflow's own _like): % does not cross a newline, and
  // the end anchor also matches before one final newline.
  assert.ok(likeToRegExp("a%", false).test("a\nb"));
  assert.ok(!likeToRegExp("a%b", false).test("a\nb"));
  assert.ok(likeToRegExp("ab", false).test("ab\n"));
  assert.ok(!likeToRegExp("ab", false).test("ab\n\n"));
});

Deno.test("ordering: natural order, then clauses; missing values last and NaN just before them", () => {
  const runs = [
    run("a", 1, { acc: 0.5 }),
    run("b", 3, { acc: NaN }),
    run("c", 2, {}),
    run("d", 3, { acc: 0.9 }),
    run("e", 2, { acc: 0.5 }),
  ];
  const ids = (order: string[]) => compileOrderBy(order)(runs).map((r) => r.info.runName);
  assert.deepEqual(ids([]), ["b", "d", "c", "e", "a"]); // start time DESC, then run id
  assert.deepEqual(ids(["metrics.acc DESC"]), ["d", "e", "a", "b", "c"]);
  assert.deepEqual(ids(["metrics.acc"]), ["e", "a", "d", "b", "c"]); // ties keep natural order
  assert.deepEqual(ids(["attributes.start_time ASC", "metrics.acc DESC"]), [
    "a",
    "e",
    "c",
    "d",
    "b",
  ]);
  assert.deepEqual(parseOrderBy("metrics.`f1 score` desc"), {
    type: "metric",
    key: "f1 score",
    ascending: false,
  });
  assert.throws(() => parseOrderBy("metrics.acc sideways"), /Could not be parsed/);
});

Deno.test("comparisons follow MLflow's types: metrics as numbers, params as strings, missing never matches", () => {
  const r = run("x", 1, { acc: 0.9, nan: NaN }, { k: "10" });
  assert.equal(compileFilter("metrics.acc > 0.85")(r), true);
  assert.equal(compileFilter("metrics.nan != 1")(r), true);
  assert.equal(compileFilter("metrics.nan = 1")(r), false);
  assert.equal(compileFilter("params.k = '10'")(r), true);
  assert.equal(compileFilter("params.k = '10.0'")(r), false);
  assert.equal(compileFilter("metrics.missing < 100")(r), false);
  assert.equal(compileFilter("params.missing != 'x'")(r), false);
  assert.equal(compileFilter("params.missing IS NULL")(r), true);
  assert.equal(compileFilter("attributes.run_name = 'x' and attributes.start_time = 1")(r), true);
});
