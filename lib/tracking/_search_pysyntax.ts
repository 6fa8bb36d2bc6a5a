/**
 * The two pieces of Python syntax MLflow's search hands text to: `ast.literal_eval`, which
 * reads the list of an `IN (…)` clause as a Python tuple of strings (so `('a', "b")`,
 * `('a' 'b')`, `(r'x',)` and a `# comment` inside are all fine), and `shlex.split`, which cuts
 * an order-by clause into its key and its direction.
 *
 * @module
 */

/**
 * Text Python could not read (MLflow's `SyntaxError` or `ValueError`).
 *
 * @example A number where MLflow wants strings
 * ```ts
 * import { literalStrings, PySyntaxError } from "./_search_pysyntax.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => literalStrings("(1)"), PySyntaxError);
 * ```
 */
export class PySyntaxError extends Error {}

const HEX = /^[0-9a-fA-F]+$/;
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Reads the escapes of a non-raw string's body. */
function unescape(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i]!;
    if (e === "\n") continue;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e >= "0" && e <= "7") {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length - 1;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = body.slice(i + 1, i + 1 + n);
      if (digits.length < n || !HEX.test(digits)) {
        throw new PySyntaxError(`truncated \\${e} escape`);
      }
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) throw new PySyntaxError("illegal Unicode character");
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e === "N") {
      // A character by its Unicode name: this library has no table of names.
      throw new PySyntaxError("\\N{…} escapes are not supported");
    } else out += "\\" + e;
  }
  return out;
}

/** A reader of Python source, one token at a time, for `literal_eval` of strings and tuples. */
class PyReader {
  #src: string;
  #pos = 0;
  #depth = 0;

  constructor(src: string) {
    // Python reads \r\n and \r in source as \n.
    this.#src = src.replace(/\r\n?/g, "\n");
    if (this.#src.includes("\0")) throw new PySyntaxError("source code cannot contain null bytes");
  }

  /** Skips spaces, tabs, form feeds, comments, line continuations and (inside brackets) newlines. */
  #skip(): void {
    const s = this.#src;
    for (;;) {
      const c = s[this.#pos];
      if (c === " " || c === "\t" || c === "\f") this.#pos++;
      else if (c === "#") { while (this.#pos < s.length && s[this.#pos] !== "\n") this.#pos++; }
      else if (c === "\\" && s[this.#pos + 1] === "\n") this.#pos += 2;
      else if (c === "\n" && this.#depth > 0) this.#pos++;
      else return;
    }
  }

  /** One string literal (prefix `r`/`u` allowed; bytes and f-strings are not strings). */
  #string(): string | null {
    const m = /^([rRuU]?)('''|"""|'|")/.exec(this.#src.slice(this.#pos));
    if (!m) return null;
    const raw = m[1]!.toLowerCase() === "r";
    const quote = m[2]!;
    let i = this.#pos + m[0].length;
    const start = i;
    const s = this.#src;
    for (;;) {
      if (i >= s.length) throw new PySyntaxError("unterminated string literal");
      if (s[i] === "\\") i += 2;
      else if (s.startsWith(quote, i)) break;
      else if (s[i] === "\n" && quote.length === 1) {
        throw new PySyntaxError("unterminated string literal");
      } else i++;
    }
    const body = s.slice(start, i);
    this.#pos = i + quote.length;
    return raw ? body : unescape(body);
  }

  /** An expression: adjacent strings (joined), or a parenthesised string or tuple. */
  expr(): string | string[] {
    this.#skip();
    const s = this.#src;
    if (s[this.#pos] === "(") {
      this.#pos++;
      this.#depth++;
      const items: (string | string[])[] = [];
      let comma = false;
      for (;;) {
        this.#skip();
        if (s[this.#pos] === ")") break;
        items.push(this.expr());
        this.#skip();
        if (s[this.#pos] === ",") {
          this.#pos++;
          comma = true;
        } else if (s[this.#pos] !== ")") throw new PySyntaxError("expected ',' or ')'");
      }
      this.#pos++;
      this.#depth--;
      if (items.length === 1 && !comma) return items[0]!;
      return items.map((x) => {
        if (typeof x !== "string") throw new PySyntaxError("a list item is not a string");
        return x;
      });
    }
    let text = this.#string();
    if (text === null) throw new PySyntaxError("expected a string");
    for (;;) {
      this.#skip();
      const more = this.#string();
      if (more === null) return text;
      text += more;
    }
  }

  /** Whether only blanks and comments are left. */
  done(): boolean {
    this.#skip();
    while (this.#src[this.#pos] === "\n") {
      this.#pos++;
      this.#skip();
    }
    return this.#pos >= this.#src.length;
  }
}

/**
 * `ast.literal_eval(text)` for what MLflow accepts in an `IN (…)` list: a string or a tuple of
 * strings. Throws {@linkcode PySyntaxError} for anything else Python would not read as that
 * (numbers, bytes, nested tuples, names, unbalanced quotes, `\N{…}` escapes).
 *
 * @example Python's quoting, concatenation, trailing comma and comments
 * ```ts
 * import { literalStrings } from "./_search_pysyntax.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(literalStrings(`('a', "b", r'c\\d', 'e' 'f',)`), ["a", "b", "c\\d", "ef"]);
 * assert.equal(literalStrings("('x' # a comment\n)"), "x");
 * assert.throws(() => literalStrings("('a', 1)"));
 * ```
 */
export function literalStrings(text: string): string | string[] {
  const reader = new PyReader(text.replace(/^[ \t]+/, ""));
  const value = reader.expr();
  if (!reader.done()) throw new PySyntaxError("unexpected text after the expression");
  return value;
}

/**
 * `shlex.split(text)` (POSIX mode, no comments): words split at spaces, tabs and newlines;
 * quotes group and are removed; a backslash escapes the next character (inside double quotes
 * only `"` and `\`). Throws {@linkcode PySyntaxError} on an unclosed quote or a final backslash.
 *
 * @example An order-by clause with a quoted key
 * ```ts
 * import { shlexSplit } from "./_search_pysyntax.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(shlexSplit('metrics."f1 score" DESC'), ["metrics.f1 score", "DESC"]);
 * assert.deepEqual(shlexSplit("a\\ b ''"), ["a b", ""]);
 * ```
 */
export function shlexSplit(text: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (word !== null) out.push(word);
      word = null;
      i++;
    } else if (c === "'" || c === '"') {
      word ??= "";
      const close = c;
      i++;
      for (;;) {
        if (i >= text.length) throw new PySyntaxError("No closing quotation");
        const d = text[i]!;
        if (d === close) break;
        if (close === '"' && d === "\\") {
          if (i + 1 >= text.length) throw new PySyntaxError("No closing quotation");
          const e = text[i + 1]!;
          word += e === '"' || e === "\\" ? e : "\\" + e;
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 >= text.length) throw new PySyntaxError("No escaped character");
      word = (word ?? "") + text[i + 1]!;
      i += 2;
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== null) out.push(word);
  return out;
}
