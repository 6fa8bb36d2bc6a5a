/**
 * The tokenizer MLflow's search parses filters and order-bys with: sqlparse 0.6.1's lexer
 * (`sqlparse/lexer.py`, `sqlparse/keywords.py`). At each position it tries a fixed list of
 * patterns in order and takes the first that matches; dollar-quoted text (`$tag$…$tag$`) and
 * `/* … *\/` comments are found first, when the lexer reaches their opening. The patterns are
 * Python's, matched case-insensitively, so they are written here with Python's word, space and
 * digit classes and its case rules (`ſ` is an `s`, `ı` and `İ` are `i`s, the Kelvin sign a `k`).
 *
 * Token types are sqlparse's names below `Token`, dotted: `Keyword`, `Keyword.Order`,
 * `Literal.String.Single`, `Operator.Comparison`, `Text.Whitespace.Newline`, …
 *
 * @module
 */

import { SPACE, WORD } from "./_search_chars.ts";
import { keywordType } from "./_search_keywords.ts";

/** One token: its type (sqlparse's, dotted) and its text. */
export interface Lexeme {
  /** sqlparse's token type below `Token`, e.g. `Literal.Number.Float`. */
  type: string;
  /** The text, unchanged. */
  text: string;
}

/**
 * Whether token type `type` is `parent` or one of its subtypes (sqlparse's `ttype in parent`).
 *
 * @example A newline is whitespace; a keyword is not a name
 * ```ts
 * import { isA } from "./_search_lexer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isA("Text.Whitespace.Newline", "Text.Whitespace"));
 * assert.ok(!isA("Keyword", "Name"));
 * ```
 */
export function isA(type: string | null, parent: string): boolean {
  return type !== null && (type === parent || type.startsWith(parent + "."));
}

const W = `[${WORD}]`;
const S = `[${SPACE}]`;
const D = "\\p{Nd}";
/** `[A-ZÀ-Ü]` under Python's IGNORECASE. */
const AZ =
  "[A-Za-z\\u00c0-\\u00dc\\u00e0-\\u00f6\\u00f8-\\u00fc\\u0130\\u0131\\u017f\\u212a\\u212b]";
/** `\b` after a word character, as Python sees word characters. */
const END = `(?!${W})`;

/** A word as Python's IGNORECASE matches it: `i` is also `İ`/`ı`, `s` is `ſ`, `k` is `K`. */
function ci(word: string): string {
  return word.replace(/[A-Za-z]/g, (c) => {
    const u = c.toUpperCase();
    const l = c.toLowerCase();
    if (u === "I") return "[Iiİı]";
    if (u === "S") return "[Ssſ]";
    if (u === "K") return "[Kk\u212a]";
    return `[${u}${l}]`;
  });
}

/** Words joined by whitespace, as in sqlparse's `ORDER\s+BY`. */
function words(...parts: string[]): string {
  return parts.map(ci).join(`${S}+`);
}

const KEYWORD = "*keyword*";

