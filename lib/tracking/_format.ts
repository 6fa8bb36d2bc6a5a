/**
 * Text formats of the file store: meta.yaml documents (read as PyYAML would, written so that
 * PyYAML reads back exactly what was meant) and metric lines.
 *
 * @module
 */

import { isMap, isScalar, parseDocument } from "npm:yaml@2.9.1";

/** A value in a YAML document this module writes: scalars, lists of scalars, nested mappings. */
export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly (string | number | boolean | null)[]
  | { readonly [key: string]: YamlValue };

function yamlScalar(key: string, v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(`Cannot write ${key}: ${v} is not an integer`);
    }
    return String(v);
  }
  return JSON.stringify(v);
}

/**
 * Writes a mapping as PyYAML's `safe_dump(sort_keys=True)` would lay it out (block mappings,
 * sorted keys), but with every string double-quoted (JSON escapes are valid YAML), so YAML 1.1
 * readers never re-type a string such as `on`, `1e5` or `2024-01-01`. Lists of scalars are
 * written in flow style (`[0, 1]`); numbers must be integers. This is the writer of meta.yaml
 * files and of `MLmodel`.
 *
 * @example
 * ```ts
 * import { dumpYaml } from "./_format.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(dumpYaml({ name: "on", id: 1, tags: [] }), 'id: 1\nname: "on"\ntags: []\n');
 * assert.equal(dumpYaml({ flavors: { f: { classes: [0, 1] } } }), "flavors:\n  f:\n    classes: [0, 1]\n");
 * assert.equal(dumpYaml({ aliases: {}, name: "knn" }), 'aliases: {}\nname: "knn"\n');
 * ```
 */
export function dumpYaml(doc: { readonly [key: string]: YamlValue }, indent = ""): string {
  let out = "";
  for (const key of Object.keys(doc).sort()) {
    const v = doc[key];
    let text: string;
    if (Array.isArray(v)) text = ` [${v.map((x) => yamlScalar(key, x)).join(", ")}]`;
    else if (v !== null && typeof v === "object") {
      text = Object.keys(v).length === 0
        ? " {}\n"
        : `\n${dumpYaml(v as Record<string, YamlValue>, indent + "  ")}`;
      out += `${indent}${key}:${text}`;
      continue;
    } else text = ` ${yamlScalar(key, v as string | number | boolean | null)}`;
    out += `${indent}${key}:${text}\n`;
  }
  return out;
}

const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_]*): ?(.*)$/;

/**
 * Reads a meta.yaml document with every scalar kept as text (YAML's failsafe schema), so fields
 * that must be strings stay strings whatever PyYAML left unquoted; callers convert the fields
 * they know to be numbers. Flat one-line-per-key documents (what MLflow and this library write)
 * take a fast path; anything else goes through a full YAML parser, whose results are kept for
 * the documents parsed last (a run's dataset links, read with every `getRun`, are the same
 * text run after run); each call gets its own copy.
 */
export function parseYaml(text: string): Record<string, unknown> | null {
  const fast = parseFlat(text);
  if (fast !== undefined) return fast;
  let parsed = parsedDocuments.get(text);
  if (parsed === undefined) {
    parsed = parseDocumentText(text);
    if (parsedDocuments.size >= KEPT_DOCUMENTS) {
      parsedDocuments.delete(parsedDocuments.keys().next().value!);
    }
  } else parsedDocuments.delete(text); // kept last: the most recently used
  parsedDocuments.set(text, parsed);
  return structuredClone(parsed);
}

/** How many documents {@linkcode parseYaml} keeps parsed (of those its fast path cannot read). */
const KEPT_DOCUMENTS = 64;
const parsedDocuments = new Map<string, Record<string, unknown> | null>();

function parseDocumentText(text: string): Record<string, unknown> | null {
  const doc = parseDocument(text, { schema: "failsafe" });
  if (doc.errors.length) throw new SyntaxError(`meta.yaml: ${doc.errors[0]!.message}`);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === "")) return null;
  if (!isMap(contents)) throw new SyntaxError("meta.yaml does not hold a mapping");
  const out: Record<string, unknown> = {};
  for (const item of contents.items) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const v = item.value;
    if (v === null || v === undefined) out[key] = null;
    else if (isScalar(v)) {
      // Failsafe keeps every scalar as text; a plain null/~ is YAML's null all the same.
      out[key] = v.type === "PLAIN" && /^(null|Null|NULL|~|)$/.test(String(v.value))
        ? null
        : String(v.value);
    } else out[key] = (v as { toJSON(): unknown }).toJSON();
  }
  return out;
}

