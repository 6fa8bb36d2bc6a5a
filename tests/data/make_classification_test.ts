// makeClassification against scikit-learn's make_classification from the project's venv: the
// same labels and, to 1e-12 (bit for bit almost everywhere), the same features over 240
// generated configurations and seeds; plus the structure the algorithm promises and
// scikit-learn's argument checks.

import assert from "node:assert/strict";
import {
  makeClassification,
  type MakeClassificationOptions,
  RandomState,
} from "../../lib/data/mod.ts";
import { compareData, meanOf, sklearn, type SklearnData, toSklearn } from "./_sklearn.ts";

/**
 * 240 configurations, drawn with a seeded generator: 2–5 classes, 1–3 clusters each, weights,
 * label noise 0, 0.01 or 0.3, hypercube or polytope, shuffled or not, redundant and repeated
 * features, fixed, per-feature and random shift and scale; plus a few fixed corner cases.
 */
function configurations(): MakeClassificationOptions[] {
  const pick = new RandomState(20240601);
  const configs: MakeClassificationOptions[] = [];
  for (let i = 0; i < 240; i++) {
    const nClasses = pick.randint(2, 6);
    const nClustersPerClass = pick.randint(1, 4);
    const nInformative = Math.max(
      Math.ceil(Math.log2(nClasses * nClustersPerClass)),
      pick.randint(1, 7),
    );
    const nRedundant = pick.randint(0, 4);
    const nRepeated = pick.randint(0, 3);
    const nFeatures = nInformative + nRedundant + nRepeated + pick.randint(0, 6);
    const weights = pick.randomSample() < 0.3
      ? pick.uniform(0.5, 1.5, nClasses - pick.randint(0, 2)).map((w, _, all) =>
        w / (all.reduce((a, b) => a + b, 0) + (all.length < nClasses ? 1 : 0))
      )
      : undefined;
    const shiftScale = pick.randint(0, 4);
    configs.push({
      nSamples: pick.randint(20, 200),
      nFeatures,
      nInformative,
      nRedundant,
      nRepeated,
      nClasses,
      nClustersPerClass,
      weights,
      flipY: [0, 0.01, 0.3][pick.randint(0, 3)],
      classSep: pick.uniform(0.5, 3),
      hypercube: pick.randomSample() < 0.75,
      shuffle: pick.randomSample() < 0.75,
      shift: shiftScale === 1 ? null : shiftScale === 2 ? pick.uniform(-2, 2, nFeatures) : 0,
      scale: shiftScale === 1 ? null : shiftScale === 3 ? 2.5 : 1,
      randomState: pick.randint(0, 2 ** 32),
    });
  }
  return [
    ...configs,
    // The seed data set, scikit-learn's defaults, more than 30 informative features, one sample.
    { nSamples: 1000, nFeatures: 20, nInformative: 5, randomState: 123 },
    { randomState: 0 },
    { nSamples: 30, nFeatures: 40, nInformative: 33, nRedundant: 2, randomState: 8 },
    { nSamples: 1, nFeatures: 4, randomState: 3 },
    {
      nSamples: 64,
      nFeatures: 3,
      nInformative: 3,
      nRedundant: 0,
      nClasses: 8,
      nClustersPerClass: 1,
      randomState: 4,
    },
  ];
}

Deno.test("makeClassification gives scikit-learn's data: the same labels, features within 1e-12", async () => {
  const configs = configurations();
  const theirs = await sklearn<SklearnData[]>(
    "sklearn_generators.py",
    configs.map((options) => ({ fn: "make_classification", params: toSklearn(options) })),
  );
  const summary = compareData(
    "makeClassification",
    configs.map((options) => makeClassification(options)),
    theirs,
    configs.map((c) => JSON.stringify(c)),
  );
  // The rest differ in the last bits where NumPy hands a product to dgemv (a single redundant
  // feature, clusters of one row), whose kernels sum in another order.
  assert.ok(summary.bitIdentical > 0.9, `bit-identical share ${summary.bitIdentical}`);
  // The seed data set is identical to the last bit.
  assert.equal(summary.perCase[240]!.bitIdentical, 1);
});

Deno.test("makeClassification draws from a RandomState it is given, advancing it", () => {
  const rs = new RandomState(11);
  const first = makeClassification({ nSamples: 30, randomState: rs });
  const second = makeClassification({ nSamples: 30, randomState: rs });
  assert.notDeepEqual(first.X, second.X);
  const again = new RandomState(11);
  assert.deepEqual(makeClassification({ nSamples: 30, randomState: again }), first);
  assert.deepEqual(makeClassification({ nSamples: 30, randomState: 11 }), first);
});

