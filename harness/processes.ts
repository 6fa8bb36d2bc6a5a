/**
 * Keeping track of the processes the harness starts, and ending them all.
 *
 * A harness starts servers that fork (uvicorn workers, PostgreSQL's backends), and a worker can
 * leave its process group. So each process the harness starts carries a marker variable in its
 * environment ({@linkcode markerEnv}), which its children inherit; {@linkcode reap} kills every
 * process still carrying a marker, and {@linkcode atAbruptExit} registers last-resort cleanups for
 * when the Deno process ends before its servers were stopped.
 *
 * @module
 */

/** The environment variable marking every process a harness starts (value: its folder + role). */
const MARKER = "MLFLOW_TEST_SERVER";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The environment entry that marks a process (and everything it forks) with `value`; merge it
 * into the environment of each program started, last, so nothing overrides it.
 *
 * @example
 * ```ts
 * import { markerEnv } from "./processes.ts";
 *
 * const command = new Deno.Command("sleep", {
 *   args: ["60"],
 *   env: { LC_ALL: "C", ...markerEnv("/tmp/my-server#db") },
 * });
 * ```
 */
export function markerEnv(value: string): Record<string, string> {
  return { [MARKER]: value };
}

/**
 * Ids of live processes whose environment carries the marker `value` (read from `/proc`; a
 * process this user may not read is not listed).
 *
 * @example
 * ```ts
 * import { markedProcesses } from "./processes.ts";
 *
 * console.log(await markedProcesses("/tmp/nothing-started-here#mlflow")); // []
 * ```
 */
export async function markedProcesses(value: string): Promise<number[]> {
  const wanted = `${MARKER}=${value}`;
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const environ = new TextDecoder().decode(await Deno.readFile(`/proc/${entry.name}/environ`));
      if (environ.split("\0").includes(wanted)) pids.push(Number(entry.name));
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return pids;
}

/**
 * The values of the environment variable `name` in the processes marked `value` (each distinct
 * value once), e.g. a folder a server chose at start-up and announced only to its children.
 *
 * @example
 * ```ts
 * import { environOf } from "./processes.ts";
 *
 * const folders = await environOf("/tmp/nothing-started-here#mlflow", "TMPDIR"); // []
 * ```
 */
export async function environOf(value: string, name: string): Promise<string[]> {
  const found = new Set<string>();
  for (const pid of await markedProcesses(value)) {
    try {
      const environ = new TextDecoder().decode(await Deno.readFile(`/proc/${pid}/environ`));
      for (const entry of environ.split("\0")) {
        if (entry.startsWith(`${name}=`)) found.add(entry.slice(name.length + 1));
      }
    } catch { /* exited meanwhile */ }
  }
  return [...found];
}

/**
 * Sends `sig` to a process (or, with a negative id, to a process group), ignoring that it is
 * already gone.
 *
 * @example
 * ```ts
 * import { signalProcess } from "./processes.ts";
 *
 * const child = new Deno.Command("sleep", { args: ["60"], detached: true }).spawn();
 * signalProcess(-child.pid, "SIGKILL"); // its whole process group
 * await child.status;
 * signalProcess(child.pid, "SIGKILL"); // gone: nothing happens
 * ```
 */
export function signalProcess(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* already gone */ }
}

/**
 * SIGKILLs every process marked `value` until none is left (they may have left their process
 * group); throws if some survive five seconds of it.
 *
 * @example
 * ```ts
 * import { markerEnv, markedProcesses, reap } from "./processes.ts";
 *
 * const marker = `reap-example-${crypto.randomUUID()}`;
 * const child = new Deno.Command("sleep", { args: ["60"], env: markerEnv(marker) }).spawn();
 * await reap(marker);
 * await child.status;
 * console.log(await markedProcesses(marker)); // []
 * ```
 */
export async function reap(value: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    const pids = await markedProcesses(value);
    if (pids.length === 0) return;
    if (attempt === 100) throw new Error(`processes ${pids.join(", ")} (${value}) survive SIGKILL`);
    for (const pid of pids) signalProcess(pid, "SIGKILL");
    await sleep(50);
  }
}

/**
 * Options of {@linkcode atAbruptExit}.
 *
 * @example
 * ```ts
 * import { atAbruptExit, type AbruptExitOptions } from "./processes.ts";
 *
 * // A command-line program that stops its server gracefully on Ctrl-C itself.
 * const options: AbruptExitOptions = { interceptSignals: false };
 * const forget = atAbruptExit(() => {}, options);
 * forget();
 * ```
 */
