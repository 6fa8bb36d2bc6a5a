/**
 * Compiled charts kept for the next drawing of the same chart with other data. Compiling a
 * Vega-Lite spec to Vega and parsing that into Vega's runtime description cost about twice what
 * building a view and drawing it costs, and a notebook draws the same chart with new numbers on
 * every run (a run's confusion matrix, a comparison after each new run). So a spec whose data is
 * inline at its top (`data: { values: [...] }`) is compiled and parsed once per *template* — the
 * spec with those values left out — and each drawing builds a new view from a copy of the parsed
 * template with its own values put where Vega would have put them. A new view per drawing keeps
 * the SVG exactly what a view made from the whole spec draws (a view drawn twice keeps layout
 * state from the first drawing). The templates used last are kept ({@linkcode TEMPLATE_LIMIT}).
 *
 * Not part of the public API.
 *
 * @module
 */

import { loadVega } from "./_vega.ts";
import type { AnyVegaLiteSpec } from "./spec.ts";

type Vega = typeof import("npm:vega@5.33.1");
type Runtime = ReturnType<Vega["parse"]>;

/** How many compiled charts are kept (the one used longest ago is dropped first). */
export const TEMPLATE_LIMIT = 32;

/** A warning Vega-Lite gave while compiling: the arguments of its logger's `warn`. */
export type CompileWarning = readonly unknown[];

/** A chart compiled and parsed with an empty placeholder in place of its inline values. */
interface Template {
  /** Vega's runtime description of the chart (never handed to a view itself: views change it). */
  runtime: Runtime;
  /** The index of the operator that ingests the placeholder. */
  source: number;
  warnings: CompileWarning[];
}

/** Parsed operators as Vega's parser writes them: inline data is `value.$ingest`. */
type Operator = { value?: { $ingest?: unknown } };

const templates = new Map<string, Promise<Template | null>>();

/**
 * A spec's top-level inline values and the key of its template (the spec without them); null
 * when the spec is not drawn from a template (no top-level inline values, or inline data
 * deeper in the spec, which Vega-Lite may merge with the top-level data when they are equal).
 */
export function splitValues(spec: AnyVegaLiteSpec): { key: string; values: unknown[] } | null {
  const top = spec as Record<string, unknown>;
  const data = top.data as Record<string, unknown> | undefined;
  if (data === null || typeof data !== "object" || Object.keys(data).length !== 1) return null;
  const values = data.values;
  if (!Array.isArray(values)) return null;
  if (!values.every((v) => v !== null && typeof v === "object" && !Array.isArray(v))) return null;
  for (const [k, v] of Object.entries(top)) if (k !== "data" && holdsInlineData(v)) return null;
  return { key: JSON.stringify({ ...top, data: { values: [] } }), values };
}

function holdsInlineData(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsInlineData);
  if (value === null || typeof value !== "object") return false;
  const o = value as Record<string, unknown>;
  const data = o.data as Record<string, unknown> | undefined;
  if (data !== null && typeof data === "object" && "values" in data) return true;
  return Object.values(o).some(holdsInlineData);
}

/**
 * Compiles and parses the template `key`; null when Vega's runtime description does not hold
 * the placeholder in exactly one operator (the spec is then drawn whole).
 */
async function compileTemplate(key: string): Promise<Template | null> {
  const { vega, vl } = await loadVega();
  const placeholder: unknown[] = [];
  const spec = { ...JSON.parse(key), data: { values: placeholder } };
  const warnings: CompileWarning[] = [];
  const compiled = vl.compile(spec, { logger: recordingLogger(vega, warnings) }).spec;
  const runtime = vega.parse(compiled);
  const operators = (runtime as unknown as { operators: Operator[] }).operators;
  const sources = operators.flatMap((op, i) => op.value?.$ingest === placeholder ? [i] : []);
  if (sources.length !== 1) return null;
  return { runtime, source: sources[0]!, warnings };
}

/**
 * Vega's runtime description of the template `key` drawing `values` (a copy: Vega tags the
 * objects it ingests), with the warnings Vega-Lite gave when compiling it; null when the spec
 * must be drawn whole. Compiles the template on first use; a template that fails to compile is
 * not kept.
 */
export async function fromTemplate(
  key: string,
  values: unknown[],
): Promise<{ runtime: Runtime; warnings: CompileWarning[] } | null> {
  let pending = templates.get(key);
  if (pending) templates.delete(key); // kept last: the most recently used
  else pending = compileTemplate(key);
  templates.set(key, pending);
  while (templates.size > TEMPLATE_LIMIT) templates.delete(templates.keys().next().value!);
  let template: Template | null;
  try {
    template = await pending;
  } catch (e) {
    if (templates.get(key) === pending) templates.delete(key);
    throw e;
  }
  if (template === null) return null;
  const runtime = structuredClone(template.runtime);
  const operators = (runtime as unknown as { operators: Operator[] }).operators;
  operators[template.source]!.value!.$ingest = structuredClone(values);
  return { runtime, warnings: template.warnings };
}

/** A Vega logger that keeps warnings in `warnings` and sends errors to the console. */
export function recordingLogger(
  vega: Vega,
  warnings: CompileWarning[],
): ReturnType<Vega["logger"]> {
  const base = vega.logger(vega.Warn);
  const logger = {
    level(_?: number) {
      return _ === undefined ? base.level() : logger;
    },
    error(...args: readonly unknown[]) {
      base.error(...args);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as ReturnType<Vega["logger"]>;
}

/** How many compiled charts are kept now. */
export function templateCount(): number {
  return templates.size;
}