Deno.test("makeClassification returns the requested shapes and labels", () => {
  const { X, y } = makeClassification({
    nSamples: 123,
    nFeatures: 7,
    nInformative: 3,
    nClasses: 4,
    randomState: 3,
  });
  assert.equal(X.length, 123);
  assert.equal(y.length, 123);
  assert.ok(X.every((row) => row.length === 7 && row.every(Number.isFinite)));
  assert.deepEqual([...new Set(y)].sort(), [0, 1, 2, 3]);
  const defaults = makeClassification({ randomState: 0 });
  assert.equal(defaults.X.length, 100);
  assert.equal(defaults.X[0]!.length, 20);
});

Deno.test("makeClassification is deterministic for a randomState and differs between seeds", () => {
  const a = makeClassification({ nSamples: 50, randomState: 42 });
  const b = makeClassification({ nSamples: 50, randomState: 42 });
  const c = makeClassification({ nSamples: 50, randomState: 43 });
  const d = makeClassification({ nSamples: 50 });
  const e = makeClassification({ nSamples: 50 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.X, c.X);
  assert.notDeepEqual(d.X, e.X);
});

Deno.test("makeClassification puts clusters on distinct hypercube vertices", () => {
  const options = {
    nSamples: 4000,
    nFeatures: 3,
    nInformative: 3,
    nRedundant: 0,
    nClasses: 4,
    nClustersPerClass: 2,
    flipY: 0,
    classSep: 4,
    shuffle: false,
    randomState: 9,
  };
  const { X, y } = makeClassification(options);
  // Unshuffled: 8 clusters of 500 rows, class k mod 4; the mean of a cluster is its vertex.
  const vertices = new Set<string>();
  for (let k = 0; k < 8; k++) {
    const rows = X.slice(k * 500, (k + 1) * 500);
    assert.ok(y.slice(k * 500, (k + 1) * 500).every((label) => label === k % 4));
    const centre = [0, 1, 2].map((j) => meanOf(rows.map((row) => row[j]!)));
    for (const value of centre) {
      assert.ok(Math.abs(Math.abs(value) - 4) < 0.3, `cluster ${k}: ${centre}`);
    }
    vertices.add(centre.map(Math.sign).join(","));
  }
  assert.equal(vertices.size, 8);
});

Deno.test("makeClassification builds redundant and repeated features from the informative ones", () => {
  const { X } = makeClassification({
    nSamples: 60,
    nFeatures: 9,
    nInformative: 3,
    nRedundant: 2,
    nRepeated: 3,
    shuffle: false,
    randomState: 4,
  });
  // Redundant columns 3 and 4 are linear in columns 0..2: solve on three rows, check the rest.
  const solve3 = (A: number[][], b: number[]) => {
    const det = (m: number[][]) =>
      m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
      m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
      m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
    const d = det(A);
    return [0, 1, 2].map((c) =>
      det(A.map((row, i) => row.map((v, j) => (j === c ? b[i]! : v)))) / d
    );
  };
  const basis = X.slice(0, 3).map((row) => row.slice(0, 3));
  for (const r of [3, 4]) {
    const coef = solve3(basis, X.slice(0, 3).map((row) => row[r]!));
    for (const row of X) {
      const fit = coef[0]! * row[0]! + coef[1]! * row[1]! + coef[2]! * row[2]!;
      assert.ok(Math.abs(fit - row[r]!) < 1e-9, `redundant column ${r}`);
    }
  }
  // Repeated columns 5..7 copy one of columns 0..4 exactly.
  for (const r of [5, 6, 7]) {
    assert.ok(
      [0, 1, 2, 3, 4].some((j) => X.every((row) => row[r] === row[j])),
      `repeated column ${r}`,
    );
  }
  // Column 8 is noise: not a copy.
  assert.ok(![0, 1, 2, 3, 4].some((j) => X.every((row) => row[8] === row[j])));
});

Deno.test("makeClassification shifts, scales and shuffles rows and columns", () => {
  const base = { nSamples: 200, nFeatures: 6, nInformative: 2, flipY: 0, randomState: 11 };
  const plain = makeClassification({ ...base, shuffle: false });
  const moved = makeClassification({ ...base, shuffle: false, shift: 3, scale: 2 });
  moved.X.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - (plain.X[i]![j]! + 3) * 2) < 1e-12))
  );
  const perFeature = makeClassification({
    ...base,
    shuffle: false,
    shift: [1, 2, 3, 4, 5, 6],
    scale: [1, 1, 1, 1, 1, 10],
  });
  perFeature.X.forEach((row, i) =>
    assert.ok(Math.abs(row[5]! - (plain.X[i]![5]! + 6) * 10) < 1e-12)
  );
  // Shuffled: the same multiset of labels, a different row order, columns permuted.
  const shuffled = makeClassification(base);
  assert.deepEqual([...shuffled.y].sort(), [...plain.y].sort());
  assert.notDeepEqual(shuffled.y, plain.y);
  const firstColumn = plain.X.map((row) => row[0]!).sort((a, b) => a - b);
  const found = [0, 1, 2, 3, 4, 5].filter((j) =>
    JSON.stringify(shuffled.X.map((row) => row[j]!).sort((a, b) => a - b)) ===
      JSON.stringify(firstColumn)
  );
  assert.equal(found.length, 1);
  // Random shift and scale: scale factors in [1, 101).
  const random = makeClassification({ ...base, shuffle: false, shift: null, scale: null });
  const ratio = Math.abs(
    (random.X[0]![0]! - random.X[1]![0]!) / (plain.X[0]![0]! - plain.X[1]![0]!),
  );
  assert.ok(ratio >= 1 && ratio < 101);
});

