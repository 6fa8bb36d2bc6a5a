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
import {
  type Experiment,
  FileStore,
  isServerUri,
  RestStore,
  type TrackingStore,
} from "../lib/tracking/mod.ts";
import { uriToPath } from "../lib/tracking/uri.ts";
import { experimentLink, uiCommand } from "../harness/mlflow_ui.ts";
import { ensureVenv, REPO_ROOT } from "../harness/python.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "5000" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
/** One line per experiment: its name and the address of its runs in the UI. */
async function printLinks(store: TrackingStore, uiUrl: string): Promise<void> {
  const experiments: Experiment[] = await store.searchExperiments({ orderBy: ["name ASC"] });
  if (!experiments.length) return;
  console.log("Experiments, opened on their runs:");
  const width = Math.max(...experiments.map((e) => e.name.length));
  for (const e of experiments) {
    console.log(`  ${e.name.padEnd(width)}  ${experimentLink(uiUrl, e.experimentId)}`);
  }
  console.log(`Registered models: ${uiUrl}/#/models`);
}

const env = Deno.env.get("MLFLOW_TRACKING_URI");
if (env && isServerUri(env)) {
  // A tracking server serves its own UI.
  const server = new RestStore(env);
  console.log(`MLFLOW_TRACKING_URI is a tracking server; its UI is ${server.uri}`);
  await printLinks(server, server.uri);
  Deno.exit(0);
}
await ensureVenv();
const store = env ? uriToPath(env) : join(REPO_ROOT, "mlruns");
// A store cloned from git records the Default experiment's old folder; repoint it first.
const local = new FileStore(store);
local.ensureRoot();
const [cmd, ...args] = uiCommand(store, values.host, Number(values.port));
const uiUrl = `http://${values.host}:${values.port}`;
console.log(`MLflow UI on ${uiUrl} (store: ${store}); Ctrl-C stops it.`);
await printLinks(local, uiUrl);
const child = new Deno.Command(cmd!, {
  args,
  env: { MLFLOW_ALLOW_FILE_STORE: "true" },
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
Deno.exit((await child.status).code);
