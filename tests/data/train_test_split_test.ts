// trainTestSplit against scikit-learn's train_test_split from the project's venv: the very same
// training and test indices (stratified or not, fractions or counts, ties between classes
// included), the same rejected arguments, and no row lost or duplicated.

import assert from "node:assert/strict";
import { RandomState, trainTestSplit, type TrainTestSplitOptions } from "../../lib/data/mod.ts";
import { sklearn } from "./_sklearn.ts";

interface Case {
  n: number;
  /** Class shares used to build the labels (rounded counts, remainder to class 0). */
  mix: number[];
  testSize?: number;
  trainSize?: number;
  stratify: boolean;
  shuffle?: boolean;
  randomState: number;
}

/** Labels with the given class shares, in a scrambled order. */
function labelsFor(n: number, mix: readonly number[], seed: number): number[] {
  const counts = mix.map((share) => Math.floor(share * n));
  counts[0]! += n - counts.reduce((a, b) => a + b, 0);
  const labels = counts.flatMap((count, k) => new Array<number>(count).fill(k));
  new RandomState(seed).shuffle(labels);
  return labels;
}

const SIZES: Pick<Case, "testSize" | "trainSize">[] = [
  {},
  { testSize: 0.25 },
  { testSize: 0.1 },
  { testSize: 0.33 },
  { testSize: 0.5 },
  { testSize: 0.9 },
  { testSize: 7 },
  { trainSize: 0.6 },
  { trainSize: 0.35, testSize: 0.4 },
  { trainSize: 11, testSize: 5 },
  { trainSize: 0.5, testSize: 6 },
];
const MIXES = [[0.5, 0.5], [0.9, 0.1], [0.5, 0.3, 0.2], [0.2, 0.2, 0.2, 0.2, 0.2], [
  0.37,
  0.29,
  0.17,
  0.11,
  0.06,
]];
const NS = [20, 37, 101, 250, 1000];

const CASES: Case[] = NS.flatMap((n, a) =>
  MIXES.flatMap((mix, b) =>
    SIZES.flatMap((sizes, c) => {
      const randomState = 100 * a + 10 * b + c;
      return [
        { n, mix, ...sizes, stratify: true, randomState },
        { n, mix, ...sizes, stratify: false, randomState },
        ...(c < 3 ? [{ n, mix, ...sizes, stratify: false, shuffle: false, randomState }] : []),
      ];
    })
  )
);

Deno.test("trainTestSplit gives scikit-learn's very training and test indices", async () => {
  const input = CASES.map((c, i) => ({ ...c, y: labelsFor(c.n, c.mix, i) }));
  const theirs = await sklearn<({ train: number[]; test: number[] } | { error: string })[]>(
    "sklearn_split_indices.py",
    input,
  );
  let compared = 0;
  input.forEach((c, i) => {
    const reference = theirs[i]!;
    const options: TrainTestSplitOptions = {
      testSize: c.testSize,
      trainSize: c.trainSize,
      stratify: c.stratify ? c.y : undefined,
      shuffle: c.shuffle,
      randomState: c.randomState,
    };
    const label = JSON.stringify({ ...c, y: undefined });
    if ("error" in reference) {
      assert.throws(
        () => trainTestSplit(c.y, c.y, options),
        RangeError,
        `${label}: ${reference.error}`,
      );
      return;
    }
    const split = trainTestSplit(c.y, c.y, options);
    assert.deepEqual(
      [split.trainIndices, split.testIndices],
      [reference.train, reference.test],
      label,
    );
    compared++;
  });
  console.log(`${compared} splits identical to scikit-learn's`);
  assert.ok(compared > 500);
});

Deno.test("trainTestSplit breaks ties between classes as scikit-learn does", async () => {
  // Equal class counts leave equal remainders: _approximate_mode picks among them at random.
  const y = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];
  const cases = Array.from({ length: 30 }, (_, seed) => ({
    n: y.length,
    y,
    testSize: 7,
    stratify: true,
    randomState: seed,
  }));
  const theirs = await sklearn<{ train: number[]; test: number[] }[]>(
    "sklearn_split_indices.py",
    cases,
  );
  const outcomes = new Set<string>();
  cases.forEach((c, i) => {
    const split = trainTestSplit(y, y, { stratify: y, testSize: 7, randomState: c.randomState });
    assert.deepEqual([split.trainIndices, split.testIndices], [theirs[i]!.train, theirs[i]!.test]);
    outcomes.add(JSON.stringify(split.yTest.toSorted()));
  });
  assert.ok(outcomes.size > 1, "ties should be broken differently for different seeds");
});

