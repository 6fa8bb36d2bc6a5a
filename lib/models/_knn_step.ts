/**
 * The k-neighbours step: {@linkcode FastKNeighborsClassifier} (npm `ml-knn`'s neighbours and
 * JSON, found much faster), with scikit-learn's uniform-vote probabilities. Not part of the
 * public API.
 *
 * @module
 */

import { show } from "../_internal/show.ts";
import type { ClassifierStep } from "./_fitted_pipeline.ts";
import { FastKNeighborsClassifier, type FastKNeighborsJSON } from "./fast_k_neighbors.ts";

class KNeighborsStep implements ClassifierStep {
  readonly #model: FastKNeighborsClassifier;
  #text: string | undefined;

  constructor(model: FastKNeighborsClassifier) {
    this.#model = model;
  }

  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][] {
    const k = this.#model.k;
    const labels = Array.from({ length: nClasses }, (_, c) => c);
    return this.#model.classVotes(X, labels).map((votes) => votes.map((count) => count / k));
  }

  toJSON(): unknown {
    return this.#model.toJSON();
  }

  toJSONText(): string {
    this.#text ??= JSON.stringify(this.#model.toJSON());
    return this.#text;
  }
}

/** Fits the classifier on standardised rows and encoded labels. */
export function fitKNeighborsStep(
  X: readonly (readonly number[])[],
  yEncoded: readonly number[],
  k: number,
): ClassifierStep {
  return new KNeighborsStep(new FastKNeighborsClassifier(X, yEncoded, { k }));
}

/**
 * Restores the step from `ml-knn`'s JSON (the input is not modified). A model saved with a
 * custom distance function is refused, as `ml-knn`'s `KNN.load` refuses it without the function.
 */
export function loadKNeighborsStep(json: unknown): ClassifierStep {
  if (json === null || typeof json !== "object" || (json as { name?: unknown }).name !== "KNN") {
    throw new TypeError(
      `Cannot load k-neighbours pipeline: model must be ml-knn's JSON, current value is ${
        show(json)
      }`,
    );
  }
  return new KNeighborsStep(FastKNeighborsClassifier.load(json as FastKNeighborsJSON));
}
