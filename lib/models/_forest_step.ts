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
import { type ClassifierStep, type TreeVotes, voteShares } from "./_fitted_pipeline.ts";

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

/** Per-tree predictions, from a matrix (row-major `data`) or plain arrays (one per row). */
function toVotes(values: unknown): TreeVotes {
  if (Array.isArray(values)) {
    const trees = (values[0] as number[] | undefined)?.length ?? 0;
    return { votes: Int32Array.from((values as number[][]).flat()), trees };
  }
  const matrix = values as {
    toInt32Array?(): Int32Array;
    columns: number;
    to2DArray(): number[][];
  };
  if (matrix.toInt32Array) return { votes: matrix.toInt32Array(), trees: matrix.columns };
  return toVotes(matrix.to2DArray());
}

class RandomForestStep implements ClassifierStep {
  readonly #model: ForestModel;
  #text: string | undefined;

  constructor(model: ForestModel) {
    this.#model = model;
  }

  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][] {
    return voteShares(this.treeVotes(X), nClasses);
  }

  treeVotes(X: readonly (readonly number[])[]): TreeVotes {
    return toVotes(this.#model.predictionValues(X as number[][]));
  }

  toJSON(): unknown {
    return JSON.parse(this.toJSONText());
  }

  /** The forest's JSON text, written once: a trained forest does not change. */
  toJSONText(): string {
    this.#text ??= JSON.stringify(this.#model.toJSON());
    return this.#text;
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
