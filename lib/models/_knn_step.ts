/**
 * The k-neighbours step: npm `ml-knn`'s KNN (an exhaustive search through its k-d tree), with
 * scikit-learn's uniform-vote probabilities. Not part of the public API.
 *
 * @module
 */

import KNN from "npm:ml-knn@3.0.0";
import { show } from "../_internal/show.ts";
import type { ClassifierStep } from "./_fitted_pipeline.ts";

/** The part of ml-knn 3's KNN this step uses (the package ships no types). */
interface KnnModel {
  k: number;
  kdTree: {
    /** The k nearest stored points (features, then the label) and their distances, unordered. */
    nearest(point: readonly number[], k: number): [number[], number][];
  };
  toJSON(): unknown;
}

class KNeighborsStep implements ClassifierStep {
  readonly #model: KnnModel;

  constructor(model: KnnModel) {
    this.#model = model;
  }

  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][] {
    const k = this.#model.k;
    return X.map((row) => {
      const votes = new Array<number>(nClasses).fill(0);
      for (const [point] of this.#model.kdTree.nearest(row, k)) {
        votes[point[point.length - 1]!]! += 1;
      }
      return votes.map((count) => count / k);
    });
  }

  toJSON(): unknown {
    // The k-d tree's nodes are class instances with parent links; keep plain data only.
    return JSON.parse(JSON.stringify(this.#model));
  }
}

/** Fits ml-knn on standardised rows and encoded labels. */
export function fitKNeighborsStep(
  X: readonly (readonly number[])[],
  yEncoded: readonly number[],
  k: number,
): ClassifierStep {
  return new KNeighborsStep(new KNN(X, yEncoded, { k }) as KnnModel);
}

/** Restores the step from its JSON (the input is not modified). */
export function loadKNeighborsStep(json: unknown): ClassifierStep {
  if (json === null || typeof json !== "object" || (json as { name?: unknown }).name !== "KNN") {
    throw new TypeError(
      `Cannot load k-neighbours pipeline: model must be ml-knn's JSON, current value is ${
        show(json)
      }`,
    );
  }
  // KNN.load links the tree's nodes to their parents in place: give it a copy.
  return new KNeighborsStep(KNN.load(structuredClone(json)) as KnnModel);
}
