// makeBlobs, makeMoons and makeCircles against scikit-learn's make_blobs, make_moons and
// make_circles from the project's venv: the same labels and, to 1e-12 (bit for bit but where
// V8's cosine or sine differs from NumPy's in the last bit), the same rows, over generated
// options and seeds; plus their argument checks.

import assert from "node:assert/strict";
import { makeBlobs, makeCircles, makeMoons, RandomState } from "../../lib/data/mod.ts";
import { compareData, sklearn, type SklearnData, toSklearn } from "./_sklearn.ts";

const pick = new RandomState(7);

const BLOBS = [
  ...Array.from({ length: 60 }, () => ({
    nSamples: pick.randint(1, 150),
    nFeatures: pick.randint(1, 6),
    centers: pick.randint(1, 6),
    clusterStd: pick.uniform(0, 3),
    shuffle: pick.randomSample() < 0.8,
    randomState: pick.randint(0, 2 ** 32),
  })),
  {
    nSamples: [5, 0, 9],
    centers: [[1, 2], [3, 4], [-5, 6]],
    clusterStd: [0.5, 1, 2],
    randomState: 1,
  },
  { nSamples: [4, 6], nFeatures: 3, centerBox: [0, 1] as [number, number], randomState: 2 },
  { nSamples: 50, centers: [[0, 0, 0], [5, 5, 5]], randomState: 3 },
  { randomState: 0 },
];
const MOONS = [
  ...Array.from({ length: 40 }, () => ({
    nSamples: pick.randint(1, 300),
    noise: pick.randomSample() < 0.8 ? pick.uniform(0, 0.5) : null,
    shuffle: pick.randomSample() < 0.8,
    randomState: pick.randint(0, 2 ** 32),
  })),
  { nSamples: [7, 3] as [number, number], noise: 0.1, randomState: 4 },
  { nSamples: 1000, shuffle: false },
];
const CIRCLES = [
  ...Array.from({ length: 40 }, () => ({
    nSamples: pick.randint(0, 300),
    noise: pick.randomSample() < 0.8 ? pick.uniform(0, 0.2) : null,
    factor: pick.uniform(0, 1),
    shuffle: pick.randomSample() < 0.8,
    randomState: pick.randint(0, 2 ** 32),
  })),
  { nSamples: [10, 3] as [number, number], noise: 0.05, randomState: 5 },
  { nSamples: 1000, shuffle: false, factor: 0.5 },
];

Deno.test("makeBlobs, makeMoons and makeCircles give scikit-learn's data", async () => {
  const cases = [
    ...BLOBS.map((o) => ({ fn: "make_blobs", o, ours: makeBlobs(o) })),
    ...MOONS.map((o) => ({ fn: "make_moons", o, ours: makeMoons(o) })),
    ...CIRCLES.map((o) => ({ fn: "make_circles", o, ours: makeCircles(o) })),
  ];
  const theirs = await sklearn<SklearnData[]>(
    "sklearn_generators.py",
    cases.map(({ fn, o }) => ({ fn, params: toSklearn(o) })),
  );
  for (const fn of ["make_blobs", "make_moons", "make_circles"]) {
    const picked = cases.flatMap((c, i) => (c.fn === fn ? [[c, theirs[i]!] as const] : []));
    const summary = compareData(
      fn,
      picked.map(([c]) => c.ours),
      picked.map(([, t]) => t),
      picked.map(([c]) => JSON.stringify(c.o)),
    );
    assert.ok(summary.bitIdentical > 0.99, `${fn}: bit-identical share ${summary.bitIdentical}`);
    // Random normals and uniforms alone (no cosines): bit for bit.
    if (fn === "make_blobs") assert.equal(summary.bitIdentical, 1);
  }
});

Deno.test("makeBlobs returns the centres it drew and keeps blobs together without shuffling", () => {
  const { X, y, centers } = makeBlobs({
    nSamples: 9,
    centers: 3,
    clusterStd: 0,
    shuffle: false,
    randomState: 1,
  });
  assert.deepEqual(y, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  X.forEach((row, i) => assert.deepEqual(row, centers[y[i]!]));
  assert.ok(centers.flat().every((v) => v >= -10 && v < 10));
});

Deno.test("the toy data sets reject bad arguments with clear errors", () => {
  assert.throws(() => makeBlobs({ nSamples: 0 }), /Cannot make blobs: nSamples must be at least 1/);
  assert.throws(
    () => makeBlobs({ nSamples: [3, 4], centers: [[0, 0]] }),
    /centers must have one row per entry of nSamples \(2\), current value has 1/,
  );
  assert.throws(() => makeBlobs({ centers: 2, clusterStd: [1, 2, 3] }), /clusterStd must be/);
  assert.throws(() => makeBlobs({ clusterStd: -1 }), /clusterStd must be non-negative/);
  assert.throws(() => makeMoons({ nSamples: 0 }), /Cannot make moons: nSamples must be at least 1/);
  assert.throws(() => makeMoons({ noise: -0.1 }), /noise must be at least 0/);
  assert.throws(() => makeCircles({ factor: 1 }), /factor must be in \[0, 1\), current value is 1/);
  assert.throws(() => makeCircles({ nSamples: -1 }), /nSamples must be at least 0/);
  assert.throws(() => makeCircles({ randomState: -3 }), /randomState must be an integer in/);
});
