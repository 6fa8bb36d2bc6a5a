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

/** Options in scikit-learn's keyword names: camelCase to snake_case (`flipY` → `flip_y`). */
export function toSklearn(options: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );
}

/** A data set as tests/py/sklearn_generators.py answers it. */
export type SklearnData = { X: number[][]; y: number[] } | { error: string };

/** How close our data sets came to scikit-learn's. */
export interface Comparison {
  /** Entries of X compared, over all cases. */
  entries: number;
  /** The share of those that are bit-identical. */
  bitIdentical: number;
  /** The largest absolute difference. */
  maxDiff: number;
  /** The same, case by case. */
  perCase: { bitIdentical: number; maxDiff: number }[];
}

/**
 * Asserts that each of our data sets has scikit-learn's labels exactly and its features within
 * 1e-12 (absolute), prints the share of bit-identical entries and the largest difference, and
 * returns them.
 */
export function compareData(
  what: string,
  ours: readonly { X: number[][]; y: number[] }[],
  theirs: readonly SklearnData[],
  names: readonly string[],
): Comparison {
  let entries = 0;
  let identical = 0;
  let maxDiff = 0;
  const perCase = ours.map((data, i) => {
    const reference = theirs[i]!;
    if ("error" in reference) {
      throw new Error(`${names[i]}: scikit-learn refused: ${reference.error}`);
    }
    if (JSON.stringify(data.y) !== JSON.stringify(reference.y)) {
      throw new Error(`${what} ${names[i]}: labels differ from scikit-learn's`);
    }
    if (data.X.length !== reference.X.length) {
      throw new Error(
        `${what} ${names[i]}: ${data.X.length} rows, scikit-learn ${reference.X.length}`,
      );
    }
    let caseEntries = 0;
    let caseIdentical = 0;
    let caseMax = 0;
    data.X.forEach((row, r) => {
      const theirRow = reference.X[r]!;
      if (row.length !== theirRow.length) throw new Error(`${what} ${names[i]}: row ${r} length`);
      row.forEach((v, j) => {
        const diff = Math.abs(v - theirRow[j]!);
        caseEntries++;
        if (Object.is(v, theirRow[j]) || v === theirRow[j]) caseIdentical++;
        if (!(diff <= 1e-12)) {
          throw new Error(
            `${what} ${names[i]}: X[${r}][${j}] ours ${v}, scikit-learn ${theirRow[j]}`,
          );
        }
        caseMax = Math.max(caseMax, diff);
      });
    });
    entries += caseEntries;
    identical += caseIdentical;
    maxDiff = Math.max(maxDiff, caseMax);
    return { bitIdentical: caseEntries === 0 ? 1 : caseIdentical / caseEntries, maxDiff: caseMax };
  });
  const share = entries === 0 ? 1 : identical / entries;
  console.log(
    `${what}: ${ours.length} data sets, labels identical; ${
      entries.toLocaleString("en-US")
    } features, ${(share * 100).toFixed(3)}% bit-identical, largest difference ${
      maxDiff.toExponential(2)
    }`,
  );
  return { entries, bitIdentical: share, maxDiff, perCase };
}
