/**
 * Jupyter with the Deno kernel, kept inside the project (see `harness/jupyter.ts`):
 *
 * - `deno task report [notebook…] [-p name=value…] [--grid file] [--no-input]` executes
 *   notebooks with Jupyter's nbconvert executor and writes `reports/<name>.html` and the
 *   executed `reports/<name>.ipynb`, attached to the runs each execution logs; parameters are
 *   injected after the cell tagged `parameters`, and a list of values runs one execution per
 *   combination under one parent run (`harness/report.ts`).
 * - `deno task lab [--port 8888] [jupyter lab flags…]` starts JupyterLab with the Deno kernel and
 *   prints where to open it; Ctrl-C stops it and its kernels.
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { listNotebooks, REPORTS_DIR } from "../harness/jupyter.ts";
import { runLab } from "../harness/jupyter_lab.ts";
import { parameterGrid } from "../harness/parameters.ts";
import { describeParameters, planReport, type ReportPlan, runReport } from "../harness/report.ts";
import { parseReportArgs, REPORT_USAGE, type ReportArgs } from "../harness/report_args.ts";

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
let args: ReportArgs;
try {
  args = parseReportArgs(Deno.args);
} catch (e) {
  console.error(`${(e as Error).message}\n\n${REPORT_USAGE}`);
  Deno.exit(2);
}
if (args.help) {
  console.log(REPORT_USAGE);
  Deno.exit(0);
}
const outDir = args.outDir ? resolve(args.outDir) : REPORTS_DIR;
const shown = (path: string) => {
  const rel = relative(Deno.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
};
const plans: ReportPlan[] = [];
try {
  // Every notebook and parameter is checked before anything runs, so a mistake logs nothing.
  const notebooks = args.notebooks.length ? args.notebooks.map((p) => resolve(p)) : listNotebooks();
  const gridFile = args.grid ? JSON.parse(await Deno.readTextFile(args.grid)) : undefined;
  const grid = parameterGrid(args.parameters, gridFile);
  if (Object.keys(grid).length && notebooks.length !== 1) {
    throw new Error(`Parameters go to one notebook at a time; ${notebooks.length} were given`);
  }
  for (const nb of notebooks) plans.push(await planReport(nb, grid));
} catch (e) {
  console.error((e as Error).message);
  Deno.exit(2);
}

let failures = 0;
for (const plan of plans) {
  const report = await runReport(plan, {
    noInput: args.noInput,
    outDir,
    ...(args.timeout !== undefined ? { timeout: args.timeout } : {}),
    ...(args.metric !== undefined ? { metric: args.metric } : {}),
    greaterIsBetter: !args.lowerIsBetter,
  });
  for (const e of report.executions) {
    const runs = `${e.runs.length} run${e.runs.length === 1 ? "" : "s"}`;
    const what = plan.executions.length > 1 || Object.keys(e.parameters).length
      ? `${describeParameters(e.parameters)}: `
      : "";
    console.log(
      `${what}${shown(e.html)}, ${shown(e.notebook ?? "")} (${e.seconds.toFixed(1)} s, ${runs})` +
        (e.error ? ` FAILED:\n${indent(e.error)}` : ""),
    );
  }
  failures += report.failed;
  if (report.parent) {
    const tags = report.parent.data.tags;
    console.log(
      `Sweep run ${report.parent.info.runName} (${report.parent.info.runId}): ` +
        `${plan.executions.length} executions, ${report.failed} failed; best ` +
        (report.best
          ? `${report.best.info.runName} with ${tags["sweep.best_parameters"] ?? "?"}`
          : "none"),
    );
  }
}
if (failures) {
  console.error(`${failures} execution${failures === 1 ? "" : "s"} failed`);
  Deno.exit(1);
}

function indent(text: string): string {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}