export interface AbruptExitOptions {
  /**
   * Also run the cleanups and exit (with 128 + the signal's number) on SIGINT, SIGTERM and SIGHUP.
   * A listener replaces a signal's default action, so a program that handles these signals
   * itself passes `false`. @default true
   */
  interceptSignals?: boolean;
}

/**
 * Synchronous last-resort cleanups, run when the Deno process exits, dies of an uncaught error or
 * is interrupted before they were forgotten: they only signal processes.
 */
const cleanups = new Set<() => void>();
/** How many registered cleanups asked for the signals to be intercepted. */
let signalUsers = 0;
const EXIT_CODES: Partial<Record<Deno.Signal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const EXIT_EVENTS = ["error", "unhandledrejection"] as const;

function cleanupAll(): void {
  for (const cleanup of cleanups) cleanup();
}
function cleanupOnUncaught(event: Event): void {
  if (!event.defaultPrevented) cleanupAll();
}
const exitOnSignal = Object.fromEntries(
  Object.entries(EXIT_CODES).map(([sig, code]) => [sig, () => {
    cleanupAll();
    Deno.exit(code);
  }]),
) as Partial<Record<Deno.Signal, () => void>>;

/**
 * Registers `cleanup` to run if the process ends before the returned function is called: at
 * exit, on an uncaught error or unhandled rejection, and (unless
 * {@linkcode AbruptExitOptions.interceptSignals} is `false`) on SIGINT, SIGTERM or SIGHUP. Call
 * the returned function once the cleanup is no longer needed; listeners are installed only while
 * something is registered.
 *
 * @example
 * ```ts
 * import { atAbruptExit, signalProcess } from "./processes.ts";
 *
 * const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
 * const forget = atAbruptExit(() => signalProcess(child.pid, "SIGKILL"));
 * // … use it; then stop it the ordinary way and forget the last resort:
 * child.kill("SIGTERM");
 * await child.status;
 * forget();
 * ```
 */
export function atAbruptExit(
  cleanup: () => void,
  options: AbruptExitOptions = {},
): () => void {
  const intercept = options.interceptSignals ?? true;
  const entry = () => cleanup();
  if (cleanups.size === 0) {
    globalThis.addEventListener("unload", cleanupAll);
    for (const type of EXIT_EVENTS) globalThis.addEventListener(type, cleanupOnUncaught);
  }
  cleanups.add(entry);
  if (intercept && signalUsers++ === 0) {
    for (const [sig, f] of Object.entries(exitOnSignal)) {
      Deno.addSignalListener(sig as Deno.Signal, f);
    }
  }
  return () => {
    if (!cleanups.delete(entry)) return;
    if (intercept && --signalUsers === 0) {
      for (const [sig, f] of Object.entries(exitOnSignal)) {
        Deno.removeSignalListener(sig as Deno.Signal, f);
      }
    }
    if (cleanups.size > 0) return;
    globalThis.removeEventListener("unload", cleanupAll);
    for (const type of EXIT_EVENTS) globalThis.removeEventListener(type, cleanupOnUncaught);
  };
}

/**
 * Resolves `promise`, or `undefined` once `ms` have passed (the timer is always cleared).
 *
 * @example
 * ```ts
 * import { within } from "./processes.ts";
 *
 * const child = new Deno.Command("sleep", { args: ["60"] }).spawn();
 * if (!(await within(child.status, 100))) child.kill("SIGKILL"); // still running after 100 ms
 * await child.status;
 * ```
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The last `chars` characters written to the log `file` from byte `offset` on, or `(no log)`
 * when it cannot be read; for error messages.
 *
 * @example
 * ```ts
 * import { tail } from "./processes.ts";
 *
 * const log = await Deno.makeTempFile();
 * await Deno.writeTextFile(log, "starting\nready\n");
 * console.log(await tail(log, 9)); // "ready\n"
 * console.log(await tail("/no/such/log")); // "(no log)"
 * await Deno.remove(log);
 * ```
 */
export async function tail(file: string, offset = 0, chars = 4000): Promise<string> {
  try {
    const bytes = await Deno.readFile(file);
    return new TextDecoder().decode(bytes.subarray(offset)).slice(-chars);
  } catch {
    return "(no log)";
  }
}
