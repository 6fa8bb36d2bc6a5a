/**
 * Jupyter with the Deno kernel, kept inside the project (see `harness/jupyter.ts`):
 *
 * - `deno task report [notebook…] [--no-input]` executes notebooks with Jupyter's own
 *   `nbconvert --execute` and writes `reports/<name>.html`.
 * - `deno task lab [--port 8888] [jupyter lab flags…]` starts JupyterLab with the Deno kernel and
 *   prints where to open it; Ctrl-C stops it and its kernels.
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { listNotebooks, renderReport } from "../harness/jupyter.ts";
import { runLab } from "../harness/jupyter_lab.ts";
import { REPO_ROOT } from "../harness/python.ts";

if (Deno.args[0] === "--lab") {
  // Everything but --port goes to `jupyter lab` as it is (--no-browser, --notebook-dir, …).
  const rest = Deno.args.slice(1);
  let port = 8888;
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--port") port = Number(rest[++i]);
    else if (arg.startsWith("--port=")) port = Number(arg.slice("--port=".length));
    else args.push(arg);
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`--port must be a port number, got ${port}`);
    Deno.exit(2);
  }
  Deno.exit(await runLab({ port, args }));
}
const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    "no-input": { type: "boolean", default: false },
  },
});
const notebooks = positionals.length ? positionals.map((p) => resolve(p)) : listNotebooks();
for (const nb of notebooks) {
  const t0 = performance.now();
  const report = await renderReport(nb, { noInput: values["no-input"] });
  console.log(
    `${relative(REPO_ROOT, report)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
