/**
 * A synthetic classification problem, generated as scikit-learn's `make_classification` does.
 *
 * @module
 */

import { checkFinite, checkInteger } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";
import { rowTimesMatrix, splitMatrix } from "./_blas.ts";
import { generatorOf, legacyGauss } from "./_legacy_distributions.ts";
import { resolveRandomState } from "./_random_state_option.ts";
import { sampleWithoutReplacement } from "./_sample_without_replacement.ts";
import type { RandomState } from "./random_state.ts";

/** Options for {@linkcode makeClassification}; names follow scikit-learn's in camelCase. */
export interface MakeClassificationOptions {
  /**
   * The number of rows.
   * @default {100}
   */
  nSamples?: number;
  /**
   * The number of columns: informative, redundant, repeated and pure-noise features together.
   * @default {20}
   */
  nFeatures?: number;
  /**
   * The number of informative features: the clusters live on the vertices of a hypercube in this
   * many dimensions.
   * @default {2}
   */
  nInformative?: number;
  /**
   * The number of redundant features: random linear combinations of the informative ones.
   * @default {2}
   */
  nRedundant?: number;
  /**
   * The number of repeated features: copies of informative or redundant features picked at
   * random (with replacement).
   * @default {0}
   */
  nRepeated?: number;
  /**
   * The number of classes; labels are 0, 1, …, nClasses − 1.
   * @default {2}
   */
  nClasses?: number;
  /**
   * The number of Gaussian clusters that make up each class.
   * @default {2}
   */
  nClustersPerClass?: number;
  /**
   * The share of rows in each class, before label noise: `nClasses` values, or `nClasses − 1`
   * values with the last share inferred as one minus their sum. Non-negative, summing to at
   * most 1; rows left over by rounding or by a sum below 1 go to the clusters in turn.
   * `undefined` or `null` means balanced classes.
   * @default {undefined}
   */
  weights?: readonly number[] | null;
  /**
   * The fraction of rows whose label is replaced by a uniformly random class (which may be the
   * same class), in [0, 1].
   * @default {0.01}
   */
  flipY?: number;
  /**
   * Half the side of the hypercube: larger values move the clusters apart. Greater than 0.
   * @default {1}
   */
  classSep?: number;
  /**
   * Put the clusters on the vertices of a hypercube (`true`) or of a random polytope made by
   * scaling the hypercube's vertices and axes by uniform [0, 1) factors (`false`).
   * @default {true}
   */
  hypercube?: boolean;
  /**
   * Added to every feature: one number, one number per feature (in generation order: informative,
   * redundant, repeated, noise — the order before columns are shuffled), or `null` for a random
   * shift per feature, uniform in [−classSep, classSep).
   * @default {0}
   */
  shift?: number | readonly number[] | null;
  /**
   * Multiplies every feature after shifting: one positive number, one number per feature (in
   * generation order), or `null` for a random factor per feature, uniform in [1, 101).
   * @default {1}
   */
  scale?: number | readonly number[] | null;
  /**
   * Shuffle the rows and the columns. Without shuffling, rows come cluster by cluster and the
   * columns in generation order.
   * @default {true}
   */
  shuffle?: boolean;
  /**
   * An integer seed in [0, 2³² − 1] (scikit-learn's `random_state=<int>`: the same data as
   * scikit-learn's for the same options), a {@linkcode RandomState} to draw from, or `undefined`
   * to seed from entropy.
   * @default {undefined}
   */
  randomState?: number | RandomState;
}

/** Rows and labels of a classification data set. */
export interface ClassificationData {
  /** The feature matrix, one array of `nFeatures` numbers per row. */
  X: number[][];
  /** The class label (0, 1, …, nClasses − 1) of each row. */
  y: number[];
}

const WHAT = "make classification";

