/**
 * MLflow's `python_function` flavour for logged pipelines: a NumPy-only loader module
 * (`pyfunc/deno_ml_pyfunc.py`, shipped with this package and copied into each model's `code/`
 * folder) that predicts from `model.json` exactly as the library does, and the environment files
 * MLflow expects beside it (`requirements.txt`, `python_env.yaml`, `conda.yaml`). With them,
 * `mlflow.pyfunc.load_model(uri)` and `mlflow models serve -m <uri>` work on every logged model.
 *
 * @module
 */

import type { YamlValue } from "../tracking/_format.ts";

/**
 * The Python environment a logged model asks for: the interpreter and packages of the project's
 * `.venv`, where the loader module is tested (MLflow's `_PythonEnv.current()` and inferred
 * requirements there). The module needs NumPy; MLflow's `python_function` machinery needs
 * pandas and MLflow.
 *
 * @example
 * ```ts
 * import { PYTHON_ENV } from "./pyfunc.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(PYTHON_ENV.numpy, /^\d+\.\d+\.\d+$/);
 * ```
 */
export const PYTHON_ENV = {
  python: "3.11.7",
  pip: "23.2.1",
  setuptools: "65.5.0",
  mlflow: "3.17.2",
  numpy: "2.4.6",
  pandas: "3.1.1",
} as const;

/**
 * The loader module's name (`loader_module` in `MLmodel`): the file is
 * `code/<PYFUNC_MODULE>.py` in the model's folder.
 *
 * @example
 * ```ts
 * import { PYFUNC_MODULE } from "./pyfunc.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(PYFUNC_MODULE, "deno_ml_pyfunc");
 * ```
 */
export const PYFUNC_MODULE = "deno_ml_pyfunc";

const SOURCE_URL = new URL(`./pyfunc/${PYFUNC_MODULE}.py`, import.meta.url);
let source: Promise<string> | undefined;

/**
 * The loader module's source, read once from beside this file: from disk when the package is
 * imported by path or `file:` URL, over HTTP when it is imported by URL.
 *
 * @example
 * ```ts
 * import { pyfuncSource } from "./pyfunc.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(await pyfuncSource(), /^def _load_pyfunc\(path\):$/m);
 * ```
 */
export function pyfuncSource(): Promise<string> {
  source ??= (async () => {
    if (SOURCE_URL.protocol === "file:") return await Deno.readTextFile(SOURCE_URL);
    const response = await fetch(SOURCE_URL);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`Cannot read ${SOURCE_URL}: HTTP ${response.status}`);
    }
    return await response.text();
  })();
  source.catch(() => source = undefined); // a failed read is tried again next time
  return source;
}

/**
 * The `python_function` entry of `MLmodel`'s flavors, as `mlflow.pyfunc.add_to_model` writes
 * it: the loader module, its `code` folder, the `data` it loads (`model.json`), the environment
 * files and the Python version.
 *
 * @example
 * ```ts
 * import { pyfuncFlavor } from "./pyfunc.ts";
 * import assert from "node:assert/strict";
 *
 * const flavor = pyfuncFlavor();
 * assert.equal(flavor.loader_module, "deno_ml_pyfunc");
 * assert.equal(flavor.code, "code");
 * assert.equal(flavor.data, "model.json");
 * ```
 */
export function pyfuncFlavor(): { readonly [key: string]: YamlValue } {
  return {
    code: "code",
    data: "model.json",
    env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
    loader_module: PYFUNC_MODULE,
    predict_fn: "predict",
    python_version: PYTHON_ENV.python,
  };
}

/**
 * The files of the `python_function` flavour, by path in the model's folder: the loader module
 * under `code/`, `requirements.txt`, `python_env.yaml` and `conda.yaml` as MLflow writes them.
 *
 * @example
 * ```ts
 * import { pyfuncFiles } from "./pyfunc.ts";
 * import assert from "node:assert/strict";
 *
 * const files = await pyfuncFiles();
 * assert.deepEqual([...files.keys()], [
 *   "code/deno_ml_pyfunc.py",
 *   "requirements.txt",
 *   "python_env.yaml",
 *   "conda.yaml",
 * ]);
 * assert.match(files.get("requirements.txt")!, /^numpy==/m);
 * ```
 */
export async function pyfuncFiles(): Promise<Map<string, string>> {
  const { python, pip, setuptools, mlflow, numpy, pandas } = PYTHON_ENV;
  const requirements = [`mlflow==${mlflow}`, `numpy==${numpy}`, `pandas==${pandas}`];
  return new Map([
    [`code/${PYFUNC_MODULE}.py`, await pyfuncSource()],
    ["requirements.txt", requirements.join("\n")],
    [
      "python_env.yaml",
      `python: ${python}\nbuild_dependencies:\n- pip==${pip}\n- setuptools==${setuptools}\n` +
      "- wheel\ndependencies:\n- -r requirements.txt\n",
    ],
    [
      "conda.yaml",
      `channels:\n- conda-forge\ndependencies:\n- python=${python}\n- pip<=${pip}\n- pip:\n` +
      requirements.map((r) => `  - ${r}\n`).join("") + "name: mlflow-env\n",
    ],
  ]);
}
