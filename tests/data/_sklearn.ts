// Runs scikit-learn (the project's venv) on data generated in TypeScript: a program in tests/py/
// reads the input as JSON on stdin and answers one JSON line on stdout (see
// tests/py/sklearn_io.py). NaN and ±Infinity survive both ways.

import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** Replaces non-finite numbers by strings that `sklearn` below turns back into numbers. */
function encode(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

/**
 * Runs the program `script` of tests/py/ with `input` on its stdin (as JSON); the program calls
 * `emit(result)` once. Non-finite numbers come back as numbers; strings "NaN"/"Infinity" in the
 * input are left as strings for the Python code to convert where it expects them.
 */
export async function sklearn<T>(script: string, input: unknown): Promise<T> {
  const { stdout } = await runPythonScript(pyScript(script), [], {
    stdin: JSON.stringify(encode(input)),
  });
  const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
  if (line === undefined) throw new Error(`Python printed no result:\n${stdout.slice(-2000)}`);
  return JSON.parse(
    line.slice("@@RESULT@@".length),
    (_key, value) => (typeof value === "string" && value in SPECIAL ? SPECIAL[value] : value),
  ) as T;
}

/** Mean of numbers. */
export function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
