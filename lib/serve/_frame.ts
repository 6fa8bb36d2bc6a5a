/**
 * From a parsed scoring request to the model's rows, along the paths MLflow's scoring server
 * takes for a model whose signature is one required `double` column per feature: the JSON
 * formats (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) become tables as pandas
 * builds them (`mlflow/utils/proto_json_utils.py`: `dataframe_from_parsed_json`,
 * `parse_tf_serving_input`, `_cast_schema_type`), values are converted to doubles as pandas'
 * `astype` or NumPy's `np.array(…, float64)` convert them, and the table is checked against the
 * signature as `_enforce_schema` checks it (`mlflow/models/utils.py`). Each refusal carries
 * MLflow's status, error code and message. Not part of the public API.
 *
 * @module
 */

import { invalidInput, schemaError } from "./_errors.ts";
import { type Json, PyNumber } from "./_json.ts";
import { pyExceptionRepr, pyFloat, pyListRepr, pyRepr, pySetRepr, pyTypeName } from "./_python.ts";

/** A column name: text, or the position of an unnamed column (pandas' integer labels). */
export type Name = string | number;

/** A table as pandas builds it from a request: named columns of cells, column by column. */
export interface Table {
  names: Name[];
  columns: Json[][];
  rows: number;
}

/** What the request's data became, for a model with these feature names. */
export interface Signature {
  /** The feature columns, in the model's order. */
  names: readonly string[];
  /** The signature as MLflow prints it: `['x0': double (required), …]`. */
  text: string;
}

/**
 * The signature of a model with these feature columns.
 *
 * @example
 * ```ts
 * import { signatureOf } from "./_frame.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(signatureOf(["x0", "x1"]).text, "['x0': double (required), 'x1': double (required)]");
 * ```
 */
export function signatureOf(names: readonly string[]): Signature {
  return { names, text: `[${names.map((n) => `${pyRepr(n)}: double (required)`).join(", ")}]` };
}

const isObject = (v: unknown): v is Record<string, Json> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** A converted cell that is not a number: a nested list where a value was expected. */
const NESTED = Symbol("nested");
type Cell = number | typeof NESTED;

class ConversionError extends Error {
  readonly exception: string;
  constructor(exception: string, message: string) {
    super(message);
    this.exception = exception;
  }
}

/**
 * A value converted to a double as `float(value)` does for pandas' `astype(float64)` of an
 * object column and NumPy's `np.array(values, float64)`: numbers as they are, booleans 1 and 0,
 * null NaN, text by Python's `float()`.
 */
function toDouble(value: Json): number {
  if (typeof value === "number") return value;
  if (value === null) return NaN;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const n = pyFloat(value);
    if (n === undefined) {
      throw new ConversionError(
        "ValueError",
        `could not convert string to float: ${pyRepr(value)}`,
      );
    }
    return n;
  }
  if (Array.isArray(value)) {
    throw new ConversionError("ValueError", "setting an array element with a sequence.");
  }
  throw new ConversionError(
    "TypeError",
    "float() argument must be a string or a real number, not 'dict'",
  );
}

/** A short rendering of the data for messages (MLflow quotes pandas' or NumPy's). */
function describe(table: Table): string {
  return `${table.rows} rows x ${table.names.length} columns ${pyListRepr(table.names)}`;
}

/** pandas' `DataFrame(list)`: records, rows of values, or one column of values. */
function fromList(items: Json[], where: string): Table {
  if (items.length === 0) return { names: [], columns: [], rows: 0 };
  if (items.every(isObject)) {
    const index = new Map<string, number>();
    const columns: Json[][] = [];
    items.forEach((item, r) => {
      for (const [key, value] of Object.entries(item)) {
        let c = index.get(key);
        if (c === undefined) {
          c = columns.length;
          index.set(key, c);
          columns.push(new Array<Json>(items.length).fill(null));
        }
        columns[c]![r] = value;
      }
    });
    return { names: [...index.keys()], columns, rows: items.length };
  }
  if (items.every(Array.isArray)) {
    const width = Math.max(...items.map((row) => (row as Json[]).length));
    const columns = Array.from(
      { length: width },
      (_, c) => items.map((row) => (row as Json[])[c] ?? null),
    );
    return { names: columns.map((_, c) => c), columns, rows: items.length };
  }
  if (items.every((v) => !isObject(v) && !Array.isArray(v))) {
    return { names: [0], columns: [items], rows: items.length };
  }
  const odd = items.find((v) => !isObject(v)) as Json;
  throw invalidInput(
    `Provided ${where} field is not a valid dataframe representation in 'records' format. ` +
      `Error: ''${pyTypeName(odd).slice(8, -2)}' object is not iterable'`,
  );
}

