/**
 * A real `mlflow server` (MLflow's REST API, UI and artifact proxy) from the project's venv, for
 * tests and benchmarks that talk to MLflow over HTTP.
 *
 * {@linkcode startTrackingServer} runs the server on a free loopback port over a SQLite database
 * or a throw-away PostgreSQL cluster (Debian's `postgresql` packages, run as the `postgres` user
 * when started as root), with artifacts proxied into a local folder. The server runs in its own
 * session so that {@linkcode TrackingServer.stop} and {@linkcode TrackingServer.kill} reach every
 * uvicorn worker it forks; each process it starts also carries a marker variable in its
 * environment, and anything still carrying it after a stop is killed too.
 *
 * Usage (a persistent server over `.server/`, until Ctrl-C):
 * `deno run -A tools/server.ts [--backend sqlite|postgres] [--port 5000] [--workers 1]`
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureVenv, exists, REPO_ROOT, VENV_DIR } from "./python.ts";

/** The database behind the tracking server. */
export type Backend = "sqlite" | "postgres";

/** A running (or stopped, restartable) `mlflow server`. */
export interface TrackingServer extends AsyncDisposable {
  /** Its base URL, e.g. `http://127.0.0.1:5000` (no trailing slash). */
  url: string;
  /** The database kind behind it. */
  backend: Backend;
  /** Its `--backend-store-uri`: `sqlite:////…/mlflow.db` or `postgresql+psycopg2://…/mlflow`. */
  backendUri: string;
  /** The local folder behind `--artifacts-destination`. */
  artifactsDir: string;
  /** The folder holding everything for this server (database, artifacts, `server.log`). */
  dir: string;
  /** The server's log (standard output and error of every process it starts). */
  logFile: string;
  /** Stops the server gracefully (SIGTERM to its whole process group) and waits for it. */
  stop(): Promise<void>;
  /** Kills the server and all its workers at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /**
   * Starts the server again on the same port over the same database and artifact folder (after
   * {@linkcode TrackingServer.stop} or {@linkcode TrackingServer.kill}) and waits for `/health`.
   */
  start(): Promise<void>;
  /** Stops the server and the PostgreSQL cluster, then removes {@linkcode TrackingServer.dir}. */
  close(): Promise<void>;
}

/** Options of {@linkcode startTrackingServer}. */
export interface TrackingServerOptions {
  /** The database: `sqlite` (default) or `postgres`. */
  backend?: Backend;
  /** Uvicorn worker processes (`--workers`, default 1). */
  workers?: number;
  /** More `mlflow server` flags, e.g. `["--app-name", "basic-auth"]`. */
  args?: string[];
  /** Extra environment for `mlflow server`, e.g. `{ MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "true" }`. */
  env?: Record<string, string>;
  /** The port (default: a free one). */
  port?: number;
  /** A folder to keep everything in; it survives {@linkcode TrackingServer.close} (default: a
   * fresh temporary folder, removed on close). */
  dir?: string;
  /** How long to wait for `/health` on each start, in milliseconds (default 120 s). */
  startTimeoutMs?: number;
}

/** The environment variable marking every process a harness starts (value: its folder + role). */
const MARKER = "MLFLOW_TEST_SERVER";
/** How long a graceful stop may take before the process group is killed, in milliseconds. */
const STOP_GRACE_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves `promise`, or `undefined` once `ms` have passed (the timer is always cleared). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
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

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Ids of live processes whose environment holds `MARKER=value`. */
async function markedProcesses(value: string): Promise<number[]> {
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

/** Values of `name` in the environments of processes marked `value`. */
async function environOf(value: string, name: string): Promise<string[]> {
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

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch { /* already gone */ }
}

/** SIGKILLs every process marked `value` until none is left (they may have left the group). */
async function reap(value: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    const pids = await markedProcesses(value);
    if (pids.length === 0) return;
    if (attempt === 100) throw new Error(`processes ${pids.join(", ")} (${value}) survive SIGKILL`);
    for (const pid of pids) signal(pid, "SIGKILL");
    await sleep(50);
  }
}

/**
 * Synchronous last-resort cleanups for servers still running when the Deno process exits, dies of
 * an uncaught error or is interrupted (SIGINT, SIGTERM, SIGHUP) before their `close()`: they only
 * signal processes (their temporary folders stay behind).
 */
