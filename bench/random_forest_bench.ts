/**
 * Random forest training: `FastRandomForestClassifier` against stock `ml-random-forest` 2.1.0
 * (which it reproduces exactly) and against scikit-learn's `RandomForestClassifier(n_jobs=1)`.
 *
 * Python generates `make_classification(n_samples=1000, n_features=20, n_informative=5,
 * random_state=123)`, times scikit-learn's `fit` on the first 750 rows and prints those rows, so
 * all three train on the same data. Cases: depth 3 × 20 trees (the project's defaults) and depth
 * 10 × 100 trees.
 *
 * @module
 */

import { RandomForestClassifier } from "ml-random-forest";
import { FastRandomForestClassifier } from "../lib/models/fast_random_forest.ts";
import { runPythonScript } from "../harness/python.ts";
import { type BenchRow, timeMs } from "./_table.ts";

const CASES = [
  { maxDepth: 3, nEstimators: 20, stockRepeats: 3, fastRepeats: 15 },
  { maxDepth: 10, nEstimators: 100, stockRepeats: 1, fastRepeats: 7 },
];

const PYTHON = new URL("./py/sklearn_random_forest.py", import.meta.url);

interface PythonOutput {
  sklearn: string;
  timings: number[];
  X: number[][];
  y: number[];
}

/** Runs the cases; see the module documentation. */
export async function run(): Promise<BenchRow[]> {
  const { stdout } = await runPythonScript(PYTHON, [JSON.stringify(CASES)]);
  const py = JSON.parse(stdout) as PythonOutput;
  const { X, y } = py;
  const rows: BenchRow[] = [];
  for (const [i, c] of CASES.entries()) {
    const options = { nEstimators: c.nEstimators, treeOptions: { maxDepth: c.maxDepth } };
    const label = `random forest fit, ${X.length}×${
      X[0]!.length
    }, depth ${c.maxDepth} × ${c.nEstimators} trees`;

    // The last forest trained on each side is kept for the JSON comparison, which is not timed.
    let stock: InstanceType<typeof RandomForestClassifier> | undefined;
    let fast: FastRandomForestClassifier | undefined;
    const stockMs = await timeMs(() => {
      stock = new RandomForestClassifier(options);
      stock.train(X, y);
    }, c.stockRepeats);
    const trainFast = () => {
      fast = new FastRandomForestClassifier(options);
      fast.train(X, y);
    };
    trainFast(); // warm-up
    const fastMs = await timeMs(trainFast, c.fastRepeats);
    const stockJSON = JSON.stringify(stock!.toJSON());
    const fastJSON = JSON.stringify(fast!.toJSON());
    const identical = fastJSON === stockJSON;

    rows.push({
      case: label,
      reference: "ml-random-forest 2.1.0",
      referenceMs: stockMs,
      ours: "FastRandomForestClassifier",
      oursMs: fastMs,
      note: `${identical ? "identical" : "DIFFERENT"} JSON (${
        fastJSON.length.toLocaleString("en-US")
      } chars); stock ×${c.stockRepeats}, ours median of ${c.fastRepeats}`,
    });
    rows.push({
      case: label,
      reference: `scikit-learn ${py.sklearn} (n_jobs=1)`,
      referenceMs: py.timings[i]!,
      ours: "FastRandomForestClassifier",
      oursMs: fastMs,
      note: `same rows; scikit-learn median of 7 fits, ours median of ${c.fastRepeats}`,
    });
  }
  return rows;
}