/** pandas' `DataFrame(index=…, columns=…, data=…)` for the `dataframe_split` format. */
function fromSplit(split: Record<string, Json>): Table {
  const refuse = (error: string) =>
    invalidInput(
      "Provided dataframe_split field is not a valid dataframe representation in 'split' " +
        `format. Error: '${error}'`,
    );
  const notCollection = (v: Json) =>
    refuse(
      `Index(...) must be called with a collection of some kind, ${
        typeof v === "string" ? pyRepr(v) : JSON.stringify(v)
      } was passed`,
    );
  const columns = split.columns ?? null;
  const index = split.index ?? null;
  if (columns !== null && !Array.isArray(columns)) throw notCollection(columns);
  if (index !== null && !Array.isArray(index)) throw notCollection(index);
  const data = split.data ?? null;
  let table: Table;
  if (data === null) {
    table = { names: [], columns: [], rows: 0 };
  } else if (!Array.isArray(data)) {
    throw refuse("DataFrame constructor not properly called!");
  } else if (data.length > 0 && data.every(isObject) && columns !== null) {
    const records = fromList(data, "dataframe_split");
    const names = columns.map((c) => (typeof c === "string" ? c : Number(c)));
    return {
      names,
      columns: names.map((n) => {
        const at = records.names.indexOf(n);
        return at < 0 ? new Array<Json>(records.rows).fill(null) : records.columns[at]!;
      }),
      rows: records.rows,
    };
  } else {
    table = fromList(data, "dataframe_split");
    const flat = data.length > 0 && !Array.isArray(data[0]) && !isObject(data[0]);
    if (columns !== null && columns.length !== table.names.length && table.rows > 0) {
      throw refuse(
        flat
          ? `Shape of passed values is (${table.rows}, 1), indices imply (${table.rows}, ${columns.length})`
          : `${columns.length} columns passed, passed data had ${table.names.length} columns`,
      );
    }
  }
  if (columns !== null) {
    table.names = columns.map((c) => (typeof c === "string" ? c : Number(c)));
    if (table.rows === 0) table.columns = table.names.map(() => []);
  }
  if (index !== null && index.length !== table.rows) {
    if (table.rows !== 1) {
      throw refuse(
        `Shape of passed values is (${table.rows}, ${table.names.length}), indices imply ` +
          `(${index.length}, ${table.names.length})`,
      );
    }
    table.columns = table.columns.map((col) => new Array<Json>(index.length).fill(col[0]!));
    table.rows = index.length;
  }
  return table;
}

/**
 * pandas' `astype(float64)` of the signature's columns (`cast_df_types_according_to_schema`),
 * in the signature's order.
 */
function castTable(table: Table, signature: Signature): Map<string, Cell[]> {
  const out = new Map<string, Cell[]>();
  for (const name of signature.names) {
    const at = table.names.indexOf(name);
    if (at < 0) continue;
    try {
      out.set(name, table.columns[at]!.map(toDouble));
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      throw invalidInput(
        `Data is not compatible with model signature. Failed to convert column ${name} to type ` +
          `'float64'. Error: '${pyExceptionRepr(e.exception, e.message)}'`,
      );
    }
  }
  return out;
}

/**
 * `_enforce_schema` on a table: the signature's columns must all be there (others are ignored);
 * returns the rows, features in the signature's order.
 */
