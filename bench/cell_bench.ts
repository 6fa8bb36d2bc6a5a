/**
 * A notebook's training cell, warm: `runKNeighbors({ nNeighbors: 5 })`, `runRandomForest` with
 * depth 3 × 20 trees and with depth 10 × 100 trees — train, evaluate, log params, inputs,
 * metrics, the confusion-matrix chart and the model into a file store — against the original
 * project's cell in Python (`StandardScaler → classifier` fitted with scikit-learn, then
 * `mlflow.log_params`, `log_metrics` and `mlflow.sklearn.log_model` on a file store), as its
 * scripts ran it (MLflow infers the model's pip requirements) and with the requirements given.
 *
 * Each side runs a few cells first (loading libraries, JIT), then times its cells one by one;
 * the note gives the spread. Besides the rows, it writes `bench/results/cell_profile.md`: where
 * one cell's time goes, step by step, measured on the `train_*` notebooks' training cell (the
 * same calls `runKNeighbors` and `runRandomForest` make), and beside it what saving the chart
 * costs when its matrix was not drawn before (a cell run again draws the same matrix, which the
 * charts keep).
 *
 * @module
 */

import { join } from "node:path";
import * as ml from "../lib/mod.ts";
import { runPythonScript } from "../harness/python.ts";
import { type BenchRow, median } from "./_table.ts";

const WARMUP = 3;
const CASES = [
  { model: "knn", nNeighbors: 5, repeats: 25, label: "k-neighbours, k = 5" },
  { model: "forest", maxDepth: 3, nEstimators: 20, repeats: 25, label: "depth 3 × 20 trees" },
  { model: "forest", maxDepth: 10, nEstimators: 100, repeats: 11, label: "depth 10 × 100 trees" },
] as const;
type Case = (typeof CASES)[number];

const PYTHON = new URL("./py/mlflow_train_cell.py", import.meta.url);

interface PythonCase {
  cellMs: number;
  fitMs: number;
  cells: number[];
}

interface PythonOutput {
  mlflow: string;
  sklearn: string;
  cases: PythonCase[];
}

/** The call as a notebook or script makes it: the seed data set by default. */
function cellOf(c: Case): () => Promise<unknown> {
  return c.model === "knn"
    ? () => ml.runKNeighbors({ nNeighbors: c.nNeighbors })
    : () => ml.runRandomForest({ maxDepth: c.maxDepth, nEstimators: c.nEstimators });
}

async function timeCells(fn: () => Promise<unknown>, repeats: number): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

function quartiles(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `${at(0.25).toFixed(0)}–${at(0.75).toFixed(0)} ms`;
}

/** The steps of the training notebooks' cell, timed one by one. */
type Spans = Record<string, number[]>;

/** The step measured beside the cell: drawing and saving a chart not drawn before. */
const NEW_CHART = "chart of a matrix not drawn before (beside the cell)";

async function profileCell(
  c: Case,
  spans: Spans,
  extras?: { spans: Spans; drawn?: number },
): Promise<void> {
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    (spans[name] ??= []).push(now - t);
    t = now;
  };
  const forest = c.model === "forest";
  // The notebook's cells before its training cell: the data, its datasets and the params.
  const data = ml.seedDataset();
  const training = ml.numpyDataset(data.XTrain, data.yTrain, { name: "seed-train" });
  const testing = ml.numpyDataset(data.XTest, data.yTest, { name: "seed-test" });
  const params = forest
    ? ml.randomForestRunParams({ maxDepth: c.maxDepth, nEstimators: c.nEstimators }, data)
    : ml.kNeighborsRunParams({ nNeighbors: c.nNeighbors }, data);
  lap("data, datasets and params");
  await ml.setExperiment(forest ? "random-forest" : "k-neighbours");
  const runId = await ml.withRun({ runName: "profile" }, async (run) => {
    lap("start run");
    await ml.logParams(params);
    await ml.logInput(training, { context: "training" });
    await ml.logInput(testing, { context: "testing" });
    lap("log params and inputs");
    const model = forest
      ? ml.trainRandomForest(data.XTrain, data.yTrain, {
        maxDepth: c.maxDepth,
        nEstimators: c.nEstimators,
      })
      : ml.trainKNeighbors(data.XTrain, data.yTrain, { nNeighbors: c.nNeighbors });
    lap("train");
    const metrics = ml.evaluateModel(model, data);
    lap("evaluate");
    await ml.logMetrics(metrics);
    lap("log metrics");
    if (forest) {
      const growth = ml.forestGrowth(model, data.XTest, data.yTest);
      for (const [i, accuracy] of growth.entries()) {
        await ml.logMetric("test_accuracy_by_trees", accuracy, { step: i + 1 });
      }
      lap("accuracy by trees");
    }
    await ml.saveChart(ml.confusionMatrixChart(model, data), "confusion_matrix");
    lap("chart");
    if (extras) {
      // Not part of the cell: the same chart of a matrix not drawn before (a run whose model
      // differs), for the cost of drawing one.
      const matrix = ml.confusionMatrix(data.yTest, model.predict(data.XTest));
      matrix[0]![0]! += 1000 + (extras.drawn = (extras.drawn ?? 0) + 1);
      const t0 = performance.now();
      await ml.saveChart(
        ml.confusionMatrixHeatmap(matrix, { title: "Test confusion matrix" }),
        "new",
      );
      (extras.spans[NEW_CHART] ??= []).push(performance.now() - t0);
      t = performance.now();
    }
    await ml.logModel(model, "model", { inputExample: data.XTest.slice(0, 5) });
    lap("model");
    return run.info.runId;
  });
  await ml.getRun(runId);
  lap("end run, read it back");
}

