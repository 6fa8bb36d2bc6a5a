/**
 * Jupyter with the Deno kernel, kept inside the project: the kernelspec lives in `.jupyter/`
 * (never the user's home), Jupyter comes from the project's `.venv`. Notebooks are executed with
 * Jupyter's own `nbconvert --execute` into HTML reports, through a preprocessor that keeps the
 * outputs Deno's kernel publishes late (`py/deno_execute.py`), and JupyterLab is started for
 * interactive work.
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureVenv, REPO_ROOT, VENV_DIR } from "./python.ts";

/**
 * The project's Jupyter folder (kernelspecs, configuration, runtime files).
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { JUPYTER_DIR } from "./jupyter.ts";
 *
 * const spec = join(JUPYTER_DIR, "data", "kernels", "deno", "kernel.json");
 * ```
 */
export const JUPYTER_DIR: string = join(REPO_ROOT, ".jupyter");

/**
 * Where reports are written by default (`reports/`).
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { REPORTS_DIR } from "./jupyter.ts";
 *
 * const summary = join(REPORTS_DIR, "summary", "compare_runs.html");
 * ```
 */
export const REPORTS_DIR: string = join(REPO_ROOT, "reports");

/**
 * Where the notebooks are (`notebooks/`); Jupyter starts kernels here.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { NOTEBOOKS_DIR } from "./jupyter.ts";
 *
 * const notebook = join(NOTEBOOKS_DIR, "compare_runs.ipynb");
 * ```
 */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");

/** Python modules nbconvert loads: the preprocessor for Deno's late outputs. */
const PYTHON_MODULES = fileURLToPath(new URL("./py", import.meta.url));

/**
 * Writes the Deno kernelspec into `.jupyter/data/kernels/deno/` (pointing at the Deno running
 * this) and returns the environment that makes Jupyter use only the project's folders.
 *
 * @example
 * ```ts
 * import { ensureKernel } from "./jupyter.ts";
 *
 * const env = await ensureKernel();
 * console.log(env.JUPYTER_PATH?.endsWith("/.jupyter/data")); // true
 * ```
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
 * The project's notebooks (absolute paths) in the order a full run needs: the data first, the
 * training notebooks next, the comparison of every run last. Other notebooks saved in
 * `notebooks/` (scratch work) are not run by the demo or the report task.
 *
 * @example
 * ```ts
 * import { basename } from "node:path";
 * import { listNotebooks } from "./jupyter.ts";
 *
 * console.log(listNotebooks().map((p) => basename(p))); // ["explore_data.ipynb", …]
 * ```
 */
export function listNotebooks(): string[] {
  return PROJECT_NOTEBOOKS.map((name) => join(NOTEBOOKS_DIR, `${name}.ipynb`));
}

/**
 * The project's notebooks, in the order they are run: the data first, the training notebooks,
 * then the comparison of every run. A scratch notebook saved beside them is not one of them.
 */
export const PROJECT_NOTEBOOKS = [
  "explore_data",
  "train_kneighbors",
  "train_random_forest",
  "compare_runs",
] as const;

/**
 * Options of {@linkcode renderReport}.
 *
 * @example
 * ```ts ignore
 * import { renderReport, type ReportOptions } from "./jupyter.ts";
 *
 * const options: ReportOptions = { noInput: true, outDir: "/tmp/reports", timeout: 120 };
 * await renderReport("notebooks/compare_runs.ipynb", options);
 * ```
 */
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
 *
 * @example
 * ```ts ignore
 * import { join } from "node:path";
 * import { NOTEBOOKS_DIR, renderReport } from "./jupyter.ts";
 *
 * const html = await renderReport(join(NOTEBOOKS_DIR, "explore_data.ipynb"), {
 *   outDir: "/tmp/reports",
 *   env: { MLFLOW_TRACKING_URI: "/tmp/mlruns" },
 * });
 * ```
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
    // publishes just after a cell reports idle (see harness/py/deno_execute.py).
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
      PYTHONPATH: PYTHON_MODULES,
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
 * The command line (program first) of `deno task lab`: JupyterLab from the venv on
 * `127.0.0.1:port`, serving the repository. Run it with the environment
 * {@linkcode ensureKernel} returns.
 *
 * @example
 * ```ts
 * import { ensureKernel, labCommand } from "./jupyter.ts";
 *
 * const [program, ...args] = labCommand(8890, false);
 * const command = new Deno.Command(program!, { args, env: await ensureKernel() });
 * ```
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
