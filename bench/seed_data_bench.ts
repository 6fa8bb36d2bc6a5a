/**
 * Generating the seed data set: `makeClassification` (1000 × 20, 5 informative features) and a
 * stratified `trainTestSplit`, against NumPy + scikit-learn's `make_classification` and
 * `train_test_split` with the same arguments (`random_state=123`), which ours reproduces exactly.
 *
 * Both sides run in alternating rounds — a Python process (a warm-up call, then the median of
 * 101 calls), then ours (the same) — so that both see the same load on the machine; the row
 * shows each side's fastest round, the least disturbed by other work. The note says whether the
 * rows and the split came out identical.
 *
 * @module
 */

import { makeClassification, trainTestSplit } from "../lib/data/mod.ts";
import { runPythonScript } from "../harness/python.ts";
import { type BenchRow, median } from "./_table.ts";

const ROUNDS = 5;
const REPEATS = 101;
const PYTHON = new URL("./py/sklearn_seed_data.py", import.meta.url);

interface PythonOutput {
  sklearn: string;
  numpy: string;
  rounds: number[];
  X: number[][];
  y: number[];
  train: number[];
  test: number[];
}

function generate() {
  const { X, y } = makeClassification({
    nSamples: 1000,
    nFeatures: 20,
    nInformative: 5,
    randomState: 123,
  });
  return { X, y, split: trainTestSplit(X, y, { stratify: y, randomState: 123 }) };
}

/** Runs the case; see the module documentation. */
export async function run(): Promise<BenchRow[]> {
  const pyRounds: number[] = [];
  const rounds: number[] = [];
  let py: PythonOutput | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const { stdout } = await runPythonScript(PYTHON, [
      JSON.stringify({ rounds: 1, repeats: REPEATS }),
    ]);
    py = JSON.parse(stdout) as PythonOutput;
    pyRounds.push(...py.rounds);
    generate(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      generate();
      times.push(performance.now() - t0);
    }
    rounds.push(median(times));
  }
  const ours = generate();
  const same = JSON.stringify([ours.X, ours.y]) === JSON.stringify([py!.X, py!.y]) &&
    JSON.stringify([ours.split.trainIndices, ours.split.testIndices]) ===
      JSON.stringify([py!.train, py!.test]);
  return [{
    case: "seed data set: make_classification 1000×20 + stratified train_test_split",
    reference: `NumPy ${py!.numpy} + scikit-learn ${py!.sklearn}`,
    referenceMs: Math.min(...pyRounds),
    ours: "makeClassification + trainTestSplit",
    oursMs: Math.min(...rounds),
    note: `${
      same ? "identical rows and split" : "DIFFERENT data"
    }; fastest of ${ROUNDS} alternating rounds, each the median of ${REPEATS} calls`,
  }];
}
