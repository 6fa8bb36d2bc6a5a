/**
 * Jupyter with the Deno kernel, kept inside the project: the kernelspec lives in `.jupyter/`
 * (never the user's home), Jupyter comes from the project's `.venv`. Notebooks are executed with
 * Jupyter's own nbconvert executor into HTML reports (and executed notebooks), through a
 * preprocessor that keeps the outputs Deno's kernel publishes late (`py/deno_execute.py`), and
 * JupyterLab is started for interactive work.
 *
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exists } from "./fs.ts";
import { ensureVenv, REPO_ROOT, VENV_DIR } from "./python.ts";

/**
 * The project's Jupyter folder (kernelspecs, configuration, runtime files).
 *
 * @example The Deno kernelspec's file
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
 * @example The stakeholder summary's path
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
 * @example A notebook's path
 * ```ts
 * import { join } from "node:path";
 * import { NOTEBOOKS_DIR } from "./jupyter.ts";
 *
 * const notebook = join(NOTEBOOKS_DIR, "compare_runs.ipynb");
 * ```
 */
export const NOTEBOOKS_DIR: string = join(REPO_ROOT, "notebooks");

/**
 * The Python that executes notebooks: the preprocessor for Deno's late outputs and the script
 * that executes a notebook and writes its report (`execute_notebook.py`).
 */
const PYTHON_MODULES = fileURLToPath(new URL("./py", import.meta.url));

/**
 * Writes the Deno kernelspec into `.jupyter/data/kernels/deno/` (pointing at the Deno running
 * this) and returns the environment that makes Jupyter use only the project's folders.
 *
 * @example The environment Jupyter runs in
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
 * @example The notebooks' names
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
 * @example A code-free report into a folder of its own
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
 * Options of {@linkcode executeNotebook}: those of a report, and what to execute and write.
 *
 * @example A copy of a notebook with a cell added, executed where the notebook lives
 * ```ts ignore
 * import { executeNotebook, type ExecuteOptions } from "./jupyter.ts";
 *
 * const nb = JSON.parse(await Deno.readTextFile("notebooks/train_kneighbors.ipynb"));
 * const options: ExecuteOptions = { content: nb, name: "knn-copy", keepNotebook: true };
 * await executeNotebook("notebooks/train_kneighbors.ipynb", options);
 * ```
 */
export interface ExecuteOptions extends ReportOptions {
  /**
   * The notebook to execute in place of the file's content (e.g. with parameters injected); the
   * kernel still starts in the file's folder and names the file as the runs' source.
   */
  content?: unknown;
  /** The name of the files written (`<name>.html`, `<name>.ipynb`). @default the notebook's */
  name?: string;
  /** Also write the executed notebook, `<outDir>/<name>.ipynb`. @default false */
  keepNotebook?: boolean;
}

/**
 * What {@linkcode executeNotebook} did.
 *
 * @example Say how it went
 * ```ts ignore
 * import { type Execution, executeNotebook } from "./jupyter.ts";
 *
 * const done: Execution = await executeNotebook("notebooks/explore_data.ipynb");
 * console.log(done.error ?? `${done.html} in ${done.seconds.toFixed(1)} s`);
 * ```
 */
export interface Execution {
  /** The HTML report. */
  html: string;
  /** The executed notebook, when it was kept. */
  notebook: string | null;
  /** Why the execution failed (the failing cell's error), or null when every cell ran. */
  error: string | null;
  /** How long it took, in seconds. */
  seconds: number;
}

/** The marker `execute_notebook.py` writes before the error that failed an execution. */
const FAILURE_MARKER = "--- the execution failed ---";

/** The error in the driver's stderr: after its marker (warnings come before), else the tail. */
function failureOf(stderr: string): string {
  const at = stderr.lastIndexOf(FAILURE_MARKER);
  const text = at >= 0 ? stderr.slice(at + FAILURE_MARKER.length) : stderr;
  return text.trim().slice(-6000);
}

/**
 * Executes a notebook top to bottom from a fresh Deno kernel, as `jupyter nbconvert --execute`
 * does (with the preprocessor that keeps Deno's late outputs), and writes its HTML report and,
 * if asked, the executed notebook — also when a cell fails: the files then show the error where
 * it happened, and {@linkcode Execution.error} says what it was. The kernel starts in the
 * notebook's folder with `JPY_SESSION_NAME` set to the notebook's path, as Jupyter's server
 * does, so the runs it logs name the notebook as their source.
 *
 * @example An execution that may fail
 * ```ts ignore
 * import { executeNotebook } from "./jupyter.ts";
 *
 * const run = await executeNotebook("notebooks/train_kneighbors.ipynb", {
 *   outDir: "/tmp/reports",
 *   keepNotebook: true,
 * });
 * if (run.error) console.error(`failed, see ${run.html}: ${run.error}`);
 * ```
 */