/**
 * Generates a random `nClasses`-class classification problem with scikit-learn's
 * `make_classification` algorithm (Guyon's design for the NIPS 2003 "Madelon" data set):
 *
 * 1. Each class gets `nClustersPerClass` clusters; the clusters sit on distinct vertices of a
 *    hypercube of side `2·classSep` in `nInformative` dimensions (centred on the origin).
 * 2. Each cluster's rows are standard normal draws multiplied by a random matrix with entries
 *    uniform in [−1, 1) (so each cluster gets its own covariance), then moved to the vertex.
 * 3. Redundant features are random linear combinations of the informative ones (coefficients
 *    uniform in [−1, 1)); repeated features copy random informative or redundant columns; the
 *    remaining features are standard normal noise.
 * 4. A fraction `flipY` of the labels is replaced by random classes; then every feature is
 *    shifted and scaled, and rows and columns are shuffled.
 *
 * Rows are divided among clusters as scikit-learn does: cluster k (class k mod nClasses) gets
 * ⌊nSamples · weight / nClustersPerClass⌋ rows and the rows left over go to clusters 0, 1, 2, …
 * in turn.
 *
 * The result is scikit-learn's: every draw comes from {@linkcode RandomState} (NumPy's legacy
 * generator) in scikit-learn's order — hypercube vertices by `sample_without_replacement`, the
 * informative normals, each cluster's covariance matrix, the redundant coefficients, the repeated
 * columns, the noise, the label flips, shift and scale, then the row and column shuffles — so
 * labels are identical and features equal scikit-learn's to the last bit but for products NumPy
 * hands to `dgemv` (clusters of one row, a single redundant feature), which agree within a few
 * ulps.
 *
 * Costs O(nSamples · (nInformative² + nFeatures)) time.
 *
 * @param options what to generate; every field is optional
 * @returns the rows `X` and their labels `y`
 * @throws {RangeError} when the sizes are inconsistent (more informative, redundant and repeated
 * features than `nFeatures`; more clusters than the 2^nInformative hypercube vertices), weights
 * have the wrong length or sum above 1, or a number is out of range
 * @throws {TypeError} when a count is not an integer or an option has the wrong type
 *
 * @example Two balanced classes, reproducible with a seed
 * ```ts
 * import { makeClassification } from "./make_classification.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y } = makeClassification({ nSamples: 200, nFeatures: 6, randomState: 7 });
 * assert.equal(X.length, 200);
 * assert.equal(X[0]!.length, 6);
 * assert.deepEqual([...new Set(y)].sort(), [0, 1]);
 * assert.deepEqual(makeClassification({ nSamples: 200, nFeatures: 6, randomState: 7 }).X, X);
 * ```
 *
 * @example Unbalanced classes without label noise
 * ```ts
 * import { makeClassification } from "./make_classification.ts";
 * import assert from "node:assert/strict";
 *
 * const { y } = makeClassification({
 *   nSamples: 100,
 *   weights: [0.9, 0.1],
 *   flipY: 0,
 *   randomState: 1,
 * });
 * assert.equal(y.filter((label) => label === 1).length, 10);
 * ```
 */
