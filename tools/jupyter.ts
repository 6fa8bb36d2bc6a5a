/**
 * Jupyter with the Deno kernel, kept inside the project (see `harness/jupyter.ts`):
 *
 * - `deno task report [notebook…] [--no-input]` executes notebooks with Jupyter's own
 *   `nbconvert --execute` and writes `reports/<name>.html`.
 * - `deno task lab [--port 8888]` starts JupyterLab with the Deno kernel.
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureKernel, labCommand, listNotebooks, renderReport } from "../harness/jupyter.ts";
import { ensureVenv, REPO_ROOT } from "../harness/python.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    "no-input": { type: "boolean", default: false },
    lab: { type: "boolean", default: false },
    port: { type: "string", default: "8888" },
  },
});
if (values.lab) {
  await ensureVenv();
  const env = await ensureKernel();
  const [cmd, ...args] = labCommand(Number(values.port));
  const child = new Deno.Command(cmd!, { args, env, stdout: "inherit", stderr: "inherit" })
    .spawn();
  Deno.exit((await child.status).code);
}
const notebooks = positionals.length ? positionals.map((p) => resolve(p)) : listNotebooks();
for (const nb of notebooks) {
  const t0 = performance.now();
  const report = await renderReport(nb, { noInput: values["no-input"] });
  console.log(
    `${relative(REPO_ROOT, report)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
