// The search grammar on its own: parsing, LIKE semantics, and MLflow's ordering rules (missing
// values and NaN last, ties by start time then run id); the tables its tokenizer copies from
// Python and sqlparse; and the searches where the library used to differ from MLflow, each asked
// of MLflow itself. The interop tests compare whole searches with real MLflow, the fuzz
// (search_fuzz_test.ts) thousands of random ones; these pin the rules down case by case.

import assert from "node:assert/strict";
import { dirname } from "node:path";
import { MlflowError, Run } from "../../lib/mod.ts";
import { FileStore, RestStore } from "../../lib/tracking/mod.ts";
import type { ViewType } from "../../lib/tracking/store.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";
import { compileFilter, compileOrderBy, likeToRegExp } from "../../lib/tracking/search.ts";
import { ignoreCaseClass, SPACE, WORD } from "../../lib/tracking/_search_chars.ts";
import { keywordType } from "../../lib/tracking/_search_keywords.ts";
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

Deno.test("a server store takes maxResults below 1 as the file store does: 0 no runs, -n all but the last n", async () => {
  const runs = ["a", "b", "c", "d", "e"].map((name, i) => ({
    info: { run_id: name.repeat(32), experiment_id: "1", run_name: name, start_time: 10 - i },
    data: {},
  }));
  const asked: { max_results: number; page_token?: string }[] = [];
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      const body = await req.json();
      asked.push(body);
      const from = Number(body.page_token ?? 0);
      const to = from + Math.min(body.max_results, 2);
      return Response.json({
        runs: runs.slice(from, to),
        ...(to < runs.length ? { next_page_token: String(to) } : {}),
      });
    },
  );
  const store = new RestStore(`http://127.0.0.1:${server.addr.port}`);
  const names = async (maxResults: number) =>
    (await store.searchRuns({ experimentIds: ["1"], maxResults })).runs.map((r) => r.info.runName);
  assert.deepEqual(await names(0), []);
  assert.equal(asked.length, 0); // nothing to ask
  assert.deepEqual(await names(-2), ["a", "b", "c"]);
  assert.ok(asked.every((a) => a.max_results > 0), "the server is asked for pages, not for -2");
  assert.deepEqual(await names(3), ["a", "b", "c"]);
  // The filter is checked first, as on the file store; fractions and huge limits are refused.
  for (
    const options of [{ filter: "metrics.a > +1", maxResults: 0 }, { maxResults: 1.5 }, {
      maxResults: 50001,
    }]
  ) {
    await assert.rejects(
      store.searchRuns({ experimentIds: ["1"], ...options }),
      (e: unknown) => e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE",
    );
  }
});

