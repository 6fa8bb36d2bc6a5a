/**
 * sqlparse's grouping (`sqlparse/engine/grouping.py`, 0.6.1): the passes that turn a statement's
 * flat tokens into a tree — parentheses, dotted names, comparisons, aliases, lists — which
 * MLflow's search then reads. MLflow accepts a filter only when the top of this tree is made of
 * comparisons and `AND`s, so what a filter means, or whether it is refused, follows these rules,
 * quirks included (a grouped token is sometimes visited again; an identifier followed by another
 * identifier absorbs it as an alias; a comparison needs a name, number, string or group on each
 * side).
 *
 * @module
 */

import { isA, type Lexeme } from "./_search_lexer.ts";

/** sqlparse's group classes (`sqlparse/sql.py`). */
export type GroupKind =
  | "Statement"
  | "Identifier"
  | "IdentifierList"
  | "TypedLiteral"
  | "Parenthesis"
  | "SquareBrackets"
  | "Assignment"
  | "If"
  | "For"
  | "Comparison"
  | "Comment"
  | "Where"
  | "Over"
  | "Case"
  | "Function"
  | "Begin"
  | "Operation"
  | "Values";

/**
 * A token or a group of tokens.
 *
 * @example A keyword token, and a group that reads as its members' text
 * ```ts
 * import { Node } from "./_search_tree.ts";
 * import assert from "node:assert/strict";
 *
 * const and = new Node("Keyword", "and", null, []);
 * assert.ok(and.isKeyword && and.is("Keyword", "AND"));
 * const name = new Node(null, "", "Identifier", [new Node("Name", "acc", null, [])]);
 * assert.equal(name.value, "acc");
 * ```
 */
export class Node {
  /** The token type (dotted, below `Token`) of a token; null for a group. */
  type: string | null;
  /** The group class; null for a token. */
  readonly kind: GroupKind | null;
  /** A group's members. */
  readonly tokens: Node[];
  readonly #text: string;

  /** A token (`kind` null) or a group of `tokens`. */
  constructor(type: string | null, text: string, kind: GroupKind | null, tokens: Node[]) {
    this.type = type;
    this.#text = text;
    this.kind = kind;
    this.tokens = tokens;
  }

  /** The text it covers, unchanged. */
  get value(): string {
    return this.kind === null ? this.#text : this.tokens.map((t) => t.value).join("");
  }

  /** Whether it is whitespace (a newline included). */
  get isWhitespace(): boolean {
    return isA(this.type, "Text.Whitespace");
  }

  /** Whether it is a keyword of any kind. */
  get isKeyword(): boolean {
    return isA(this.type, "Keyword");
  }

  /** The text, upper-cased for keywords (sqlparse's `normalized`). */
  get normalized(): string {
    return this.isKeyword ? this.#text.toUpperCase() : this.value;
  }

  /** sqlparse's `Token.match`: exactly this type and, when given, one of these values. */
  is(type: string, values?: string | readonly string[]): boolean {
    if (this.type !== type) return false;
    if (values === undefined) return true;
    const list = typeof values === "string" ? [values] : values;
    const norm = this.normalized;
    return list.some((v) => (this.isKeyword ? v.toUpperCase() : v) === norm);
  }
}

/**
 * The error sqlparse raises when a statement nests too deep or has too many tokens.
 *
 * @example 101 nested parentheses are too many
 * ```ts
 * import { tokenize } from "./_search_lexer.ts";
 * import { groupStatement, GroupingLimit } from "./_search_tree.ts";
 * import assert from "node:assert/strict";
 *
 * const deep = "(".repeat(102) + ")".repeat(102);
 * assert.throws(() => groupStatement(tokenize(deep)), GroupingLimit);
 * ```
 */
export class GroupingLimit extends Error {}

const MAX_DEPTH = 100;
const MAX_TOKENS = 10000;

function limits(list: Node, depth: number): void {
  if (depth > MAX_DEPTH) throw new GroupingLimit(`Maximum grouping depth exceeded (${MAX_DEPTH}).`);
  if (list.tokens.length > MAX_TOKENS) {
    throw new GroupingLimit(`Maximum number of tokens exceeded (${MAX_TOKENS}).`);
  }
}

type Found = [number, Node] | [null, null];

function next(list: Node, idx: number | null, skipWs = true): Found {
  if (idx === null) return [null, null];
  for (let i = idx + 1; i < list.tokens.length; i++) {
    const t = list.tokens[i]!;
    if (!(skipWs && t.isWhitespace)) return [i, t];
  }
  return [null, null];
}

