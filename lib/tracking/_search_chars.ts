/**
 * Python's character rules, as MLflow's search meets them through `re` and `str`: which
 * characters are word characters, whitespace and decimal digits (`\w`, `\s`, `\d` in a Unicode
 * pattern), how `re.IGNORECASE` matches one character against another, and what `float()` and
 * `str.strip()` make of text. JavaScript's own `\w`, `\s`, `/i` and `Number` differ on these.
 *
 * Python 3.11 uses Unicode 14; JavaScript's tables are newer, so characters assigned since then
 * may be classed differently. Every other code point agrees (checked against Python).
 *
 * @module
 */

/**
 * The body of a RegExp character class (for the `u` flag) holding what Python's `\w` matches:
 * letters, numbers of every kind (`str.isalnum()`), and `_`.
 *
 * @example Python's `\w` takes any letter or number, not just ASCII
 * ```ts
 * import { WORD } from "./_search_chars.ts";
 * import assert from "node:assert/strict";
 *
 * const word = new RegExp(`^[${WORD}]+$`, "u");
 * assert.ok(word.test("é_٣²"));
 * assert.ok(!word.test("a-b"));
 * ```
 */
export const WORD = "\\p{L}\\p{N}_";

/**
 * The body of a RegExp character class (for the `u` flag) holding what Python's `\s` matches
 * (`str.isspace()`): unlike JavaScript's `\s` it includes `\x1c`–`\x1f` and `\x85`, and not
 * U+FEFF.
 *
 * @example The file separator is whitespace to Python
 * ```ts
 * import { SPACE } from "./_search_chars.ts";
 * import assert from "node:assert/strict";
 *
 * const space = new RegExp(`^[${SPACE}]$`, "u");
 * assert.ok(space.test("\x1c") && space.test("\u3000"));
 * assert.ok(!space.test("\ufeff"));
 * ```
 */
export const SPACE =
  "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const STRIP_RE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "gu");

/**
 * `s.strip()` as Python does it (Python's whitespace at both ends).
 *
 * @example A file separator is stripped, a byte-order mark is not
 * ```ts
 * import { pyStrip } from "./_search_chars.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyStrip("\x1c key \n"), "key");
 * assert.equal(pyStrip("\ufeffkey"), "\ufeffkey");
 * ```
 */
export function pyStrip(s: string): string {
  return s.replace(STRIP_RE, "");
}

const DECIMAL = /\p{Nd}/u;

/** The value 0–9 of a decimal digit: digits come in runs of ten, from zero upwards. */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * `float(text)` for the number spellings MLflow's filters take (`-?digits[.digits][e-?digits]`,
 * `.5`, `5.`), in which Python allows any Unicode decimal digit (`١٢` is 12).
 *
 * @example Arabic-Indic digits read as Python reads them
 * ```ts
 * import { pyNumber } from "./_search_chars.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyNumber("١٢.5"), 12.5);
 * assert.equal(pyNumber("-.5E2"), -50);
 * ```
 */
export function pyNumber(text: string): number {
  const ascii = text.replace(/\p{Nd}/gu, (d) => {
    const cp = d.codePointAt(0)!;
    return cp >= 0x30 && cp <= 0x39 ? d : String(digitValue(cp));
  });
  return Number(ascii);
}

// ------------------------------------------------------------------ re.IGNORECASE

/** The first code point of a string. */
function first(s: string): number {
  return s.codePointAt(0)!;
}

/** Python's `_sre.unicode_tolower`: the first character of the lowercase mapping. */
function lower(cp: number): number {
  return first(String.fromCodePoint(cp).toLowerCase());
}

/** Python's `_sre.unicode_iscased`: the character has a lower or an upper case. */
function isCased(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  return first(ch.toLowerCase()) !== cp || first(ch.toUpperCase()) !== cp;
}

