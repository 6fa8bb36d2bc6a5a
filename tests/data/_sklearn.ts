// Runs scikit-learn (the project's venv) on data generated in TypeScript: the input travels as a
// JSON file, the answer as one JSON line on stdout. NaN and ±Infinity survive both ways.

import { join } from "node:path";
import { runPython } from "../../harness/python.ts";

const PRELUDE = `
import json, math, sys, warnings
warnings.simplefilter("ignore")
with open(sys.argv[1]) as _f:
    data = json.load(_f)

def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):
        return _clean(value.tolist())
    return value

def emit(result):
    print("@@RESULT@@" + json.dumps(_clean(result)))
`;

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
 * Runs `code` with `data` (the JSON of `input`) in scope; the code calls `emit(result)` once.
 * Non-finite numbers come back as numbers; strings "NaN"/"Infinity" in the input are left as
 * strings for the Python code to convert where it expects them.
 */
export async function sklearn<T>(code: string, input: unknown): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "sklearn-test-" });
  try {
    const path = join(dir, "input.json");
    await Deno.writeTextFile(path, JSON.stringify(encode(input)));
    const { stdout } = await runPython(PRELUDE + code, [path]);
    const line = stdout.split("\n").find((l) => l.startsWith("@@RESULT@@"));
    if (line === undefined) throw new Error(`Python printed no result:\n${stdout.slice(-2000)}`);
    return JSON.parse(
      line.slice("@@RESULT@@".length),
      (_key, value) => (typeof value === "string" && value in SPECIAL ? SPECIAL[value] : value),
    ) as T;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Mean of numbers. */
export function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
