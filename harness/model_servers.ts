/**
 * The two scoring servers the serve tests and benchmarks drive side by side: MLflow's own
 * (`mlflow models serve -m <uri> --env-manager local`, from the project's venv) and this
 * project's (`deno task serve <uri>`), each in a process of its own on a loopback port, over
 * the same tracking store.
 *
 * MLflow's server runs uvicorn from the venv's `bin/` (put on its `PATH`) in a session of its
 * own, so a stop reaches its workers; each process started carries a marker
 * (`./processes.ts`) and whatever still carries it after a stop is killed.
 *
 * @module
 */

import { join } from "node:path";
import { freePort } from "./net.ts";
import { atAbruptExit, markerEnv, reap, signalProcess, within } from "./processes.ts";
import { ensureVenv, REPO_ROOT, VENV_DIR } from "./python.ts";

/**
 * A scoring server running in a child process.
 *
 * @example
 * ```ts ignore
 * import { startMlflowModelServer, type ModelServer } from "./model_servers.ts";
 *
 * const server: ModelServer = await startMlflowModelServer("models:/m-…", { trackingUri: "/tmp/mlruns" });
 * await fetch(`${server.url}/ping`);
 * await server.stop();
 * ```
 */
export interface ModelServer extends AsyncDisposable {
  /** Its base URL, e.g. `http://127.0.0.1:5000` (no trailing slash). */
  url: string;
  /** The process id of the program started (`deno` or `mlflow`). */
  pid: number;
  /** Everything it printed so far (standard output and error). */
  output(): string;
  /** Sends `signal` (default SIGTERM) and waits for it to exit; returns its exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** Resolves with its exit status when it exits. */
  status: Promise<Deno.CommandStatus>;
}

/** Options of the start functions. */
export interface ModelServerOptions {
  /** The tracking store the model URI is looked up in (a folder or a server URL). */
  trackingUri: string;
  /** How long to wait for it to answer, in milliseconds. @default 120000 */
  timeoutMs?: number;
  /** More command-line flags. @default none */
  args?: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  marker: string,
  ready: (output: string) => string | undefined,
  timeoutMs: number,
): Promise<ModelServer> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: REPO_ROOT,
    env: { ...env, ...markerEnv(marker) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const forget = atAbruptExit(() => signalProcess(-child.pid, "SIGKILL"));
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) text += chunk;
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]).catch(() => {});
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then(async (s) => {
    exited = s;
    signalProcess(-child.pid, "SIGKILL"); // workers that outlive the main process
    await reap(marker);
    await within(reading, 5_000);
    forget();
    return s;
  });
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!exited) signalProcess(child.pid, signal);
    if (!(await within(status, 20_000))) signalProcess(-child.pid, "SIGKILL");
    return await status;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = ready(text);
    if (url) {
      try {
        const r = await fetch(`${url}/ping`);
        await r.body?.cancel();
        if (r.ok) {
          return {
            url,
            pid: child.pid,
            output: () => text,
            stop,
            status,
            [Symbol.asyncDispose]: async () => void await stop(),
          };
        }
      } catch { /* not up yet */ }
    }
    if (exited || Date.now() > deadline) {
      await stop("SIGKILL");
      throw new Error(
        `${cmd} ${args.join(" ")} ${exited ? `exited ${exited.code}` : "did not answer"}:\n${
          text.slice(-3000)
        }`,
      );
    }
    await sleep(100);
  }
}

/**
 * Starts `mlflow models serve -m <modelUri> --env-manager local` from the venv on a free
 * loopback port (MLflow's defaults otherwise: one uvicorn worker), with
 * `MLFLOW_ALLOW_FILE_STORE=true`, and waits for `/ping`.
 *
 * @example
 * ```ts ignore
 * import { startMlflowModelServer } from "./model_servers.ts";
 *
 * await using mlflow = await startMlflowModelServer("models:/m-…", { trackingUri: "/tmp/mlruns" });
 * ```
 */
export async function startMlflowModelServer(
  modelUri: string,
  options: ModelServerOptions,
): Promise<ModelServer> {
  await ensureVenv();
  const port = freePort();
  return await start(
    join(VENV_DIR, "bin", "mlflow"),
    [
      "models",
      "serve",
      "-m",
      modelUri,
      "--env-manager",
      "local",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...(options.args ?? []),
    ],
    {
      PATH: `${join(VENV_DIR, "bin")}:${Deno.env.get("PATH") ?? ""}`,
      MLFLOW_TRACKING_URI: options.trackingUri,
      MLFLOW_ALLOW_FILE_STORE: "true",
      MLFLOW_DISABLE_TELEMETRY: "true",
      PYTHONWARNINGS: "ignore",
    },
    `${modelUri}#mlflow-models-serve-${port}`,
    () => `http://127.0.0.1:${port}`,
    options.timeoutMs ?? 120_000,
  );
}

/**
 * Starts `deno task serve <modelUri> --port 0` (any free port) and waits for the line it prints
 * with its URL, then for `/ping`.
 *
 * @example
 * ```ts ignore
 * import { startDenoModelServer } from "./model_servers.ts";
 *
 * await using ours = await startDenoModelServer("models:/m-…", { trackingUri: "/tmp/mlruns" });
 * ```
 */
export async function startDenoModelServer(
  modelUri: string,
  options: ModelServerOptions,
): Promise<ModelServer> {
  const marker = `${modelUri}#deno-serve-${crypto.randomUUID()}`;
  return await start(
    Deno.execPath(),
    ["task", "serve", modelUri, "--port", "0", ...(options.args ?? [])],
    { MLFLOW_TRACKING_URI: options.trackingUri },
    marker,
    (output) => /on (http:\/\/\S+)/.exec(output)?.[1],
    options.timeoutMs ?? 60_000,
  );
}