function enforceTable(
  table: Table,
  cells: Map<string, Cell[]>,
  signature: Signature,
  data = describe(table),
): number[][] {
  const missing = signature.names.filter((n) => !table.names.includes(n));
  if (missing.length > 0) {
    const wanted = new Set<Name>(signature.names);
    const extra = [...new Set(table.names)].filter((n) => !wanted.has(n));
    throw schemaError(
      data,
      signature.text,
      `Model is missing inputs ${pyListRepr(missing)}.` +
        (extra.length > 0 ? ` Note that there were extra inputs: ${pyListRepr(extra)}.` : ""),
    );
  }
  for (const name of signature.names) {
    if (table.names.indexOf(name) !== table.names.lastIndexOf(name)) {
      throw schemaError(data, signature.text, "'DataFrame' object has no attribute 'dtype'");
    }
  }
  const columns = signature.names.map((name) => {
    const column = cells.get(name)!;
    if (column.some((v) => v === NESTED)) {
      throw schemaError(
        data,
        signature.text,
        `Incompatible input types for column ${name}. Can not safely convert object to float64.`,
      );
    }
    return column as number[];
  });
  const X: number[][] = new Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const row = new Array<number>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = columns[c]![r]!;
    X[r] = row;
  }
  return X;
}

/** `np.array(values, float64)` of one column or value (`convert_data_type`). */
function convertValue(value: Json): Cell | Cell[] {
  try {
    if (!Array.isArray(value)) return toDouble(value);
    return value.map((v) => (Array.isArray(v) ? NESTED : toDouble(v)));
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    throw invalidInput(e.message);
  }
}

/** A mapping of column names to values or lists of values, as `_enforce_schema` makes a table of it. */
function tableOfDict(dict: Record<string, Cell | Cell[] | Json>, signature: Signature): Table {
  const names = Object.keys(dict);
  const values = Object.values(dict);
  // Only scalars and lists of text: one row (`pd.DataFrame([dict])`).
  if (values.every((v) => !Array.isArray(v) || v.every((x) => typeof x === "string"))) {
    return { names, columns: values.map((v) => [v as Json]), rows: 1 };
  }
  const lengths = new Set(values.filter(Array.isArray).map((v) => (v as unknown[]).length));
  if (lengths.size > 1) {
    throw schemaError(
      `{${names.map(pyRepr).join(", ")}}`,
      signature.text,
      "This model contains a column-based signature, which suggests a DataFrame input. There " +
        "was an error casting the input data to a DataFrame: All arrays must be of the same length",
    );
  }
  const rows = lengths.size === 0 ? 1 : [...lengths][0]!;
  return {
    names,
    columns: values.map((v) =>
      Array.isArray(v) ? (v as Json[]) : new Array<Json>(rows).fill(v as Json)
    ),
    rows,
  };
}

/** The converted cells of a table whose signature columns already hold doubles or markers. */
function cellsOf(table: Table, signature: Signature): Map<string, Cell[]> {
  const out = new Map<string, Cell[]>();
  for (const name of signature.names) {
    const at = table.names.indexOf(name);
    if (at >= 0) out.set(name, table.columns[at] as unknown as Cell[]);
  }
  return out;
}