Deno.test("trainTestSplit loses and duplicates no row, and keeps rows with their labels", () => {
  const n = 103;
  const X = Array.from({ length: n }, (_, i) => [i, i * 10]);
  const y = X.map(([i]) => i! % 3);
  for (
    const options of [{}, { stratify: y }, { testSize: 0.4 }, { shuffle: false }, {
      trainSize: 50,
      testSize: 20,
    }]
  ) {
    const split = trainTestSplit(X, y, { ...options, randomState: 7 });
    const ids = [...split.XTrain, ...split.XTest].map(([i]) => i!);
    assert.equal(new Set(ids).size, ids.length, "duplicated row");
    if (!("trainSize" in options)) {
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        X.map(([i]) => i!),
      );
    }
    split.XTrain.forEach((row, r) => assert.equal(split.yTrain[r], row[0]! % 3));
    split.XTest.forEach((row, r) => assert.equal(split.yTest[r], row[0]! % 3));
    assert.deepEqual(split.trainIndices, split.XTrain.map(([i]) => i));
    assert.deepEqual(split.testIndices, split.XTest.map(([i]) => i));
  }
  assert.deepEqual(X.map(([i]) => i), Array.from({ length: n }, (_, i) => i), "input modified");
});

Deno.test("trainTestSplit without shuffling keeps the input order", () => {
  const X = [10, 11, 12, 13, 14, 15, 16, 17];
  const split = trainTestSplit(X, X, { shuffle: false });
  assert.deepEqual(split.XTrain, [10, 11, 12, 13, 14, 15]);
  assert.deepEqual(split.XTest, [16, 17]);
});

Deno.test("trainTestSplit is deterministic for a randomState and differs between seeds", () => {
  const X = Array.from({ length: 200 }, (_, i) => i);
  const y = X.map((i) => i % 2);
  const a = trainTestSplit(X, y, { stratify: y, randomState: 123 });
  assert.deepEqual(trainTestSplit(X, y, { stratify: y, randomState: 123 }), a);
  assert.notDeepEqual(trainTestSplit(X, y, { stratify: y, randomState: 124 }).XTest, a.XTest);
  assert.notDeepEqual(trainTestSplit(X, y).XTest, trainTestSplit(X, y).XTest);
});

Deno.test("trainTestSplit stratifies string labels too", () => {
  // 32 cats and 8 dogs: 24 + 6 to train, 8 + 2 to test.
  const y = Array.from({ length: 40 }, (_, i) => (i < 32 ? "cat" : "dog"));
  const split = trainTestSplit(y, y, { stratify: y, randomState: 1 });
  assert.equal(split.yTest.filter((label) => label === "dog").length, 2);
  assert.equal(split.yTest.length, 10);
});

Deno.test("trainTestSplit rejects bad arguments as scikit-learn does, with clear errors", async () => {
  const y = [0, 0, 0, 1, 1, 1, 1, 1, 1, 2];
  const X = y.map((_, i) => [i]);
  const bad: [TrainTestSplitOptions & { yLength?: number }, RegExp][] = [
    [
      { testSize: 0 },
      /testSize must be a fraction in \(0, 1\) or a whole number of rows in \[1, 9\] \(n = 10\), current value is 0/,
    ],
    [{ testSize: -0.2 }, /testSize must be .*current value is -0.2/],
    [{ testSize: 10 }, /testSize must be .*current value is 10/],
    [{ testSize: 1.5 }, /testSize must be .*current value is 1.5/],
    [{ trainSize: 0 }, /trainSize must be .*current value is 0/],
    [
      { trainSize: 0.7, testSize: 0.4 },
      /testSize \+ trainSize must be at most 1, current value is 1.1/,
    ],
    [{ trainSize: 8, testSize: 3 }, /at most n = 10 rows together, current value is 11 \(8 \+ 3\)/],
    [
      { stratify: y },
      /every stratify class needs at least 2 members, current value is 1 member for class 2/,
    ],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => trainTestSplit(X, y, options), (e: unknown) => {
      assert.ok(e instanceof RangeError, String(e));
      assert.match(e.message, /^Cannot split into train and test sets: /);
      assert.match(e.message, message);
      return true;
    });
  }
  const yTwo = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
  assert.throws(
    () => trainTestSplit(X, yTwo, { stratify: yTwo, testSize: 1 }),
    /the test set must have at least one row per class \(2\), current value is 1 rows/,
  );
  assert.throws(
    () => trainTestSplit(X, y.slice(1)),
    /y must have one entry per row of X \(10\), current value has 9/,
  );
  assert.throws(() => trainTestSplit([], []), RangeError);
  assert.throws(() => trainTestSplit(X, y, { stratify: yTwo, shuffle: false }), TypeError);
  assert.throws(() => trainTestSplit(X, y, { randomState: 1.5 }), /randomState must be an integer/);

  const rejected = await sklearn<boolean[]>(
    "sklearn_split_rejects.py",
    [
      ...bad.map(([options]) => ({ ...options, y })),
      { stratify: yTwo, testSize: 1, y: yTwo },
      { y: [], testSize: 0.25 },
      { stratify: yTwo, shuffle: false, y: yTwo },
    ],
  );
  assert.deepEqual(rejected, rejected.map(() => true));
});
