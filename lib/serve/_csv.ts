/**
 * CSV as MLflow's scoring server reads it: `pd.read_csv(text, dtype={feature: float64})` with
 * pandas' defaults — a header row, `"` quotes, blank lines skipped, short rows padded with
 * missing values, pandas' missing-value spellings, nameless columns called `Unnamed: <i>` and
 * repeated names `<name>.1`, `<name>.2`. Feature columns are read as doubles (Python's `float()`
 * for the text pandas' own parser does not take); other columns are kept as text. Not part of
 * the public API.
 *
 * @module
 */

import { badRequest } from "./_errors.ts";
import type { Table } from "./_frame.ts";
import { pyFloat, pyRepr } from "./_python.ts";

/** pandas' default missing-value spellings (`pandas._libs.parsers.STR_NA_VALUES`). */
const NA = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

function failure(reason: string): Error {
  return badRequest(
    "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid " +
      "CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. " +
      `Error: '${reason}'`,
    reason,
  );
}

/** The records of CSV text: fields split at commas, quotes honoured, blank lines dropped. */
function records(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let inQuotes = false;
  let blank = true;
  const endField = () => {
    row.push(field);
    field = "";
    quoted = false;
  };
  const endRow = () => {
    if (!(blank && row.length === 0 && field === "" && !quoted)) {
      endField();
      out.push(row);
    }
    row = [];
    field = "";
    quoted = false;
    blank = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === "" && !quoted) {
      inQuotes = true;
      quoted = true;
      blank = false;
    } else if (ch === ",") {
      endField();
      blank = false;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += ch;
      blank = false;
    }
  }
  endRow();
  return out;
}

/** pandas' names for a header: `Unnamed: <i>` for empty ones, `.1`, `.2` … for repeats. */
function headerNames(header: string[]): string[] {
  const counts = new Map<string, number>();
  const used = new Set<string>();
  return header.map((raw, i) => {
    const base = raw === "" ? `Unnamed: ${i}` : raw;
    let count = counts.get(base) ?? 0;
    let name = base;
    while (used.has(name)) name = `${base}.${++count}`;
    counts.set(base, count);
    used.add(name);
    return name;
  });
}

/**
 * Reads CSV text into a table whose columns named in `features` hold doubles (NaN where missing);
 * throws MLflow's `BAD_REQUEST` where pandas cannot read it.
 *
 * @example
 * ```ts
 * import { readCsv } from "./_csv.ts";
 * import assert from "node:assert/strict";
 *
 * const table = readCsv('x0,note\n1.5,"a, b"\n,c\n', ["x0"]);
 * assert.deepEqual(table.names, ["x0", "note"]);
 * assert.deepEqual(table.columns, [[1.5, NaN], ["a, b", "c"]]);
 * ```
 */
export function readCsv(text: string, features: readonly string[]): Table {
  const rows = records(text);
  if (rows.length === 0) throw failure("No columns to parse from file");
  const names = headerNames(rows[0]!);
  const body = rows.slice(1);
  body.forEach((row, r) => {
    if (row.length > names.length) {
      throw failure(
        `Error tokenizing data. C error: Expected ${names.length} fields in line ${
          r + 2
        }, saw ${row.length}\n`,
      );
    }
  });
  const wanted = new Set(features);
  const columns = names.map((name, c) => {
    const cells = body.map((row) => row[c]);
    if (!wanted.has(name)) return cells.map((v) => (v === undefined || NA.has(v) ? null : v));
    return cells.map((v) => {
      if (v === undefined || NA.has(v)) return NaN;
      const n = pyFloat(v);
      if (n === undefined) throw failure(`could not convert string to float: ${pyRepr(v)}`);
      return n;
    });
  });
  return { names, columns, rows: body.length };
}