/** `_cast_schema_type` then `_enforce_schema`: the `inputs` format, and `instances` unless records. */
function castAndEnforce(input: Json, signature: Signature, checkLengths: boolean): number[][] {
  const wanted = new Set<string>(signature.names);
  if (signature.names.length === 1 && Array.isArray(input) && !input.some(isObject)) {
    input = { [signature.names[0]!]: input };
  }
  if (isObject(input)) {
    const converted: Record<string, Cell | Cell[] | Json> = {};
    for (const [key, value] of Object.entries(input)) {
      converted[key] = wanted.has(key) ? convertValue(value) : value;
    }
    if (checkLengths) {
      const lengths = new Set(
        signature.names.filter((n) => Array.isArray(converted[n]))
          .map((n) => (converted[n] as unknown[]).length),
      );
      if (lengths.size > 1) {
        throw invalidInput("The length of values for each input/column name are not the same");
      }
    }
    const table = tableOfDict(converted, signature);
    return enforceTable(table, cellsOf(table, signature), signature);
  }
  if (Array.isArray(input)) {
    if (input.every(isObject)) {
      const records = input.map((item) => {
        const out: Record<string, Json> = {};
        for (const [key, value] of Object.entries(item)) {
          // A list where a value belongs stays a list: a cell pandas cannot make a double of.
          const cell = Array.isArray(value) ? NESTED : convertValue(value);
          out[key] = wanted.has(key) ? (cell as unknown as Json) : value;
        }
        return out;
      });
      const table = fromList(records, "inputs");
      return enforceTable(table, cellsOf(table, signature), signature);
    }
    // One n-dimensional array: its columns are unnamed.
    const rows = input.map((row) => convertValue(row));
    const lengths = new Set(rows.map((row) => (Array.isArray(row) ? row.length : -1)));
    if (lengths.size > 1) {
      throw invalidInput(
        "setting an array element with a sequence. The requested array has an inhomogeneous " +
          `shape after 1 dimensions. The detected shape was (${rows.length},) + inhomogeneous part.`,
      );
    }
    const width = [...lengths][0] ?? 0;
    const names = width < 0 ? [0] : Array.from({ length: width }, (_, c) => c);
    const table: Table = { names, columns: names.map(() => []), rows: rows.length };
    return enforceTable(table, new Map(), signature, `array of ${rows.length} rows`);
  }
  try {
    toDouble(input);
  } catch {
    throw invalidInput(
      `Failed to convert data \`${input}\` to type \`${
        pyRepr(signature.names[0]!)
      }: double (required)\` defined in the model signature.`,
    );
  }
  const table: Table = { names: [0], columns: [[input]], rows: 1 };
  return enforceTable(table, new Map(), signature, String(input));
}

/** The `instances` format (`parse_instances_data`). */
function instances(input: Json, signature: Signature): number[][] {
  if (!Array.isArray(input) || input.length === 0 || !isObject(input[0])) {
    return castAndEnforce(input, signature, true);
  }
  // Records become columns (each value converted alone), then a table.
  const wanted = new Set<string>(signature.names);
  const columns = new Map<string, (Cell | Json)[]>();
  for (const item of input) {
    if (!isObject(item)) {
      throw invalidInput(
        "Ensure that the input is a valid JSON-formatted string.\nError: " +
          `AttributeError("'${pyTypeName(item).slice(8, -2)}' object has no attribute 'items'")`,
      );
    }
    for (const [key, value] of Object.entries(item)) {
      const converted = wanted.has(key)
        ? (Array.isArray(value) ? NESTED : convertValue(value) as Cell)
        : value;
      const column = columns.get(key);
      if (column) column.push(converted);
      else columns.set(key, [converted]);
    }
  }
  const lengths = new Set(
    signature.names.filter((n) => columns.has(n)).map((n) => columns.get(n)!.length),
  );
  if (lengths.size > 1) {
    throw invalidInput("The length of values for each input/column name are not the same");
  }
  const table = tableOfDict(Object.fromEntries(columns) as Record<string, Json>, signature);
  return enforceTable(table, cellsOf(table, signature), signature);
}

/**
 * The model's rows from one of the four JSON formats; throws a `ScoringError` where MLflow
 * refuses the request.
 *
 * @example
 * ```ts
 * import { rowsFromFormat, signatureOf } from "./_frame.ts";
 * import assert from "node:assert/strict";
 *
 * const signature = signatureOf(["x0", "x1"]);
 * assert.deepEqual(rowsFromFormat("inputs", { x1: [2, "4"], x0: [1, true] }, signature), [[1, 2], [1, 4]]);
 * assert.throws(
 *   () => rowsFromFormat("dataframe_records", [{ x0: 1 }], signature),
 *   /Model is missing inputs \['x1'\]\./,
 * );
 * ```
 */
