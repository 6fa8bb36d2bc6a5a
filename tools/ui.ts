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

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "5000" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  await ensureVenv();
  const store = Deno.env.get("MLFLOW_TRACKING_URI")?.replace(/^file:\/\//, "") ??
    join(REPO_ROOT, "mlruns");
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
