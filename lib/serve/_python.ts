/**
 * What MLflow's scoring server (Python) makes of values, and how its messages print them:
 * `float()` of text, the `repr()` of strings, bytes, lists and exceptions, type names. Not part
 * of the public API.
 *
 * @module
 */

/** Python's whitespace (`str.isspace()`), which `float()` strips from both ends. */
const SPACE =
  "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");
const DIGITS = "(?:\\d(?:_?\\d)*)";
const FLOAT_TEXT = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.${DIGITS}?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`,
  "i",
);
const DECIMAL = /\p{Nd}/u;

/** The value 0–9 of a Unicode decimal digit: digits come in runs of ten, from zero upwards. */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * `float(text)` as Python computes it: surrounding whitespace stripped, an optional sign,
 * digits (any Unicode decimal digits, `_` between two of them), a fraction, an exponent, or
 * `inf`, `infinity`, `nan` in any case. Returns `undefined` where Python raises `ValueError`.
 *
 * @example
 * ```ts
 * import { pyFloat } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyFloat(" 1_000.5\n"), 1000.5);
 * assert.equal(pyFloat("-Infinity"), -Infinity);
 * assert.equal(pyFloat("١٢"), 12);
 * assert.equal(pyFloat("0x10"), undefined);
 * assert.equal(pyFloat(""), undefined);
 * ```
 */
export function pyFloat(text: string): number | undefined {
  const ascii = text.replace(STRIP, "").replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0)!;
    return cp <= 0x39 ? d : String(digitValue(cp));
  });
  if (!FLOAT_TEXT.test(ascii)) return undefined;
  const plain = ascii.replaceAll("_", "").toLowerCase();
  const sign = plain.startsWith("-") ? -1 : 1;
  const body = plain.replace(/^[+-]/, "");
  if (body === "nan") return NaN;
  if (body.startsWith("inf")) return sign * Infinity;
  return sign * Number(body);
}

function escapeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (ch === "\\") return "\\\\";
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, "0")}`;
  // Python prints the characters it deems printable; others (separators, controls, unassigned,
  // lone surrogates) as escapes.
  if (cp >= 0x80 && /[\p{C}\p{Z}]/u.test(ch) && ch !== " ") {
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
    return `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return ch;
}

/**
 * `repr(text)` of a Python `str`: single quotes unless the text holds a single quote and no
 * double quote, with Python's escapes.
 *
 * @example
 * ```ts
 * import { pyRepr } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyRepr("abc"), "'abc'");
 * assert.equal(pyRepr("it's"), `"it's"`);
 * assert.equal(pyRepr("a\nb"), "'a\\nb'");
 * ```
 */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of text) out += ch === quote ? `\\${quote}` : escapeChar(ch);
  return quote + out + quote;
}

/**
 * `repr()` of Python `bytes` (`b'…'`), for the bytes of a request body.
 *
 * @example
 * ```ts
 * import { pyBytesRepr } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyBytesRepr(new Uint8Array([0x7b, 0xff, 0x27])), `b"{\\xff'"`);
 * ```
 */
export function pyBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = "";
  for (const b of bytes) {
    if (b === quote.charCodeAt(0) || b === 0x5c) out += "\\" + String.fromCharCode(b);
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return `b${quote}${out}${quote}`;
}

/**
 * `repr()` of an exception: its class name and the repr of its message.
 *
 * @example
 * ```ts
 * import { pyExceptionRepr } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   pyExceptionRepr("ValueError", "could not convert string to float: 'abc'"),
 *   `ValueError("could not convert string to float: 'abc'")`,
 * );
 * ```
 */
export function pyExceptionRepr(name: string, message: string): string {
  return `${name}(${pyRepr(message)})`;
}

/**
 * `repr()` of a list of column names (text or, for unnamed columns, integers).
 *
 * @example
 * ```ts
 * import { pyListRepr } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyListRepr(["x0", 1]), "['x0', 1]");
 * ```
 */
export function pyListRepr(items: readonly (string | number)[]): string {
  return `[${items.map((x) => typeof x === "number" ? String(x) : pyRepr(x)).join(", ")}]`;
}

/**
 * `repr()` of a set of texts, in the order given (Python's own order depends on the hash seed
 * of the process).
 *
 * @example
 * ```ts
 * import { pySetRepr } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pySetRepr(["columns", "data"]), "{'columns', 'data'}");
 * assert.equal(pySetRepr([]), "set()");
 * ```
 */
export function pySetRepr(items: readonly string[]): string {
  return items.length === 0 ? "set()" : `{${items.map(pyRepr).join(", ")}}`;
}

/**
 * The Python type of a parsed JSON value, as `str(type(value))` prints it.
 *
 * @example
 * ```ts
 * import { pyTypeName } from "./_python.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyTypeName("x"), "<class 'str'>");
 * assert.equal(pyTypeName(null), "<class 'NoneType'>");
 * assert.equal(pyTypeName(1.5), "<class 'float'>");
 * ```
 */
export function pyTypeName(value: unknown, integer = Number.isInteger(value)): string {
  const name = value === null
    ? "NoneType"
    : typeof value === "boolean"
    ? "bool"
    : typeof value === "number"
    ? (integer ? "int" : "float")
    : typeof value === "string"
    ? "str"
    : Array.isArray(value)
    ? "list"
    : "dict";
  return `<class '${name}'>`;
}
