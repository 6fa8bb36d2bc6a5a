// Key and value validation agrees with MLflow's own validators (run from the project's venv).

import assert from "node:assert/strict";
import { normpath, validateKey } from "../../lib/tracking/validation.ts";
import { MlflowError } from "../../lib/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

const KEYS = [
  "acc",
  "val/loss",
  "f1 score",
  "a:b",
  "température",
  "日本語",
  "under_score-dash.dot",
  "",
  ".",
  "..",
  "../x",
  "a/../b",
  "./a",
  "a/./b",
  "a//b",
  "a/",
  "/abs",
  "..hidden",
  "x..y",
  "a\nb",
  "a\0b",
  "a\\b",
  "semi;colon",
  "quote'",
  "pct%",
  "tab\tkey",
  "k".repeat(250),
  "k".repeat(251),
  "ü".repeat(250),
  "emoji😀",
  "Ⅻ",
];

Deno.test("keys are accepted and refused exactly as MLflow's validators do", async () => {
  const { stdout } = await runPythonScript(pyScript("mlflow_validate_keys.py"), [
    JSON.stringify(KEYS),
  ]);
  const expected = JSON.parse(stdout) as [boolean, boolean][];
  KEYS.forEach((key, i) => {
    for (const [j, kind] of (["metric", "param"] as const).entries()) {
      let ok = true;
      try {
        validateKey(kind, key);
      } catch (e) {
        assert.ok(e instanceof MlflowError && e.code === "INVALID_PARAMETER_VALUE");
        ok = false;
      }
      // Emoji count as one character each here and in Python; segments over 255 bytes fail
      // on disk, so they are refused even where MLflow would accept the name.
      const bytes = new TextEncoder().encode(key).length;
      assert.equal(ok, expected[i]![j]! && bytes <= 255, `${kind} key ${JSON.stringify(key)}`);
    }
  });
});

Deno.test("normpath matches Python's posixpath.normpath", async () => {
  const paths = [
    "",
    ".",
    "a",
    "a/",
    "a//b",
    "/a",
    "//a",
    "///a",
    "a/./b",
    "a/../b",
    "../a",
    "a/..",
    "/..",
    "a/b/../../..",
    "./",
    "x/y/./z/..",
  ];
  const { stdout } = await runPythonScript(pyScript("posix_normpath.py"), [JSON.stringify(paths)]);
  assert.deepEqual(paths.map(normpath), JSON.parse(stdout));
});

Deno.test("error messages name the offending key", () => {
  assert.throws(() => validateKey("metric", "../escape"), /'\.\.\/escape'/);
  assert.throws(() => validateKey("param", "a\nb"), /'a\\nb'/);
  assert.throws(() => validateKey("tag", 42), /expected a string, got number/);
  assert.throws(
    () => validateKey("metric", "x".repeat(251)),
    /251 characters, more than the limit of 250/,
  );
});