const onAbruptExit = new Set<() => void>();
const EXIT_CODES: Partial<Record<Deno.Signal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
/** Off in the command-line tool, which stops its server gracefully on Ctrl-C itself. */
let interceptSignals = true;
function cleanupAll(): void {
  for (const cleanup of onAbruptExit) cleanup();
}
function cleanupOnUncaught(event: Event): void {
  if (!event.defaultPrevented) cleanupAll();
}
const EXIT_EVENTS = ["error", "unhandledrejection"] as const;
const exitOnSignal = Object.fromEntries(
  Object.entries(EXIT_CODES).map(([sig, code]) => [sig, () => {
    cleanupAll();
    Deno.exit(code);
  }]),
) as Partial<Record<Deno.Signal, () => void>>;

/** Registers `cleanup` to run if the process ends before the returned function is called. */
function atAbruptExit(cleanup: () => void): () => void {
  if (onAbruptExit.size === 0) {
    globalThis.addEventListener("unload", cleanupAll);
    for (const type of EXIT_EVENTS) globalThis.addEventListener(type, cleanupOnUncaught);
    // Only while something is registered: a listener replaces the signal's default action.
    if (interceptSignals) {
      for (const [sig, f] of Object.entries(exitOnSignal)) {
        Deno.addSignalListener(sig as Deno.Signal, f);
      }
    }
  }
  onAbruptExit.add(cleanup);
  return () => {
    if (!onAbruptExit.delete(cleanup) || onAbruptExit.size > 0) return;
    globalThis.removeEventListener("unload", cleanupAll);
    for (const type of EXIT_EVENTS) globalThis.removeEventListener(type, cleanupOnUncaught);
    if (interceptSignals) {
      for (const [sig, f] of Object.entries(exitOnSignal)) {
        Deno.removeSignalListener(sig as Deno.Signal, f);
      }
    }
  };
}

