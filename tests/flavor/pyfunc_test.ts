// Logged models carry MLflow's python_function flavour: Python MLflow loads them with
// mlflow.pyfunc.load_model, and their NumPy-only loader predicts exactly what loadModel predicts
// (labels and class probabilities), k-neighbours' distance ties and the forest's vote ties
// included; the environment files pin the project's venv.

import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import * as lib from "../../lib/mod.ts";
import { PYTHON_ENV } from "../../lib/flavor/pyfunc.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";

interface PyModel {
  pyfunc: Record<string, unknown>;
  inputs: [string, string, boolean][];
  outputs: unknown;
  predict: number[];
  proba: number[][];
  example: number[] | null;
}

interface Case {
  name: string;
  train: () => lib.Pipeline;
  rows: number[][];
}

/** Rows on a half-unit grid: many training rows at the same distance from a test row. */
function gridData() {
  const { X, y } = lib.makeClassification({
    nSamples: 400,
    nFeatures: 3,
    nInformative: 2,
    nRedundant: 0,
    randomState: 7,
  });
  const grid = X.map((row) => row.map((v) => Math.round(v * 2) / 2));
  return lib.trainTestSplit(grid, y, { testSize: 0.5, randomState: 1 });
}

/** How many rows have another training row as far as their k-th nearest (scaled distances). */
function tiedRows(model: lib.Pipeline, XTrain: number[][], rows: number[][], k: number): number {
  const train = model.scaler.transform(XTrain);
  return model.scaler.transform(rows).filter((row) => {
    const d = train.map((p) => Math.hypot(...p.map((v, j) => v - row[j]!))).sort((a, b) => a - b);
    return d[k - 1] === d[k];
  }).length;
}

