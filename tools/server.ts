/**
 * `deno task server`: a persistent `mlflow server` over `.server/` (SQLite, or a throw-away
 * PostgreSQL cluster from Debian's packages), until Ctrl-C. See `harness/mlflow_server.ts`.
 *
 * Usage: `deno task server [--backend sqlite|postgres] [--port 5000] [--workers 1]`
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { startTrackingServer } from "../harness/mlflow_server.ts";
import { REPO_ROOT } from "../harness/python.ts";

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
  interceptSignals: false,
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
