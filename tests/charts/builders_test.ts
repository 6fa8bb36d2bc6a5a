/**
 * The chart builders: every spec they build compiles with Vega-Lite with zero warnings, is valid
 * against the Vega-Lite 5 JSON schema shipped in the npm package, holds its data inline, leaves
 * its input untouched, and skips runs missing the values it needs.
 */

import assert from "node:assert/strict";
import { Ajv } from "ajv";
import type { TopLevelSpec } from "vega-lite";
import schema from "vega-lite/build/vega-lite-schema.json" with { type: "json" };
import {
  confusionMatrixHeatmap,
  groupedBars,
  type MetricHistory,
  metricHistory,
  parallelCoordinates,
  paramVsMetric,
  toSvg,
  trainVsTest,
  type VegaLiteSpec,
} from "../../lib/charts/mod.ts";
import * as msg from "../../lib/charts/_messages.ts";
import { loadVega } from "../../lib/charts/_vega.ts";
import { Run } from "../../lib/tracking/run.ts";
import type { Metric } from "../../lib/tracking/entities.ts";

// ------------------------------------------------------------------ helpers

const ajv = new Ajv({
  strict: false,
  allowUnionTypes: true,
  // Formats the schema names that Ajv does not define: checked loosely or not at all.
  formats: {
    uri: (s: string) => URL.canParse(s),
    "uri-reference": true,
    "color-hex": /^#([0-9a-f]{3}){1,2}$/i,
  },
});
const validateSchema = ajv.compile(schema);

const { vl } = await loadVega(); // vega-lite itself, imported without Node's punycode warning
type Logger = NonNullable<NonNullable<Parameters<typeof vl.compile>[1]>["logger"]>;

