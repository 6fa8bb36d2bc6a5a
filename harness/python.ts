/**
 * The project's own Python environment: MLflow (interop tests, the UI, the tracking server),
 * scikit-learn (reference values) and Jupyter (notebook execution), installed into a git-ignored
 * `.venv` from the pinned `requirements.txt` the first time something needs them, and Python
 * programs run with it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exists } from "./fs.ts";

/**
 * The repository root (the folder holding `deno.json`).
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { REPO_ROOT } from "./python.ts";
 *
 * console.log(join(REPO_ROOT, "mlruns"));
 * ```
 */
export const REPO_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The virtual environment's folder, `<repository>/.venv`; its programs are in `bin/`.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { VENV_DIR } from "./python.ts";
 *
 * const mlflow = join(VENV_DIR, "bin", "mlflow");
 * ```
 */
export const VENV_DIR: string = join(REPO_ROOT, ".venv");

/**
 * The virtual environment's Python interpreter (present once {@linkcode ensureVenv} ran).
 *
 * @example
 * ```ts ignore
 * import { VENV_PYTHON } from "./python.ts";
 *
 * await new Deno.Command(VENV_PYTHON, { args: ["--version"] }).output();
 * ```
 */
export const VENV_PYTHON: string = join(VENV_DIR, "bin", "python");

const REQUIREMENTS = join(REPO_ROOT, "requirements.txt");
const STAMP = join(VENV_DIR, ".requirements.sha256");

async function run(cmd: string, args: string[]): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) {
    throw new Error(`Cannot prepare .venv: '${cmd} ${args.join(" ")}' exited ${code}`);
  }
}

/**
 * Creates `.venv` and installs `requirements.txt` into it unless it already holds exactly those
 * pins (a hash of the file is kept in the venv); returns {@linkcode VENV_PYTHON}. Safe to call
 * from several processes: the install is guarded by a lock file.
 *
 * @example
 * ```ts ignore
 * import { ensureVenv } from "./python.ts";
 *
 * const python = await ensureVenv(); // pip runs only when requirements.txt changed
 * ```
 */
export async function ensureVenv(): Promise<string> {
  const wanted = createHash("sha256").update(await Deno.readTextFile(REQUIREMENTS)).digest("hex");
  const current = async () => (await exists(STAMP)) ? (await Deno.readTextFile(STAMP)).trim() : "";
  if (await current() === wanted && await exists(VENV_PYTHON)) return VENV_PYTHON;
  await Deno.mkdir(VENV_DIR, { recursive: true });
  const lock = await Deno.open(join(VENV_DIR, ".install.lock"), { create: true, write: true });
  try {
    await lock.lock(true);
    if (await current() === wanted && await exists(VENV_PYTHON)) return VENV_PYTHON;
    if (!(await exists(VENV_PYTHON))) {
      console.error("Creating .venv (first use) …");
      await run("python3", ["-m", "venv", VENV_DIR]);
    }
    console.error("Installing requirements.txt into .venv …");
    await run(VENV_PYTHON, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "-r",
      REQUIREMENTS,
    ]);
    await Deno.writeTextFile(STAMP, wanted + "\n");
    return VENV_PYTHON;
  } finally {
    await lock.unlock();
    lock.close();
  }
}

/**
 * What a Python run printed.
 *
 * @example
 * ```ts ignore
 * import { type PythonResult, runPython } from "./python.ts";
 *
 * const result: PythonResult = await runPython("print(6 * 7)");
 * console.log(result.code, result.stdout); // 0 "42\n"
 * ```
 */
export interface PythonResult {
  /** Exit status. */
  code: number;
  /** Standard output, decoded. */
  stdout: string;
  /** Standard error, decoded. */
  stderr: string;
}

/**
 * Options of {@linkcode runPythonScript}.
 *
 * @example
 * ```ts ignore
 * import { type PythonOptions, runPythonScript } from "./python.ts";
 *
 * const options: PythonOptions = { stdin: JSON.stringify([1, 2]), env: { TZ: "UTC" } };
 * await runPythonScript("tests/py/float_repr.py", [], options);
 * ```
 */
export interface PythonOptions {
  /** Extra environment variables (over the defaults {@linkcode runPython} sets). */
  env?: Record<string, string>;
  /** Text written to the program's standard input (default: none; stdin is `/dev/null`). */
  stdin?: string;
}

/** Runs the venv's Python with `args`; throws with Python's stderr when it exits non-zero. */
async function python(args: string[], options: PythonOptions): Promise<PythonResult> {
  const interpreter = await ensureVenv();
  const child = new Deno.Command(interpreter, {
    args,
    env: { MLFLOW_ALLOW_FILE_STORE: "true", PYTHONWARNINGS: "ignore", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Written while the output is read, so a program that prints before reading cannot block.
  const writing = options.stdin === undefined ? Promise.resolve() : (async () => {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  })().catch(() => {/* it exited without reading everything: its status says why */});
  const out = await child.output();
  await writing;
  const result = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (result.code !== 0) {
    throw new Error(`Python exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

/**
 * Runs `code` with the venv's Python (`python -c code args…`), with `MLFLOW_ALLOW_FILE_STORE=true`
 * so MLflow ≥ 3.13 opens file stores, and Python's warnings off. Throws with Python's stderr when
 * it exits non-zero. For anything longer than a line, keep the program in a `.py` file and use
 * {@linkcode runPythonScript}.
 *
 * @example
 * ```ts ignore
 * import { runPython } from "./python.ts";
 *
 * const { stdout } = await runPython("import mlflow; print(mlflow.__version__)");
 * ```
 */
export function runPython(
  code: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<PythonResult> {
  return python(["-c", code, ...args], { env });
}

/**
 * Runs the Python program in the file `script` (a path or a `file:` URL) with the venv's Python
 * (`python script args…`), in the same environment as {@linkcode runPython}, optionally with
 * text on its standard input. Throws with Python's stderr when it exits non-zero.
 *
 * @example
 * ```ts ignore
 * import { runPythonScript } from "./python.ts";
 *
 * const dump = new URL("../tests/py/mlflow_dump.py", import.meta.url);
 * const { stdout } = await runPythonScript(dump, ["/tmp/mlruns"]);
 * const view = JSON.parse(stdout);
 * ```
 */
export function runPythonScript(
  script: string | URL,
  args: string[] = [],
  options: PythonOptions = {},
): Promise<PythonResult> {
  const path = script instanceof URL ? fileURLToPath(script) : script;
  return python([path, ...args], options);
}