export async function executeNotebook(
  notebook: string,
  options: ExecuteOptions = {},
): Promise<Execution> {
  const { noInput = false, outDir = REPORTS_DIR, timeout = 600 } = options;
  const t0 = performance.now();
  await ensureVenv();
  const env = await ensureKernel();
  const path = resolve(notebook);
  await Deno.mkdir(outDir, { recursive: true });
  const name = options.name ?? basename(path, ".ipynb");
  const html = join(outDir, `${name}.html`);
  const executed = options.keepNotebook ? join(outDir, `${name}.ipynb`) : null;
  // A report left by an earlier execution must not pass for this one's.
  for (const file of [html, executed]) if (file) await Deno.remove(file).catch(() => {});
  let input = path;
  let scratch: string | undefined;
  if (options.content !== undefined) {
    scratch = await Deno.makeTempDir({ prefix: "notebook-" });
    input = join(scratch, `${name}.ipynb`);
    await Deno.writeTextFile(input, JSON.stringify(options.content, null, 1) + "\n");
  }
  try {
    const out = await new Deno.Command(join(VENV_DIR, "bin", "python"), {
      args: [
        join(PYTHON_MODULES, "execute_notebook.py"),
        input,
        "--cwd",
        dirname(path),
        "--name",
        name,
        "--html",
        html,
        ...(executed ? ["--executed", executed] : []),
        "--timeout",
        String(timeout),
        ...(noInput ? ["--no-input"] : []),
      ],
      cwd: dirname(path),
      // The kernel inherits this environment; JPY_SESSION_NAME names the notebook as the source
      // of the runs it logs, as Jupyter's server does.
      env: { ...env, PYTHONPATH: PYTHON_MODULES, JPY_SESSION_NAME: path, ...options.env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const error = out.code === 0 ? null : failureOf(new TextDecoder().decode(out.stderr));
    if (error !== null && !(await exists(html))) {
      throw new Error(`Executing ${relative(REPO_ROOT, path)} failed:\n${error}`);
    }
    return { html, notebook: executed, error, seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (scratch) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

/**
 * One notebook of {@linkcode startNotebooks}: what to execute, what to write, and what to wait
 * for before its first cell.
 *
 * @example The comparison, once the training notebooks and a gate are done, with and without
 * its code
 * ```ts ignore
 * import type { NotebookJob } from "./jupyter.ts";
 *
 * const job: NotebookJob = {
 *   notebook: "notebooks/compare_runs.ipynb",
 *   exports: [{ html: "reports/compare_runs.html" }, { html: "reports/summary/compare_runs.html", noInput: true }],
 *   after: ["train_kneighbors", "train_random_forest", "grid"],
 * };
 * ```
 */
export interface NotebookJob {
  /** The notebook to execute. */
  notebook: string;
  /** The job's name, which other jobs' `after` lists name. @default the notebook's file name */
  name?: string;
  /** The HTML reports to write from the one execution, each with or without its code. */
  exports: { html: string; noInput?: boolean }[];
  /** Where to write the executed notebook, if anywhere. */
  executed?: string;
  /**
   * Jobs (by name) whose execution must be over (their reports may still be being written),
   * and gates that must be released
   * ({@linkcode NotebookBatch.release}), before the first cell runs; the kernel starts at once.
   * @default nothing
   */
  after?: string[];
  /** Seconds a cell may run. @default 600 */
  timeout?: number;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
}

/**
 * One finished job of {@linkcode startNotebooks}.
 *
 * @example Say how it went
 * ```ts ignore
 * import type { NotebookResult } from "./jupyter.ts";
 *
 * function say(r: NotebookResult): string {
 *   return r.error ?? `${r.html.join(", ")} in ${r.seconds.toFixed(1)} s`;
 * }
 * ```
 */
export interface NotebookResult {
  /** The job's name. */
  name: string;
  /** The job's notebook. */
  notebook: string;
  /** The HTML reports, as asked for. */
  html: string[];
  /** The executed notebook, when it was asked for. */
  executed: string | null;
  /** Why the execution failed (the failing cell's error), or null when every cell ran. */
  error: string | null;
  /** From the start of the batch to the end of this job, in seconds. */
  seconds: number;
  /**
   * Seconds spent starting the kernel, waiting for the jobs and gates named in `after`,
   * executing the cells (until the kernel shut down) and writing the files; a phase not reached
   * (the job failed before it) is missing.
   */
  phases: Partial<Record<"kernel" | "waited" | "cells" | "report", number>>;
}

/**
 * Notebooks being executed by {@linkcode startNotebooks}.
 *
 * @example Release a gate, then wait for every notebook
 * ```ts ignore
 * import { type NotebookBatch, startNotebooks } from "./jupyter.ts";
 *
 * const batch: NotebookBatch = await startNotebooks([
 *   { notebook: "notebooks/train_kneighbors.ipynb", exports: [{ html: "/tmp/knn.html" }], after: ["data"] },
 * ]);
 * batch.release("data");
 * const [knn] = await batch.finished;
 * ```
 */
export interface NotebookBatch {
  /** Opens a gate that jobs name in `after`. */
  release(gate: string): void;
  /**
   * Gives up the gates not released yet: the jobs waiting for one fail (without running a cell)
   * and the others finish.
   */
  closeGates(): void;
  /** Every job's result, in the order they finished; rejects when the executor itself fails. */
  finished: Promise<NotebookResult[]>;
}

/**
 * Executes several notebooks at once in one Python process, each from a fresh Deno kernel as
 * {@linkcode executeNotebook} does, and writes each one's reports (one execution can be
 * exported with and without its code) — also when a cell fails. Every kernel starts at once; a
 * job's cells wait for the jobs and gates it names in `after`, so work that needs no one else's
 * results (a kernel starting, a notebook that only reads its data) overlaps work that does.
 * Each kernel starts in its notebook's folder with `JPY_SESSION_NAME` naming the notebook.
 * `onFinished` hears of each job as it ends.
 *
 * @example Two notebooks, the second after the first
 * ```ts ignore
 * import { startNotebooks } from "./jupyter.ts";
 *
 * const batch = await startNotebooks([
 *   { notebook: "notebooks/train_kneighbors.ipynb", exports: [{ html: "/tmp/r/knn.html" }] },
 *   {
 *     notebook: "notebooks/compare_runs.ipynb",
 *     exports: [{ html: "/tmp/r/compare.html" }],
 *     after: ["train_kneighbors"],
 *   },
 * ], { onFinished: (r) => console.log(r.name, r.error ?? "ok") });
 * await batch.finished;
 * ```
 */
export async function startNotebooks(
  jobs: NotebookJob[],
  options: { onFinished?: (result: NotebookResult) => void } = {},
): Promise<NotebookBatch> {
  const t0 = performance.now();
  await ensureVenv();
  const env = await ensureKernel();
  const specs = jobs.map((job) => {
    const path = resolve(job.notebook);
    return {
      name: job.name ?? basename(path, ".ipynb"),
      notebook: path,
      cwd: dirname(path),
      exports: job.exports.map((e) => ({ html: resolve(e.html), noInput: e.noInput ?? false })),
      executed: job.executed === undefined ? null : resolve(job.executed),
      after: job.after ?? [],
      timeout: job.timeout ?? 600,
      env: { JPY_SESSION_NAME: path, ...job.env },
    };
  });
  for (const spec of specs) {
    // A report left by an earlier execution must not pass for this one's.
    for (const file of [...spec.exports.map((e) => e.html), spec.executed]) {
      if (file === null) continue;
      await Deno.mkdir(dirname(file), { recursive: true });
      await Deno.remove(file).catch(() => {});
    }
  }
  const child = new Deno.Command(join(VENV_DIR, "bin", "python"), {
    args: [join(PYTHON_MODULES, "execute_notebook.py"), "--jobs"],
    env: { ...env, PYTHONPATH: PYTHON_MODULES },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let writing = stdin.write(encoder.encode(JSON.stringify(specs) + "\n"));
  let open = true;
  const send = (line: string | null) => {
    if (!open) return;
    if (line === null) open = false;
    writing = writing.then(() =>
      line === null ? stdin.close() : stdin.write(encoder.encode(line + "\n"))
    )
      .catch(() => {/* the executor is gone: its status says why */});
  };
  const stderr = new Response(child.stderr).text();
  const finished = (async () => {
    const results: NotebookResult[] = [];
    for await (const line of lines(child.stdout)) {
      let r: Omit<NotebookResult, "notebook" | "seconds">;
      try {
        r = JSON.parse(line);
      } catch {
        continue; // not a result
      }
      if (!specs.some((s) => s.name === r?.name)) continue;
      const result: NotebookResult = {
        ...r,
        notebook: specs.find((s) => s.name === r.name)!.notebook,
        seconds: (performance.now() - t0) / 1000,
      };
      results.push(result);
      options.onFinished?.(result);
      // Every job has finished: nothing can wait for a gate any more.
      if (results.length === specs.length) send(null);
    }
    send(null);
    const status = await child.status;
    if (results.length < specs.length) {
      throw new Error(
        `Executing notebooks failed (exit ${status.code}):\n${(await stderr).trim().slice(-6000)}`,
      );
    }
    return results;
  })();
  return { release: (gate) => send(gate), closeGates: () => send(null), finished };
}

/** The lines of a stream of text (without their newlines). */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let at: number;
    while ((at = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      if (line.trim() !== "") yield line;
    }
  }
  if (buffered.trim() !== "") yield buffered;
}

/**
 * Executes a notebook top to bottom from a fresh Deno kernel ({@linkcode executeNotebook}) and
 * writes it as HTML; returns the report's path. Throws with the failing cell's error if a cell
 * fails.
 *
 * @example A report into a temporary folder
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
  const { html, error } = await executeNotebook(notebook, options);
  if (error !== null) {
    throw new Error(`Executing ${relative(REPO_ROOT, resolve(notebook))} failed:\n${error}`);
  }
  return html;
}

/**
 * The command line (program first) of `deno task lab`: JupyterLab from the venv on
 * `127.0.0.1:port`, serving the repository. Run it with the environment
 * {@linkcode ensureKernel} returns.
 *
 * @example JupyterLab on port 8890 without a browser
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