/** The warnings (and errors) Vega-Lite logs while compiling `spec`. */
function compileWarnings(spec: VegaLiteSpec): string[] {
  const messages: string[] = [];
  const logger = {
    level(_?: number) {
      return _ === undefined ? 0 : logger;
    },
    warn(...args: unknown[]) {
      messages.push(`warn: ${args.join(" ")}`);
      return logger;
    },
    error(...args: unknown[]) {
      messages.push(`error: ${args.join(" ")}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  vl.compile(spec as unknown as TopLevelSpec, { logger: logger as unknown as Logger });
  return messages;
}

/** Asserts that `spec` is valid Vega-Lite 5 that compiles without a warning. */
function assertValidSpec(spec: VegaLiteSpec): void {
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  const valid = validateSchema(spec);
  assert.ok(valid, `schema errors: ${JSON.stringify(validateSchema.errors?.slice(0, 3))}`);
  assert.deepEqual(compileWarnings(spec), []);
}

/** The inline rows of a spec (asserting that its data is inline). */
function rows<T = Record<string, unknown>>(spec: VegaLiteSpec): T[] {
  const data = (spec as unknown as { data?: unknown }).data;
  assert.ok(data && typeof data === "object" && "values" in data, "data is inline");
  const values = (data as { values: unknown }).values;
  assert.ok(Array.isArray(values));
  return values as T[];
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
    }
  }
  return value;
}

/** Calls `build(input)` on a deep-frozen input and checks the input's contents did not change. */
function buildUntouched<I, O>(input: I, build: (input: I) => O): O {
  const before = structuredClone(input);
  const out = build(deepFreeze(input));
  assert.deepEqual(structuredClone(input), before);
  return out;
}

let nextId = 0;
function run(
  runName: string,
  params: Record<string, string>,
  metrics: Record<string, number>,
  tags: Record<string, string> = {},
): Run {
  const runId = (++nextId).toString(16).padStart(8, "0").padEnd(32, "0");
  return new Run(
    {
      runId,
      experimentId: "0",
      runName,
      userId: "test",
      status: "FINISHED",
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_001_000,
      artifactUri: `file:///tmp/${runId}/artifacts`,
      lifecycleStage: "active",
    },
    { params, metrics, tags },
  );
}

/** A grid of runs of two model families, with the gaps real tracking data has. */
function fixture(): Run[] {
  return [
    run("knn-1", { model: "knn", n_neighbors: "1" }, { train_accuracy: 1, test_accuracy: 0.86 }, {
      family: "neighbours",
    }),
    run("knn-5", { model: "knn", n_neighbors: "5" }, {
      train_accuracy: 0.94,
      test_accuracy: 0.91,
    }, { family: "neighbours" }),
    run("knn-9", { model: "knn", n_neighbors: "9" }, { train_accuracy: 0.92, test_accuracy: 0.9 }),
    run("forest-3", { model: "forest", max_depth: "3" }, {
      train_accuracy: 0.9,
      test_accuracy: 0.89,
    }, { family: "trees" }),
    run("forest-10", { model: "forest", max_depth: "10" }, {
      train_accuracy: 0.99,
      test_accuracy: 0.92,
    }, { family: "trees" }),
    // Diverged: its test accuracy is NaN.
    run("knn-broken", { model: "knn", n_neighbors: "7" }, {
      train_accuracy: 1,
      test_accuracy: NaN,
    }),
    // Still running: no metrics yet.
    run("knn-running", { model: "knn", n_neighbors: "3" }, {}),
    // A second run named knn-5.
    run("knn-5", { model: "knn", n_neighbors: "5" }, { train_accuracy: 0.95, test_accuracy: 0.9 }),
  ];
}

// ------------------------------------------------------------------ paramVsMetric

Deno.test("paramVsMetric: numeric param gives a quantitative x, a mean line and the run tooltips", () => {
  const runs = fixture();
  const spec = buildUntouched(
    runs,
    (r) => paramVsMetric(r, { param: "n_neighbors", metric: "test_accuracy" }),
  );
  assertValidSpec(spec);
  const values = rows<{ run: string; x: unknown; y: number }>(spec);
  // Kept: runs with an n_neighbors param and a finite test_accuracy.
  const expected = runs.filter((r) =>
    "n_neighbors" in r.data.params && Number.isFinite(r.data.metrics.test_accuracy)
  );
  assert.equal(values.length, expected.length);
  assert.deepEqual(values.map((v) => v.x), expected.map((r) => Number(r.data.params.n_neighbors)));
  assert.deepEqual(values.map((v) => v.y), expected.map((r) => r.data.metrics.test_accuracy));
  assert.ok(values.every((v) => typeof v.x === "number"));
  // The two knn-5 runs keep distinct labels.
  assert.equal(new Set(values.map((v) => v.run)).size, values.length);
  assert.ok(values.some((v) => v.run.startsWith("knn-5 (")));

  const s = spec as unknown as {
    encoding: { x: { type: string; title: string } };
    layer: unknown[];
  };
  assert.equal(s.encoding.x.type, "quantitative");
  assert.equal(s.encoding.x.title, "n_neighbors");
  const marks = JSON.stringify(s.layer);
  assert.match(marks, /"type":"line"/);
  assert.match(marks, /"aggregate":"mean"/);
  assert.match(marks, /"tooltip":\[\{"field":"run"/);
});

Deno.test("paramVsMetric: a non-numeric param is nominal, with points only", () => {
  const spec = paramVsMetric(fixture(), { param: "model", metric: "test_accuracy" });
  assertValidSpec(spec);
  assert.deepEqual([...new Set(rows<{ x: unknown }>(spec).map((v) => v.x))].sort(), [
    "forest",
    "knn",
  ]);
  const s = spec as unknown as {
    encoding: { x: { type: string } };
    layer: { mark: { type: string } }[];
  };
  assert.equal(s.encoding.x.type, "nominal");
  assert.deepEqual(s.layer.map((l) => l.mark.type), ["point"]);
});

Deno.test("paramVsMetric: colour by a tag or param, '(none)' when missing; log scale", () => {
  const runs = fixture();
  const spec = paramVsMetric(runs, {
    param: "max_depth",
    metric: "train_accuracy",
    color: "tags.family",
    scale: "log",
  });
  assertValidSpec(spec);
  assert.deepEqual(rows<{ color: string }>(spec).map((v) => v.color), ["trees", "trees"]);
  assert.match(JSON.stringify(spec), /"title":"family"/);
  assert.match(JSON.stringify(spec), /"type":"log"/);

  const byParam = paramVsMetric(runs, {
    param: "n_neighbors",
    metric: "train_accuracy",
    color: "family",
  });
  assertValidSpec(byParam);
  assert.ok(rows<{ color: string }>(byParam).some((v) => v.color === "(none)"));
});

Deno.test("paramVsMetric: no matching run gives an empty, still valid chart", () => {
  const spec = paramVsMetric(fixture(), { param: "absent", metric: "test_accuracy" });
  assertValidSpec(spec);
  assert.deepEqual(rows(spec), []);
});

Deno.test("paramVsMetric: rejects empty names with the message from _messages.ts", () => {
  assert.throws(
    () => paramVsMetric([], { param: "", metric: "m" }),
    new TypeError(msg.badName("param", "")),
  );
});

// ------------------------------------------------------------------ groupedBars

Deno.test("groupedBars: one bar per metric per run, in the order given", () => {
  const runs = fixture();
  const metrics = ["train_accuracy", "test_accuracy"];
  const spec = buildUntouched(runs, (r) => groupedBars(r, { metrics }));
  assertValidSpec(spec);
  const values = rows<{ group: string; metric: string; value: number }>(spec);
  let expected = 0;
  for (const r of runs) {
    for (const m of metrics) if (Number.isFinite(r.data.metrics[m])) expected++;
  }
  assert.equal(values.length, expected);
  assert.deepEqual(values.slice(0, 2), [
    { group: "knn-1", metric: "train_accuracy", value: 1 },
    { group: "knn-1", metric: "test_accuracy", value: 0.86 },
  ]);
  // NaN dropped: knn-broken has its train bar only.
  assert.deepEqual(values.filter((v) => v.group === "knn-broken").map((v) => v.metric), [
    "train_accuracy",
  ]);
  const enc =
    (spec as unknown as { encoding: Record<string, { field?: string; sort?: unknown }> }).encoding;
  assert.equal(enc.xOffset?.field, "metric");
  assert.deepEqual(enc.xOffset?.sort, metrics);
});

Deno.test("groupedBars: groupBy a param aggregates runs of a family", () => {
  const spec = groupedBars(fixture(), {
    metrics: ["test_accuracy"],
    groupBy: "params.model",
    aggregate: "max",
  });
  assertValidSpec(spec);
  const values = rows<{ group: string }>(spec);
  assert.deepEqual([...new Set(values.map((v) => v.group))], ["knn", "forest"]);
  const y = (spec as unknown as { encoding: { y: { aggregate: string } } }).encoding.y;
  assert.equal(y.aggregate, "max");
});

Deno.test("groupedBars: plain rows need groupBy", () => {
  const table = [
    { family: "knn", train: 0.95, test: 0.9 },
    { family: "forest", train: 0.99, test: 0.92 },
    { family: null, train: 0.5, test: 0.5 },
  ];
  const spec = buildUntouched(
    table,
    (t) => groupedBars(t, { metrics: ["train", "test"], groupBy: "family" }),
  );
  assertValidSpec(spec);
  assert.equal(rows(spec).length, 4);
  assert.throws(
    () => groupedBars(table, { metrics: ["train"] }),
    new TypeError(msg.PLAIN_ROWS_NEED_GROUP_BY),
  );
  assert.throws(
    () => groupedBars(table, { metrics: [] }),
    new RangeError(msg.emptyList("metrics")),
  );
});

// ------------------------------------------------------------------ metricHistory

function curve(key: string, values: number[], t0 = 1_700_000_000_000): Metric[] {
  return values.map((value, step) => ({ key, value, step, timestamp: t0 + 1000 * step }));
}

Deno.test("metricHistory: one line per run, points sorted by step, NaN and empty dropped", () => {
  const histories: MetricHistory[] = [
    { runName: "a", points: curve("loss", [0.9, 0.6, NaN, 0.3]).reverse() },
    { runName: "b", points: curve("loss", [1.0, 0.8]) },
    { runName: "empty", points: [] },
    { runName: "a", points: curve("loss", [0.7]) },
  ];
  const spec = buildUntouched(histories, (h) => metricHistory(h, { metric: "loss" }));
  assertValidSpec(spec);
  const values = rows<{ run: string; step: number; value: number }>(spec);
  assert.deepEqual(values.filter((v) => v.run === "a").map((v) => v.step), [0, 1, 3]);
  assert.deepEqual(values.filter((v) => v.run === "a").map((v) => v.value), [0.9, 0.6, 0.3]);
  assert.deepEqual([...new Set(values.map((v) => v.run))], ["a", "b", "a #2"]);
  const enc = (spec as unknown as { encoding: Record<string, { field?: string }> }).encoding;
  assert.equal(enc.color?.field, "run");
  assert.equal(enc.strokeDash, undefined);
});

Deno.test("metricHistory: several keys get dash styles; one run has no colour; time axis", () => {
  const mixed = [{
    runName: "only",
    points: [...curve("loss", [1, 0.5]), ...curve("val_loss", [1.1, 0.7])],
  }];
  const spec = metricHistory(mixed, { x: "timestamp", scale: "log" });
  assertValidSpec(spec);
  const enc =
    (spec as unknown as { encoding: Record<string, { field?: string; type?: string }> }).encoding;
  assert.equal(enc.strokeDash?.field, "key");
  assert.equal(enc.color, undefined);
  assert.equal(enc.x?.type, "temporal");
  assert.equal(spec.title, "value by time");

  const filtered = metricHistory(mixed, { metric: "val_loss" });
  assertValidSpec(filtered);
  assert.deepEqual(rows<{ value: number }>(filtered).map((v) => v.value), [1.1, 0.7]);
});

// ------------------------------------------------------------------ confusionMatrixHeatmap

Deno.test("confusionMatrixHeatmap: n² cells, rows are the true class, labels in order", () => {
  const matrix = [[50, 2, 0], [3, 40, 5], [0, 4, 46]];
  const labels = ["setosa", "versicolor", "virginica"];
  const spec = buildUntouched(
    { matrix, labels },
    ({ matrix, labels }) => confusionMatrixHeatmap(matrix, { labels, title: "Iris" }),
  );
  assertValidSpec(spec);
  const cells = rows<{ actual: string; predicted: string; count: number }>(spec);
  assert.equal(cells.length, 9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      assert.ok(
        cells.some((c) =>
          c.actual === labels[i] && c.predicted === labels[j] && c.count === matrix[i]![j]
        ),
      );
    }
  }
  const enc = (spec as unknown as { encoding: Record<string, { sort?: unknown }> }).encoding;
  assert.deepEqual(enc.x?.sort, labels);
  assert.deepEqual(enc.y?.sort, labels);
  // White text on cells above half the largest count, computed by the chart from its data: two
  // matrices of the same classes differ in their values only (so a drawing is reused).
  assert.match(JSON.stringify(spec), /datum\.count > datum\.count_max \/ 2/);
  const other = confusionMatrixHeatmap([[1, 0, 0], [0, 1, 0], [0, 0, 9]], {
    labels,
    title: "Iris",
  });
  const withoutValues = (s: object) => JSON.stringify({ ...s, data: null });
  assert.equal(withoutValues(other), withoutValues(spec));
});

Deno.test("confusionMatrixHeatmap: rejects bad matrices and labels with exact messages", () => {
  assert.throws(() => confusionMatrixHeatmap([]), new RangeError(msg.EMPTY_MATRIX));
  assert.throws(
    () => confusionMatrixHeatmap([[1, 2], [3]]),
    new RangeError(msg.notSquare(1, 1, 2)),
  );
  assert.throws(
    () => confusionMatrixHeatmap([[1, -1], [0, 1]]),
    new RangeError(msg.badCount(0, 1, -1)),
  );
  assert.throws(
    () => confusionMatrixHeatmap([[1, NaN], [0, 1]]),
    new RangeError(msg.badCount(0, 1, NaN)),
  );
  assert.throws(
    () => confusionMatrixHeatmap([[1, 0], [0, 1]], { labels: ["a"] }),
    new RangeError(msg.badLabels(1, 2)),
  );
  assert.throws(
    () => confusionMatrixHeatmap([[1, 0], [0, 1]], { labels: ["a", "a"] }),
    new RangeError(msg.badLabels(1, 2)),
  );
  // Default labels are the class indices.
  const spec = confusionMatrixHeatmap([[1, 0], [0, 1]]);
  assertValidSpec(spec);
  assert.deepEqual([...new Set(rows<{ actual: string }>(spec).map((c) => c.actual))], ["0", "1"]);
});

// ------------------------------------------------------------------ parallelCoordinates

Deno.test("parallelCoordinates: fold + joinaggregate recipe, runs with every value only", () => {
  const runs = fixture();
  const spec = buildUntouched(
    runs,
    (r) =>
      parallelCoordinates(r, {
        params: ["n_neighbors"],
        metrics: ["train_accuracy", "test_accuracy"],
        color: "model",
      }),
  );
  assertValidSpec(spec);
  const values = rows<Record<string, string | number>>(spec);
  const complete = runs.filter((r) =>
    "n_neighbors" in r.data.params && Number.isFinite(r.data.metrics.train_accuracy) &&
    Number.isFinite(r.data.metrics.test_accuracy)
  );
  assert.equal(values.length, complete.length);
  assert.deepEqual(values.map((v) => v.a0), complete.map((r) => Number(r.data.params.n_neighbors)));
  assert.deepEqual(values.map((v) => v.a2), complete.map((r) => r.data.metrics.test_accuracy));
  const transform = (spec as unknown as { transform: Record<string, unknown>[] }).transform;
  assert.deepEqual(transform[0], { fold: ["a0", "a1", "a2"], as: ["axis", "value"] });
  assert.ok(transform.some((t) => "joinaggregate" in t));
  assert.match(JSON.stringify(spec), /n_neighbors.*train_accuracy.*test_accuracy/);
});

Deno.test("parallelCoordinates: odd names, shared names and non-numeric params", () => {
  const runs = [
    run("a", { "opt.lr": "0.1", acc: "1" }, { acc: 0.9, "val.loss": 0.3 }),
    run("b", { "opt.lr": "0.01", acc: "2" }, { acc: 0.8, "val.loss": 0.5 }),
    run("c", { "opt.lr": "auto", acc: "3" }, { acc: 0.7, "val.loss": 0.6 }),
  ];
  const spec = parallelCoordinates(runs, {
    params: ["opt.lr", "acc"],
    metrics: ["acc", "val.loss"],
  });
  assertValidSpec(spec);
  assert.deepEqual(rows<{ run: string }>(spec).map((v) => v.run), ["a", "b"]);
  const text = JSON.stringify(spec);
  assert.match(text, /params\.acc/);
  assert.match(text, /metrics\.acc/);
  assert.throws(
    () => parallelCoordinates(runs, {}),
    new RangeError(msg.emptyList("params/metrics")),
  );
});

// ------------------------------------------------------------------ trainVsTest

Deno.test("trainVsTest: points, gap, a shared domain and the diagonal", () => {
  const runs = fixture();
  const spec = buildUntouched(runs, (r) => trainVsTest(r, { color: "model" }));
  assertValidSpec(spec);
  const values = rows<{ run: string; train: number; test: number; gap: number }>(spec);
  const complete = runs.filter((r) =>
    Number.isFinite(r.data.metrics.train_accuracy) && Number.isFinite(r.data.metrics.test_accuracy)
  );
  assert.equal(values.length, complete.length);
  for (const v of values) assert.equal(v.gap, v.train - v.test);
  const all = values.flatMap((v) => [v.train, v.test]);
  const layers = (spec as unknown as {
    layer: {
      mark: { type: string };
      encoding: Record<string, { datum?: number; scale?: { domain: number[] } }>;
    }[];
  }).layer;
  const rule = layers.find((l) => l.mark.type === "rule")!;
  const points = layers.find((l) => l.mark.type === "point")!;
  assert.ok(rule.encoding.x!.datum! < Math.min(...all));
  assert.ok(rule.encoding.x2!.datum! > Math.max(...all));
  assert.equal(rule.encoding.x!.datum, rule.encoding.y!.datum);
  assert.equal(rule.encoding.x2!.datum, rule.encoding.y2!.datum);
  assert.deepEqual(points.encoding.x!.scale!.domain, points.encoding.y!.scale!.domain);

  const custom = trainVsTest(runs, { train: "train_accuracy", test: "missing" });
  assertValidSpec(custom);
  assert.deepEqual(rows(custom), []);
});

Deno.test("numeric categories are coloured in order (10, 20, 100), not as text", () => {
  const runs = [10, 100, 20].map((n, i) =>
    run(`rf-${n}`, { max_depth: "3", n_estimators: String(n) }, {
      train_accuracy: 0.9 + i / 100,
      test_accuracy: 0.8 + i / 100,
    })
  );
  for (
    const spec of [
      paramVsMetric(runs, { param: "max_depth", metric: "test_accuracy", color: "n_estimators" }),
      trainVsTest(runs, { color: "n_estimators" }),
    ]
  ) {
    assertValidSpec(spec);
    const color = JSON.stringify(spec).match(/"color":\{"field":"color",[^}]*\}/)?.[0];
    assert.ok(color, JSON.stringify(spec));
    const parsed = JSON.parse(color.slice('"color":'.length));
    assert.equal(parsed.type, "ordinal");
    assert.deepEqual(parsed.sort, ["10", "20", "100"]);
  }
  const named = paramVsMetric(
    runs.map((r, i) =>
      run(r.info.runName, { max_depth: "3", kind: ["a", "b", "c"][i]! }, r.data.metrics)
    ),
    { param: "max_depth", metric: "test_accuracy", color: "kind" },
  );
  assert.match(JSON.stringify(named), /"color":\{"field":"color","type":"nominal"/);
});

Deno.test("grouped bars carry their values, so close values can be told apart", async () => {
  const runs = [
    run("knn", {}, { test_accuracy: 0.908 }, { model_family: "knn" }),
    run("forest", {}, { test_accuracy: 0.876 }, { model_family: "forest" }),
  ];
  const spec = groupedBars(runs, { metrics: ["test_accuracy"], groupBy: "tags.model_family" });
  assertValidSpec(spec);
  const svg = await toSvg(spec);
  assert.match(svg, />0\.908</);
  assert.match(svg, />0\.876</);
});