function parseFlat(text: string): Record<string, unknown> | null | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = SIMPLE_LINE.exec(line);
    if (!m) return undefined;
    const raw = m[2]!;
    let value: unknown;
    if (raw === "" || raw === "null" || raw === "~") value = null;
    else if (raw === "[]") value = [];
    else if (raw === "{}") value = {};
    else if (raw.startsWith("'")) {
      if (raw.length < 2 || !raw.endsWith("'")) return undefined;
      const inner = raw.slice(1, -1);
      if (/'(?!')/.test(inner.replaceAll("''", ""))) return undefined;
      value = inner.replaceAll("''", "'");
    } else if (raw.startsWith('"')) {
      // JSON strings are a subset of YAML double-quoted strings; YAML-only escapes fall back.
      try {
        value = JSON.parse(raw);
      } catch {
        return undefined;
      }
      if (typeof value !== "string") return undefined;
    } else if (/^[-?:,[\]{}#&*!|>%@`]/.test(raw) || raw.includes(" #") || raw.includes(": ")) {
      return undefined;
    } else value = raw.trimEnd();
    out[m[1]!] = value;
    any = true;
  }
  return any ? out : null;
}

/** Reads an integer field written by PyYAML (plain) or by a quoting writer; null stays null. */
export function intField(doc: Record<string, unknown>, key: string): number | null {
  const v = doc[key];
  if (v === null || v === undefined || v === "null" || v === "~" || v === "") return null;
  const n = Number(v);
  if (typeof v === "object" || !Number.isFinite(n)) {
    throw new SyntaxError(`field '${key}' is not a number: ${JSON.stringify(v)}`);
  }
  return n;
}

/** Reads a string field; a missing or null field gives `fallback`. */
export function strField(doc: Record<string, unknown>, key: string, fallback = ""): string {
  const v = doc[key];
  if (v === null || v === undefined) return fallback;
  if (typeof v === "object") throw new SyntaxError(`field '${key}' is not a string`);
  return String(v);
}

/**
 * Formats a metric value as Python's `repr(float)` does, which is what MLflow writes: the
 * shortest text that reads back as the same double, fixed notation for decimal exponents from
 * -4 to 15 (always with a fraction, e.g. `5.0`), otherwise scientific with a signed two-digit
 * exponent (`1e-05`, `1.5e+20`); `nan`, `inf` and `-inf` for the special values.
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp >= -4 && exp < 16) {
    let body: string;
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      body = `${intPart}.${frac || "0"}`;
    } else {
      body = `0.${"0".repeat(-exp - 1)}${digits}`;
    }
    return sign + body;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

/** Parses a metric value as Python's `float()` does, including `nan`, `inf`, `infinity`. */
export function parseFloatText(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === "nan" || t === "+nan" || t === "-nan") return NaN;
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  const n = Number(t.replaceAll("_", ""));
  if (t === "" || Number.isNaN(n)) throw new SyntaxError(`'${text}' is not a number`);
  return n;
}

/** One point of a metric's history, as stored in a metric file line. */
export interface MetricLine {
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The value; NaN and ±Infinity are valid. */
  value: number;
  /** The step (0 for legacy two-field lines). */
  step: number;
}

/** Formats one metric file line: `<timestamp> <value> <step>\n`. */
export function formatMetricLine(timestamp: number, value: number, step: number): string {
  return `${timestamp} ${formatFloat(value)} ${step}\n`;
}

/**
 * Parses a metric file as MLflow's reader does: 2, 3 or 5 space-separated fields a line
 * (`timestamp value [step [dataset_name dataset_digest]]`); anything else is malformed.
 */
export function parseMetricLines(text: string, key: string): MetricLine[] {
  const out: MetricLine[] = [];
  const lines = text.split("\n");
  // The last element is "" when the text ends with its newline; otherwise it is a line whose
  // write never finished (a crash, a full disk, another client), which is not a point.
  lines.pop();
  for (const line of lines) {
    const fields = line.trim().split(" ");
    if (fields.length !== 2 && fields.length !== 3 && fields.length !== 5) {
      throw new SyntaxError(`Metric '${key}' is malformed; line: ${JSON.stringify(line)}`);
    }
    const timestamp = Number(fields[0]);
    const step = fields.length > 2 ? Number(fields[2]) : 0;
    if (!Number.isInteger(timestamp) || !Number.isInteger(step) || fields[0] === "") {
      throw new SyntaxError(`Metric '${key}' is malformed; line: ${JSON.stringify(line)}`);
    }
    out.push({ timestamp, value: parseFloatText(fields[1]!), step });
  }
  if (out.length === 0) throw new SyntaxError(`Metric '${key}' is malformed. No data found.`);
  return out;
}

/**
 * The latest point of a history as MLflow picks it: the greatest `(step, timestamp, value)`
 * tuple, compared as Python compares tuples (a NaN value never wins a tie against an earlier
 * line).
 */
export function latestPoint(points: MetricLine[]): MetricLine {
  let best = points[0]!;
  for (let i = 1; i < points.length; i++) {
    const p = points[i]!;
    if (
      p.step > best.step ||
      (p.step === best.step && (p.timestamp > best.timestamp ||
        (p.timestamp === best.timestamp && p.value > best.value)))
    ) best = p;
  }
  return best;
}
