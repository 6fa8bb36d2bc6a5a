// What the scoring server takes from Python for its answers: float() of text (how MLflow's
// server converts values to doubles), repr() of text and bytes (how its messages quote them) and
// json.loads' extra constants, each checked against Python itself.

import assert from "node:assert/strict";
import { runPython, runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import { pyBytesRepr, pyFloat, pyRepr } from "../../lib/serve/_python.ts";
import { parseJson, pyJson } from "../../lib/serve/_json.ts";

const TEXTS = [
  "1.5",
  " 2 ",
  "\t-3e2\n",
  "+.5",
  "5.",
  "1_000",
  "1__0",
  "_1",
  "1_",
  "1_0.2_5e1_0",
  "inf",
  "-Infinity",
  "iNfInItY",
  "nan",
  "-nan",
  "infinit",
  "0x10",
  "1e",
  "e5",
  ".",
  "",
  "  ",
  "١٢.٥",
  "\u00a01\u2003",
  "\ufeff1",
  "1,5",
  "true",
  "1e400",
  "-0",
  "0.1e-400",
  "it's",
  'say "hi"',
  "both ' and \"",
  "tab\there\\",
  "\u0085\u00ad\u200b\u2028é€😀",
  "\x00\x1f\x7f",
];

Deno.test("float() and repr() of text are Python's", async () => {
  const { stdout } = await runPythonScript(pyScript("python_values.py"), [], {
    stdin: JSON.stringify(TEXTS),
  });
  const out = JSON.parse(stdout) as [string | null, string, string][];
  TEXTS.forEach((text, i) => {
    const [float, repr, bytes] = out[i]!;
    const ours = pyFloat(text);
    const shown = ours === undefined
      ? null
      : Number.isNaN(ours)
      ? "nan"
      : ours === Infinity
      ? "inf"
      : ours === -Infinity
      ? "-inf"
      : Object.is(ours, -0)
      ? "-0.0"
      : ours;
    if (float === null || typeof shown !== "number") assert.equal(shown, float, `float(${repr})`);
    else assert.equal(shown, Number(float), `float(${repr})`);
    assert.equal(pyRepr(text), repr, `repr(${repr})`);
    assert.equal(pyBytesRepr(new TextEncoder().encode(text)), bytes, `repr(${repr}.encode())`);
  });
});

Deno.test("JSON is read and written as Python's json module does", async () => {
  const texts = ['{"a": [NaN, Infinity, -Infinity, 1e400]}', '["NaN", "x\\"NaN"]'];
  for (const text of texts) {
    const { stdout } = await runPython(
      "import json,sys; print(json.dumps(json.loads(sys.argv[1]), ensure_ascii=False))",
      [text],
    );
    assert.deepEqual(parseJson(text), parseJson(stdout.trim()));
  }
  assert.throws(() => parseJson("{NaN: 1}"), SyntaxError);
  assert.throws(() => parseJson("[nan]"), SyntaxError);
  const value = { error_code: "X", message: 'é\u2028"\n', list: [1, -2] };
  const { stdout } = await runPython(
    "import json,sys; print(json.dumps(json.loads(sys.argv[1])))",
    [
      JSON.stringify(value),
    ],
  );
  assert.equal(pyJson(value), stdout.trim());
});