export function makeClassification(options: MakeClassificationOptions = {}): ClassificationData {
  const {
    nSamples = 100,
    nFeatures = 20,
    nInformative = 2,
    nRedundant = 2,
    nRepeated = 0,
    nClasses = 2,
    nClustersPerClass = 2,
    weights = null,
    flipY = 0.01,
    classSep = 1,
    hypercube = true,
    shift = 0,
    scale = 1,
    shuffle = true,
    randomState,
  } = options;

  checkInteger(WHAT, "nSamples", nSamples, 1);
  checkInteger(WHAT, "nFeatures", nFeatures, 1);
  checkInteger(WHAT, "nInformative", nInformative, 1);
  checkInteger(WHAT, "nRedundant", nRedundant, 0);
  checkInteger(WHAT, "nRepeated", nRepeated, 0);
  checkInteger(WHAT, "nClasses", nClasses, 1);
  checkInteger(WHAT, "nClustersPerClass", nClustersPerClass, 1);
  checkFinite(WHAT, "flipY", flipY);
  if (flipY < 0 || flipY > 1) {
    throw new RangeError(`Cannot ${WHAT}: flipY must be in [0, 1], current value is ${flipY}`);
  }
  checkFinite(WHAT, "classSep", classSep);
  if (classSep <= 0) {
    throw new RangeError(
      `Cannot ${WHAT}: classSep must be greater than 0, current value is ${classSep}`,
    );
  }
  if (typeof hypercube !== "boolean") {
    throw new TypeError(
      `Cannot ${WHAT}: hypercube must be a boolean, current value is ${show(hypercube)}`,
    );
  }
  if (typeof shuffle !== "boolean") {
    throw new TypeError(
      `Cannot ${WHAT}: shuffle must be a boolean, current value is ${show(shuffle)}`,
    );
  }
  const nUseful = nInformative + nRedundant + nRepeated;
  if (nUseful > nFeatures) {
    throw new RangeError(
      `Cannot ${WHAT}: nInformative + nRedundant + nRepeated must be at most nFeatures (${nFeatures}), current value is ${nUseful}`,
    );
  }
  const nClusters = nClasses * nClustersPerClass;
  // As scikit-learn: compare in log2 so that 2 ** nInformative cannot overflow.
  if (nInformative < Math.log2(nClusters)) {
    throw new RangeError(
      `Cannot ${WHAT}: nClasses * nClustersPerClass must be at most 2 ** nInformative (${
        2 ** nInformative
      }), current value is ${nClusters}`,
    );
  }
  const classWeights = resolveWeights(weights, nClasses);
  const shiftFor = featureValues("shift", shift, nFeatures, false);
  const scaleFor = featureValues("scale", scale, nFeatures, true);

  const rs = resolveRandomState(WHAT, randomState);
  const generator = generatorOf.get(rs)!;
  const nRandom = nFeatures - nUseful;

  // Rows per cluster: the floor of each cluster's share, then the leftovers in turn.
  const clusterSizes: number[] = [];
  for (let k = 0; k < nClusters; k++) {
    clusterSizes.push(Math.trunc(nSamples * classWeights[k % nClasses]! / nClustersPerClass));
  }
  const assigned = clusterSizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < nSamples - assigned; i++) clusterSizes[i % nClusters]! += 1;

  // Cluster centres: distinct hypercube vertices in {−classSep, +classSep}^nInformative.
  const centroids = generateHypercube(nClusters, nInformative, rs).map((vertex) =>
    vertex.map((bit) => bit * (2 * classSep) - classSep)
  );
  if (!hypercube) {
    const clusterFactors = rs.uniform(0, 1, nClusters);
    const axisFactors = rs.uniform(0, 1, nInformative);
    for (let k = 0; k < nClusters; k++) {
      const centroid = centroids[k]!;
      for (let j = 0; j < nInformative; j++) {
        centroid[j] = centroid[j]! * clusterFactors[k]! * axisFactors[j]!;
      }
    }
  }

  // Informative features: standard normal, then per cluster a random linear map and a shift.
  const X: number[][] = new Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const row = new Array<number>(nFeatures);
    for (let j = 0; j < nInformative; j++) row[j] = legacyGauss(generator);
    X[i] = row;
  }
  const y: number[] = new Array<number>(nSamples).fill(0);
  const mixed = new Array<number>(nInformative);
  let start = 0;
  for (let k = 0; k < nClusters; k++) {
    const stop = start + clusterSizes[k]!;
    const A = splitMatrix(uniformMatrix(nInformative, nInformative, rs));
    const centroid = centroids[k]!;
    for (let i = start; i < stop; i++) {
      const row = X[i]!;
      y[i] = k % nClasses;
      rowTimesMatrix(row, A, mixed, 0);
      for (let j = 0; j < nInformative; j++) row[j] = mixed[j]! + centroid[j]!;
    }
    start = stop;
  }

  // Redundant features: random linear combinations of the informative ones.
  if (nRedundant > 0) {
    const B = splitMatrix(uniformMatrix(nInformative, nRedundant, rs));
    for (const row of X) rowTimesMatrix(row, B, row, nInformative);
  }

  // Repeated features: copies of informative or redundant columns, picked with replacement
  // (the first and last candidates half as often, as scikit-learn's rounding does).
  const n = nInformative + nRedundant;
  if (nRepeated > 0) {
    const sources = rs.uniform(0, 1, nRepeated).map((u) => Math.trunc((n - 1) * u + 0.5));
    for (const row of X) {
      for (let r = 0; r < nRepeated; r++) row[n + r] = row[sources[r]!]!;
    }
  }

  // Noise features.
  for (const row of X) {
    for (let j = nFeatures - nRandom; j < nFeatures; j++) row[j] = legacyGauss(generator);
  }

  // Label noise: a fraction flipY of rows get a uniformly random class.
  const flipped: number[] = [];
  for (let i = 0; i < nSamples; i++) {
    if (generator.mt.nextDouble() < flipY) flipped.push(i);
  }
  const newLabels = rs.randint(0, nClasses, flipped.length);
  flipped.forEach((i, f) => (y[i] = newLabels[f]!));

  // Shift, then scale.
  const shifts = shiftFor(() => (2 * rs.randomSample() - 1) * classSep);
  const scales = scaleFor(() => 1 + 100 * rs.randomSample());
  for (const row of X) {
    for (let j = 0; j < nFeatures; j++) row[j] = (row[j]! + shifts[j]!) * scales[j]!;
  }

  if (!shuffle) return { X, y };
  const rowOrder = rs.permutation(nSamples);
  const columnOrder = rs.permutation(nFeatures);
  const shuffledX: number[][] = new Array(nSamples);
  const shuffledY: number[] = new Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const source = X[rowOrder[i]!]!;
    const row = new Array<number>(nFeatures);
    for (let j = 0; j < nFeatures; j++) row[j] = source[columnOrder[j]!]!;
    shuffledX[i] = row;
    shuffledY[i] = y[rowOrder[i]!]!;
  }
  return { X: shuffledX, y: shuffledY };
}

