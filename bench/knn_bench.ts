/**
 * k-neighbours prediction: {@linkcode FastKNeighborsClassifier} against stock `ml-knn` 3.0.0
 * (whose predictions it reproduces exactly) and against scikit-learn's
 * `KNeighborsClassifier(n_jobs=1)`, on the project's seed split as the pipeline sees it: 750
 * standardised training rows × 20 features, k = 5 (the notebook's default), predicting the 1,000
 * rows a run scores (the 750 training and the 250 test rows). All three get the same numbers.
 *
 * scikit-learn's brute-force search runs on OpenMP threads whatever `n_jobs` says (two here), so
 * it is timed twice: as it runs by default, and held to one thread with threadpoolctl, as ours
 * runs.
 *
 * @module
 */

import KNN from "ml-knn";
import { seedDataset } from "../lib/data/mod.ts";
import { FastKNeighborsClassifier } from "../lib/models/fast_k_neighbors.ts";
import { StandardScaler } from "../lib/models/scaler.ts";
import { runPythonScript } from "../harness/python.ts";
import { type BenchRow, timeMs } from "./_table.ts";

const K = 5;
const STOCK_REPEATS = 3;
const REPEATS = 51;

const PYTHON = new URL("./py/sklearn_knn.py", import.meta.url);

interface PythonOutput {
  sklearn: string;
  algorithm: string;
  defaultMs: number;
  oneThreadMs: number;
  predictions: number[];
}

/** Runs the cases; see the module documentation. */
export async function run(): Promise<BenchRow[]> {
  const { XTrain, yTrain, XTest } = seedDataset();
  const scaler = new StandardScaler().fit(XTrain);
  const X = scaler.transform(XTrain);
  const queries = [...X, ...scaler.transform(XTest)];
  const label = `k-neighbours predict, ${
    queries.length.toLocaleString("en-US")
  } rows against ${X.length}×${X[0]!.length}, k = ${K}`;

  let stockPredictions: number[] = [];
  const stock = new KNN(X, yTrain, { k: K });
  const stockMs = await timeMs(() => {
    stockPredictions = stock.predict(queries);
  }, STOCK_REPEATS);

  const fast = new FastKNeighborsClassifier(X, yTrain, { k: K });
  let predictions: number[] = [];
  for (let i = 0; i < 10; i++) predictions = fast.predict(queries); // warm-up (JIT, the scan)
  const fastMs = await timeMs(() => {
    predictions = fast.predict(queries);
  }, REPEATS);

  const { stdout } = await runPythonScript(PYTHON, [], {
    stdin: JSON.stringify({ X, y: yTrain, queries, k: K, repeats: REPEATS }),
  });
  const py = JSON.parse(stdout) as PythonOutput;
  const identical = JSON.stringify(predictions) === JSON.stringify(stockPredictions);
  const agree = predictions.filter((label, i) => label === py.predictions[i]).length;
  const ours = "FastKNeighborsClassifier";
  const sklearn = `scikit-learn ${py.sklearn} (n_jobs=1`;
  const same = `${agree.toLocaleString("en-US")}/${
    predictions.length.toLocaleString("en-US")
  } same predictions`;
  return [
    {
      case: label,
      reference: "ml-knn 3.0.0",
      referenceMs: stockMs,
      ours,
      oursMs: fastMs,
      note: `${identical ? "identical" : "DIFFERENT"} predictions; stock ×${STOCK_REPEATS}, ours ` +
        `median of ${REPEATS}`,
    },
    {
      case: label,
      reference: `${sklearn}, default OpenMP threads)`,
      referenceMs: py.defaultMs,
      ours,
      oursMs: fastMs,
      note: `same rows, ${same} (${py.algorithm} search); medians of ${REPEATS}`,
    },
    {
      case: label,
      reference: `${sklearn}, one thread by threadpoolctl)`,
      referenceMs: py.oneThreadMs,
      ours,
      oursMs: fastMs,
      note: `same rows; medians of ${REPEATS}; ours runs on one thread`,
    },
  ];
}
