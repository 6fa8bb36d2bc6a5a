/**
 * Parameterised notebooks, with papermill's conventions: a code cell tagged `parameters` holds
 * the defaults, one `const name = value;` line each, and an execution injects a cell tagged
 * `injected-parameters` right after it that declares the parameters asked for again.
 *
 * Deno's kernel evaluates each cell as a script in V8's REPL mode, where a later cell may
 * declare a top-level `const` or `let` again (tried: `const n = 5;` then `const n = 7;` in the
 * next cell runs, and every later cell — and a function declared before the second cell — reads
 * 7). So the injected cell redeclares each parameter with its own keyword, exactly as papermill
 * writes Python assignments, and the parameters cell stays as it was written.
 *
 * Values are JSON where they parse as JSON, else strings; a list of values (`1,3,5`, repeated
 * `-p`, or a grid file) asks for one execution per combination.
 *
 * @module
 */

import { createHash } from "node:crypto";

/**
 * The tag of the cell holding the defaults.
 *
 * @example Tag a cell as the parameters cell
 * ```ts
 * import { PARAMETERS_TAG } from "./parameters.ts";
 *
 * const cell = { cell_type: "code", metadata: { tags: [PARAMETERS_TAG] }, source: "const k = 5;" };
 * ```
 */
export const PARAMETERS_TAG = "parameters";

/**
 * The tag of the cell an execution injects after the parameters cell.
 *
 * @example Find the injected cell of an executed notebook
 * ```ts
 * import { INJECTED_TAG, type Notebook } from "./parameters.ts";
 *
 * const nb: Notebook = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * const injected = nb.cells.find((c) => c.metadata.tags?.includes(INJECTED_TAG));
 * ```
 */
export const INJECTED_TAG = "injected-parameters";

/**
 * A notebook's cell, as nbformat 4 holds it (the fields this module reads or writes).
 *
 * @example A code cell
 * ```ts
 * import type { NotebookCell } from "./parameters.ts";
 *
 * const cell: NotebookCell = { cell_type: "code", metadata: {}, source: ["1 + 1"], outputs: [] };
 * ```
 */
export interface NotebookCell {
  /** `code`, `markdown` or `raw`. */
  cell_type: string;
  /** The cell's text, whole or as lines. */
  source: string | string[];
  /** Its metadata: papermill's tags are `metadata.tags`. */
  metadata: { tags?: string[]; [key: string]: unknown };
  /** The cell's id (nbformat 4.5). */
  id?: string;
  /** Outputs of a code cell. */
  outputs?: unknown[];
  /** Execution count of a code cell. */
  execution_count?: number | null;
}

/**
 * A notebook, as nbformat 4 holds it (the fields this module reads or writes).
 *
 * @example A notebook read from a file
 * ```ts ignore
 * import type { Notebook } from "./parameters.ts";
 *
 * const nb = JSON.parse(await Deno.readTextFile("notebooks/train_kneighbors.ipynb")) as Notebook;
 * ```
 */
export interface Notebook {
  /** Its cells, in order. */
  cells: NotebookCell[];
  /** Notebook metadata (kernelspec, language). */
  metadata: Record<string, unknown>;
  /** 4. */
  nbformat: number;
  /** The minor format version. */
  nbformat_minor: number;
}

/**
 * A parameter a notebook's parameters cell declares.
 *
 * @example `const nNeighbors = 5;`
 * ```ts
 * import type { NotebookParameter } from "./parameters.ts";
 *
 * const k: NotebookParameter = { name: "nNeighbors", keyword: "const", defaultSource: "5" };
 * ```
 */
export interface NotebookParameter {
  /** Its name, e.g. `nNeighbors`. */
  name: string;
  /** How it is declared; the injected cell declares it the same way. */
  keyword: "const" | "let" | "var";
  /** The default as written (the first line of it). */
  defaultSource: string;
}

/**
 * Parameter name → the values to execute with, one execution per combination.
 *
 * @example Two depths by two numbers of trees: four executions
 * ```ts
 * import type { ParameterGrid } from "./parameters.ts";
 *
 * const grid: ParameterGrid = { maxDepth: [2, 3], nEstimators: [10, 20] };
 * ```
 */
export type ParameterGrid = Record<string, unknown[]>;