Deno.test("the tokenizer's tables are Python's and sqlparse's: keywords, \\w \\s \\d, re.IGNORECASE", async () => {
  const { stdout } = await runPythonScript(pyScript("python_search_tables.py"));
  const t = JSON.parse(stdout) as {
    keywords: Record<string, string>;
    unassigned: [number, number][];
    word: [number, number][];
    space: [number, number][];
    digit: [number, number][];
    ignorecase: Record<string, number[]>;
    candidates: number[];
  };
  // Words with a space or a hyphen are never looked up: the word pattern cannot match them.
  for (const [word, type] of Object.entries(t.keywords)) {
    if (!/[ -]/.test(word)) assert.equal(keywordType(word), type, word);
  }
  for (const word of ["STATUS", "NAME", "RUN_ID", "METRICS", "PARAMS", "TAGS", "CREATED"]) {
    assert.equal(keywordType(word), null, word);
  }
  const bitmap = (ranges: [number, number][]) => {
    const bits = new Uint8Array(0x110000);
    for (const [from, to] of ranges) bits.fill(1, from, to + 1);
    return bits;
  };
  const unassigned = bitmap(t.unassigned);
  const classes: [string, RegExp, Uint8Array][] = [
    ["\\w", new RegExp(`^[${WORD}]$`, "u"), bitmap(t.word)],
    ["\\s", new RegExp(`^[${SPACE}]$`, "u"), bitmap(t.space)],
    ["\\d", /^\p{Nd}$/u, bitmap(t.digit)],
  ];
  // Characters assigned since Python's Unicode version may be classed differently.
  for (let cp = 0; cp < 0x110000; cp++) {
    if (unassigned[cp] || (cp >= 0xd800 && cp < 0xe000)) continue;
    const ch = String.fromCodePoint(cp);
    for (const [name, re, bits] of classes) {
      if (re.test(ch) !== (bits[cp] === 1)) assert.fail(`${name} and U+${cp.toString(16)}`);
    }
  }
  // re.IGNORECASE: what each cased character matches; every other character only itself.
  for (const [cp, expected] of Object.entries(t.ignorecase)) {
    const re = new RegExp(`^${ignoreCaseClass(String.fromCodePoint(Number(cp)))}$`, "u");
    const got = t.candidates.filter((c) => re.test(String.fromCodePoint(c)));
    assert.deepEqual(got, expected, `U+${Number(cp).toString(16)}`);
  }
  for (let cp = 0; cp < 0x20000; cp++) {
    if (unassigned[cp] || (cp >= 0xd800 && cp < 0xe000) || cp in t.ignorecase) continue;
    const cls = ignoreCaseClass(String.fromCodePoint(cp));
    // (Its partners, if JavaScript knows any, are letters Python does not know yet.)
    const partners = cls.startsWith("[") ? [...cls.slice(1, -1)].map((c) => c.codePointAt(0)!) : [];
    for (const other of partners) {
      if (other !== cp) {
        assert.ok(unassigned[other], `U+${cp.toString(16)} U+${other.toString(16)}`);
      }
    }
  }
});

// ------------------------------------------------------------------ against MLflow itself
//
// Searches where this library and MLflow used to part ways, each asked of MLflow itself: a
// small store written by MLflow's Python client, the searches answered by MLflow in one Python
// process (tests/py/mlflow_search_oracle.py), and FileStore must give the same answer — the same
// ids in the same order, or a refusal (INVALID_PARAMETER_VALUE) where MLflow refuses. Each case
// also names what MLflow does with it, checked against MLflow's answer, so the list documents
// MLflow's behaviour.

type Expect = "answers" | "refuses";

interface Case {
  kind: "runs" | "experiments";
  filter: string;
  order_by?: string[];
  max_results?: number;
  view?: ViewType;
  expect: Expect;
}

const runCase = (filter: string, expect: Expect, more: Partial<Case> = {}): Case => ({
  kind: "runs",
  filter,
  expect,
  ...more,
});
const experimentCase = (filter: string, expect: Expect, more: Partial<Case> = {}): Case => ({
  kind: "experiments",
  filter,
  expect,
  ...more,
});

const runSpec = (
  name: string,
  start: number,
  params: Record<string, string>,
  tags: Record<string, string> = {},
  acc: number | "nan" | null = null,
) => ({
  name,
  start,
  user: "tester",
  status: "FINISHED",
  end: start + 1000,
  params,
  tags,
  metrics: acc === null ? [] : [["acc", acc, 0, 5]],
  deleted: false,
});

/** Runs whose names and values are the same word in Python's case rules but not JavaScript's. */
const STORE = {
  experiments: [
    {
      name: "İstanbul runs",
      tags: { team: "İ" },
      deleted: false,
      runs: [
        runSpec("İstanbul", 1005, { lr: "x;y", "l r": "1", path: "c\\", q: "it\\'s" }, {
          team: "\u212aelvin",
        }, 0.5),
        runSpec("istanbul", 1004, { lr: "0.1", path: "a" }, { team: "kelvin" }, 1),
        runSpec("ISTANBUL", 1003, { lr: "x" }, { team: "KELVIN" }, 2),
        runSpec("ıstanbul", 1002, { "l r": "2", s: "ſtraſſe" }, {}, "nan"),
        runSpec("Istanbul", 1001, { s: "STRASSE" }, {}, null),
        runSpec("other", 1000, { s: "strasse" }, {}, 0),
      ],
    },
    { name: "istanbul more", tags: {}, deleted: false, runs: [] },
    { name: "ISTANBUL third", tags: { team: "x;y" }, deleted: false, runs: [] },
    { name: "ıstanbul fourth", tags: {}, deleted: false, runs: [] },
  ],
};

