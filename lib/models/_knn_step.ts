/**
 * The k-neighbours step: npm `ml-knn`'s KNN (an exhaustive search through its k-d tree), with
 * scikit-learn's uniform-vote probabilities. Not part of the public API.
 *
 * The neighbours are ml-knn's own, found faster: ml-knn's search visits every node (its distance
 * to a splitting plane is always 0), so it keeps the k smallest distances. A row's distances to
 * all training rows are computed with ml-knn's arithmetic (`ml-distance-euclidean`: squared
 * differences summed feature by feature, then the square root); when no other training row ties
 * with the k-th smallest distance, the k rows within it are the ones ml-knn finds. When rows
 * tie, which of them ml-knn keeps depends on its visiting order and heap, so the row is handed
 * to ml-knn's search itself.
 *
 * @module
 */

import KNN from "npm:ml-knn@3.0.0";
import { show } from "../_internal/show.ts";
import type { ClassifierStep } from "./_fitted_pipeline.ts";

/** A node of ml-knn 3's k-d tree: a stored point (features, then the label) and its children. */
interface KdNode {
  obj: number[];
  left: KdNode | null;
  right: KdNode | null;
}

/** The part of ml-knn 3's KNN this step uses (the package ships no types). */
interface KnnModel {
  k: number;
  kdTree: {
    root: KdNode | null;
    /** The k nearest stored points (features, then the label) and their distances, unordered. */
    nearest(point: readonly number[], k: number): [number[], number][];
  };
  toJSON(): unknown;
}

/** The training rows of the tree, flat (row-major), and their labels. */
interface Points {
  values: Float64Array;
  labels: Int32Array;
  count: number;
}

function treePoints(root: KdNode | null): Points {
  const nodes: KdNode[] = [];
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    if (node.right) stack.push(node.right);
    if (node.left) stack.push(node.left);
  }
  const width = nodes.length > 0 ? nodes[0]!.obj.length - 1 : 0;
  const values = new Float64Array(nodes.length * width);
  const labels = new Int32Array(nodes.length);
  nodes.forEach((node, i) => {
    for (let j = 0; j < width; j++) values[i * width + j] = node.obj[j]!;
    labels[i] = node.obj[width]!;
  });
  return { values, labels, count: nodes.length };
}

/** The k-th smallest of `values` (1 ≤ k ≤ length); NaN when one of the k smallest is NaN. */
function kthSmallest(values: Float64Array, k: number): number {
  if (k > 64) return values.slice().sort()[k - 1]!;
  // The k smallest so far, ascending (NaN never enters: comparisons with it are false).
  const best = new Float64Array(k).fill(Infinity);
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return NaN;
    if (seen >= k && !(v < best[k - 1]!)) continue;
    let j = Math.min(seen, k - 1);
    while (j > 0 && best[j - 1]! > v) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = v;
    seen++;
  }
  return best[k - 1]!;
}

class KNeighborsStep implements ClassifierStep {
  readonly #model: KnnModel;
  #points: Points | undefined;

  constructor(model: KnnModel) {
    this.#model = model;
  }

  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][] {
    const k = this.#model.k;
    const points = this.#points ??= treePoints(this.#model.kdTree.root);
    const { values, labels, count } = points;
    const distances = new Float64Array(count);
    return X.map((row) => {
      const width = row.length;
      for (let i = 0, offset = 0; i < count; i++, offset += width) {
        let d = 0;
        for (let j = 0; j < width; j++) {
          const diff = row[j]! - values[offset + j]!;
          d += diff * diff;
        }
        distances[i] = Math.sqrt(d);
      }
      const votes = new Array<number>(nClasses).fill(0);
      const kth = kthSmallest(distances, k);
      let within = 0;
      for (let i = 0; i < count; i++) if (distances[i]! <= kth) within++;
      if (within === k) {
        for (let i = 0; i < count; i++) if (distances[i]! <= kth) votes[labels[i]!]! += 1;
      } else {
        for (const [point] of this.#model.kdTree.nearest(row, k)) {
          votes[point[point.length - 1]!]! += 1;
        }
      }
      return votes.map((vote) => vote / k);
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
