// Requests sent alike to `deno task serve` and to `mlflow models serve` on the same model (20
// features, x0 … x19): every input format MLflow's scoring server takes, and bad requests of
// every kind it refuses.

import { seedDataset } from "../../lib/data/mod.ts";

/** One request, and how much of the two answers must agree. */
export interface Payload {
  name: string;
  method?: string;
  path?: string;
  /** The Content-Type header (none when undefined). */
  contentType?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  /**
   * How the error messages are compared: `exact` (set literals, whose order depends on Python's
   * hash seed, in any order); `tail` (the text after the last "Error: ", where MLflow's message
   * first quotes pandas' rendering of the data); `prefix` (the text up to the first "Error: ",
   * where MLflow quotes its JSON parser's own message).
   * @default "exact"
   */
  message?: "exact" | "tail" | "prefix";
  /** Follow no redirect. */
  manual?: boolean;
}

const JSON_TYPE = "application/json";
const CSV_TYPE = "text/csv";

const names = Array.from({ length: 20 }, (_, j) => `x${j}`);
const { XTest } = seedDataset();
const rows = XTest.slice(0, 3);
const record = (row: number[], keys = names) => Object.fromEntries(keys.map((k, j) => [k, row[j]]));
const json = (v: unknown) => JSON.stringify(v);
const csv = (header: string[], data: unknown[][]) =>
  [header.join(","), ...data.map((r) => r.join(","))].join("\n") + "\n";

/** 100 rows, for larger requests. */
export const ROWS_100: number[][] = XTest.slice(0, 100);