function profileTable(profiles: { label: string; spans: Spans; extras: Spans }[]): string {
  const steps = [...new Set(profiles.flatMap((p) => Object.keys(p.spans)))];
  const lines = [
    `| step | ${profiles.map((p) => p.label).join(" | ")} |`,
    `| --- | ${profiles.map(() => "---:").join(" | ")} |`,
  ];
  const ms = (v: number[] | undefined) => v ? `${median(v).toFixed(1)} ms` : "—";
  for (const step of steps) {
    lines.push(`| ${step} | ${profiles.map((p) => ms(p.spans[step])).join(" | ")} |`);
  }
  const totals = profiles.map((p) => {
    const n = Object.values(p.spans)[0]!.length;
    const sums = Array.from(
      { length: n },
      (_, i) => Object.values(p.spans).reduce((s, v) => s + v[i]!, 0),
    );
    return `${median(sums).toFixed(1)} ms`;
  });
  lines.push(`| whole cell | ${totals.join(" | ")} |`);
  lines.push(`| ${NEW_CHART} | ${profiles.map((p) => ms(p.extras[NEW_CHART])).join(" | ")} |`);
  return lines.join("\n");
}

/** Runs the cases; see the module documentation. */
export async function run(): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "bench-cell-" });
  const rows: BenchRow[] = [];
  const ours: number[][] = [];
  for (const c of CASES) {
    ml.setTrackingUri(join(dir, `ours-${ours.length}`));
    ours.push(await timeCells(cellOf(c), c.repeats));
  }
  const profiles: { label: string; spans: Spans; extras: Spans }[] = [];
  for (const c of CASES) {
    ml.setTrackingUri(join(dir, `profile-${profiles.length}`));
    const spans: Spans = {};
    const extras = { spans: {} as Spans };
    for (let i = 0; i < WARMUP; i++) await profileCell(c, {}, { spans: {} });
    for (let i = 0; i < c.repeats; i++) await profileCell(c, spans, extras);
    profiles.push({ label: c.label, spans, extras: extras.spans });
  }
  const pyCases = CASES.flatMap((c) => [{ ...c, infer: true }, { ...c, infer: false }]);
  const { stdout } = await runPythonScript(PYTHON, [
    join(dir, "python"),
    JSON.stringify(pyCases.map((c) => ({ ...c, repeats: undefined, label: undefined }))),
    "5",
    "2",
  ]);
  const py = JSON.parse(stdout) as PythonOutput;
  for (const [i, c] of CASES.entries()) {
    const what = c.model === "knn"
      ? "runKNeighbors({ nNeighbors: 5 })"
      : `runRandomForest({ maxDepth: ${c.maxDepth}, nEstimators: ${c.nEstimators} })`;
    const times = ours[i]!;
    const spread = `ours median of ${times.length}, middle half ${quartiles(times)}`;
    const inferred = py.cases[2 * i]!;
    const pinned = py.cases[2 * i + 1]!;
    const fit = `scikit-learn fit + score alone ${pinned.fitMs.toFixed(1)} ms`;
    rows.push({
      case: `training cell, ${c.label} (train, evaluate, log, chart, model), warm`,
      reference: `the original script's cell: scikit-learn ${py.sklearn} + MLflow ${py.mlflow} ` +
        `(log_model infers the requirements)`,
      referenceMs: inferred.cellMs,
      ours: what,
      oursMs: median(times),
      note: `${spread}; Python median of ${inferred.cells.length}`,
    });
    rows.push({
      case: `training cell, ${c.label} (train, evaluate, log, chart, model), warm`,
      reference: `the same, log_model given pip_requirements`,
      referenceMs: pinned.cellMs,
      ours: what,
      oursMs: median(times),
      note: `${spread}; Python median of ${pinned.cells.length}, ${fit}`,
    });
  }
  const profile = profileTable(profiles);
  console.error(`\nWhere a training cell's time goes (medians):\n${profile}\n`);
  const results = new URL("./results/", import.meta.url);
  await Deno.mkdir(results, { recursive: true });
  await Deno.writeTextFile(new URL("cell_profile.md", results), profile + "\n");
  await Deno.remove(dir, { recursive: true });
  return rows;
}