/** sqlparse's `SQL_REGEX`, in order; `KEYWORD` marks the word pattern that looks words up. */
const RULES: [RegExp, string][] = ([
  [`(--|# )\\+[^\\n]*?(\\r\\n|\\r|\\n|$)`, "Comment.Single.Hint"],
  [`(--|# )[^\\n]*?(\\r\\n|\\r|\\n|$)`, "Comment.Single"],
  [`(\\r\\n|\\r|\\n)`, "Text.Whitespace.Newline"],
  [S, "Text.Whitespace"],
  [`:=`, "Assignment"],
  [`::`, "Punctuation"],
  [`\\*`, "Wildcard"],
  ["`(``|[^`])*`", "Name"],
  [`´(´´|[^´])*´`, "Name"],
  [`\\?`, "Name.Placeholder"],
  [`%(\\(${W}+\\))?[Ssſ]`, "Name.Placeholder"],
  [`(?<!${W})[$:?]${W}+`, "Name.Placeholder"],
  [`\\\\${W}+`, "Generic.Command"],
  [`(${["CASE", "IN", "VALUES", "USING", "FROM", "AS"].map(ci).join("|")})${END}`, "Keyword"],
  [`(@|##|#)${AZ}${W}+`, "Name"],
  [`${AZ}${W}*(?=${S}*\\.(?!${D}))`, "Name"],
  [`(?<=\\.)${AZ}${W}*`, "Name"],
  [`${AZ}${W}*(?=\\()`, "Name"],
  [`-?0[Xx][${D}A-Fa-f]+`, "Literal.Number.Hexadecimal"],
  [`-?${D}+(\\.${D}+)?[Ee]-?${D}+`, "Literal.Number.Float"],
  [
    `(?![_${AZ.slice(1, -1)}])-?(${D}+(\\.${D}*)|\\.${D}+)(?![_${AZ.slice(1, -1)}])`,
    "Literal.Number.Float",
  ],
  [`(?![_${AZ.slice(1, -1)}])-?${D}+(?![_${AZ.slice(1, -1)}])`, "Literal.Number.Integer"],
  [`'(''|\\\\'|[^'])*'`, "Literal.String.Single"],
  [`"(""|\\\\"|[^"])*"`, "Literal.String.Symbol"],
  [`(""|"[^\\n]*?[^\\\\]")`, "Literal.String.Symbol"],
  [`(?<![${WORD}\\])])(\\[[^\\]\\[]+\\])`, "Name"],
  [
    `((${ci("LEFT")}${S}+|${ci("RIGHT")}${S}+|${ci("FULL")}${S}+)?` +
    `(${ci("INNER")}${S}+|${ci("OUTER")}${S}+|${ci("STRAIGHT")}${S}+)?` +
    `|(${ci("CROSS")}${S}+|${ci("NATURAL")}${S}+)?)?${ci("JOIN")}${END}`,
    "Keyword",
  ],
  [
    `${ci("END")}(${
      ["IF", "LOOP", "WHILE", "FOR", "CASE"].map((w) => `${S}+${ci(w)}`).join("|")
    })?${END}`,
    "Keyword",
  ],
  [`${ci("IF")}${S}+(${ci("NOT")}${S}+)?${ci("EXISTS")}${END}`, "Keyword"],
  [`${words("NOT", "NULL")}${END}`, "Keyword"],
  [
    `(${ci("ASC")}|${ci("DESC")})(${S}+${ci("NULLS")}${S}+(${ci("FIRST")}|${ci("LAST")}))?${END}`,
    "Keyword.Order",
  ],
  [`(${ci("ASC")}|${ci("DESC")})${END}`, "Keyword.Order"],
  [`${ci("NULLS")}${S}+(${ci("FIRST")}|${ci("LAST")})${END}`, "Keyword.Order"],
  [`${words("UNION", "ALL")}${END}`, "Keyword"],
  [`${ci("CREATE")}(${S}+${ci("OR")}${S}+${ci("REPLACE")})?${END}`, "Keyword.DDL"],
  [`${words("DOUBLE", "PRECISION")}${END}`, "Name.Builtin"],
  [`${words("GROUP", "BY")}${END}`, "Keyword"],
  [`${words("ORDER", "BY")}${END}`, "Keyword"],
  [`${words("PRIMARY", "KEY")}${END}`, "Keyword"],
  [`${words("HANDLER", "FOR")}${END}`, "Keyword"],
  [`${ci("GO")}(${S}${D}+)${END}`, "Keyword"],
  [
    `(${ci("LATERAL")}${S}+${ci("VIEW")}${S}+)` +
    `(${["EXPLODE", "INLINE", "PARSE_URL_TUPLE", "POSEXPLODE", "STACK"].map(ci).join("|")})${END}`,
    "Keyword",
  ],
  [
    `(${ci("AT")}|${ci("WITH")}')${S}+${ci("TIME")}${S}+${ci("ZONE")}${S}+'[^']+'`,
    "Keyword.TZCast",
  ],
  [
    `(${ci("NOT")}${S}+)?(${ci("LIKE")}|${ci("ILIKE")}|${ci("RLIKE")})${END}`,
    "Operator.Comparison",
  ],
  [`(${ci("NOT")}${S}+)?(${ci("REGEXP")})(${S}+(${ci("BINARY")}))?${END}`, "Operator.Comparison"],
  [`${W}[$#${WORD}]*`, KEYWORD],
  [`[;:()\\[\\],\\.]`, "Punctuation"],
  [`(->>?|#>>?|@>|<@|\\?\\|?|\\?&|-|#-)`, "Operator"],
  [`[<>=~!]+`, "Operator.Comparison"],
  [`[+/@#%^&|^-]+`, "Operator"],
] as [string, string][]).map(([source, type]) => [new RegExp(source, "uy"), type]);