const KEYWORDS = ["in", "as", "from", "case", "values", "using"];

/** Each numbered family of cases, in the words of the report that found them. */
const FAMILIES: Record<string, Case[]> = {
  "ILIKE folds case as Python's re does (i, I, İ, ı are one letter; ſ is s; K is k)": [
    runCase("attributes.run_name ILIKE 'istanbul'", "answers"),
    runCase("run_name ILIKE 'İSTANBUL'", "answers"),
    runCase("run_name ILIKE 'ı%'", "answers"),
    // ſ and the Kelvin sign fold as JavaScript's /iu folds them too: these agreed already.
    runCase("run_name ILIKE '%STAN%' AND run_name LIKE '%stan%'", "answers"),
    runCase("tags.team ILIKE 'kelvin'", "answers"),
    runCase("params.s ILIKE 'strasse'", "answers"),
    experimentCase("name ILIKE 'istanbul%'", "answers"),
    experimentCase("tags.team ILIKE 'i'", "answers"),
  ],
  "MLflow answers: ';' in a quoted value, leading or trailing AND, a key with a space before IS NULL, a backslash before the closing quote":
    [
      runCase("params.lr = 'x;y'", "answers"),
      runCase("AND params.lr = 'x'", "answers"),
      runCase("params.lr = '0.1' AND", "answers"),
      runCase("and params.lr = 'x' and", "answers"),
      runCase("params.l r IS NULL", "answers"),
      runCase("params.l r IS NOT NULL", "answers"),
      runCase("params.path = 'c\\'", "answers"),
      experimentCase("tags.team = 'x;y'", "answers"),
      experimentCase("AND name LIKE '%more' AND", "answers"),
    ],
  "MLflow answers a search with maxResults 0 (no runs) or below (all but the last runs); experiments it refuses":
    [
      runCase("", "answers", { max_results: 0 }),
      runCase("", "answers", { max_results: -1 }),
      runCase("", "answers", { max_results: -4 }),
      runCase("params.lr != 'nothing'", "answers", { max_results: -1, order_by: ["params.lr"] }),
      // Agreed already: too many runs, and experiments below 1.
      runCase("", "refuses", { max_results: 50001 }),
      experimentCase("", "refuses", { max_results: 0 }),
      experimentCase("", "refuses", { max_results: -1 }),
    ],
  "MLflow refuses: a blank filter, IS  NOT  NULL with extra spaces, numbers spelled +1, 1e+0, 1.e0":
    [
      runCase("   ", "refuses"),
      runCase("\n", "refuses"),
      runCase("params.lr IS  NOT  NULL", "refuses"),
      runCase("metrics.acc > +1", "refuses"),
      runCase("metrics.acc > 1e+0", "refuses"),
      runCase("metrics.acc > 1.e0", "refuses"),
      runCase("metrics.acc > 1e0", "answers"), // these two spellings MLflow takes
      runCase("metrics.acc > .5", "answers"),
      experimentCase("  ", "refuses"),
      experimentCase("tags.team IS  NOT  NULL", "refuses"),
      experimentCase("creation_time > +1", "refuses"),
    ],
  "MLflow refuses order-bys with spaces around them, unquoted special characters, or experiment_id":
    [
      runCase("", "refuses", { order_by: [" metrics.acc"] }),
      runCase("", "refuses", { order_by: ["metrics.acc "] }),
      runCase("", "refuses", { order_by: ["params.p/q"] }),
      runCase("", "refuses", { order_by: ["experiment_id"] }),
      runCase("", "refuses", { order_by: ["attributes.experiment_id DESC"] }),
      runCase("", "answers", { order_by: ["params.`p/q` DESC", "metrics.acc"] }), // in backticks
      experimentCase("", "refuses", { order_by: ["name "] }),
    ],
  "MLflow refuses unquoted keys that sqlparse reads as keywords (in, as, from, case, values, using)":
    [
      ...KEYWORDS.map((k) => runCase(`params.${k} = 'x'`, "refuses")),
      ...KEYWORDS.map((k) => runCase(`params.\`${k}\` = 'x'`, "answers")), // in backticks
      experimentCase("tags.from = 'x'", "refuses"),
    ],
  "MLflow reads a backslash before a quote as an escape, even after another backslash": [
    runCase("params.path = 'c\\\\' AND params.lr = 'x'", "refuses"),
    runCase("params.q = 'it\\'s'", "answers"), // agreed already
    experimentCase("name = 'a\\\\' AND name = 'b'", "refuses"),
  ],
};

