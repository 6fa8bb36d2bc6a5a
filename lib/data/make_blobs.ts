/**
 * Isotropic Gaussian blobs, generated as scikit-learn's `make_blobs` does.
 *
 * @module
 */

import { checkFinite, checkInteger } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";
import { generatorOf, legacyGauss } from "./_legacy_distributions.ts";
import { resolveRandomState } from "./_random_state_option.ts";
import type { RandomState } from "./random_state.ts";

/** Options for {@linkcode makeBlobs}; names follow scikit-learn's in camelCase. */
export interface MakeBlobsOptions {
  /**
   * The number of rows, divided equally among the blobs (the first blobs get one more when it
   * does not divide), or the number of rows of each blob.
   * @default {100}
   */
  nSamples?: number | readonly number[];
  /**
   * The number of columns; ignored when `centers` gives the centres.
   * @default {2}
   */
  nFeatures?: number;
  /**
   * How many blobs (their centres uniform in `centerBox`), or the centres themselves, one row of
   * `nFeatures` numbers each. `undefined` means 3 blobs, or one per entry of an array `nSamples`.
   * @default {undefined}
   */
  centers?: number | readonly (readonly number[])[];
  /**
   * The standard deviation of every blob, or one per blob.
   * @default {1}
   */
  clusterStd?: number | readonly number[];
  /**
   * The bounds [min, max) of random centres.
   * @default {[-10, 10]}
   */
  centerBox?: readonly [number, number];
  /**
   * Shuffle the rows; without shuffling they come blob by blob.
   * @default {true}
   */
  shuffle?: boolean;
  /**
   * An integer seed in [0, 2³² − 1] (the same data as scikit-learn's `random_state=<int>`), a
   * {@linkcode RandomState} to draw from, or `undefined` to seed from entropy.
   * @default {undefined}
   */
  randomState?: number | RandomState;
}

/** Rows, their blob labels, and the blob centres. */
export interface BlobsData {
  /** The rows, `nFeatures` numbers each. */
  X: number[][];
  /** The blob (0, 1, …) of each row. */
  y: number[];
  /** The centre of each blob (scikit-learn's `return_centers=True`). */
  centers: number[][];
}

const WHAT = "make blobs";

/**
 * Generates Gaussian blobs for clustering or classification as scikit-learn's `make_blobs`
 * does: random centres uniform in `centerBox` (unless given), then each blob's rows drawn from a
 * normal distribution around its centre with standard deviation `clusterStd`, then the rows
 * shuffled.
 *
 * The draws come from {@linkcode RandomState} (NumPy's legacy generator) in scikit-learn's order,
 * so an integer `randomState` gives scikit-learn's very numbers, bit for bit.
 *
 * Costs O(nSamples · nFeatures) time.
 *
 * @param options what to generate; every field is optional
 * @returns the rows, their labels and the centres
 * @throws {RangeError} when a count is out of range, the centres or standard deviations do not
 * match the number of blobs, or a standard deviation is negative
 * @throws {TypeError} when an option has the wrong type
 *
 * @example Three blobs in the plane
 * ```ts
 * import { makeBlobs } from "./make_blobs.ts";
 * import assert from "node:assert/strict";
 *
 * const { X, y, centers } = makeBlobs({ nSamples: 10, centers: 3, randomState: 0 });
 * assert.equal(X.length, 10);
 * assert.equal(centers.length, 3);
 * // sklearn.datasets.make_blobs(n_samples=10, centers=3, n_features=2, random_state=0)
 * assert.deepEqual(y, [0, 0, 1, 0, 2, 2, 2, 1, 1, 0]);
 * ```
 *
 * @example Blobs of given sizes around given centres
 * ```ts
 * import { makeBlobs } from "./make_blobs.ts";
 * import assert from "node:assert/strict";
 *
 * const { y } = makeBlobs({
 *   nSamples: [5, 2],
 *   centers: [[0, 0], [10, 10]],
 *   clusterStd: [1, 0.5],
 *   shuffle: false,
 *   randomState: 1,
 * });
 * assert.deepEqual(y, [0, 0, 0, 0, 0, 1, 1]);
 * ```
 */
