/**
 * The original project's two training scripts as functions: train a model on the seed data set
 * inside a run and record everything about it — hyperparameters, train and test metrics, the
 * model, a confusion-matrix chart, and (for the forest) test accuracy as trees are added. The
 * notebooks and `deno task demo` call these.
 *
 * @example Log a k-neighbours run
 * ```ts
 * import { runKNeighbors, setTrackingUri } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await runKNeighbors({ nNeighbors: 5 });
 * assert.equal(run.data.params.n_neighbors, "5");
 * assert.ok(run.data.metrics.test_accuracy! > 0.7);
 * ```
 *
 * @module
 */

import { type SeedDataset, seedDataset } from "../data/mod.ts";
import {
  accuracyScore,
  confusionMatrix,
  f1Score,
  logLoss,
  precisionScore,
  recallScore,
  rocAucScore,
} from "../metrics/mod.ts";
import { FastRandomForestClassifier } from "../models/fast_random_forest.ts";
import { trainKNeighbors, trainRandomForest } from "../models/mod.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { confusionMatrixHeatmap, progress, saveChart } from "../charts/mod.ts";
import { getRun, getStore, logMetrics, type Run, setExperiment, withRun } from "../tracking/mod.ts";
import { logModel } from "../flavor/mod.ts";

/** Rows and labels to train on and to test on. */
export type Split = Pick<SeedDataset, "XTrain" | "yTrain" | "XTest" | "yTest">;

/** Experiment names the original project's two scripts map to. */
export const EXPERIMENTS = { kNeighbors: "k-neighbours", randomForest: "random-forest" } as const;

/** What {@linkcode evaluateModel} measures, named as the runs' metrics. */
export type ModelMetrics = {
  /** Accuracy on the training rows. */
  train_accuracy: number;
  /** Accuracy on the test rows. */
  test_accuracy: number;
  /** Precision of class 1 on the test rows. */
  test_precision: number;
  /** Recall of class 1 on the test rows. */
  test_recall: number;
  /** F1 of class 1 on the test rows. */
  test_f1: number;
  /** ROC AUC of the class-1 probabilities on the test rows. */
  test_roc_auc: number;
  /** Log loss of the class-1 probabilities on the test rows. */
  test_log_loss: number;
};

/**
 * Train and test metrics of a fitted binary classifier: accuracy on both sets, and on the test
 * set precision, recall, F1 (positive class 1), ROC AUC and log loss from the predicted
 * probabilities — scikit-learn's definitions.
 *
 * @example
 * ```ts
 * import { evaluateModel, seedDataset, trainKNeighbors } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = seedDataset();
 * const metrics = evaluateModel(trainKNeighbors(data.XTrain, data.yTrain, { autolog: false }), data);
 * assert.ok(metrics.train_accuracy >= metrics.test_accuracy);
 * assert.ok(metrics.test_roc_auc > 0.5 && metrics.test_roc_auc <= 1);
 * ```
 */
export function evaluateModel(model: Pipeline, split: Split): ModelMetrics {
  const predicted = model.predict(split.XTest);
  const positive = model.classes.indexOf(1);
  if (positive < 0 || model.classes.length !== 2) {
    throw new RangeError(
      `Cannot evaluate model: expected binary classes [0, 1], current value is [${model.classes}]`,
    );
  }
  const scores = model.predictProba(split.XTest).map((row) => row[positive]!);
  return {
    train_accuracy: accuracyScore(split.yTrain, model.predict(split.XTrain)),
    test_accuracy: accuracyScore(split.yTest, predicted),
    test_precision: precisionScore(split.yTest, predicted),
    test_recall: recallScore(split.yTest, predicted),
    test_f1: f1Score(split.yTest, predicted),
    test_roc_auc: rocAucScore(split.yTest, scores),
    test_log_loss: logLoss(split.yTest, scores),
  };
}

/**
 * Test accuracy of a random-forest pipeline using only its first 1, 2, … n trees (majority vote,
 * ties to the smaller class as `predict` does): how accuracy grows as trees are added.
 */
export function forestGrowth(model: Pipeline, X: number[][], y: number[]): number[] {
  if (model.kind !== "random_forest") {
    throw new TypeError(`Cannot trace forest growth: model kind is ${model.kind}`);
  }
  const forest = FastRandomForestClassifier.load(
    model.toJSON().model as Parameters<typeof FastRandomForestClassifier.load>[0],
  );
  const votes = forest.predictionValues(model.scaler.transform(X)).to2DArray();
  const nTrees = votes[0]?.length ?? 0;
  const nClasses = model.classes.length;
  const counts = votes.map(() => new Array<number>(nClasses).fill(0));
  const accuracy: number[] = [];
  for (let t = 0; t < nTrees; t++) {
    let correct = 0;
    votes.forEach((row, i) => {
      const c = counts[i]!;
      c[row[t]!]! += 1;
      let best = 0;
      for (let k = 1; k < nClasses; k++) if (c[k]! > c[best]!) best = k;
      if (model.classes[best] === y[i]) correct++;
    });
    accuracy.push(correct / votes.length);
  }
  return accuracy;
}

