/**
 * MLflow's UI over a local file store (`mlruns/`), served by the real `mlflow server` from the
 * project's venv. MLflow ≥ 3.13 refuses file stores unless `MLFLOW_ALLOW_FILE_STORE=true`, which
 * is set here.
 *
 * @module
 */

import { join } from "node:path";
import { freePort, waitForHttp } from "./net.ts";
import { ensureVenv, VENV_DIR } from "./python.ts";

/**
 * The command line (program first) that serves the file store at the absolute path `store` with
 * MLflow's UI on `host:port`; artifacts of experiments created from the UI go into the store too.
 * Run it with `MLFLOW_ALLOW_FILE_STORE=true` in its environment.
 *
 * @example
 * ```ts
 * import { uiCommand } from "./mlflow_ui.ts";
 *
 * const [program, ...args] = uiCommand("/srv/mlruns", "127.0.0.1", 5000);
 * console.log(args.slice(0, 3)); // ["server", "--backend-store-uri", "file:///srv/mlruns"]
 * ```
 */
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

/**
 * A running MLflow UI server.
 *
 * @example
 * ```ts ignore
 * import { startUi, type UiServer } from "./mlflow_ui.ts";
 *
 * const ui: UiServer = await startUi("/tmp/mlruns");
 * console.log(ui.url);
 * await ui.close();
 * ```
 */
export interface UiServer extends AsyncDisposable {
  /** Its base URL, e.g. `http://127.0.0.1:5000`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts MLflow's UI over the file store at the absolute path `store` on a free loopback port
 * and waits until it answers `/health`.
 *
 * @example
 * ```ts ignore
 * import { startUi } from "./mlflow_ui.ts";
 *
 * await using ui = await startUi("/tmp/mlruns");
 * const runs = await fetch(`${ui.url}/api/2.0/mlflow/runs/search`, {
 *   method: "POST",
 *   headers: { "Content-Type": "application/json" },
 *   body: JSON.stringify({ experiment_ids: ["0"] }),
 * });
 * ```
 */
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

/**
 * The address of an experiment's runs in MLflow's UI. MLflow 3's UI opens an experiment on its
 * GenAI "Traces" page unless the address asks for the machine-learning view
 * (`workflowType=machine_learning`), which lists its training runs.
 *
 * @example
 * ```ts
 * import { experimentLink } from "./mlflow_ui.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   experimentLink("http://127.0.0.1:5000", "42"),
 *   "http://127.0.0.1:5000/#/experiments/42?workflowType=machine_learning",
 * );
 * ```
 */
export function experimentLink(uiUrl: string, experimentId: string): string {
  return `${uiUrl.replace(/\/+$/, "")}/#/experiments/${encodeURIComponent(experimentId)}` +
    `?workflowType=machine_learning`;
}
