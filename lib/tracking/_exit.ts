/**
 * Runs left active when the process exits end as MLflow's `atexit` hook ends them: FINISHED, or
 * FAILED after an uncaught error.
 *
 * @module
 */

import type { Run } from "./run.ts";
import { getStore } from "./tracking_uri.ts";

let crashed = false;

function endAll(runs: Run[]): Promise<unknown> | void {
  const store = getStore();
  const status = crashed ? "FAILED" : "FINISHED";
  const pending: Promise<unknown>[] = [];
  // Innermost first, each with the time it ends.
  for (const run of runs.splice(0).reverse()) {
    try {
      const done = store.updateRunInfo(run.info.runId, { status, endTime: Date.now() });
      if (done instanceof Promise) pending.push(done.catch(() => {}));
    } catch { /* the store may be gone */ }
  }
  if (pending.length) return Promise.all(pending);
}

/**
 * Ends the runs left on `stack` when the program ends. When the program has nothing left to do
 * (the event loop still runs), the runs are ended and awaited — a server needs requests; on an
 * abrupt exit (`Deno.exit`) only a store that writes synchronously (a local one) can still record
 * them.
 */
export function endRunsOnExit(stack: Run[]): void {
  globalThis.addEventListener?.("error", () => {
    crashed = true;
  });
  globalThis.addEventListener?.("unhandledrejection", () => {
    crashed = true;
  });
  globalThis.addEventListener?.("beforeunload", (event) => {
    if (!stack.length) return;
    const pending = endAll(stack);
    // Keep the loop alive for the server's answers; it winds down again once they are in.
    if (pending) event.preventDefault();
  });
  globalThis.addEventListener?.("unload", () => {
    endAll(stack);
  });
}
