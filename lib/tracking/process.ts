/**
 * Where a run lives: the process that started it (host, process id, and when that process
 * started, so a reused process id is not taken for it), recorded in the run's `deno.process` tag.
 * A RUNNING run whose process is gone — a kernel restarted or killed mid-run — is *stale*: it
 * would stay RUNNING forever, in MLflow's UI too. Only runs of this host are judged; a run
 * started elsewhere is never called stale.
 *
 * @module
 */

import { hostname } from "node:os";
import type { RunData, RunInfo } from "./entities.ts";

/** The run tag recording the process a run lives in (JSON of {@linkcode RunProcess}). */
export const PROCESS_TAG = "deno.process";

/** The process a run lives in. */
export interface RunProcess {
  /** The host's name. */
  host: string;
  /** The process id. */
  pid: number;
  /** The boot this process belongs to (Linux's boot id), so ids of an earlier boot never match. */
  boot: string;
  /** When the process started, in clock ticks since boot (Linux), so a reused id never matches. */
  start: number;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function startTicks(pid: number | "self"): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

function bootId(): string {
  return readText("/proc/sys/kernel/random/boot_id")?.trim() ?? "";
}

/**
 * This process, as a run records it.
 *
 * @example
 * ```ts
 * import { currentProcess } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * const me = currentProcess();
 * assert.equal(me.pid, Deno.pid);
 * ```
 */
export function currentProcess(): RunProcess {
  return { host: hostname(), pid: Deno.pid, boot: bootId(), start: startTicks("self") ?? 0 };
}

/** The process a run records, or null when it records none (or not in a form this reads). */
export function runProcess(data: RunData): RunProcess | null {
  const raw = data.tags[PROCESS_TAG];
  if (raw === undefined) return null;
  try {
    const p = JSON.parse(raw) as RunProcess;
    if (typeof p.host !== "string" || !Number.isInteger(p.pid)) return null;
    return p;
  } catch {
    return null;
  }
}

/**
 * Whether a process recorded on this host is gone: no process with its id, or one that started
 * at another time (its id was reused), or it belongs to an earlier boot. A process of another
 * host is never judged gone.
 *
 * @example
 * ```ts
 * import { currentProcess, processGone } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(processGone(currentProcess()), false);
 * assert.equal(processGone({ ...currentProcess(), start: -1 }), true);
 * assert.equal(processGone({ ...currentProcess(), host: "elsewhere", start: -1 }), false);
 * ```
 */
export function processGone(p: RunProcess): boolean {
  const me = currentProcess();
  if (p.host !== me.host) return false;
  if (p.boot && me.boot && p.boot !== me.boot) return true;
  const start = startTicks(p.pid);
  if (start === null) {
    if (me.start === 0) return false; // no /proc here: cannot tell
    return true;
  }
  return p.start !== 0 && start !== p.start;
}

/**
 * Whether a run is stale: RUNNING, started by a process of this host that is gone.
 *
 * @example
 * ```ts
 * import { currentProcess, isStale, PROCESS_TAG } from "./process.ts";
 * import assert from "node:assert/strict";
 *
 * const info = { status: "RUNNING" as const };
 * const gone = { ...currentProcess(), pid: 2 ** 22 + 1 };
 * const tags = (p: object) => ({ params: {}, metrics: {}, tags: { [PROCESS_TAG]: JSON.stringify(p) } });
 * assert.equal(isStale(info, tags(gone)), true);
 * assert.equal(isStale(info, tags(currentProcess())), false);
 * assert.equal(isStale({ status: "FINISHED" }, tags(gone)), false);
 * ```
 */
export function isStale(info: Pick<RunInfo, "status">, data: RunData): boolean {
  if (info.status !== "RUNNING") return false;
  const p = runProcess(data);
  return p !== null && processGone(p);
}
