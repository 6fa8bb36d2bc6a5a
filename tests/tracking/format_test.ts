// The text formats: metric values as Python writes them, metric lines as MLflow reads them,
// meta.yaml as PyYAML reads it.

import assert from "node:assert/strict";
import { MersenneTwister19937, Random } from "random-js";
import {
  dumpYaml,
  formatFloat,
  latestPoint,
  parseFloatText,
  parseMetricLines,
  parseYaml,
} from "../../lib/tracking/_format.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

function sampleDoubles(n: number): number[] {
  const rnd = new Random(MersenneTwister19937.seed(42));
  const out = [
    0,
    -0,
    1,
    -1,
    0.1,
    5,
    1e16,
    1e15,
    9999999999999998,
    1e-4,
    1e-5,
    0.0001234,
    123456789.125,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    2 ** 53,
    1e21,
    1e22,
    1 / 3,
  ];
  const buf = new DataView(new ArrayBuffer(8));
  while (out.length < n) {
    // Random bit patterns cover every exponent; scaled uniforms cover everyday values.
    if (rnd.bool()) {
      buf.setUint32(0, rnd.uint32());
      buf.setUint32(4, rnd.uint32());
      const x = buf.getFloat64(0);
      if (Number.isFinite(x)) out.push(x);
    } else out.push(rnd.real(-1, 1) * 10 ** rnd.integer(-8, 18));
  }
  return out;
}

Deno.test("formatFloat writes exactly what Python's repr writes, and reads back the same double", async () => {
  const xs = sampleDoubles(3000);
  const hex = xs.map((x) => {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x);
    return [...new Uint8Array(v.buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
  });
  const { stdout } = await runPythonScript(pyScript("float_repr.py"), [], {
    stdin: JSON.stringify(hex),
  });
  const python = JSON.parse(stdout) as string[];
  xs.forEach((x, i) => {
    assert.equal(formatFloat(x), python[i], `value ${x}`);
    assert.ok(Object.is(parseFloatText(formatFloat(x)), x));
  });
});

Deno.test("special values are written as MLflow writes them and parsed as Python's float()", () => {
  assert.equal(formatFloat(NaN), "nan");
  assert.equal(formatFloat(Infinity), "inf");
  assert.equal(formatFloat(-Infinity), "-inf");
  for (const t of ["nan", "NaN", "+nan"]) assert.ok(Number.isNaN(parseFloatText(t)));
  for (const t of ["inf", "Infinity", "+inf"]) assert.equal(parseFloatText(t), Infinity);
  for (const t of ["-inf", "-Infinity"]) assert.equal(parseFloatText(t), -Infinity);
  assert.equal(parseFloatText("1e-7"), 1e-7);
  assert.equal(parseFloatText("5"), 5);
  assert.throws(() => parseFloatText("abc"), /not a number/);
});

Deno.test("metric lines: 2, 3 and 5 fields accepted, others refused; latest by (step, timestamp, value)", () => {
  const points = parseMetricLines("10 0.5\n20 0.7 3\n30 nan 3 train abc123\n", "m");
  assert.deepEqual(points.map((p) => [p.timestamp, p.step]), [[10, 0], [20, 3], [30, 3]]);
  assert.ok(Number.isNaN(points[2]!.value));
  assert.throws(() => parseMetricLines("10 0.5 1 2\n", "m"), /malformed/);
  assert.throws(() => parseMetricLines("", "m"), /No data/);
  assert.throws(() => parseMetricLines("1.5 0.5 1\n", "m"), /malformed/);
  // Greatest step wins even if logged earlier; then timestamp; then value.
  const latest = latestPoint([
    { timestamp: 5, value: 1, step: 2 },
    { timestamp: 9, value: 7, step: 1 },
    { timestamp: 5, value: 3, step: 2 },
  ]);
  assert.equal(latest.value, 3);
  // A NaN never wins a tie against an earlier line (Python's tuple comparison).
  assert.equal(
    latestPoint([{ timestamp: 1, value: 2, step: 0 }, { timestamp: 1, value: NaN, step: 0 }]).value,
    2,
  );
});

Deno.test("meta.yaml round-trips through PyYAML with every string kept a string", async () => {
  const doc = {
    name: "on",
    other: "1e5",
    date: "2024-01-01",
    sexagesimal: "1:30",
    hex: "0x1F",
    tilde: "~",
    multi: "line one\nline two: 'x' \"y\"",
    unicode: "température ✓",
    empty: "",
    count: 42,
    nothing: null,
    list: [] as never[],
  };
  const text = dumpYaml(doc);
  const { stdout } = await runPythonScript(pyScript("yaml_load.py"), [text]);
  assert.deepEqual(JSON.parse(stdout), doc);
  // And back through our reader (strings stay strings; the caller converts numbers).
  const back = parseYaml(text)!;
  assert.equal(back.name, "on");
  assert.equal(back.multi, doc.multi);
  assert.equal(back.count, "42");
  assert.equal(back.nothing, null);
});

Deno.test("parseYaml reads PyYAML's own output, wrapped lines and quoting included", async () => {
  const doc = {
    artifact_uri: "file:///tmp/a b/c",
    run_name: "a fairly long run name with spaces ".repeat(4).trim(),
    quoted: "it's",
    yes: "yes",
    number_text: "1e5",
    status: 3,
    end_time: null,
  };
  const { stdout } = await runPythonScript(pyScript("yaml_dump.py"), [JSON.stringify(doc)]);
  assert.match(stdout, /\n {2}\S/); // PyYAML wrapped the long name over two lines
  const parsed = parseYaml(stdout)!;
  assert.equal(parsed.run_name, doc.run_name);
  assert.equal(parsed.quoted, "it's");
  assert.equal(parsed.yes, "yes");
  assert.equal(parsed.number_text, "1e5");
  assert.equal(parsed.status, "3");
  assert.equal(parsed.end_time, null);
  assert.equal(parsed.artifact_uri, doc.artifact_uri);
  assert.equal(parseYaml(""), null);
});

Deno.test("parseYaml keeps documents it parsed in full, handing out copies, and reads a changed one anew", () => {
  const link = (context: string) =>
    `source_id: "d1"\nsource_type: "DATASET"\ntags:\n  mlflow.data.context: "${context}"\n`;
  const first = parseYaml(link("training"))!;
  assert.deepEqual(first.tags, { "mlflow.data.context": "training" });
  (first.tags as Record<string, string>)["mlflow.data.context"] = "changed by a caller";
  first.extra = 1;
  assert.deepEqual(parseYaml(link("training")), {
    source_id: "d1",
    source_type: "DATASET",
    tags: { "mlflow.data.context": "training" },
  });
  assert.deepEqual(parseYaml(link("testing"))!.tags, { "mlflow.data.context": "testing" });
  // Many other documents later, the first is still read right.
  for (let i = 0; i < 200; i++) parseYaml(link(`c${i}`));
  assert.deepEqual(parseYaml(link("training"))!.tags, { "mlflow.data.context": "training" });
  assert.throws(() => parseYaml("a: [1,\n"), SyntaxError);
  assert.throws(() => parseYaml("a: [1,\n"), SyntaxError); // an error is not kept as a result
});
