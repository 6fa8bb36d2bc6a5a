/**
 * A throw-away PostgreSQL cluster from Debian's `postgresql` packages, for an MLflow server's
 * backend store: created with `initdb` in a folder of the caller's, on a free loopback port, with
 * trust authentication and no fsync, run as the `postgres` user when started as root.
 *
 * @module
 */

import { join } from "node:path";
import { exists } from "./fs.ts";
import { freePort } from "./net.ts";
import { atAbruptExit, markerEnv, reap, signalProcess, tail } from "./processes.ts";

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
 * `/usr/lib/postgresql/<version>/bin/initdb` and `postgres`), so {@linkcode startPostgres} can
 * run.
 *
 * @example
 * ```ts
 * import { postgresAvailable } from "./postgres.ts";
 *
 * if (!(await postgresAvailable())) console.log("apt-get install postgresql for these tests");
 * ```
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

/**
 * A running PostgreSQL cluster.
 *
 * @example
 * ```ts ignore
 * import { type PostgresCluster, startPostgres } from "./postgres.ts";
 *
 * const cluster: PostgresCluster = await startPostgres("/tmp/pg");
 * console.log(cluster.port, cluster.uri);
 * await cluster.stop();
 * ```
 */
export interface PostgresCluster {
  /** Its loopback TCP port. */
  port: number;
  /** SQLAlchemy's URI of its `mlflow` database (user `postgres`, no password, psycopg2). */
  uri: string;
  /** Stops it (a fast shutdown) and kills whatever of it is left; the data folder stays. */
  stop(): Promise<void>;
}

/**
 * Options of {@linkcode startPostgres}.
 *
 * @example
 * ```ts ignore
 * import { type PostgresOptions, startPostgres } from "./postgres.ts";
 *
 * const options: PostgresOptions = { marker: "/tmp/server#postgres", interceptSignals: false };
 * const cluster = await startPostgres("/tmp/server/postgres", options);
 * ```
 */
export interface PostgresOptions {
  /** The marker value its processes carry (see `markerEnv`). @default `${root}#postgres` */
  marker?: string;
  /**
   * Whether SIGINT, SIGTERM and SIGHUP shut the cluster down and exit the Deno process (see
   * `atAbruptExit`); `false` for a program that stops it on these signals itself. @default true
   */
  interceptSignals?: boolean;
}

/**
 * Starts a PostgreSQL cluster in `root/data` (created with initdb unless it exists) on a free
 * loopback port, with its socket and log in `root`, trust authentication and no fsync, and makes
 * sure it holds a database `mlflow`. Needs {@linkcode postgresAvailable}; as root, the `postgres`
 * system user runs it and is given `root`.
 *
 * @example
 * ```ts ignore
 * import { startPostgres } from "./postgres.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.chmod(root, 0o755); // the postgres user must reach its folder
 * const cluster = await startPostgres(`${root}/postgres`);
 * try {
 *   console.log(cluster.uri); // postgresql+psycopg2://postgres@127.0.0.1:<port>/mlflow
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 */
export async function startPostgres(
  root: string,
  options: PostgresOptions = {},
): Promise<PostgresCluster> {
  const markerValue = options.marker ?? `${root}#postgres`;
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
  const env = { LC_ALL: "C", ...markerEnv(markerValue) };
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
  const serverOptions = Object.entries(settings).map(([k, v]) => `-c ${k}='${v}'`).join(" ");
  let postmaster: number | undefined;
  // SIGINT is PostgreSQL's fast shutdown; the postmaster finishes it on its own.
  const forget = atAbruptExit(() => {
    if (postmaster) signalProcess(postmaster, "SIGINT");
  }, { interceptSignals: options.interceptSignals ?? true });
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
      serverOptions,
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