export function makeBlobs(options: MakeBlobsOptions = {}): BlobsData {
  const {
    nSamples = 100,
    nFeatures: featuresOption = 2,
    centers: centersOption,
    clusterStd = 1,
    centerBox = [-10, 10],
    shuffle = true,
    randomState,
  } = options;
  let nFeatures = featuresOption;
  checkInteger(WHAT, "nFeatures", nFeatures, 1);
  if (typeof shuffle !== "boolean") {
    throw new TypeError(
      `Cannot ${WHAT}: shuffle must be a boolean, current value is ${show(shuffle)}`,
    );
  }
  if (!Array.isArray(centerBox) || centerBox.length !== 2) {
    throw new TypeError(
      `Cannot ${WHAT}: centerBox must be [min, max], current value is ${show(centerBox)}`,
    );
  }
  checkFinite(WHAT, "centerBox[0]", centerBox[0]);
  checkFinite(WHAT, "centerBox[1]", centerBox[1]);
  const rs = resolveRandomState(WHAT, randomState);

  let perBlob: number[];
  let centers: number[][];
  const randomCenters = (n: number) => {
    const [low, high] = centerBox;
    return Array.from({ length: n }, () => rs.uniform(low, high, nFeatures));
  };
  if (typeof nSamples === "number") {
    checkInteger(WHAT, "nSamples", nSamples, 1);
    if (centersOption === undefined || typeof centersOption === "number") {
      const nCenters = centersOption ?? 3;
      checkInteger(WHAT, "centers", nCenters, 1);
      centers = randomCenters(nCenters);
    } else {
      centers = checkCenters(centersOption);
      nFeatures = centers[0]!.length;
    }
    const base = Math.floor(nSamples / centers.length);
    perBlob = centers.map((_, i) => base + (i < nSamples % centers.length ? 1 : 0));
  } else {
    if (!Array.isArray(nSamples) || nSamples.length === 0) {
      throw new TypeError(
        `Cannot ${WHAT}: nSamples must be an integer or a non-empty array of them, current value is ${
          show(nSamples)
        }`,
      );
    }
    nSamples.forEach((n, i) => checkInteger(WHAT, `nSamples[${i}]`, n, 0));
    perBlob = [...nSamples];
    if (centersOption === undefined) centers = randomCenters(perBlob.length);
    else if (typeof centersOption === "number") {
      throw new TypeError(
        `Cannot ${WHAT}: with one count per blob, centers must be the centres, current value is ${centersOption}`,
      );
    } else centers = checkCenters(centersOption);
    if (centers.length !== perBlob.length) {
      throw new RangeError(
        `Cannot ${WHAT}: centers must have one row per entry of nSamples (${perBlob.length}), current value has ${centers.length}`,
      );
    }
    nFeatures = centers[0]!.length;
  }
  const stds = typeof clusterStd === "number"
    ? centers.map(() => clusterStd)
    : Array.isArray(clusterStd)
    ? [...clusterStd]
    : null;
  if (stds === null || stds.length !== centers.length) {
    throw new RangeError(
      `Cannot ${WHAT}: clusterStd must be a number or one number per blob (${centers.length}), current value is ${
        show(clusterStd)
      }`,
    );
  }
  stds.forEach((std, i) => {
    checkFinite(WHAT, `clusterStd[${i}]`, std);
    if (std < 0) {
      throw new RangeError(
        `Cannot ${WHAT}: clusterStd must be non-negative, current value is ${std}`,
      );
    }
  });

  // Each blob's rows: NumPy's normal(loc=centre, scale=std, size=(n, nFeatures)), row by row.
  const generator = generatorOf.get(rs)!;
  const X: number[][] = [];
  const y: number[] = [];
  perBlob.forEach((count, i) => {
    const centre = centers[i]!;
    const std = stds[i]!;
    for (let r = 0; r < count; r++) {
      const row = new Array<number>(nFeatures);
      for (let j = 0; j < nFeatures; j++) row[j] = centre[j]! + std * legacyGauss(generator);
      X.push(row);
      y.push(i);
    }
  });
  if (!shuffle) return { X, y, centers };
  const order = rs.permutation(X.length);
  return { X: order.map((i) => X[i]!), y: order.map((i) => y[i]!), centers };
}

/** Validates given centres: a non-empty matrix of finite numbers. */
function checkCenters(centers: readonly (readonly number[])[]): number[][] {
  if (
    !Array.isArray(centers) || centers.length === 0 ||
    !centers.every((row) => Array.isArray(row) && row.length === centers[0]!.length) ||
    centers[0]!.length === 0
  ) {
    throw new TypeError(
      `Cannot ${WHAT}: centers must be a count or a non-empty matrix (rows of equal length), current value is ${
        show(centers)
      }`,
    );
  }
  centers.forEach((row, i) =>
    row.forEach((v: number, j: number) => checkFinite(WHAT, `centers[${i}][${j}]`, v))
  );
  return centers.map((row) => [...row]);
}