function sourceOf(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

function tagged(cell: NotebookCell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

const DECLARATION =
  /^\s*(?:export\s+)?(const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(.*?)\s*;?\s*(?:\/\/.*)?$/;

/**
 * The parameters a notebook declares in its first code cell tagged `parameters` (one top-level
 * `const`/`let`/`var name = value` declaration per line), or null when it has no such cell.
 *
 * @example The parameters of a cell tagged "parameters"
 * ```ts
 * import { notebookParameters } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{
 *   cell_type: "code", metadata: { tags: ["parameters"] },
 *   source: ["// Parameters\n", "const maxDepth = 3;\n", "let title: string = \"forest\";\n"],
 * }] };
 * assert.deepEqual(notebookParameters(nb)?.map((p) => [p.name, p.keyword, p.defaultSource]), [
 *   ["maxDepth", "const", "3"],
 *   ["title", "let", '"forest"'],
 * ]);
 * ```
 */
export function notebookParameters(nb: Notebook): NotebookParameter[] | null {
  const cell = nb.cells.find((c) => c.cell_type === "code" && tagged(c, PARAMETERS_TAG));
  if (!cell) return null;
  const found: NotebookParameter[] = [];
  for (const line of sourceOf(cell).split("\n")) {
    const m = DECLARATION.exec(line);
    if (!m) continue;
    found.push({
      name: m[2]!,
      keyword: m[1] as NotebookParameter["keyword"],
      defaultSource: m[3]!,
    });
  }
  return found;
}

/** A value given on the command line: JSON when it parses as JSON, else the text itself. */
function parseOne(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Splits at the commas outside brackets, braces and double-quoted strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The values of one `-p name=text`: the whole text as one value when it is JSON (`7`, `"a,b"`,
 * `[1, 2]`), else one value per comma-separated part (`1,3,5`), each JSON or a string.
 *
 * @example One value, a list, JSON kept whole
 * ```ts
 * import { parseParameterValues } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseParameterValues("7"), [7]);
 * assert.deepEqual(parseParameterValues("1,3,5"), [1, 3, 5]);
 * assert.deepEqual(parseParameterValues("euclidean"), ["euclidean"]);
 * assert.deepEqual(parseParameterValues('"a,b"'), ["a,b"]);
 * assert.deepEqual(parseParameterValues("[1,2],[3]"), [[1, 2], [3]]);
 * ```
 */
export function parseParameterValues(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    return splitTopLevel(text).map((part) => parseOne(part.trim()));
  }
}

/**
 * The grid of an execution request: a grid file's lists (`{ "name": [values…] }`; a single
 * value stands for a list of one) under the `-p` values, where a name given with `-p` replaces
 * the file's list and a name repeated with `-p` collects every value given. Repeated values are
 * kept once. Throws on a malformed grid file.
 *
 * @example `-p` values over a grid file's
 * ```ts
 * import { parameterGrid } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * const grid = parameterGrid(
 *   [["maxDepth", "2,3"], ["nEstimators", "10"], ["nEstimators", "20"]],
 *   { maxDepth: [5], criterion: ["gini", "entropy"] },
 * );
 * assert.deepEqual(grid, { maxDepth: [2, 3], criterion: ["gini", "entropy"], nEstimators: [10, 20] });
 * ```
 */
export function parameterGrid(
  given: readonly (readonly [string, string])[],
  file?: unknown,
): ParameterGrid {
  const grid: ParameterGrid = {};
  if (file !== undefined) {
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      throw new Error(`A grid file holds one object of parameter lists, e.g. {"k": [1, 3, 5]}`);
    }
    for (const [name, values] of Object.entries(file)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) throw new Error(`The grid file gives no value for '${name}'`);
      grid[name] = list;
    }
  }
  const fromArgs = new Set<string>();
  for (const [name, text] of given) {
    if (!fromArgs.has(name)) grid[name] = [];
    fromArgs.add(name);
    grid[name]!.push(...parseParameterValues(text));
  }
  for (const [name, values] of Object.entries(grid)) {
    const seen = new Set<string>();
    grid[name] = values.filter((v) => {
      const key = JSON.stringify(v);
      return !seen.has(key) && Boolean(seen.add(key));
    });
  }
  return grid;
}

/**
 * Checks that a notebook declares every parameter asked for, before anything runs; throws an
 * error naming the unknown ones and the ones the notebook's parameters cell declares.
 *
 * @example A misspelt name
 * ```ts
 * import { checkParameters } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * const known = [{ name: "nNeighbors", keyword: "const" as const, defaultSource: "5" }];
 * checkParameters("train_kneighbors.ipynb", known, ["nNeighbors"]);
 * assert.throws(
 *   () => checkParameters("train_kneighbors.ipynb", known, ["nNeighbours"]),
 *   /Unknown parameter nNeighbours .* nNeighbors \(default 5\)/,
 * );
 * ```
 */
export function checkParameters(
  notebook: string,
  known: readonly NotebookParameter[] | null,
  names: readonly string[],
): void {
  if (names.length === 0) return;
  if (known === null) {
    throw new Error(
      `${notebook} has no code cell tagged "${PARAMETERS_TAG}", so it takes no parameters ` +
        `(asked for: ${names.join(", ")})`,
    );
  }
  const declared = new Set(known.map((p) => p.name));
  const unknown = names.filter((n) => !declared.has(n));
  if (unknown.length === 0) return;
  const list = known.map((p) => `${p.name} (default ${p.defaultSource})`).join(", ");
  throw new Error(
    `Unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} for ${notebook}: ` +
      `its parameters cell declares ${list || "nothing"}`,
  );
}

/**
 * Every combination of a grid's values, the first parameter's values changing slowest; one
 * empty combination for an empty grid.
 *
 * @example Two depths by one number of trees
 * ```ts
 * import { combinations } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(combinations({ maxDepth: [2, 3], nEstimators: [10] }), [
 *   { maxDepth: 2, nEstimators: 10 },
 *   { maxDepth: 3, nEstimators: 10 },
 * ]);
 * assert.deepEqual(combinations({}), [{}]);
 * ```
 */
export function combinations(grid: ParameterGrid): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [name]: v })));
  }
  return out;
}