/**
 * Lowercase characters that `re.IGNORECASE` also takes as each other although their lower
 * cases differ (Python 3.11's `re._casefix._EXTRA_CASES`: i/ı, s/ſ, µ/μ, β/ϐ, the Cyrillic
 * small letters and their historic forms, …).
 */
const EXTRA_CASES: ReadonlyMap<number, readonly number[]> = new Map(
  (
    "69:131 73:17f b5:3bc 131:69 17f:73 345:3b9,1fbe 390:1fd3 3b0:1fe3 3b2:3d0 3b5:3f5 3b8:3d1 " +
    "3b9:345,1fbe 3ba:3f0 3bc:b5 3c0:3d6 3c1:3f1 3c2:3c3 3c3:3c2 3c6:3d5 3d0:3b2 3d1:3b8 " +
    "3d5:3c6 3d6:3c0 3f0:3ba 3f1:3c1 3f5:3b5 432:1c80 434:1c81 43e:1c82 441:1c83 442:1c84,1c85 " +
    "44a:1c86 463:1c87 1c80:432 1c81:434 1c82:43e 1c83:441 1c84:442,1c85 1c85:442,1c84 1c86:44a " +
    "1c87:463 1c88:a64b 1e61:1e9b 1e9b:1e61 1fbe:345,3b9 1fd3:390 1fe3:3b0 a64b:1c88 fb05:fb06 " +
    "fb06:fb05"
  ).split(" ").map((pair) => {
    const [k, v] = pair.split(":");
    return [parseInt(k!, 16), v!.split(",").map((x) => parseInt(x, 16))];
  }),
);

let lowerInverse: Map<number, number[]> | null = null;

/** Every character whose lowercase is `cp` (built once; cased letters are all below U+20000). */
function withLowercase(cp: number): number[] {
  if (!lowerInverse) {
    lowerInverse = new Map();
    for (let x = 0; x < 0x20000; x++) {
      if (x >= 0xd800 && x < 0xe000) continue;
      const lo = lower(x);
      if (lo === x) continue;
      const list = lowerInverse.get(lo);
      if (list) list.push(x);
      else lowerInverse.set(lo, [x]);
    }
  }
  const out = lowerInverse.get(cp) ?? [];
  return lower(cp) === cp ? [cp, ...out] : out;
}

const SPECIAL = /[\\^$.*+?()[\]{}|/]/;

/** One code point, escaped for a RegExp with the `u` flag (outside a class, or a cased letter in one). */
function escapeChar(ch: string): string {
  return SPECIAL.test(ch) ? "\\" + ch : ch;
}

/**
 * A RegExp fragment (for the `u` flag) matching exactly what the literal character `ch`
 * matches in a Python pattern compiled with `re.IGNORECASE`: itself alone when Python sees no
 * case in it, else every character whose lowercase is its lowercase or one of that lowercase's
 * extra equivalents. So `i`, `I`, `İ` and `ı` match one another, as do `s`, `S` and `ſ`, and `k`,
 * `K` and the Kelvin sign.
 *
 * @example The Turkish i's, which JavaScript's `/i` keeps apart
 * ```ts
 * import { ignoreCaseClass } from "./_search_chars.ts";
 * import assert from "node:assert/strict";
 *
 * const i = new RegExp(`^${ignoreCaseClass("i")}$`, "u");
 * assert.ok(["i", "I", "İ", "ı"].every((c) => i.test(c)));
 * assert.ok(!i.test("j"));
 * assert.equal(ignoreCaseClass("."), "\\.");
 * ```
 */
export function ignoreCaseClass(ch: string): string {
  const cp = first(ch);
  if (!isCased(cp)) return escapeChar(ch);
  const lo = lower(cp);
  const members = new Set<number>();
  for (const target of [lo, ...(EXTRA_CASES.get(lo) ?? [])]) {
    for (const x of withLowercase(target)) members.add(x);
  }
  const list = [...members].map((x) => escapeChar(String.fromCodePoint(x)));
  return list.length === 1 ? list[0]! : `[${list.join("")}]`;
}