/** The last `chars` characters written to `file` from byte `offset` on. */
async function tail(file: string, offset = 0, chars = 4000): Promise<string> {
  try {
    const bytes = await Deno.readFile(file);
    return new TextDecoder().decode(bytes.subarray(offset)).slice(-chars);
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_ROOT = "/usr/lib/postgresql";

/** The `bin` folder of the newest PostgreSQL server installed from Debian's packages. */
async function postgresBinDir(): Promise<string | undefined> {
  let best: { version: number; bin: string } | undefined;
  try {
    for await (const entry of Deno.readDir(PG_ROOT)) {
      const bin = join(PG_ROOT, entry.name, "bin");
      const version = Number.parseFloat(entry.name);
      if (!(await exists(join(bin, "initdb")) && await exists(join(bin, "postgres")))) continue;
      if (!best || version > best.version) best = { version, bin };
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return best?.bin;
}

/**
 * Whether PostgreSQL's server binaries are installed (Debian's layout:
 * `/usr/lib/postgresql/<version>/bin/initdb` and `postgres`), so the `postgres` backend can run.
 */
export async function postgresAvailable(): Promise<boolean> {
  return (await postgresBinDir()) !== undefined;
}

/** The `postgres` system user's uid and gid, from `/etc/passwd`. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const line = (await Deno.readTextFile("/etc/passwd")).split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) {
    throw new Error("No 'postgres' system user: initdb and postgres refuse to run as root");
  }
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** A PostgreSQL cluster started by the harness. */
interface Postgres {
  port: number;
  uri: string;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL cluster in `root/data` (created with initdb unless it exists) on a free
 * loopback port, with its socket in `root`, trust authentication and no fsync, and makes sure it
 * holds a database `mlflow`.
 */
async function startPostgres(root: string, markerValue: string): Promise<Postgres> {
  const bin = await postgresBinDir();
  if (!bin) throw new Error(`No PostgreSQL server binaries under ${PG_ROOT}/*/bin`);
  const asRoot = Deno.uid() === 0;
  const data = join(root, "data");
  const log = join(root, "postgres.log");
  await Deno.mkdir(root, { recursive: true });
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    await Deno.chown(root, uid, gid);
  }
  const env = { [MARKER]: markerValue, LC_ALL: "C" };
  const pg = async (tool: string, args: string[]): Promise<string> => {
    const program = join(bin, tool);
    const out = await new Deno.Command(asRoot ? "runuser" : program, {
      args: asRoot ? ["-u", "postgres", "--", program, ...args] : args,
      cwd: root,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    if (!out.success) {
      throw new Error(
        `${tool} ${args.join(" ")} exited ${out.code}:\n${text(out.stderr)}\n${await tail(log)}`,
      );
    }
    return text(out.stdout);
  };

  if (!(await exists(join(data, "PG_VERSION")))) {
    await pg("initdb", [
      "--pgdata",
      data,
      "--username",
      "postgres",
      "--auth",
      "trust",
      "--encoding",
      "UTF8",
      "--locale",
      "C",
      "--no-sync",
      "--no-instructions",
    ]);
  }
  const port = freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: root,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
  };
  const options = Object.entries(settings).map(([k, v]) => `-c ${k}='${v}'`).join(" ");
  let postmaster: number | undefined;
  // SIGINT is PostgreSQL's fast shutdown; the postmaster finishes it on its own.
  const forget = atAbruptExit(() => {
    if (postmaster) signal(postmaster, "SIGINT");
  });
  const stop = async () => {
    try {
      await pg("pg_ctl", ["stop", "--pgdata", data, "--mode", "fast", "--wait", "--timeout", "30"]);
    } catch { /* killed below */ }
    await reap(markerValue);
    forget();
  };
  try {
    await pg("pg_ctl", [
      "start",
      "--pgdata",
      data,
      "--log",
      log,
      "--wait",
      "--timeout",
      "60",
      "-o",
      options,
    ]);
    postmaster = Number((await Deno.readTextFile(join(data, "postmaster.pid"))).split("\n")[0]);
    const connect = ["--host", "127.0.0.1", "--port", String(port), "--username", "postgres"];
    const found = await pg("psql", [
      ...connect,
      "--dbname",
      "postgres",
      "--tuples-only",
      "--no-align",
      "--command",
      "SELECT 1 FROM pg_database WHERE datname = 'mlflow'",
    ]);
    if (found.trim() !== "1") await pg("createdb", [...connect, "mlflow"]);
  } catch (e) {
    await stop();
    throw e;
  }
  // SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3; the venv has psycopg2.
  return { port, uri: `postgresql+psycopg2://postgres@127.0.0.1:${port}/mlflow`, stop };
}

// ---------------------------------------------------------------------------------------------
// mlflow server

/** The `mlflow server` command line for a backend store, artifact folder and port. */
export function serverCommand(
  backendUri: string,
  artifactsDir: string,
  port: number,
  workers = 1,
): string[] {
  return [
    join(VENV_DIR, "bin", "mlflow"),
    "server",
    "--backend-store-uri",
    backendUri,
    "--artifacts-destination",
    artifactsDir,
    "--serve-artifacts",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--workers",
    String(workers),
  ];
}

/**
 * Starts a real `mlflow server` from the project's venv over a fresh SQLite database (default) or
 * PostgreSQL cluster, with proxied artifacts in a local folder, on a free loopback port, and waits
 * until `/health` answers (the first start creates the schema, which takes several seconds).
 *
 * The server runs without MLflow's job runner (`MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false`, which
 * would fork huey consumers and leave a folder in `/dev/shm`) and without telemetry; `env` can
 * override both.
 *
 * @example
 * ```ts ignore
 * await using server = await startTrackingServer({ backend: "sqlite" });
 * const r = await fetch(`${server.url}/api/2.0/mlflow/experiments/search?max_results=10`);
 * ```
 */
export async function startTrackingServer(
  options: TrackingServerOptions = {},
): Promise<TrackingServer> {
  const backend = options.backend ?? "sqlite";
  if (backend !== "sqlite" && backend !== "postgres") {
    throw new Error(`Unknown backend '${backend}' (sqlite or postgres)`);
  }
  await ensureVenv();
  const temporary = options.dir === undefined;
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "mlflow-server-" });
  await Deno.mkdir(dir, { recursive: true });
  // The postgres user must reach its cluster inside this folder.
  if (temporary) await Deno.chmod(dir, 0o755);
  const artifactsDir = join(dir, "artifacts");
  await Deno.mkdir(artifactsDir, { recursive: true });
  const logFile = join(dir, "server.log");
  const port = options.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const markerValue = `${dir}#mlflow`;
  const timeoutMs = options.startTimeoutMs ?? 120_000;

  let postgres: Postgres | undefined;
  let backendUri: string;
  if (backend === "postgres") {
    postgres = await startPostgres(join(dir, "postgres"), `${dir}#postgres`);
    backendUri = postgres.uri;
  } else {
    backendUri = `sqlite:///${join(dir, "mlflow.db")}`;
  }

  let child: Deno.ChildProcess | undefined;
  let exited: Deno.CommandStatus | undefined;
  // Read through a function: TypeScript does not see the callback that sets it.
  const exitStatus = (): Deno.CommandStatus | undefined => exited;
  let logs: Promise<unknown> | undefined;
  let forget = () => {};
  // MLflow's job runner (when enabled) keeps its queue in a /dev/shm folder it never removes.
  let shm: string[] = [];

  const halt = async (sig: "SIGTERM" | "SIGKILL") => {
    const proc = child;
    if (!proc) return;
    signal(-proc.pid, sig);
    if (sig === "SIGTERM" && !(await within(proc.status, STOP_GRACE_MS))) {
      signal(-proc.pid, "SIGKILL");
    }
    await proc.status;
    signal(-proc.pid, "SIGKILL"); // workers that outlive the main process
    await reap(markerValue);
    await within(logs ?? Promise.resolve(), 5_000);
    for (const path of shm) await Deno.remove(path, { recursive: true }).catch(() => {});
    shm = [];
    child = undefined;
    forget();
  };

  const start = async () => {
    if (closed) throw new Error(`The server on ${url} is closed`);
    if (child && !exitStatus()) return;
    if (child) await halt("SIGKILL"); // it died on its own: collect what is left of it
    const logStart = (await exists(logFile)) ? (await Deno.stat(logFile)).size : 0;
    const [cmd, ...args] = serverCommand(backendUri, artifactsDir, port, options.workers ?? 1);
    const proc = new Deno.Command(cmd!, {
      args: [...args, ...(options.args ?? [])],
      cwd: dir,
      env: {
        MLFLOW_DISABLE_TELEMETRY: "true",
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
        PYTHONUNBUFFERED: "1",
        ...options.env,
        [MARKER]: markerValue,
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true, // its own session and process group, so signals reach every worker
    }).spawn();
    child = proc;
    exited = undefined;
    proc.status.then((status) => exited = status);
    forget = atAbruptExit(() => signal(-proc.pid, "SIGKILL"));
    const copy = async (stream: ReadableStream<Uint8Array>) => {
      const file = await Deno.open(logFile, { create: true, append: true });
      await stream.pipeTo(file.writable).catch(() => {});
    };
    logs = Promise.all([copy(proc.stdout), copy(proc.stderr)]);

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exitStatus()) break;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), 5_000);
      try {
        const r = await fetch(`${url}/health`, { signal: abort.signal });
        await r.body?.cancel();
        if (r.ok && !exitStatus()) {
          shm = await environOf(markerValue, "_MLFLOW_HUEY_STORAGE_PATH");
          return;
        }
      } catch {
        /* not up yet */
      } finally {
        clearTimeout(timer);
      }
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    const status = exitStatus();
    const why = status
      ? `exited with ${status.signal ?? status.code}`
      : `did not answer ${url}/health within ${timeoutMs / 1000} s`;
    await halt("SIGKILL");
    throw new Error(
      `mlflow server (${backendUri}) ${why}; ${logFile}:\n${await tail(logFile, logStart)}`,
    );
  };

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await halt("SIGTERM");
    } finally {
      await postgres?.stop();
      if (temporary) await Deno.remove(dir, { recursive: true });
    }
  };

  // One operation at a time, in call order (e.g. `void server.kill()` then `server.start()`).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (operation: () => Promise<void>): Promise<void> => {
    const done = queue.then(operation);
    queue = done.catch(() => {});
    return done;
  };

  try {
    await start();
  } catch (e) {
    await close();
    throw e;
  }
  return {
    url,
    backend,
    backendUri,
    artifactsDir,
    dir,
    logFile,
    stop: () => serial(() => halt("SIGTERM")),
    kill: () => {
      if (child) signal(-child.pid, "SIGKILL"); // right away, even behind a pending operation
      return serial(() => halt("SIGKILL"));
    },
    start: () => serial(start),
    close: () => serial(close),
    [Symbol.asyncDispose]: () => serial(close),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      backend: { type: "string", default: "sqlite" },
      port: { type: "string", default: "5000" },
      workers: { type: "string", default: "1" },
    },
  });
  if (values.backend !== "sqlite" && values.backend !== "postgres") {
    console.error(
      "usage: deno run -A tools/server.ts [--backend sqlite|postgres] [--port N] [--workers N]",
    );
    Deno.exit(2);
  }
  const dir = join(REPO_ROOT, ".server");
  // Ctrl-C stops the server gracefully, also while it is still starting.
  interceptSignals = false;
  let requestStop = () => {};
  const stopRequested = new Promise<void>((resolve) => requestStop = resolve);
  let stopping = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => {
      stopping = true;
      requestStop();
    });
  }
  console.error(`Starting mlflow server (${values.backend}) over ${dir} …`);
  const server = await startTrackingServer({
    backend: values.backend,
    port: Number(values.port),
    workers: Number(values.workers),
    dir,
  });
  if (!stopping) {
    console.log(`MLflow server on ${server.url} (${server.backendUri}; log: ${server.logFile})`);
    console.log(`export MLFLOW_TRACKING_URI=${server.url}`);
    console.error("Ctrl-C stops it.");
  }
  await stopRequested;
  console.error("Stopping …");
  await server.close();
  Deno.exit(0);
}
