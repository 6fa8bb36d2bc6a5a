/**
 * A real `mlflow server` (MLflow's REST API, UI and artifact proxy) from the project's venv, for
 * tests, benchmarks and `deno task server`.
 *
 * {@linkcode startTrackingServer} runs the server on a free loopback port over a SQLite database
 * or a throw-away PostgreSQL cluster (`./postgres.ts`), with artifacts proxied into a local
 * folder. The server runs in its own session so that {@linkcode TrackingServer.stop} and
 * {@linkcode TrackingServer.kill} reach every uvicorn worker it forks; each process it starts
 * also carries a marker in its environment (`./processes.ts`), and anything still carrying it
 * after a stop is killed too.
 *
 * @module
 */

import { join } from "node:path";
import { exists } from "./fs.ts";
import { freePort } from "./net.ts";
import { type PostgresCluster, startPostgres } from "./postgres.ts";
import {
  atAbruptExit,
  environOf,
  markerEnv,
  reap,
  signalProcess,
  tail,
  within,
} from "./processes.ts";
import { ensureVenv, VENV_DIR } from "./python.ts";

export { postgresAvailable } from "./postgres.ts";

/**
 * The database behind the tracking server.
 *
 * @example
 * ```ts ignore
 * import { type Backend, startTrackingServer } from "./mlflow_server.ts";
 *
 * for (const backend of ["sqlite", "postgres"] as Backend[]) {
 *   await using server = await startTrackingServer({ backend });
 * }
 * ```
 */
export type Backend = "sqlite" | "postgres";

/**
 * A running (or stopped, restartable) `mlflow server`.
 *
 * @example
 * ```ts ignore
 * import { startTrackingServer, type TrackingServer } from "./mlflow_server.ts";
 *
 * const server: TrackingServer = await startTrackingServer();
 * await server.kill(); // a crash
 * await server.start(); // the same port, database and artifacts
 * await server.close();
 * ```
 */
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

/**
 * Options of {@linkcode startTrackingServer}.
 *
 * @example
 * ```ts ignore
 * import { startTrackingServer, type TrackingServerOptions } from "./mlflow_server.ts";
 *
 * const options: TrackingServerOptions = {
 *   backend: "postgres",
 *   workers: 2,
 *   args: ["--app-name", "basic-auth"],
 * };
 * await using server = await startTrackingServer(options);
 * ```
 */
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
  /**
   * Whether SIGINT, SIGTERM and SIGHUP kill the server (and its PostgreSQL cluster) and exit the
   * Deno process, as an uncaught error or exit does (default `true`). A command-line program
   * that stops the server gracefully on Ctrl-C itself passes `false`.
   */
  interceptSignals?: boolean;
}

/** How long a graceful stop may take before the process group is killed, in milliseconds. */
const STOP_GRACE_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The `mlflow server` command line (program first) for a backend store, an artifact folder it
 * proxies, a loopback port and a number of workers.
 *
 * @example
 * ```ts
 * import { serverCommand } from "./mlflow_server.ts";
 *
 * const [program, ...args] = serverCommand("sqlite:////tmp/s/mlflow.db", "/tmp/s/artifacts", 5000);
 * console.log(program!.endsWith("/.venv/bin/mlflow"), args[0]); // true "server"
 * ```
 */
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
 * import { startTrackingServer } from "./mlflow_server.ts";
 *
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
  const interceptSignals = options.interceptSignals ?? true;
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

  let postgres: PostgresCluster | undefined;
  let backendUri: string;
  if (backend === "postgres") {
    postgres = await startPostgres(join(dir, "postgres"), {
      marker: `${dir}#postgres`,
      interceptSignals,
    });
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
    signalProcess(-proc.pid, sig);
    if (sig === "SIGTERM" && !(await within(proc.status, STOP_GRACE_MS))) {
      signalProcess(-proc.pid, "SIGKILL");
    }
    await proc.status;
    signalProcess(-proc.pid, "SIGKILL"); // workers that outlive the main process
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
        ...markerEnv(markerValue),
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true, // its own session and process group, so signals reach every worker
    }).spawn();
    child = proc;
    exited = undefined;
    proc.status.then((status) => exited = status);
    forget = atAbruptExit(() => signalProcess(-proc.pid, "SIGKILL"), { interceptSignals });
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
      if (child) signalProcess(-child.pid, "SIGKILL"); // right away, even behind a pending operation
      return serial(() => halt("SIGKILL"));
    },
    start: () => serial(start),
    close: () => serial(close),
    [Symbol.asyncDispose]: () => serial(close),
  };
}