export function rowsFromFormat(format: string, value: Json, signature: Signature): number[][] {
  switch (format) {
    case "dataframe_split": {
      if (!isObject(value)) {
        throw invalidInput(
          `Dataframe split format must be a dictionary. Got ${
            Array.isArray(value) ? "list" : `type ${pyTypeName(value)}`
          }.`,
        );
      }
      const keys = Object.keys(value);
      if (!keys.includes("data") || keys.some((k) => !["columns", "data", "index"].includes(k))) {
        throw invalidInput(
          "Dataframe split format must have 'data' field and optionally 'columns' and 'index' " +
            `fields. Got ${pySetRepr(keys)}.'`,
        );
      }
      const table = fromSplit(value);
      return enforceTable(table, castTable(table, signature), signature);
    }
    case "dataframe_records": {
      if (!Array.isArray(value)) {
        throw invalidInput(
          `Dataframe records format must be a list of records. Got ${
            isObject(value) ? "dictionary" : `type ${pyTypeName(value)}`
          }.`,
        );
      }
      const table = fromList(value, "dataframe_records");
      return enforceTable(table, castTable(table, signature), signature);
    }
    case "instances":
      return instances(value, signature);
    default:
      return castAndEnforce(value, signature, false);
  }
}

/**
 * The rows of a table read from CSV, whose signature columns pandas already parsed as doubles.
 *
 * @example
 * ```ts
 * import { rowsFromTable, signatureOf } from "./_frame.ts";
 * import assert from "node:assert/strict";
 *
 * const table = { names: ["x1", "note", "x0"], columns: [[2], ["a"], [1]], rows: 1 };
 * assert.deepEqual(rowsFromTable(table, signatureOf(["x0", "x1"])), [[1, 2]]);
 * ```
 */
export function rowsFromTable(table: Table, signature: Signature): number[][] {
  return enforceTable(table, cellsOf(table, signature), signature);
}

/**
 * The rows of the unwrapped input of MLflow's LLM formats (a JSON object with `messages`,
 * `prompt` or `input`): the object's keys are columns, taken as pandas types them, with no
 * conversion (`_enforce_mlflow_datatype`: doubles, and integers only when all are 0 or 1).
 *
 * @example
 * ```ts
 * import { rowsFromUnwrapped, signatureOf } from "./_frame.ts";
 * import { parseJsonWithIntegers } from "./_json.ts";
 * import assert from "node:assert/strict";
 *
 * const signature = signatureOf(["x0"]);
 * const ok = parseJsonWithIntegers('{"input": "x", "x0": 2.5}') as Record<string, unknown>;
 * assert.deepEqual(rowsFromUnwrapped(ok, signature), [[2.5]]);
 * const integer = parseJsonWithIntegers('{"input": "x", "x0": 2}') as Record<string, unknown>;
 * assert.throws(() => rowsFromUnwrapped(integer, signature), /Can not safely convert int64/);
 * ```
 */
export function rowsFromUnwrapped(
  value: Record<string, unknown>,
  signature: Signature,
): number[][] {
  const isNum = (v: unknown): v is PyNumber => v instanceof PyNumber;
  const plain = (v: unknown): Json =>
    isNum(v)
      ? v.value
      : Array.isArray(v)
      ? v.map(plain)
      : isObject(v as Json)
      ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)]))
      : v as Json;
  const table = tableOfDict(value as Record<string, Json>, signature);
  const cells = new Map<string, Cell[]>();
  for (const name of signature.names) {
    const at = table.names.indexOf(name);
    if (at < 0) continue;
    const column = table.columns[at] as unknown[];
    let dtype: string;
    if (column.every((v) => isNum(v) || v === null)) {
      dtype = column.every((v) => isNum(v) && v.integer) ? "int64" : "float64";
    } else if (column.every((v) => typeof v === "boolean")) dtype = "bool";
    else dtype = "object";
    const zeroOne = column.every((v) => isNum(v) && (v.value === 0 || v.value === 1));
    if (dtype !== "float64" && !(dtype === "int64" && zeroOne)) {
      throw schemaError(
        describe({ ...table, columns: table.columns.map((c) => (c as unknown[]).map(plain)) }),
        signature.text,
        `Incompatible input types for column ${name}. Can not safely convert ${dtype} to float64.`,
      );
    }
    cells.set(name, column.map((v) => (v === null ? NaN : (v as PyNumber).value)));
  }
  return enforceTable(table, cells, signature);
}
