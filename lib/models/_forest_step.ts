/**
 * The random forest step: {@linkcode FastRandomForestClassifier} (the same forests as npm
 * `ml-random-forest`, trained much faster), with tree-vote probabilities.
 * Not part of the public API.
 *
 * @module
 */

// The one line that picks the forest implementation (any class with ml-random-forest's
// RandomForestClassifier API and JSON: constructor(options), train, predictionValues, toJSON,
// static load).
import { FastRandomForestClassifier as ForestClassifier } from "./fast_random_forest.ts";
import { show } from "../_internal/show.ts";
import type { ClassifierStep } from "./_fitted_pipeline.ts";

/** The forest's training options, in ml-random-forest's names. */
export interface ForestSettings {
  nEstimators: number;
  maxFeatures: number;
  replacement: boolean;
  useSampleBagging: boolean;
  seed: number;
  maxDepth: number;
  minNumSamples: number;
  gainThreshold: number;
}

type ForestModel = InstanceType<typeof ForestClassifier>;

/** Rows of per-tree predictions, from a matrix (`to2DArray`) or plain arrays. */
function toRows(values: unknown): number[][] {
  if (Array.isArray(values)) return values as number[][];
  return (values as { to2DArray(): number[][] }).to2DArray();
}

class RandomForestStep implements ClassifierStep {
  readonly #model: ForestModel;

  constructor(model: ForestModel) {
    this.#model = model;
  }

  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][] {
    const votes = toRows(this.#model.predictionValues(X as number[][]));
    return votes.map((trees) => {
      const counts = new Array<number>(nClasses).fill(0);
      for (const label of trees) counts[label]! += 1;
      return counts.map((count) => count / trees.length);
    });
  }

  toJSON(): unknown {
    return JSON.parse(JSON.stringify(this.#model.toJSON()));
  }
}

/** Fits the forest on standardised rows and encoded labels. */
export function fitRandomForestStep(
  X: readonly (readonly number[])[],
  yEncoded: readonly number[],
  settings: ForestSettings,
): ClassifierStep {
  const { maxDepth, minNumSamples, gainThreshold, ...forest } = settings;
  const model = new ForestClassifier({
    ...forest,
    // Out-of-bag predictions are not used, and ml-random-forest 2.1 fails to collect them
    // when a row is never out of bag.
    noOOB: true,
    treeOptions: { maxDepth, minNumSamples, gainThreshold },
  });
  model.train(X.map((row) => [...row]), [...yEncoded]);
  return new RandomForestStep(model);
}

/** Restores the step from its JSON (the input is not modified). */
export function loadRandomForestStep(json: unknown): ClassifierStep {
  if (
    json === null || typeof json !== "object" ||
    (json as { name?: unknown }).name !== "RFClassifier"
  ) {
    throw new TypeError(
      `Cannot load random forest pipeline: model must be ml-random-forest's JSON, current value is ${
        show(json)
      }`,
    );
  }
  return new RandomForestStep(
    ForestClassifier.load(structuredClone(json) as Parameters<typeof ForestClassifier.load>[0]),
  );
}
