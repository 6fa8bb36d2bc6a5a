/**
 * What the training runs share: the experiments they log into and their common options.
 *
 * @module
 */

import type { Split } from "./evaluate.ts";

/**
 * Experiment names the original project's two scripts map to; runs are also tagged with them
 * (`model_family`).
 *
 * @example The two experiments
 * ```ts
 * import { EXPERIMENTS } from "./run_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(Object.values(EXPERIMENTS), ["k-neighbours", "random-forest"]);
 * ```
 */
export const EXPERIMENTS = { kNeighbors: "k-neighbours", randomForest: "random-forest" } as const;

/** Options shared by {@linkcode runKNeighbors} and {@linkcode runRandomForest}. */
export interface RunOptions {
  /** Rows to train and test on. @default seedDataset() */
  data?: Split;
  /**
   * The data set's name: the run's inputs are `<name>-train` (context `training`) and
   * `<name>-test` (context `testing`). @default "seed"
   */
  datasetName?: string;
  /** Run name. @default e.g. "knn-k5" or "rf-d3-n20" */
  runName?: string;
  /** Experiment to log into. @default "k-neighbours" or "random-forest" */
  experimentName?: string;
  /** Save the model with the run. @default true */
  logModel?: boolean;
  /** Start the run inside the active run (a sweep's child). @default false */
  nested?: boolean;
}