/**
 * A copy of the notebook with a cell tagged `injected-parameters` right after its parameters
 * cell, redeclaring each parameter given (with the keyword of its declaration) to its value as
 * a JSON literal. A cell injected by an earlier execution is removed first, as papermill does.
 * The parameters must have been checked ({@linkcode checkParameters}).
 *
 * @example A cell injected after the parameters cell
 * ```ts
 * import { injectParameters } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [
 *   { cell_type: "code", metadata: { tags: ["parameters"] }, source: "const k = 5;\n" },
 *   { cell_type: "code", metadata: {}, source: "k * 2" },
 * ] };
 * const injected = injectParameters(nb, { k: 7 });
 * assert.deepEqual(injected.cells[1]?.metadata.tags, ["injected-parameters"]);
 * assert.match([injected.cells[1]!.source].flat().join(""), /^const k = 7;$/m);
 * assert.equal(nb.cells.length, 2); // the notebook itself is left as it was
 * ```
 */
export function injectParameters(nb: Notebook, parameters: Record<string, unknown>): Notebook {
  const copy = structuredClone(nb);
  copy.cells = copy.cells.filter((c) => !tagged(c, INJECTED_TAG));
  const names = Object.keys(parameters);
  if (names.length === 0) return copy;
  const at = copy.cells.findIndex((c) => c.cell_type === "code" && tagged(c, PARAMETERS_TAG));
  const known = new Map((notebookParameters(copy) ?? []).map((p) => [p.name, p.keyword]));
  const lines = names.map((name) =>
    `${known.get(name) ?? "const"} ${name} = ${JSON.stringify(parameters[name])};`
  );
  const cell: NotebookCell = {
    cell_type: "code",
    execution_count: null,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    source: ["// Parameters injected by `deno task report`\n", lines.join("\n")],
  };
  if (copy.nbformat > 4 || (copy.nbformat === 4 && copy.nbformat_minor >= 5)) {
    cell.id = INJECTED_TAG;
  }
  copy.cells.splice(at + 1, 0, cell);
  return copy;
}

/**
 * The name of an execution's files: the notebook's name, then `-name=value` for each parameter
 * injected (strings as they are, other values as JSON), with characters unsafe in file names
 * and URLs replaced by `_`; a long name is cut and ends with a hash of the whole, so names of
 * different combinations stay apart.
 *
 * @example File names of executions
 * ```ts
 * import { executionName } from "./parameters.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(executionName("train_kneighbors", { nNeighbors: 7 }), "train_kneighbors-nNeighbors=7");
 * assert.equal(executionName("train_kneighbors", {}), "train_kneighbors");
 * assert.equal(executionName("nb", { metric: "a/b c" }), "nb-metric=a_b_c");
 * ```
 */
export function executionName(notebook: string, parameters: Record<string, unknown>): string {
  const parts = Object.entries(parameters).map(([name, value]) =>
    `-${name}=${typeof value === "string" ? value : JSON.stringify(value)}`
  );
  const whole = notebook + parts.join("");
  const safe = whole.replace(/[^\w.,=+@-]/g, "_");
  if (safe.length <= 120) return safe;
  return `${safe.slice(0, 100)}-${createHash("sha256").update(whole).digest("hex").slice(0, 12)}`;
}
