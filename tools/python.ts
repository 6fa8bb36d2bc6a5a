/**
 * The project's own Python environment: MLflow (interop tests, the UI), scikit-learn (reference
 * values) and Jupyter (notebook execution), installed into a git-ignored `.venv` from the pinned
 * `requirements.txt` the first time something needs them.
 *
 * Run `deno run -A tools/python.ts ensure` to create or refresh the environment; tests and tasks
 * call {@linkcode ensureVenv} and {@linkcode runPython}.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding `deno.json`). */
export const REPO_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));
/** The virtual environment's folder. */
export const VENV_DIR: string = join(REPO_ROOT, ".venv");
/** The virtual environment's Python interpreter. */
export const VENV_PYTHON: string = join(VENV_DIR, "bin", "python");
const REQUIREMENTS = join(REPO_ROOT, "requirements.txt");
const STAMP = join(VENV_DIR, ".requirements.sha256");

/** Whether a path exists (other errors than NotFound are thrown). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function run(cmd: string, args: string[]): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) {
    throw new Error(`Cannot prepare .venv: '${cmd} ${args.join(" ")}' exited ${code}`);
  }
}

/**
 * Creates `.venv` and installs `requirements.txt` into it unless it already holds exactly those
 * pins (a hash of the file is kept in the venv). Safe to call from several processes: the install
 * is guarded by a lock file.
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

/** What a Python run printed. */
export interface PythonResult {
  /** Exit status. */
  code: number;
  /** Standard output, decoded. */
  stdout: string;
  /** Standard error, decoded. */
  stderr: string;
}

/**
 * Runs `code` with the venv's Python (`python -c code args…`), with `MLFLOW_ALLOW_FILE_STORE=true`
 * so MLflow ≥ 3.13 opens file stores. Throws with Python's stderr when it exits non-zero.
 */
export async function runPython(
  code: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<PythonResult> {
  const python = await ensureVenv();
  const out = await new Deno.Command(python, {
    args: ["-c", code, ...args],
    env: { MLFLOW_ALLOW_FILE_STORE: "true", PYTHONWARNINGS: "ignore", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
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

if (import.meta.main) {
  const [command] = Deno.args;
  if (command === "ensure") {
    await ensureVenv();
  } else {
    console.error("usage: deno run -A tools/python.ts ensure");
    Deno.exit(2);
  }
}