Deno.test("makeClassification rejects what scikit-learn rejects, with clear errors", async () => {
  const bad: [MakeClassificationOptions, ErrorConstructor, RegExp][] = [
    [
      { nInformative: 10, nRedundant: 8, nRepeated: 3 },
      RangeError,
      /at most nFeatures \(20\), current value is 21/,
    ],
    [
      { nInformative: 2, nClasses: 3, nClustersPerClass: 2 },
      RangeError,
      /at most 2 \*\* nInformative \(4\), current value is 6/,
    ],
    [
      { nClasses: 3, nInformative: 3, weights: [0.5] },
      RangeError,
      /weights must have nClasses \(3\) or nClasses - 1 values, current value has 1/,
    ],
    [{ nClasses: 2, weights: [0.2, 0.3, 0.5] }, RangeError, /current value has 3/],
    [{ nSamples: 0 }, RangeError, /nSamples must be at least 1, current value is 0/],
    [{ nSamples: -5 }, RangeError, /nSamples must be at least 1/],
    [{ nSamples: 10.5 }, TypeError, /nSamples must be an integer, current value is 10.5/],
    [{ nFeatures: 0 }, RangeError, /nFeatures must be at least 1/],
    [{ nInformative: 0 }, RangeError, /nInformative must be at least 1/],
    [{ nRedundant: -1 }, RangeError, /nRedundant must be at least 0/],
    [{ nClasses: 0 }, RangeError, /nClasses must be at least 1/],
    [{ flipY: 1.5 }, RangeError, /flipY must be in \[0, 1\], current value is 1.5/],
    [{ flipY: -0.1 }, RangeError, /flipY must be in \[0, 1\]/],
    [{ classSep: 0 }, RangeError, /classSep must be greater than 0, current value is 0/],
    [{ scale: 0 }, RangeError, /scale must be greater than 0, current value is 0/],
    [{ shift: [1, 2] }, RangeError, /shift must have nFeatures \(20\) values, current value has 2/],
    [
      { randomState: -1 },
      RangeError,
      /randomState must be an integer in \[0, 4294967295\], current value is -1/,
    ],
    [{ randomState: 2 ** 32 }, RangeError, /randomState must be an integer/],
  ];
  for (const [options, errorClass, message] of bad) {
    assert.throws(() => makeClassification(options), (e: unknown) => {
      assert.ok(e instanceof errorClass, `${JSON.stringify(options)}: ${e}`);
      assert.match((e as Error).message, /^Cannot make classification: /);
      assert.match((e as Error).message, message);
      return true;
    });
  }
  // Not checked by scikit-learn, but nonsense: weights above 1 in total, negative weights.
  assert.throws(
    () => makeClassification({ weights: [0.7, 0.6] }),
    /weights must sum to at most 1, current value is \[0.7,0.6\]/,
  );
  assert.throws(() => makeClassification({ weights: [1.2] }), /weights must sum to at most 1/);
  assert.throws(
    () => makeClassification({ weights: [-0.1, 1] }),
    /weights\[0\] must be non-negative, current value is -0.1/,
  );
  // Decimal weights that sum to 1 only approximately are fine.
  makeClassification({ nClasses: 3, nInformative: 3, weights: [0.1, 0.2, 0.7], randomState: 1 });

  const rejected = await sklearn<boolean[]>(
    "sklearn_make_classification_rejects.py",
    bad.filter(([options]) => options.randomState === undefined).map(([options]) =>
      toSklearn(options)
    ),
  );
  assert.deepEqual(rejected, rejected.map(() => true));
});