/** Options shared by {@linkcode runKNeighbors} and {@linkcode runRandomForest}. */
export interface RunOptions {
  /** Rows to train and test on. @default seedDataset() */
  data?: Split;
  /** Run name. @default e.g. "knn-k5" or "rf-d3-n20" */
  runName?: string;
  /** Experiment to log into. @default "k-neighbours" or "random-forest" */
  experimentName?: string;
  /** Save the model with the run. @default true */
  logModel?: boolean;
}

async function recordFit(model: Pipeline, data: Split, options: RunOptions): Promise<void> {
  await logMetrics(evaluateModel(model, data));
  const matrix = confusionMatrix(data.yTest, model.predict(data.XTest), {
    labels: [...model.classes],
  });
  await saveChart(
    confusionMatrixHeatmap(matrix, {
      labels: model.classes.map(String),
      title: "Test confusion matrix",
    }),
    "confusion_matrix",
  );
  if (options.logModel ?? true) {
    await logModel(model, "model", { inputExample: data.XTest.slice(0, 5) });
  }
}

/**
 * Trains `StandardScaler → k-neighbours` on the seed data set inside a new run of the
 * "k-neighbours" experiment (tagged `model_family`) and logs everything; returns the finished
 * run.
 */
export async function runKNeighbors(
  options: RunOptions & { nNeighbors?: number } = {},
): Promise<Run> {
  const { nNeighbors = 5, data = seedDataset() } = options;
  await setExperiment(options.experimentName ?? EXPERIMENTS.kNeighbors);
  const runName = options.runName ?? `knn-k${nNeighbors}`;
  const tags = { model_family: EXPERIMENTS.kNeighbors };
  const runId = await withRun({ runName, tags }, async (run) => {
    const model = trainKNeighbors(data.XTrain, data.yTrain, { nNeighbors });
    await recordFit(model, data, options);
    return run.info.runId;
  });
  return await getRun(runId);
}

/**
 * Trains `StandardScaler → random forest` on the seed data set inside a new run of the
 * "random-forest" experiment (tagged `model_family`) and logs everything, including
 * `test_accuracy_by_trees` (one step per number of trees); returns the finished run.
 */
export async function runRandomForest(
  options: RunOptions & { maxDepth?: number; nEstimators?: number; seed?: number } = {},
): Promise<Run> {
  const { maxDepth = 3, nEstimators = 20, seed = 42, data = seedDataset() } = options;
  await setExperiment(options.experimentName ?? EXPERIMENTS.randomForest);
  const runName = options.runName ?? `rf-d${maxDepth}-n${nEstimators}`;
  const tags = { model_family: EXPERIMENTS.randomForest };
  const runId = await withRun({ runName, tags }, async (run) => {
    const model = trainRandomForest(data.XTrain, data.yTrain, { maxDepth, nEstimators, seed });
    await recordFit(model, data, options);
    // The whole growth curve in one batch: one point per number of trees.
    const timestamp = Date.now();
    await getStore().logBatch(run.info.runId, {
      metrics: forestGrowth(model, data.XTest, data.yTest).map((value, i) => ({
        key: "test_accuracy_by_trees",
        value,
        step: i + 1,
        timestamp,
      })),
    });
    return run.info.runId;
  });
  return await getRun(runId);
}

/** One point of a hyperparameter grid: a model family and its settings. */
export type GridPoint =
  | { family: "k-neighbours"; nNeighbors: number }
  | { family: "random-forest"; maxDepth: number; nEstimators: number };

/**
 * Every combination of the given hyperparameter values, k-neighbours first.
 *
 * @example
 * ```ts
 * import { grid } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const points = grid({ nNeighbors: [3, 5], maxDepth: [2], nEstimators: [10, 20] });
 * assert.equal(points.length, 4);
 * assert.deepEqual(points[2], { family: "random-forest", maxDepth: 2, nEstimators: 10 });
 * ```
 */
export function grid(values: {
  nNeighbors?: readonly number[];
  maxDepth?: readonly number[];
  nEstimators?: readonly number[];
}): GridPoint[] {
  const points: GridPoint[] = [];
  for (const nNeighbors of values.nNeighbors ?? []) {
    points.push({ family: "k-neighbours", nNeighbors });
  }
  for (const maxDepth of values.maxDepth ?? []) {
    for (const nEstimators of values.nEstimators ?? []) {
      points.push({ family: "random-forest", maxDepth, nEstimators });
    }
  }
  return points;
}

/**
 * Logs one run per grid point (see {@linkcode runKNeighbors} and {@linkcode runRandomForest}),
 * showing progress — a bar updated in place in a notebook, a progress line on a terminal — and
 * returns the finished runs in grid order.
 */
export async function runGrid(
  points: readonly GridPoint[],
  options: Omit<RunOptions, "runName"> & { label?: string } = {},
): Promise<Run[]> {
  const { label = "runs", ...runOptions } = options;
  const data = runOptions.data ?? seedDataset();
  const bar = progress(points.length, { label });
  const runs: Run[] = [];
  try {
    for (const point of points) {
      const run = point.family === "k-neighbours"
        ? await runKNeighbors({ ...runOptions, data, nNeighbors: point.nNeighbors })
        : await runRandomForest({
          ...runOptions,
          data,
          maxDepth: point.maxDepth,
          nEstimators: point.nEstimators,
        });
      runs.push(run);
      bar.tick(1, { run: run.info.runName, test_accuracy: run.data.metrics.test_accuracy ?? NaN });
    }
  } finally {
    await bar.done();
  }
  return runs;
}
