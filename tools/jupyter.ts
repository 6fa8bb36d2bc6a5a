/**
 * Jupyter with the Deno kernel, kept inside the project: the kernelspec lives in `.jupyter/`
 * (never the user's home), Jupyter comes from the project's `.venv`.
 *
 * - `deno task report [notebook…] [--no-input]` executes notebooks with Jupyter's own
 *   `nbconvert --execute` and writes `reports/<name>.html`.
 * - `deno task lab` starts JupyterLab with the Deno kernel.
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureVenv, REPO_ROOT, VENV_DIR } from "./python.ts";

/** The project's Jupyter folders. */
export const JUPYTER_DIR: string = join(REPO_ROOT, ".jupyter");
/** Where reports are written. */
export const REPORTS_DIR: string = join(REPO_ROOT, "reports");
/** Where the notebooks are. */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");

/**
 * Writes the Deno kernelspec into `.jupyter/data/kernels/deno/` (pointing at the Deno running
 * this) and returns the environment that makes Jupyter use only the project's folders.
 */
export async function ensureKernel(): Promise<Record<string, string>> {
  const data = join(JUPYTER_DIR, "data");
  const kernelDir = join(data, "kernels", "deno");
  await Deno.mkdir(kernelDir, { recursive: true });
  const spec = {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
  };
  await Deno.writeTextFile(join(kernelDir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  return {
    JUPYTER_PATH: data,
    JUPYTER_DATA_DIR: data,
    JUPYTER_CONFIG_DIR: join(JUPYTER_DIR, "config"),
    JUPYTER_RUNTIME_DIR: join(JUPYTER_DIR, "runtime"),
    JUPYTER_PLATFORM_DIRS: "1",
    MLFLOW_ALLOW_FILE_STORE: "true",
  };
}

/**
 * The notebooks under `notebooks/` in the order a full run needs: the data first, the training
 * notebooks next, the comparison of every run last.
 */
export function listNotebooks(): string[] {
  const rank = (name: string) =>
    name.startsWith("explore") ? 0 : name.startsWith("compare") ? 2 : 1;
  return [...Deno.readDirSync(NOTEBOOKS_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => join(NOTEBOOKS_DIR, name));
}

/** Options of {@linkcode renderReport}. */
export interface ReportOptions {
  /** Hide code cells (a stakeholder report). @default false */
  noInput?: boolean;
  /** Folder to write `<name>.html` into. @default reports/ */
  outDir?: string;
  /** Seconds a cell may run. @default 600 */
  timeout?: number;
  /** Extra environment for the kernel (e.g. `MLFLOW_TRACKING_URI`). */
  env?: Record<string, string>;
}

/**
 * Executes a notebook top to bottom from a fresh Deno kernel with `jupyter nbconvert --execute`
 * and writes it as HTML; returns the report's path. Throws with Jupyter's output if a cell fails.
 */
export async function renderReport(notebook: string, options: ReportOptions = {}): Promise<string> {
  const { noInput = false, outDir = REPORTS_DIR, timeout = 600 } = options;
  await ensureVenv();
  const env = await ensureKernel();
  const path = resolve(notebook);
  await Deno.mkdir(outDir, { recursive: true });
  const name = basename(path, ".ipynb");
  const args = [
    "nbconvert",
    "--to",
    "html",
    // nbconvert's execution, with a preprocessor that also keeps outputs Deno's kernel
    // publishes just after a cell reports idle (see tools/py/deno_execute.py).
    `--Exporter.preprocessors=["deno_execute.DenoExecutePreprocessor"]`,
    "--DenoExecutePreprocessor.enabled=True",
    "--DenoExecutePreprocessor.kernel_name=deno",
    `--DenoExecutePreprocessor.timeout=${timeout}`,
    "--output-dir",
    outDir,
    "--output",
    name,
    ...(noInput ? ["--no-input"] : []),
    path,
  ];
  const out = await new Deno.Command(join(VENV_DIR, "bin", "jupyter"), {
    args,
    cwd: NOTEBOOKS_DIR,
    // The kernel inherits this environment; JPY_SESSION_NAME names the notebook as the source of
    // the runs it logs, as Jupyter's server does.
    env: {
      ...env,
      PYTHONPATH: join(REPO_ROOT, "tools", "py"),
      JPY_SESSION_NAME: path,
      ...options.env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    const text = new TextDecoder().decode(out.stderr);
    throw new Error(`Executing ${relative(REPO_ROOT, path)} failed:\n${text.slice(-6000)}`);
  }
  return join(outDir, `${name}.html`);
}

/**
 * The command line of `deno task lab`: JupyterLab from the venv on `127.0.0.1:port`, serving the
 * repository (run it with the environment {@linkcode ensureKernel} returns).
 */
export function labCommand(port = 8888, openBrowser = true): string[] {
  return [
    join(VENV_DIR, "bin", "jupyter"),
    "lab",
    `--ServerApp.root_dir=${REPO_ROOT}`,
    `--port=${port}`,
    "--ip=127.0.0.1",
    ...(openBrowser ? [] : ["--no-browser"]),
    // Jupyter refuses to run as root without this (containers, CI).
    ...(Deno.uid() === 0 ? ["--allow-root"] : []),
  ];
}

if (import.meta.main) {
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
}
