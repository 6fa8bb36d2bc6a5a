/**
 * How values read inside messages. One formatter, {@linkcode show}, with options for the three
 * styles messages use: the input checks' (JSON, cut at 80 characters: `show` as it is), the
 * charts' (strings quoted, anything else as `String()` gives it: {@linkcode showAsString}) and
 * MLflow's (a string's JSON escapes without its quotes: {@linkcode printable}). Not part of the
 * public API.
 *
 * @module
 */

/** Options of {@linkcode show}. */
export interface ShowOptions {
  /**
   * How arrays, objects and functions read: `"json"` writes them as JSON (a function as
   * "a function", and a value JSON cannot write as `String()` gives it); `"string"` writes them
   * as `String()` gives them.
   * @default "json"
   */
  objects?: "json" | "string";
  /**
   * JSON text (a string, an array, an object) longer than this keeps its first `maxLength - 3`
   * characters followed by "...".
   * @default 80
   */
  maxLength?: number;
  /** Whether a string keeps its JSON quotes; without them only its escapes remain. @default true */
  quotes?: boolean;
}

/**
 * Formats a value for a message: numbers, booleans, `null`, `undefined`, bigints and symbols as
 * `String()` gives them, strings as JSON, and arrays, objects and functions as the `objects`
 * option says.
 *
 * @example Input checks, charts and MLflow's messages
 * ```ts
 * import { show } from "./show.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(show(0.5), "0.5");
 * assert.equal(show("knn"), '"knn"');
 * assert.equal(show([1, 2]), "[1,2]");
 * assert.equal(show(() => 1), "a function");
 * assert.equal(show("x".repeat(100)), `"${"x".repeat(76)}...`);
 * assert.equal(show([1, 2], { objects: "string", maxLength: Infinity }), "1,2");
 * assert.equal(show('say "hi"\n', { quotes: false }), 'say \\"hi\\"\\n');
 * ```
 */
export function show(value: unknown, options: ShowOptions = {}): string {
  const { objects = "json", maxLength = 80, quotes = true } = options;
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    return cut(quotes ? text : text.slice(1, -1), maxLength);
  }
  const isObject = (typeof value === "object" && value !== null) || typeof value === "function";
  if (!isObject || objects === "string") return String(value);
  if (typeof value === "function") return "a function";
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : cut(text, maxLength);
  } catch {
    return String(value); // a cycle, or a bigint inside
  }
}

/**
 * A string's JSON escapes without the quotes (`JSON.stringify(s).slice(1, -1)`), in full: how
 * MLflow's messages show a key or a value between single quotes, so a newline or a NUL inside it
 * stays visible.
 *
 * @example A key with a newline
 * ```ts
 * import { printable } from "./show.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(printable("a\nb"), "a\\nb");
 * assert.equal(printable("x".repeat(300)).length, 300);
 * ```
 */
export function printable(s: string): string {
  return show(s, { quotes: false, maxLength: Infinity });
}

/**
 * A value as `String()` gives it, except strings, which are quoted as JSON; nothing is cut:
 * `show(value, { objects: "string", maxLength: Infinity })`. The charts' messages use it.
 *
 * @example An option's value
 * ```ts
 * import { showAsString } from "./show.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(showAsString("0"), '"0"');
 * assert.equal(showAsString(-1), "-1");
 * assert.equal(showAsString([0, 1]), "0,1");
 * assert.equal(showAsString({}), "[object Object]");
 * ```
 */
export function showAsString(value: unknown): string {
  return show(value, { objects: "string", maxLength: Infinity });
}

function cut(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}