function prev(list: Node, idx: number, skipWs = true): Found {
  for (let i = idx - 1; i >= 0; i--) {
    const t = list.tokens[i]!;
    if (!(skipWs && t.isWhitespace)) return [i, t];
  }
  return [null, null];
}

function nextWhere(list: Node, test: (t: Node) => boolean, idx = -1): Found {
  for (let i = idx + 1; i < list.tokens.length; i++) {
    if (test(list.tokens[i]!)) return [i, list.tokens[i]!];
  }
  return [null, null];
}

/** Replaces `list.tokens[start..end]` by one group (or adds them to the group at `start`). */
function groupTokens(
  list: Node,
  kind: GroupKind,
  start: number,
  end: number,
  extend = false,
): Node {
  const first = list.tokens[start]!;
  if (extend && first.kind === kind) {
    first.tokens.push(...list.tokens.splice(start + 1, end - start));
    return first;
  }
  const grp = new Node(null, "", kind, list.tokens.slice(start, end + 1));
  list.tokens.splice(start, end - start + 1, grp);
  return grp;
}

/** An exact type from a list (sqlparse's `ttype in (…)`). */
const oneOf = (t: Node | null, types: readonly string[]) => t !== null && types.includes(t.type!);
const kindOf = (t: Node | null, kinds: readonly GroupKind[]) =>
  t !== null && t.kind !== null && kinds.includes(t.kind);

/** Runs `f` on every group below `list` (except those of `skip`), deepest first, then on it. */
function recurse(list: Node, skip: readonly GroupKind[], f: (l: Node) => void): void {
  for (const t of list.tokens) if (t.kind !== null && !skip.includes(t.kind)) recurse(t, skip, f);
  f(list);
}

// ------------------------------------------------------------------ bracketing groups

const DELIMITED: readonly GroupKind[] = [
  "Parenthesis",
  "SquareBrackets",
  "Case",
  "If",
  "For",
  "Begin",
];

const BRACKETS: Record<string, [(t: Node) => boolean, (t: Node) => boolean]> = {
  SquareBrackets: [(t) => t.is("Punctuation", "["), (t) => t.is("Punctuation", "]")],
  Parenthesis: [(t) => t.is("Punctuation", "("), (t) => t.is("Punctuation", ")")],
  Case: [(t) => t.is("Keyword", "CASE"), (t) => t.is("Keyword", "END")],
  If: [(t) => t.is("Keyword", "IF"), (t) => t.is("Keyword", "END IF")],
  For: [(t) => t.is("Keyword", ["FOR", "FOREACH"]), (t) => t.is("Keyword", "END LOOP")],
  Begin: [(t) => t.is("Keyword", "BEGIN"), (t) => t.is("Keyword", "END")],
};

/** Groups an opening token with its closing one (innermost first; unbalanced ones stay). */
function groupMatching(list: Node, kind: GroupKind, depth = 0): void {
  limits(list, depth);
  const [open, close] = BRACKETS[kind]!;
  const opens: number[] = [];
  let offset = 0;
  for (const [idx, token] of [...list.tokens].entries()) {
    const tidx = idx - offset;
    if (token.isWhitespace) continue;
    if (token.kind !== null && token.kind !== kind) {
      groupMatching(token, kind, depth + 1);
      continue;
    }
    if (open(token)) opens.push(tidx);
    else if (close(token)) {
      const openIdx = opens.pop();
      if (openIdx === undefined) continue;
      groupTokens(list, kind, openIdx, tidx);
      offset += tidx - openIdx;
    }
  }
}

// ------------------------------------------------------------------ "a <middle> b" groups

interface Around {
  kind: GroupKind;
  match: (t: Node) => boolean;
  validPrev: (t: Node) => boolean;
  validNext: (t: Node | null) => boolean;
  /** The span to group, from the previous, middle and next tokens' indexes. */
  span: (list: Node, p: number, m: number, n: number | null) => [number, number];
  extend?: boolean;
  recurse?: boolean;
}

function isDelimiter(list: Node, t: Node | null): boolean {
  return t !== null && kindOf(list, DELIMITED) &&
    (t === list.tokens[0] || t === list.tokens[list.tokens.length - 1]);
}

/**
 * sqlparse's `_group`: joins a middle token with its neighbours. It walks a snapshot of the
 * list while grouping, so a token that joined a group is visited again (at a shifted index).
 */