/** Where a dollar-quoted literal or a block comment may open, and where each kind closes. */
interface Spans {
  openers: Map<number, { end: number; tag: string; type: string }>;
  closers: Map<string, { starts: number[]; ends: number[] }>;
}

const DOLLAR = new RegExp(`(?=(\\$(?:[_${AZ.slice(1, -1)}]${W}*)?\\$))`, "gu");
const DOLLAR_OPENS = new RegExp(`(?<![${WORD}"$])`, "uy");
const COMMENT_TAG = "/*";

/** sqlparse's `find_delimited_spans`: every opener and closer, paired only when reached. */
function delimitedSpans(text: string): Spans {
  const spans: Spans = { openers: new Map(), closers: new Map() };
  const closer = (tag: string) => {
    let c = spans.closers.get(tag);
    if (!c) spans.closers.set(tag, c = { starts: [], ends: [] });
    return c;
  };
  if (text.includes("$")) {
    for (const m of text.matchAll(DOLLAR)) {
      const tag = m[1]!;
      const start = m.index!;
      const c = closer(tag);
      c.starts.push(start);
      c.ends.push(start + tag.length);
      DOLLAR_OPENS.lastIndex = start;
      if (DOLLAR_OPENS.test(text)) {
        spans.openers.set(start, { end: start + tag.length, tag, type: "Literal" });
      }
    }
  }
  if (text.includes("/*")) {
    for (const m of text.matchAll(/\/\*\+/g)) {
      spans.openers.set(m.index!, {
        end: m.index! + 3,
        tag: COMMENT_TAG,
        type: "Comment.Multiline.Hint",
      });
    }
    for (const m of text.matchAll(/\/\*(?!\+)/g)) {
      spans.openers.set(m.index!, {
        end: m.index! + 2,
        tag: COMMENT_TAG,
        type: "Comment.Multiline",
      });
    }
    const c = closer(COMMENT_TAG);
    for (const m of text.matchAll(/\*\//g)) {
      c.starts.push(m.index!);
      c.ends.push(m.index! + 2);
    }
  }
  return spans;
}

/** The end of the span opening at `pos`: the first closer of its tag at or after the opener. */
function resolve(spans: Spans, pos: number): { end: number; type: string } | null {
  const opener = spans.openers.get(pos)!;
  const c = spans.closers.get(opener.tag);
  const i = c ? c.starts.findIndex((s) => s >= opener.end) : -1;
  return i < 0 ? null : { end: c!.ends[i]!, type: opener.type };
}

/**
 * Splits `text` into sqlparse's tokens. A character no pattern matches becomes an `Error`
 * token of its own.
 *
 * @example A filter's tokens: a dotted name, a comparison, a quoted string
 * ```ts
 * import { tokenize } from "./_search_lexer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   tokenize("params.lr = 'x;y'").map((t) => `${t.type} ${t.text}`),
 *   [
 *     "Name params", "Punctuation .", "Name lr", "Text.Whitespace  ",
 *     "Operator.Comparison =", "Text.Whitespace  ", "Literal.String.Single 'x;y'",
 *   ],
 * );
 * // A word after a dot is a name, except sqlparse's six words that are keywords first.
 * assert.equal(tokenize("params.in")[2]!.type, "Keyword");
 * ```
 */
export function tokenize(text: string): Lexeme[] {
  const spans = delimitedSpans(text);
  const out: Lexeme[] = [];
  let pos = 0;
  outer: while (pos < text.length) {
    if (spans.openers.has(pos)) {
      const span = resolve(spans, pos);
      if (span) {
        out.push({ type: span.type, text: text.slice(pos, span.end) });
        pos = span.end;
        continue;
      }
    }
    for (const [re, type] of RULES) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (!m) continue;
      const word = m[0];
      out.push({
        type: type === KEYWORD ? keywordType(word.toUpperCase()) ?? "Name" : type,
        text: word,
      });
      pos += word.length;
      continue outer;
    }
    const ch = String.fromCodePoint(text.codePointAt(pos)!);
    out.push({ type: "Error", text: ch });
    pos += ch.length;
  }
  return out;
}
