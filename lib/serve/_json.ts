/**
 * JSON as Python's `json` module reads and writes it for MLflow's scoring server: `NaN`,
 * `Infinity` and `-Infinity` are numbers, integer literals are told from floats where it
 * matters, and output is `json.dumps`' (`", "` and `": "` separators, non-ASCII escaped). Not
 * part of the public API.
 *
 * @module
 */

/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const CONSTANTS: Record<string, number> = {
  "NaN": NaN,
  "Infinity": Infinity,
  "-Infinity": -Infinity,
};

/**
 * The text with Python's bare constants (`NaN`, `Infinity`, `-Infinity`) outside strings turned
 * into strings marked with `mark`, or `undefined` when it holds none.
 */
function quoteConstants(text: string, mark: string): string | undefined {
  let out = "";
  let last = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    for (const name of ["NaN", "Infinity", "-Infinity"]) {
      if (text.startsWith(name, i) && !/[\w.]/.test(text[i + name.length] ?? "")) {
        out += text.slice(last, i) + JSON.stringify(mark + name);
        i += name.length - 1;
        last = i + 1;
        found = true;
        break;
      }
    }
  }
  return found ? out + text.slice(last) : undefined;
}

/**
 * `json.loads(text)`: JSON, plus Python's `NaN`, `Infinity` and `-Infinity`. Throws
 * `SyntaxError` for anything else that is not JSON.
 *
 * @example
 * ```ts
 * import { parseJson } from "./_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseJson('{"a": [1, NaN, -Infinity]}'), { a: [1, NaN, -Infinity] });
 * assert.throws(() => parseJson("{"), SyntaxError);
 * ```
 */
export function parseJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch (e) {
    const mark = `\u0000${crypto.randomUUID()}:`;
    const quoted = quoteConstants(text, mark);
    if (quoted === undefined) throw e;
    try {
      return JSON.parse(quoted, (key, value) => {
        // A bare constant where a key belongs is no JSON either.
        if (key.startsWith(mark)) throw e;
        return typeof value === "string" && value.startsWith(mark)
          ? CONSTANTS[value.slice(mark.length)]
          : value;
      });
    } catch {
      throw e;
    }
  }
}

/** A number of a JSON text and whether Python reads it as an `int` (`1`, not `1.0` or `1e3`). */
export class PyNumber {
  /** The number. */
  readonly value: number;
  /** Written as an integer literal. */
  readonly integer: boolean;
  constructor(value: number, integer: boolean) {
    this.value = value;
    this.integer = integer;
  }
}

/**
 * Parses as {@linkcode parseJson} does, with each number a {@linkcode PyNumber} that tells
 * Python's `int`s from its `float`s.
 *
 * @example
 * ```ts
 * import { parseJsonWithIntegers, PyNumber } from "./_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseJsonWithIntegers("[1, 1.0, NaN]"), [
 *   new PyNumber(1, true),
 *   new PyNumber(1, false),
 *   new PyNumber(NaN, false),
 * ]);
 * ```
 */
export function parseJsonWithIntegers(text: string): unknown {
  const mark = `\u0000${crypto.randomUUID()}:`;
  const quoted = quoteConstants(text, mark) ?? text;
  return JSON.parse(quoted, (_key, value, context?: { source?: string }) => {
    if (typeof value === "number") {
      return new PyNumber(value, /^-?\d+$/.test(context?.source ?? ""));
    }
    if (typeof value === "string" && value.startsWith(mark)) {
      return new PyNumber(CONSTANTS[value.slice(mark.length)]!, false);
    }
    return value;
  });
}

function escapeAscii(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (ch) => ch === "\u007f" ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * `json.dumps(value)`: `", "` and `": "` separators and non-ASCII characters escaped, as MLflow's
 * server writes its answers. Numbers must be integers (the class labels).
 *
 * @example
 * ```ts
 * import { pyJson } from "./_json.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyJson({ predictions: [0, 1] }), '{"predictions": [0, 1]}');
 * assert.equal(pyJson({ message: "é" }), '{"message": "\\u00e9"}');
 * ```
 */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeAscii(value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  return `{${
    Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${escapeAscii(k)}: ${pyJson(v)}`)
      .join(", ")
  }}`;
}