function groupAround(list: Node, g: Around, depth = 0): void {
  limits(list, depth);
  const extend = g.extend ?? true;
  let offset = 0;
  let pidx: number | null = null;
  let before: Node | null = null;
  for (const [idx, token] of [...list.tokens].entries()) {
    const tidx = idx - offset;
    if (tidx < 0 || token.isWhitespace) continue;
    if ((g.recurse ?? true) && token.kind !== null && token.kind !== g.kind) {
      groupAround(token, g, depth + 1);
    }
    if (g.match(token)) {
      const [nidx, after] = next(list, tidx);
      if (
        before && g.validPrev(before) && g.validNext(after) && !isDelimiter(list, before) &&
        !isDelimiter(list, after)
      ) {
        const [from, to] = g.span(list, pidx!, tidx, nidx);
        const grp = groupTokens(list, g.kind, from, to, extend);
        offset += to - from;
        pidx = from;
        before = grp;
        continue;
      }
    }
    pidx = tidx;
    before = token;
  }
}

const outer = (_l: Node, p: number, _m: number, n: number | null): [number, number] => [p, n!];
const NUMBERS = ["Literal.Number", "Literal.Number.Integer", "Literal.Number.Float"];
const STRINGS = ["Literal.String", "Literal.String.Single", "Literal.String.Symbol"];
const NAMES = ["Name", "Name.Placeholder"];
const OPERANDS = [...NUMBERS, ...STRINGS, ...NAMES];

const PERIOD: Around = {
  kind: "Identifier",
  match: (t) => t.is("Punctuation", ".") || t.is("Operator", "->") || t.is("Operator", "->>"),
  validPrev: (t) =>
    kindOf(t, ["SquareBrackets", "Identifier"]) || oneOf(t, ["Name", "Literal.String.Symbol"]),
  validNext: () => true,
  span: (list, p, m, n) => {
    const after = n === null ? null : list.tokens[n]!;
    const ok = kindOf(after, ["SquareBrackets", "Function"]) ||
      oneOf(after, ["Name", "Literal.String.Symbol", "Wildcard", "Literal.String.Single"]);
    return ok ? [p, n!] : [p, m];
  },
};

const ARRAYS: Around = {
  kind: "Identifier",
  match: (t) => t.kind === "SquareBrackets",
  validPrev: (t) =>
    kindOf(t, ["SquareBrackets", "Identifier", "Function"]) ||
    oneOf(t, ["Name", "Literal.String.Symbol"]),
  validNext: () => true,
  span: (_l, p, m) => [p, m],
  recurse: false,
};

const TYPECASTS: Around = {
  kind: "Identifier",
  match: (t) => t.is("Punctuation", "::"),
  validPrev: () => true,
  validNext: (t) => t !== null,
  span: outer,
};

const TZCASTS: Around = {
  kind: "Identifier",
  match: (t) => t.type === "Keyword.TZCast",
  validPrev: () => true,
  validNext: (t) =>
    t !== null && (t.isWhitespace || t.is("Keyword", "AS") || t.is("Literal.String.Single")),
  span: outer,
};

const typedOpen = (t: Node) => t.is("Name.Builtin") || t.is("Keyword", "TIMESTAMP");
const TYPED_LITERALS: Around[] = [
  {
    kind: "TypedLiteral",
    match: typedOpen,
    validPrev: () => true,
    validNext: (t) => t !== null && t.is("Literal.String.Single"),
    span: (_l, _p, m, n) => [m, n!],
    extend: false,
  },
  {
    kind: "TypedLiteral",
    match: (t) => t.kind === "TypedLiteral",
    validPrev: () => true,
    validNext: (t) =>
      t !== null && t.is("Keyword", ["DAY", "HOUR", "MINUTE", "MONTH", "SECOND", "YEAR"]),
    span: (_l, _p, m, n) => [m, n!],
  },
];

const operand = (t: Node | null) =>
  t !== null &&
  (kindOf(t, [
    "SquareBrackets",
    "Parenthesis",
    "Function",
    "Identifier",
    "Operation",
    "TypedLiteral",
  ]) ||
    oneOf(t, OPERANDS) ||
    t.is("Keyword", ["CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"]));

const OPERATORS: Around = {
  kind: "Operation",
  match: (t) => oneOf(t, ["Operator", "Wildcard"]),
  validPrev: operand,
  validNext: operand,
  span: (list, p, m, n) => {
    list.tokens[m]!.type = "Operator";
    return [p, n!];
  },
  extend: false,
};

const compared = (t: Node | null) =>
  t !== null &&
  (kindOf(t, ["Parenthesis", "Function", "Identifier", "Operation", "TypedLiteral"]) ||
    oneOf(t, OPERANDS) || (t.isKeyword && t.normalized === "NULL"));

