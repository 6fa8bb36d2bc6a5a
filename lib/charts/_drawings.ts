/**
 * Charts drawn lately, by their whole spec: drawing a spec is a pure function of the spec and
 * the scale, and the same spec is drawn again often — a notebook re-run with the same settings
 * saves the same confusion matrix, and shows the chart it just saved from its `.vl.json`. A spec
 * is looked up by its JSON text, and only when that text says everything the spec holds: a spec
 * holding a value JSON cannot tell apart from another (a non-finite number, `-0`, `undefined`,
 * a `Date` or any object with its own `toJSON`) is always drawn.
 *
 * Not part of the public API.
 *
 * @module
 */

/** How many drawings are kept (the one used longest ago is dropped first). */
export const DRAWING_LIMIT = 32;

/** What drawing a spec gave: the SVG and the warnings Vega-Lite and Vega gave on the way. */
export interface Drawing {
  svg: string;
  /** Vega-Lite's, while compiling (the arguments of its logger's `warn`). */
  compileWarnings: readonly (readonly unknown[])[];
  /** Vega's, while drawing. */
  viewWarnings: readonly (readonly unknown[])[];
}

const drawings = new Map<string, Drawing>();

/** Thrown inside `JSON.stringify` when a value would lose something in JSON. */
class NotExact extends Error {}

/**
 * The key of a spec drawn at `scale`, or null when its JSON text does not say all it holds.
 */
export function drawingKey(spec: unknown, scale: number): string | null {
  try {
    return `${scale} ${
      JSON.stringify(spec, function (this: Record<string, unknown>, key, value) {
        const raw = key === "" ? spec : this[key];
        if (raw !== value) throw new NotExact(); // a toJSON (a Date, say) changed it
        if (typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) {
          throw new NotExact();
        }
        if (value === undefined || typeof value === "function" || typeof value === "symbol") {
          throw new NotExact();
        }
        return value;
      })
    }`;
  } catch (e) {
    if (e instanceof NotExact || e instanceof TypeError) return null; // TypeError: a bigint
    throw e;
  }
}

/** The drawing kept for `key`, if any (it becomes the most recently used). */
export function keptDrawing(key: string): Drawing | undefined {
  const drawing = drawings.get(key);
  if (drawing !== undefined) {
    drawings.delete(key);
    drawings.set(key, drawing);
  }
  return drawing;
}

/** Keeps a drawing for `key`, dropping the one used longest ago beyond the limit. */
export function keepDrawing(key: string, drawing: Drawing): void {
  drawings.delete(key);
  drawings.set(key, drawing);
  while (drawings.size > DRAWING_LIMIT) drawings.delete(drawings.keys().next().value!);
}
