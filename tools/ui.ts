/**
 * `deno task ui`: the real MLflow UI on the repository's `mlruns/` store (or the file store
 * `MLFLOW_TRACKING_URI` names), from the project's venv. See `harness/mlflow_ui.ts`.
 *
 * Usage: `deno task ui [--port 5000] [--host 127.0.0.1]`
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { FileStore, isServerUri, RestStore } from "../lib/tracking/mod.ts";
import { uiCommand } from "../harness/mlflow_ui.ts";
import { ensureVenv, REPO_ROOT } from "../harness/python.ts";

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
