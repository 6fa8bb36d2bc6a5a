/**
 * How objects show themselves: the symbols Deno's Jupyter kernel and its console look for, the
 * MIME bundles a display sends, and whether code runs inside the kernel. Nothing here touches
 * `Deno.jupyter` at import time, so the same objects work under `deno test` and in scripts.
 *
 * @module
 */

/**
 * The symbol Deno's Jupyter kernel looks for (`Symbol.for("Jupyter.display")`): an object with a
 * method under it is shown with the MIME bundle that method returns (or resolves to) when it is
 * a cell's last expression or is passed to `Deno.jupyter.display`.
 *
 * @example An object that shows as bold text
 * ```ts
 * import { JUPYTER_DISPLAY } from "./jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const greeting = {
 *   [JUPYTER_DISPLAY]: () => ({ "text/html": "<b>hello</b>", "text/plain": "hello" }),
 * };
 * assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
 * assert.equal(greeting[JUPYTER_DISPLAY]()["text/plain"], "hello");
 * ```
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/**
 * The symbol Deno's `console.log`, `Deno.inspect` and REPL look for
 * (`Symbol.for("Deno.customInspect")`): a method under it returns the text an object shows as.
 *
 * @example An object that logs as one line
 * ```ts
 * import { DENO_INSPECT } from "./jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const run = { [DENO_INSPECT]: () => "Run knn-5 (FINISHED)" };
 * assert.equal(Deno.inspect(run), "Run knn-5 (FINISHED)");
 * ```
 */
export const DENO_INSPECT: unique symbol = Symbol.for("Deno.customInspect");

/** A MIME bundle of HTML with a plain-text form for frontends that do not render HTML. */
export type HtmlBundle = { "text/html": string; "text/plain": string };

/** The options `Deno.jupyter.display` takes (see `Deno.jupyter.DisplayOptions`). */
export interface DisplayOptions {
  /** Send the object as a ready MIME bundle. */
  raw?: boolean;
  /** Replace the output shown under `display_id` instead of adding one. */
  update?: boolean;
  /** The id that later updates refer to. */
  display_id?: string;
}

/** A function with the shape of `Deno.jupyter.display`, for HTML bundles. */
export type DisplayFn = (bundle: HtmlBundle, options: DisplayOptions) => Promise<void>;

/** `Deno.jupyter` inside Deno's Jupyter kernel, else undefined. */
function jupyterNamespace(): { display?: unknown } | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: unknown }).jupyter;
    return typeof jupyter === "object" && jupyter !== null ? jupyter : undefined;
  } catch {
    return undefined; // outside `deno jupyter` the property exists but its getter throws
  }
}

/**
 * Whether this code runs inside Deno's Jupyter kernel.
 *
 * @example Under `deno test`
 * ```ts
 * import { inJupyter } from "./jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inJupyter(), false);
 * ```
 */
export function inJupyter(): boolean {
  return jupyterNamespace() !== undefined;
}

/**
 * `Deno.jupyter.display` inside Deno's Jupyter kernel, else undefined.
 *
 * @example Under `deno test`
 * ```ts
 * import { jupyterDisplay } from "./jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(jupyterDisplay(), undefined);
 * ```
 */
export function jupyterDisplay(): DisplayFn | undefined {
  const jupyter = jupyterNamespace();
  return typeof jupyter?.display === "function"
    ? jupyter.display.bind(jupyter) as DisplayFn
    : undefined;
}