const COMPARISONS: Around = {
  kind: "Comparison",
  match: (t) => t.type === "Operator.Comparison",
  validPrev: compared,
  validNext: compared,
  span: outer,
  extend: false,
};

const AS: Around = {
  kind: "Identifier",
  match: (t) => t.isKeyword && t.normalized === "AS",
  validPrev: (t) => t.normalized === "NULL" || !t.isKeyword,
  validNext: (t) => t !== null && !oneOf(t, ["Keyword.DML", "Keyword.DDL", "Keyword.CTE"]),
  span: outer,
};

const notKeyword = (t: Node | null) => t !== null && t.type !== "Keyword";
const ASSIGNMENTS: Around = {
  kind: "Assignment",
  match: (t) => t.is("Assignment", ":="),
  validPrev: notKeyword,
  validNext: notKeyword,
  span: (list, p, _m, n) => {
    const [semicolon] = nextWhere(list, (t) => t.is("Punctuation", ";"), n!);
    return [p, semicolon || n!];
  },
};

const listed = (t: Node | null) =>
  t !== null &&
  (kindOf(t, ["Function", "Case", "Identifier", "Comparison", "IdentifierList", "Operation"]) ||
    t.is("Keyword", ["null", "role"]) ||
    oneOf(t, [...OPERANDS, "Keyword", "Comment", "Wildcard"]));

const IDENTIFIER_LISTS: Around = {
  kind: "IdentifierList",
  match: (t) => t.is("Punctuation", ","),
  validPrev: listed,
  validNext: listed,
  span: outer,
};

// ------------------------------------------------------------------ other passes

function groupComments(list: Node): void {
  recurse(list, ["Comment"], (l) => {
    const isComment = (t: Node) => isA(t.type, "Comment");
    let [tidx, token] = nextWhere(l, isComment);
    while (token) {
      const [eidx] = nextWhere(
        l,
        (t) => !(isComment(t) || isA(t.type, "Text.Whitespace.Newline")),
        tidx! - 1,
      );
      if (eidx === null) break;
      groupTokens(l, "Comment", tidx!, eidx - 1);
      [tidx, token] = nextWhere(l, isComment, tidx!);
    }
  });
}

function groupOver(list: Node): void {
  recurse(list, ["Over"], (l) => {
    let [tidx, token] = nextWhere(l, (t) => t.is("Keyword", "OVER"));
    while (token) {
      const [nidx, after] = next(l, tidx);
      if (after && (after.kind === "Parenthesis" || isA(after.type, "Name"))) {
        groupTokens(l, "Over", tidx!, nidx!);
      }
      [tidx, token] = nextWhere(l, (t) => t.is("Keyword", "OVER"), tidx!);
    }
  });
}

function groupFunctions(list: Node): void {
  recurse(list, ["Function"], (l) => {
    const words = new Set(l.tokens.map((t) => t.value.toUpperCase()));
    if (words.has("CREATE") && words.has("TABLE") && !words.has("AS")) return;
    const isName = (t: Node) => isA(t.type, "Name");
    let [tidx, token] = nextWhere(l, isName);
    while (token) {
      const [nidx, after] = next(l, tidx);
      if (after?.kind === "Parenthesis") {
        const [overIdx, over] = next(l, nidx);
        groupTokens(l, "Function", tidx!, over?.kind === "Over" ? overIdx! : nidx!);
      }
      [tidx, token] = nextWhere(l, isName, tidx!);
    }
  });
}

const WHERE_ENDS = "ORDER BY|GROUP BY|LIMIT|UNION|UNION ALL|EXCEPT|INTERSECT|HAVING|RETURNING|INTO"
  .split("|");

function groupWhere(list: Node): void {
  recurse(list, ["Where"], (l) => {
    let [tidx, token] = nextWhere(l, (t) => t.is("Keyword", "WHERE"));
    while (token) {
      const [eidx] = nextWhere(l, (t) => t.is("Keyword", WHERE_ENDS), tidx!);
      const groupable = l.kind === "Parenthesis" || l.kind === "SquareBrackets"
        ? l.tokens.slice(1, -1)
        : l.tokens;
      const end = eidx === null ? groupable[groupable.length - 1]! : l.tokens[eidx - 1]!;
      groupTokens(l, "Where", tidx!, l.tokens.indexOf(end));
      [tidx, token] = nextWhere(l, (t) => t.is("Keyword", "WHERE"), tidx!);
    }
  });
}