/** Validates `weights` and returns one weight per class. */
function resolveWeights(weights: readonly number[] | null, nClasses: number): number[] {
  if (weights === null || weights === undefined) {
    return new Array<number>(nClasses).fill(1 / nClasses);
  }
  if (!Array.isArray(weights)) {
    throw new TypeError(
      `Cannot ${WHAT}: weights must be an array of numbers, current value is ${show(weights)}`,
    );
  }
  if (weights.length !== nClasses && weights.length !== nClasses - 1) {
    throw new RangeError(
      `Cannot ${WHAT}: weights must have nClasses (${nClasses}) or nClasses - 1 values, current value has ${weights.length}`,
    );
  }
  weights.forEach((w, i) => {
    checkFinite(WHAT, `weights[${i}]`, w);
    if (w < 0) {
      throw new RangeError(
        `Cannot ${WHAT}: weights[${i}] must be non-negative, current value is ${w}`,
      );
    }
  });
  const total = weights.reduce((a, b) => a + b, 0);
  // A little slack for decimal fractions that do not add up exactly in binary (0.1 + 0.2 + 0.7).
  if (total > 1 + 1e-9) {
    throw new RangeError(
      `Cannot ${WHAT}: weights must sum to at most 1, current value is ${
        show(weights)
      } (sum ${total})`,
    );
  }
  return weights.length === nClasses ? [...weights] : [...weights, 1 - total];
}

/**
 * Validates `shift` or `scale` and returns a function giving one value per feature, drawing the
 * random ones with `draw` when the option is `null`.
 */
function featureValues(
  name: string,
  value: number | readonly number[] | null,
  nFeatures: number,
  positive: boolean,
): (draw: () => number) => number[] {
  if (value === null) {
    return (draw) => Array.from({ length: nFeatures }, draw);
  }
  if (typeof value === "number") {
    checkFinite(WHAT, name, value);
    if (positive && value <= 0) {
      throw new RangeError(
        `Cannot ${WHAT}: ${name} must be greater than 0, current value is ${value}`,
      );
    }
    return () => new Array<number>(nFeatures).fill(value);
  }
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Cannot ${WHAT}: ${name} must be a number, an array or null, current value is ${show(value)}`,
    );
  }
  if (value.length !== nFeatures) {
    throw new RangeError(
      `Cannot ${WHAT}: ${name} must have nFeatures (${nFeatures}) values, current value has ${value.length}`,
    );
  }
  value.forEach((v, j) => checkFinite(WHAT, `${name}[${j}]`, v));
  return () => [...value];
}

/** A rows × columns matrix of uniform deviates in [−1, 1): NumPy's `2 * uniform(size) - 1`. */
function uniformMatrix(rows: number, columns: number, rs: RandomState): number[][] {
  return Array.from(
    { length: rows },
    () => Array.from({ length: columns }, () => 2 * rs.randomSample() - 1),
  );
}

/**
 * `count` distinct random vertices of the unit hypercube {0, 1}^dimensions, as scikit-learn's
 * `_generate_hypercube`: the codes of `sampleWithoutReplacement(2^dimensions, count)` written in
 * binary, most significant bit first. Beyond 30 dimensions the leading dimensions − 30
 * coordinates are random bits (`randint(2)`, drawn first) and only the last 30 are kept distinct.
 */
function generateHypercube(count: number, dimensions: number, rs: RandomState): number[][] {
  if (dimensions > 30) {
    const leading = rs.randint(0, 2, [count, dimensions - 30]);
    const tails = generateHypercube(count, 30, rs);
    return tails.map((tail, i) => [...leading[i]!, ...tail]);
  }
  const picked = sampleWithoutReplacement(2 ** dimensions, count, rs);
  return picked.map((code) =>
    Array.from({ length: dimensions }, (_, j) => Math.floor(code / 2 ** (dimensions - 1 - j)) % 2)
  );
}
