/**
 * `deno task ui`: the real MLflow UI on the repository's `mlruns/` store, from the project's
 * venv. MLflow ≥ 3.13 refuses file stores unless `MLFLOW_ALLOW_FILE_STORE=true`, which this sets.
 *
 * Usage: `deno task ui [--port 5000] [--host 127.0.0.1]`
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { FileStore, isServerUri, RestStore } from "../lib/tracking/mod.ts";
import { ensureVenv, REPO_ROOT, VENV_DIR } from "./python.ts";

/** The command line that serves `store` with MLflow's UI on `host:port`. */
export function uiCommand(store: string, host = "127.0.0.1", port = 5000): string[] {
  return [
    join(VENV_DIR, "bin", "mlflow"),
    "server",
    "--backend-store-uri",
    `file://${store}`,
    // Keep artifacts of experiments created from the UI inside the store too.
    "--default-artifact-root",
    `file://${store}`,
    "--host",
    host,
    "--port",
    String(port),
    "--workers",
    "1",
  ];
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Polls `url` until it answers 2xx, or throws after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  timeoutMs = 60_000,
  init?: RequestInit,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.ok) return r;
      await r.body?.cancel();
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A running MLflow UI server. */
export interface UiServer extends AsyncDisposable {
  /** Its base URL, e.g. `http://127.0.0.1:5000`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts MLflow's UI over `store` on a free loopback port and waits until it answers. */
export async function startUi(store: string): Promise<UiServer> {
  await ensureVenv();
  const port = freePort();
  const [cmd, ...args] = uiCommand(store, "127.0.0.1", port);
  const child = new Deno.Command(cmd!, {
    args,
    env: { MLFLOW_ALLOW_FILE_STORE: "true" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  try {
    await (await waitForHttp(`${url}/health`)).body?.cancel();
  } catch (e) {
    await close();
    throw e;
  }
  return { url, close, [Symbol.asyncDispose]: close };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "5000" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  const env = Deno.env.get("MLFLOW_TRACKING_URI");
  if (env && isServerUri(env)) {
    // A tracking server serves its own UI.
    console.log(`MLFLOW_TRACKING_URI is a tracking server; its UI is ${new RestStore(env).uri}`);
    Deno.exit(0);
  }
  await ensureVenv();
  const store = env?.replace(/^file:\/\//, "") ?? join(REPO_ROOT, "mlruns");
  // A store cloned from git records the Default experiment's old folder; repoint it first.
  new FileStore(store).ensureRoot();
  const [cmd, ...args] = uiCommand(store, values.host, Number(values.port));
  console.log(
    `MLflow UI on http://${values.host}:${values.port} (store: ${store}); Ctrl-C stops it.`,
  );
  const child = new Deno.Command(cmd!, {
    args,
    env: { MLFLOW_ALLOW_FILE_STORE: "true" },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}