function groupIdentifiers(list: Node): void {
  recurse(list, ["Identifier"], (l) => {
    const test = (t: Node) => oneOf(t, ["Literal.String.Symbol", "Name"]);
    let [tidx, token] = nextWhere(l, test);
    while (token) {
      groupTokens(l, "Identifier", tidx!, tidx!);
      [tidx, token] = nextWhere(l, test, tidx!);
    }
  });
}

function groupOrder(list: Node): void {
  recurse(list, ["Identifier"], (l) => {
    const test = (t: Node) => isA(t.type, "Keyword.Order");
    let [tidx, token] = nextWhere(l, test);
    while (token) {
      const [pidx, before] = prev(l, tidx!);
      if (before && (before.kind === "Identifier" || isA(before.type, "Literal.Number"))) {
        groupTokens(l, "Identifier", pidx!, tidx!);
        tidx = pidx;
      }
      [tidx, token] = nextWhere(l, test, tidx!);
    }
  });
}

function groupAliased(list: Node): void {
  const aliasable: GroupKind[] = [
    "Parenthesis",
    "Function",
    "Case",
    "Identifier",
    "Operation",
    "Comparison",
  ];
  recurse(list, [], (l) => {
    const test = (t: Node) => kindOf(t, aliasable) || isA(t.type, "Literal.Number");
    let [tidx, token] = nextWhere(l, test);
    while (token) {
      const [nidx, after] = next(l, tidx);
      if (after?.kind === "Identifier") groupTokens(l, "Identifier", tidx!, nidx!, true);
      [tidx, token] = nextWhere(l, test, tidx!);
    }
  });
}

function alignComments(list: Node): void {
  recurse(list, [], (l) => {
    let [tidx, token] = nextWhere(l, (t) => t.kind === "Comment");
    while (token) {
      const [pidx, before] = prev(l, tidx!);
      if (before?.kind) {
        before.tokens.push(...l.tokens.splice(pidx! + 1, tidx! - pidx!));
        tidx = pidx;
      }
      [tidx, token] = nextWhere(l, (t) => t.kind === "Comment", tidx!);
    }
  });
}

function groupValues(list: Node): void {
  let [tidx, token] = nextWhere(list, (t) => t.is("Keyword", "VALUES"));
  const start = tidx;
  let end = -1;
  while (token) {
    if (token.kind === "Parenthesis") end = tidx!;
    [tidx, token] = next(list, tidx);
  }
  if (end !== -1) groupTokens(list, "Values", start!, end, true);
}

/**
 * Groups a statement's tokens as `sqlparse.parse` does, and returns the statement. Throws
 * {@linkcode GroupingLimit} where sqlparse refuses (more than 100 levels of nesting or 10,000
 * tokens in one group).
 *
 * @example A comparison, and a name followed by another name (an alias, so one identifier)
 * ```ts
 * import { tokenize } from "./_search_lexer.ts";
 * import { groupStatement } from "./_search_tree.ts";
 * import assert from "node:assert/strict";
 *
 * const top = (s: string) =>
 *   groupStatement(tokenize(s)).tokens.filter((t) => !t.isWhitespace).map((t) => t.kind ?? t.type);
 * assert.deepEqual(top("metrics.acc > 0.9 and params.k = '3'"), ["Comparison", "Keyword", "Comparison"]);
 * assert.deepEqual(top("params.a b IS NULL"), ["Identifier", "Keyword", "Keyword"]);
 * ```
 */
export function groupStatement(lexemes: readonly Lexeme[]): Node {
  const stmt = new Node(
    null,
    "",
    "Statement",
    lexemes.map((l) => new Node(l.type, l.text, null, [])),
  );
  groupComments(stmt);
  for (const kind of ["SquareBrackets", "Parenthesis", "Case", "If", "For", "Begin"] as const) {
    groupMatching(stmt, kind);
  }
  groupOver(stmt);
  groupFunctions(stmt);
  groupWhere(stmt);
  groupAround(stmt, PERIOD);
  groupAround(stmt, ARRAYS);
  groupIdentifiers(stmt);
  groupOrder(stmt);
  groupAround(stmt, TYPECASTS);
  groupAround(stmt, TZCASTS);
  for (const g of TYPED_LITERALS) groupAround(stmt, g);
  groupAround(stmt, OPERATORS);
  groupAround(stmt, COMPARISONS);
  groupAround(stmt, AS);
  groupAliased(stmt);
  groupAround(stmt, ASSIGNMENTS);
  alignComments(stmt);
  groupAround(stmt, IDENTIFIER_LISTS);
  groupValues(stmt);
  return stmt;
}
