/**
 * `deno task serve <model-uri> [--port N] [--host H] [--max-body-mb N]`: serves a logged model
 * with MLflow's scoring protocol, as `mlflow models serve -m <model-uri>` does (same defaults:
 * 127.0.0.1:5000, or `MLFLOW_HOST` and `MLFLOW_PORT`). Models are found in the tracking store
 * of `MLFLOW_TRACKING_URI` (default: the repository's `mlruns/`). Prints one line with the
 * server's URL once it listens; SIGINT or SIGTERM stop it after answering the requests in
 * flight, with exit status 0 (a second signal stops it at once, exit status 1).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { serveModel } from "../lib/serve/mod.ts";

const USAGE = "usage: deno task serve <model-uri> [--port N] [--host H] [--max-body-mb N]\n" +
  "  <model-uri>  runs:/<run_id>/<name> or models:/<model_id>\n" +
  "  --port       port to listen on (default: $MLFLOW_PORT or 5000)\n" +
  "  --host       interface to listen on (default: $MLFLOW_HOST or 127.0.0.1)\n" +
  "  --max-body-mb  largest request body accepted, in MiB (default: 64)";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  Deno.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      port: { type: "string", short: "p" },
      host: { type: "string", short: "h" },
      "max-body-mb": { type: "string" },
      help: { type: "boolean" },
    },
  });
} catch (e) {
  fail((e as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
if (positionals.length !== 1) fail("Expected one model URI");
const port = Number(values.port ?? Deno.env.get("MLFLOW_PORT") ?? 5000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`Invalid port: ${values.port}`);
const maxBodyMb = Number(values["max-body-mb"] ?? 64);
if (!(maxBodyMb > 0)) fail(`Invalid --max-body-mb: ${values["max-body-mb"]}`);

// A signal before the server listens ends loading; after, a graceful shutdown; a second one
// while requests are still being answered ends at once.
let server: Awaited<ReturnType<typeof serveModel>> | undefined;
let signalled = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    if (!server) Deno.exit(0);
    if (signalled) {
      console.error("Stopped before every request was answered.");
      Deno.exit(1);
    }
    signalled = true;
    server.shutdown();
  });
}
try {
  server = await serveModel(positionals[0]!, {
    port,
    hostname: values.host ?? Deno.env.get("MLFLOW_HOST") ?? "127.0.0.1",
    maxBodyBytes: Math.round(maxBodyMb * 1024 * 1024),
  });
} catch (e) {
  console.error(`Cannot serve ${positionals[0]}: ${(e as Error).message}`);
  Deno.exit(1);
}
console.log(`Serving ${positionals[0]} on ${server.url} (MLflow scoring protocol; Ctrl-C stops)`);
await server.finished;
console.error("Stopped: every request answered.");
Deno.exit(0);