Deno.test("mlflow.pyfunc.load_model predicts what loadModel predicts, ties included", async () => {
  const store = await Deno.makeTempDir({ prefix: "pyfunc-" });
  lib.setTrackingUri(store);
  await lib.setExperiment("pyfunc");
  const seed = lib.seedDataset();
  const grid = gridData();
  const quiet = { autolog: false };
  const cases: Case[] = [
    ...[1, 2, 5, 15].map((k) => ({
      name: `k-neighbours k=${k}`,
      train: () => lib.trainKNeighbors(seed.XTrain, seed.yTrain, { nNeighbors: k, ...quiet }),
      rows: seed.XTest,
    })),
    ...[2, 4, 7].map((k) => ({
      name: `k-neighbours k=${k} on the grid`,
      train: () => lib.trainKNeighbors(grid.XTrain, grid.yTrain, { nNeighbors: k, ...quiet }),
      rows: grid.XTest,
    })),
    {
      name: "random forest, depth 3 x 20 trees",
      train: () => lib.trainRandomForest(seed.XTrain, seed.yTrain, quiet),
      rows: seed.XTest,
    },
    {
      name: "random forest, depth 10 x 100 trees",
      train: () =>
        lib.trainRandomForest(seed.XTrain, seed.yTrain, {
          maxDepth: 10,
          nEstimators: 100,
          ...quiet,
        }),
      rows: seed.XTest,
    },
    {
      name: "random forest, unlimited depth x 4 trees (vote ties), half the features",
      train: () =>
        lib.trainRandomForest(grid.XTrain, grid.yTrain, {
          maxDepth: null,
          nEstimators: 4,
          maxFeatures: 0.5,
          featureReplacement: false,
          minNumSamples: 1,
          ...quiet,
        }),
      rows: grid.XTest,
    },
  ];
  const logged: { case: Case; model: lib.Pipeline; uri: string }[] = [];
  for (const c of cases) {
    const model = c.train();
    const { modelUri } = await lib.withRun(
      { runName: c.name },
      () => lib.logModel(model, "model", { inputExample: c.rows.slice(0, 3) }),
    );
    logged.push({ case: c, model, uri: modelUri });
  }
  // One Python process per set of rows (the grid and the seed rows).
  const seen = new Map<string, PyModel>();
  let env: Record<string, unknown> = {};
  for (const rows of [seed.XTest, grid.XTest]) {
    const uris = logged.filter((l) => l.case.rows === rows).map((l) => l.uri);
    const { stdout } = await runPythonScript(pyScript("mlflow_pyfunc_predict.py"), [store], {
      stdin: JSON.stringify({ uris, rows }),
    });
    const out = JSON.parse(stdout) as { models: PyModel[]; env: Record<string, unknown> };
    uris.forEach((uri, i) => seen.set(uri, out.models[i]!));
    env = out.env;
  }
  let voteTies = 0;
  for (const { case: c, model, uri } of logged) {
    const names = Array.from({ length: model.nFeatures }, (_, j) => `x${j}`);
    const py = seen.get(uri)!;
    const loaded = await lib.loadModel(uri);
    const predict = loaded.predict(c.rows);
    const proba = loaded.predictProba(c.rows);
    assert.deepEqual(predict, model.predict(c.rows), c.name);
    assert.deepEqual(py.predict, predict, `${c.name}: predictions`);
    assert.deepEqual(py.proba, proba, `${c.name}: probabilities`);
    assert.deepEqual(py.example, predict.slice(0, 3), `${c.name}: serving input example`);
    assert.deepEqual(py.inputs, names.map((n) => [n, "double", true]), c.name);
    assert.deepEqual(py.outputs, [{
      type: "tensor",
      "tensor-spec": { dtype: "int64", shape: [-1] },
    }]);
    assert.deepEqual(py.pyfunc, {
      code: "code",
      data: "model.json",
      env: { conda: "conda.yaml", virtualenv: "python_env.yaml" },
      loader_module: "deno_ml_pyfunc",
      predict_fn: "predict",
      python_version: env.python,
    });
    voteTies += proba.filter((p) => p[0] === p[1]).length;
  }
  assert.ok(voteTies > 10, `only ${voteTies} rows with tied votes`);
  for (const k of [2, 4, 7]) {
    const model = logged.find((l) => l.case.name === `k-neighbours k=${k} on the grid`)!.model;
    const tied = tiedRows(model, grid.XTrain, grid.XTest, k);
    assert.ok(tied > 20, `k=${k}: only ${tied} rows with distance ties`);
  }

  // The environment files pin what this venv runs.
  assert.deepEqual(env, {
    python: PYTHON_ENV.python,
    build: [`pip==${PYTHON_ENV.pip}`, `setuptools==${PYTHON_ENV.setuptools}`, "wheel"],
    numpy: PYTHON_ENV.numpy,
    pandas: PYTHON_ENV.pandas,
    mlflow: PYTHON_ENV.mlflow,
  });
  const { artifactDir } = await lib.withRun({}, () => lib.logModel(logged[0]!.model));
  const read = (file: string) => Deno.readTextFileSync(join(artifactDir, file));
  assert.equal(
    read("requirements.txt"),
    `mlflow==${env.mlflow}\nnumpy==${env.numpy}\npandas==${env.pandas}`,
  );
  assert.deepEqual(parse(read("python_env.yaml")), {
    python: env.python,
    build_dependencies: env.build,
    dependencies: ["-r requirements.txt"],
  });
  assert.deepEqual(parse(read("conda.yaml")), {
    channels: ["conda-forge"],
    dependencies: [
      `python=${env.python}`,
      `pip<=${PYTHON_ENV.pip}`,
      { pip: read("requirements.txt").split("\n") },
    ],
    name: "mlflow-env",
  });
  assert.equal(
    read("code/deno_ml_pyfunc.py"),
    await Deno.readTextFile(new URL("../../lib/flavor/pyfunc/deno_ml_pyfunc.py", import.meta.url)),
  );
  await Deno.remove(store, { recursive: true });
});