export const PAYLOADS: Payload[] = [
  // Health and version
  { name: "ping", method: "GET", path: "/ping" },
  { name: "health", method: "GET", path: "/health" },
  { name: "version", method: "GET", path: "/version" },
  // Every input format
  {
    name: "dataframe_split",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: rows } }),
  },
  {
    name: "dataframe_split with index",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { index: [7, 8, 9], columns: names, data: rows } }),
  },
  {
    name: "dataframe_split, columns reordered, an extra column",
    contentType: JSON_TYPE,
    body: json({
      dataframe_split: {
        columns: ["extra", ...[...names].reverse()],
        data: rows.map((r) => ["a", ...[...r].reverse()]),
      },
    }),
  },
  {
    name: "dataframe_split, 100 rows",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: ROWS_100 } }),
  },
  {
    name: "dataframe_records",
    contentType: JSON_TYPE,
    body: json({ dataframe_records: rows.map((r) => record(r)) }),
  },
  {
    name: "instances, records",
    contentType: JSON_TYPE,
    body: json({ instances: rows.map((r) => record(r)) }),
  },
  {
    name: "inputs, columns",
    contentType: JSON_TYPE,
    body: json({ inputs: Object.fromEntries(names.map((k, j) => [k, rows.map((r) => r[j])])) }),
  },
  {
    name: "inputs, records",
    contentType: JSON_TYPE,
    body: json({ inputs: rows.map((r) => record(r)) }),
  },
  {
    name: "inputs, one record",
    contentType: JSON_TYPE,
    body: json({ inputs: record(rows[0]!) }),
  },
  {
    name: "params beside the data",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: rows }, params: { top_k: 3 } }),
  },
  {
    name: "content type with charset",
    contentType: "application/json; charset=UTF-8",
    body: json({ dataframe_split: { columns: names, data: rows } }),
  },
  {
    name: "numbers as text, integers, booleans",
    contentType: JSON_TYPE,
    body: json({
      dataframe_split: {
        columns: names,
        data: [rows[0]!.map((v, j) => j === 0 ? String(v) : j === 1 ? 1 : j === 2 ? true : v)],
      },
    }),
  },
  { name: "csv", contentType: CSV_TYPE, body: csv(names, rows) },
  {
    name: "csv with an index column, as DataFrame.to_csv() writes it",
    contentType: CSV_TYPE,
    body: csv(["", ...names], ROWS_100.map((r, i) => [i, ...r])),
  },
  {
    name: "csv, columns reordered, quoted",
    contentType: CSV_TYPE,
    body: csv(
      [...names].reverse().map((n) => `"${n}"`),
      rows.map((r) => [...r].reverse().map((v) => `"${v}"`)),
    ),
  },
  // Bad requests
  { name: "content type text/plain", contentType: "text/plain", body: "x" },
  { name: "no content type", body: new TextEncoder().encode(json({ inputs: rows })) },
  {
    name: "charset latin-1",
    contentType: "application/json; charset=latin-1",
    body: json({ inputs: rows }),
  },
  {
    name: "unknown content type parameter",
    contentType: "application/json; format=pandas-split",
    body: json({ inputs: rows }),
  },
  {
    name: "malformed JSON",
    contentType: JSON_TYPE,
    body: '{"inputs": [[1, 2',
    message: "prefix",
  },
  { name: "JSON list at the top", contentType: JSON_TYPE, body: json([rows]) },
  { name: "JSON number at the top", contentType: JSON_TYPE, body: "42" },
  { name: "no format key", contentType: JSON_TYPE, body: json({}) },
  { name: "unknown format key", contentType: JSON_TYPE, body: json({ data: rows }) },
  {
    name: "two format keys",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: rows }, inputs: rows }),
  },
  { name: "dataframe_split a list", contentType: JSON_TYPE, body: json({ dataframe_split: rows }) },
  {
    name: "dataframe_split without data",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names } }),
  },
  {
    name: "dataframe_split with an extra key",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: rows, dtype: "float" } }),
  },
  {
    name: "dataframe_split, more values than columns",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names.slice(0, 19), data: rows } }),
  },
  {
    name: "dataframe_split, ragged rows",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: [rows[0], rows[1]!.slice(0, 5)] } }),
  },
  {
    name: "a column missing",
    contentType: JSON_TYPE,
    body: json({
      dataframe_split: { columns: names.slice(0, 19), data: rows.map((r) => r.slice(0, 19)) },
    }),
    message: "tail",
  },
  {
    name: "wrong column names",
    contentType: JSON_TYPE,
    body: json({
      dataframe_split: { columns: names.map((n) => n.toUpperCase()), data: rows },
    }),
    message: "tail",
  },
  {
    name: "a value that is not a number",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: [["abc", ...rows[0]!.slice(1)]] } }),
  },
  {
    name: "a null value",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: [[null, ...rows[0]!.slice(1)]] } }),
  },
  {
    name: "NaN literal",
    contentType: JSON_TYPE,
    body: `{"inputs": {${names.map((n) => `"${n}": ${n === "x3" ? "NaN" : 0.5}`).join(", ")}}}`,
  },
  {
    name: "a number too large for a double",
    contentType: JSON_TYPE,
    body: `{"inputs": {${names.map((n) => `"${n}": ${n === "x3" ? "1e400" : 0.5}`).join(", ")}}}`,
  },
  {
    name: "a nested list as a value",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: [[[1, 2], ...rows[0]!.slice(1)]] } }),
  },
  {
    name: "no rows",
    contentType: JSON_TYPE,
    body: json({ dataframe_split: { columns: names, data: [] } }),
  },
  {
    name: "dataframe_records a dictionary",
    contentType: JSON_TYPE,
    body: json({ dataframe_records: record(rows[0]!) }),
  },
  {
    name: "dataframe_records of lists",
    contentType: JSON_TYPE,
    body: json({ dataframe_records: rows }),
    message: "tail",
  },
  {
    name: "instances of lists",
    contentType: JSON_TYPE,
    body: json({ instances: rows }),
    message: "tail",
  },
  {
    name: "inputs of lists",
    contentType: JSON_TYPE,
    body: json({ inputs: rows }),
    message: "tail",
  },
  {
    name: "inputs, columns of different lengths",
    contentType: JSON_TYPE,
    body: json({
      inputs: Object.fromEntries(names.map((k, j) => [k, j === 4 ? [1] : rows.map((r) => r[j])])),
    }),
    message: "tail",
  },
  { name: "inputs a number", contentType: JSON_TYPE, body: json({ inputs: 3 }), message: "tail" },
  {
    name: "csv, a column missing",
    contentType: CSV_TYPE,
    body: csv(names.slice(1), rows.map((r) => r.slice(1))),
    message: "tail",
  },
  {
    name: "csv, a value that is not a number",
    contentType: CSV_TYPE,
    body: csv(names, [["abc", ...rows[0]!.slice(1)]]),
  },
  { name: "csv, empty", contentType: CSV_TYPE, body: "" },
  {
    name: "csv, a row too long",
    contentType: CSV_TYPE,
    body: csv(names, [rows[0]!, [...rows[1]!, 7]]),
  },
  {
    name: "invalid UTF-8",
    contentType: JSON_TYPE,
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  },
  {
    name: "unwrapped input (MLflow's LLM keys)",
    contentType: JSON_TYPE,
    body: json({ input: "x", ...record(rows[0]!) }),
  },
  {
    name: "unwrapped input with an integer column",
    contentType: JSON_TYPE,
    body: json({ input: "x", ...record(rows[0]!), x4: 7 }),
    message: "tail",
  },
  {
    name: "csv, invalid UTF-8",
    contentType: CSV_TYPE,
    body: new Uint8Array([0x78, 0x30, 0x0a, 0x31, 0xe2, 0x28, 0xa1, 0x0a]),
  },
  { name: "GET /invocations", method: "GET", path: "/invocations" },
  { name: "POST /ping", method: "POST", path: "/ping" },
  { name: "a trailing slash", method: "GET", path: "/ping/", manual: true },
  { name: "unknown path", method: "POST", path: "/predict", contentType: JSON_TYPE, body: "{}" },
];