const all = Object.values(FAMILIES).flat();

interface Answer {
  filter: string;
  order_by: string[] | null;
  eager?: string;
  ids?: string[];
  error?: string;
}

/** MLflow's answers to every case, from one Python process, on a store it writes. */
async function answersOfMlflow(): Promise<
  { answers: Answer[]; root: string; experiments: string[] }
> {
  const root = await tempStore();
  const cases = all.map((c) => ({
    store: 0,
    kind: c.kind,
    experiments: [0],
    filter: c.filter,
    order_by: c.order_by ?? null,
    view: c.view ?? "ACTIVE_ONLY",
    max_results: c.max_results ?? null,
  }));
  const { stdout } = await runPythonScript(pyScript("mlflow_search_oracle.py"), [], {
    stdin: JSON.stringify({ stores: [{ root, ...STORE }], cases }),
  });
  const out = JSON.parse(stdout);
  return { answers: out.answers, root, experiments: out.stores[0].experiments };
}

function ours(store: FileStore, c: Case, experiments: string[]): string[] | "refused" {
  const common = {
    filter: c.filter,
    ...(c.order_by ? { orderBy: c.order_by } : {}),
    ...(c.max_results !== undefined ? { maxResults: c.max_results } : {}),
  };
  try {
    if (c.kind === "runs") {
      return store.searchRuns({ experimentIds: [experiments[0]!], ...common }).runs
        .map((r) => r.info.runId);
    }
    return store.searchExperiments(common).map((e) => e.experimentId);
  } catch (e) {
    if (e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE") return "refused";
    throw e;
  }
}

Deno.test("searches where this library used to differ from MLflow now answer as MLflow does", async (t) => {
  const { answers, root, experiments } = await answersOfMlflow();
  try {
    const store = new FileStore(root);
    for (const [family, cases] of Object.entries(FAMILIES)) {
      await t.step(family, () => {
        for (const c of cases) {
          const a = answers[all.indexOf(c)]!;
          const expected = a.error !== undefined || a.eager !== undefined ? "refused" : a.ids!;
          const label =
            `${c.kind} ${JSON.stringify(c.filter)} ${JSON.stringify(c.order_by ?? [])} ` +
            `max ${c.max_results ?? "-"}`;
          assert.equal(
            expected === "refused" ? "refuses" : "answers",
            c.expect,
            `MLflow ${
              expected === "refused" ? `refuses (${a.error ?? a.eager})` : "answers"
            } ${label}`,
          );
          assert.deepEqual(ours(store, c, experiments), expected, label);
        }
      });
    }
    // The cases are not vacuous: ILIKE finds the four i's, max_results 0 finds no run, -1 all
    // but the last.
    const ids = (c: Case) => answers[all.indexOf(c)]!.ids!;
    const families = Object.values(FAMILIES);
    assert.equal(ids(families[0]![0]!).length, 5); // İstanbul, istanbul, ISTANBUL, ıstanbul, Istanbul
    assert.equal(ids(families[2]![0]!).length, 0);
    assert.equal(ids(families[2]![1]!).length, 5);
  } finally {
    await Deno.remove(dirname(root), { recursive: true });
  }
});
