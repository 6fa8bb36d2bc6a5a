// FastRandomForestClassifier against ml-random-forest 2.1.0: byte-identical JSON over many
// generated data sets and options, identical predictions and out-of-bag results, model exchange
// in both directions, exact "1/n added c times" sums, and clear errors on bad input.

import assert from "node:assert/strict";
import { RandomForestClassifier } from "ml-random-forest";
import { bool, integer, MersenneTwister19937, pick, real } from "random-js";
import {
  FastRandomForestClassifier,
  type FastRandomForestJSON,
  type FastRandomForestOptions,
} from "../../lib/models/fast_random_forest.ts";
import { TABLE_MAX_LENGTH, unitSum, unitSumBySegments } from "../../lib/models/_fast_cart.ts";

type Engine = MersenneTwister19937;
type Stock = InstanceType<typeof RandomForestClassifier>;

interface Dataset {
  X: number[][];
  y: number[];
}

/** Features: continuous (3 decimals), tiny integer range (many ties), or both. */
function dataset(eng: Engine, rows: number, cols: number, classes: number, kind: number): Dataset {
  const X: number[][] = [];
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let j = 0; j < cols; j++) {
      const ties = kind === 1 || (kind === 2 && j % 2 === 0);
      row.push(ties ? integer(0, 3)(eng) : Math.round(real(-5, 5)(eng) * 1000) / 1000);
    }
    // Labels partly driven by the first feature so trees grow past the root.
    const noisy = real(0, 1)(eng) < 0.4;
    const driven = Math.min(classes - 1, Math.floor(((row[0]! + 5) / 10.001) * classes));
    y.push(noisy ? integer(0, classes - 1)(eng) : Math.max(0, driven));
    X.push(row);
  }
  return { X, y };
}

function stockOOB(stock: Stock): unknown {
  return (stock as unknown as { oobResults?: unknown }).oobResults;
}

function countSplits(json: FastRandomForestJSON): number {
  let splits = 0;
  const visit = (node: { left?: unknown; right?: unknown }): void => {
    if (node.left && node.right) {
      splits++;
      visit(node.left as typeof node);
      visit(node.right as typeof node);
    }
  };
  for (const est of json.baseModel.estimators) visit(est.root);
  return splits;
}

/**
 * Trains stock and fast with the same options and asserts identical JSON, predictions, OOB
 * results. Returns the fast forest's JSON.
 */
function assertSameForest(
  data: Dataset,
  options: FastRandomForestOptions,
  label: string,
): FastRandomForestJSON {
  const { X, y } = data;
  const fast = new FastRandomForestClassifier(options);
  fast.train(X, y);
  const fastJSON = fast.toJSON();

  const stock = new RandomForestClassifier(
    options as ConstructorParameters<typeof RandomForestClassifier>[0],
  );
  let stockError: Error | undefined;
  try {
    stock.train(X, y);
  } catch (e) {
    stockError = e as Error;
  }
  if (stockError !== undefined) {
    // ml-random-forest throws while collecting OOB results when some row was in every tree's
    // bootstrap sample; the forest itself does not depend on OOB, so compare it without.
    assert.equal(stockError.message, "input must not be empty", `${label}: unexpected stock error`);
    assert.ok(!options.noOOB && options.useSampleBagging !== false, label);
    assert.ok(fast.oobResults!.some((r) => r.all.length === 0 && Number.isNaN(r.predicted)), label);
    const again = new RandomForestClassifier({ ...options, noOOB: true } as never);
    again.train(X, y);
    assert.equal(JSON.stringify(fastJSON), JSON.stringify(again.toJSON()), `${label}: JSON`);
    assert.deepEqual(fast.predict(X), again.predict(X), `${label}: predict`);
    return fastJSON;
  }
  assert.equal(JSON.stringify(fastJSON), JSON.stringify(stock.toJSON()), `${label}: JSON`);
  assert.deepEqual(fast.predict(X), stock.predict(X), `${label}: predict`);
  assert.deepEqual(fast.oobResults, stockOOB(stock), `${label}: oobResults`);
  return fastJSON;
}

Deno.test("identical JSON to ml-random-forest over 120 generated data sets and option sets", () => {
  const eng = MersenneTwister19937.seed(20240611);
  const depths: (number | "absent")[] = [1, 2, 3, 5, "absent", Infinity, 8];
  let splits = 0;
  let multiclassSplits = 0;
  for (let i = 0; i < 120; i++) {
    const classes = [2, 3, 2, 4, 5][i % 5]!;
    const kind = i % 3; // continuous, ties, mixed
    const rows = integer(30, i % 4 === 0 ? 200 : 110)(eng);
    const cols = integer(2, 6)(eng);
    const data = dataset(eng, rows, cols, classes, kind);

    const treeOptions: Record<string, unknown> = {};
    const depth = depths[i % depths.length]!;
    if (depth !== "absent") treeOptions.maxDepth = depth;
    if (i % 2 === 0) treeOptions.minNumSamples = integer(0, 8)(eng);
    if (i % 3 !== 2) treeOptions.gainThreshold = pick(eng, [0, 0.001, 0.01, 0.05]);

    const options: FastRandomForestOptions = {
      nEstimators: integer(2, 6)(eng),
      seed: integer(-100000, 100000)(eng),
      replacement: i % 2 === 0,
      useSampleBagging: i % 5 !== 4,
      noOOB: i % 4 === 3,
      treeOptions,
    };
    if (i % 4 === 1) options.maxFeatures = pick(eng, [0.5, 0.75, 1.0]);
    if (i % 4 === 2) options.maxFeatures = integer(2, cols)(eng);
    if (!options.noOOB && bool(0.5)(eng)) options.nEstimators = 25; // OOB mostly complete

    const label = `case ${i} (${rows}×${cols}, ${classes} classes, ${JSON.stringify(options)})`;
    const json = assertSameForest(data, options, label);
    const s = countSplits(json);
    splits += s;
    if (classes > 2) multiclassSplits += s;
  }
  // The comparison is only meaningful if the forests actually branch.
  assert.ok(splits > 1000, `only ${splits} splits in all forests`);
  assert.ok(multiclassSplits > 300, `only ${multiclassSplits} multiclass splits`);
});

Deno.test("explicit undefined tree options behave as in ml-cart (no split at all, no size stop)", () => {
  const eng = MersenneTwister19937.seed(5);
  const data = dataset(eng, 60, 3, 3, 0);
  const json = assertSameForest(data, {
    nEstimators: 3,
    seed: 1,
    noOOB: true,
    treeOptions: { maxDepth: undefined },
  }, "maxDepth undefined");
  assert.equal(countSplits(json), 0);
  assertSameForest(data, {
    nEstimators: 3,
    seed: 2,
    noOOB: true,
    treeOptions: { minNumSamples: undefined, gainThreshold: undefined },
  }, "minNumSamples/gainThreshold undefined");
});

Deno.test("floating-point corners: adjacent floats, huge magnitudes, -0 and 0, label gaps", () => {
  const eng = MersenneTwister19937.seed(77);
  const eps = Number.EPSILON;
  const adjacent: Dataset = { X: [], y: [] };
  const huge: Dataset = { X: [], y: [] };
  const zeros: Dataset = { X: [], y: [] };
  for (let i = 0; i < 80; i++) {
    // Neighbours one ulp apart: their mean rounds onto one of them.
    adjacent.X.push([1 + integer(0, 5)(eng) * eps, integer(0, 3)(eng) * 2 ** -1074]);
    adjacent.y.push(integer(0, 1)(eng));
    // Sums overflow to ±Infinity: thresholds of ±Infinity.
    huge.X.push([
      pick(eng, [1e308, 1.5e308, -1e308, -1.7e308, 0, Number.MAX_VALUE]),
      real(-1, 1)(eng),
    ]);
    huge.y.push(integer(0, 2)(eng));
    zeros.X.push([pick(eng, [0, -0, 0.1, 0.2, 0.3, 0.30000000000000004]), bool()(eng) ? -0 : 0]);
    zeros.y.push(pick(eng, [0, 3, 3, 7]));
  }
  const loose = { minNumSamples: 0, gainThreshold: -1 };
  let splits = 0;
  splits += countSplits(
    assertSameForest(adjacent, { nEstimators: 6, seed: 5, noOOB: true, treeOptions: loose }, "adj"),
  );
  splits += countSplits(
    assertSameForest(huge, { nEstimators: 6, seed: 7, treeOptions: loose }, "huge"),
  );
  splits += countSplits(
    assertSameForest(
      zeros,
      { nEstimators: 40, seed: 9, treeOptions: { minNumSamples: 0 } },
      "zeros",
    ),
  );
  assert.ok(splits > 20, `only ${splits} splits`);
});

Deno.test("near ties: mirrored features and periodic labels give many equal real gains", () => {
  // Candidates whose gains are equal in real arithmetic but round differently: the winner is
  // decided by the library's float values, which must be reproduced bit for bit.
  let splits = 0;
  for (const [rows, period, classes] of [[96, 4, 2], [120, 6, 3], [90, 5, 5], [64, 8, 2]]) {
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < rows!; i++) {
      X.push([i, rows! - i, i % 7, (i * 37) % rows!, Math.floor(i / 3)]);
      y.push(Math.floor((i % period!) * classes! / period!));
    }
    for (const seed of [1, 2, 3]) {
      const json = assertSameForest({ X, y }, {
        nEstimators: 3,
        seed,
        noOOB: true,
        replacement: seed !== 2,
        useSampleBagging: seed !== 3,
        treeOptions: { minNumSamples: 1, gainThreshold: 0 },
      }, `near ties ${rows}/${period}/${classes}/${seed}`);
      splits += countSplits(json);
    }
  }
  assert.ok(splits > 100, `only ${splits} splits`);
});

Deno.test("maxSamples (fraction and count) trains on the first rows as ml-random-forest", () => {
  const eng = MersenneTwister19937.seed(8);
  const data = dataset(eng, 70, 4, 2, 2);
  assertSameForest(data, { nEstimators: 30, seed: 3, maxSamples: 0.5 }, "maxSamples 0.5");
  assertSameForest(data, { nEstimators: 4, seed: 4, maxSamples: 25, noOOB: true }, "maxSamples 25");
});

Deno.test("2100 rows: exact sums beyond the dense table (TABLE_MAX_LENGTH)", () => {
  const eng = MersenneTwister19937.seed(2600);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 2100; i++) {
    const a = real(0, 1)(eng);
    X.push([a, integer(0, 9)(eng)]);
    y.push(real(0, 1)(eng) < 0.15 ? integer(0, 2)(eng) : Math.min(2, Math.floor(a * 3)));
  }
  assert.ok(X.length > 2 * TABLE_MAX_LENGTH);
  const binary = y.map((v) => (v === 2 ? 1 : v));
  const options = { nEstimators: 1, seed: 4, noOOB: true, treeOptions: { maxDepth: 1 } };
  assertSameForest({ X, y }, options, "2100 rows, 3 classes");
  assertSameForest({ X, y: binary }, options, "2100 rows, 2 classes");
});

Deno.test("other methods match: predictionValues, predictProbability, OOB, confusion, importance", () => {
  const eng = MersenneTwister19937.seed(31);
  const { X, y } = dataset(eng, 90, 5, 3, 2);
  const options = { nEstimators: 30, seed: 12, treeOptions: { maxDepth: 4 } };
  const fast = new FastRandomForestClassifier(options);
  fast.train(X, y);
  const stock = new RandomForestClassifier(options);
  stock.train(X, y);
  const test = dataset(eng, 40, 5, 3, 2).X;
  assert.deepEqual(
    fast.predictionValues(test).to2DArray(),
    stock.predictionValues(test).to2DArray(),
  );
  for (const label of [0, 1, 2]) {
    assert.deepEqual(fast.predictProbability(test, label), stock.predictProbability(test, label));
  }
  assert.deepEqual(fast.predictOOB(), stock.predictOOB());
  assert.deepEqual(fast.getConfusionMatrix(), stock.getConfusionMatrix());
  const stockImportance = (stock as unknown as { featureImportance(): number[] })
    .featureImportance();
  assert.deepEqual(fast.featureImportance(), stockImportance);
  for (const votes of [[2, 1, 1, 2], [0, 2, 2, 0, 0], [1]]) {
    assert.equal(fast.selection(votes), stock.selection(votes));
  }
});

Deno.test("a fast forest loads in ml-random-forest, and a stock forest loads here", () => {
  const eng = MersenneTwister19937.seed(99);
  const { X, y } = dataset(eng, 100, 4, 3, 0);
  const test = dataset(eng, 50, 4, 3, 0).X;
  const options = { nEstimators: 6, seed: 21, noOOB: true, treeOptions: { maxDepth: 6 } };

  const fast = new FastRandomForestClassifier(options);
  fast.train(X, y);
  const text = JSON.stringify(fast.toJSON());
  const stockFromFast = RandomForestClassifier.load(JSON.parse(text));
  assert.deepEqual(stockFromFast.predict(test), fast.predict(test));
  assert.deepEqual(
    stockFromFast.predictProbability(test, 1),
    fast.predictProbability(test, 1),
  );

  const stock = new RandomForestClassifier({ ...options, seed: 22 });
  stock.train(X, y);
  for (const model of [stock.toJSON(), JSON.parse(JSON.stringify(stock.toJSON()))]) {
    const fastFromStock = FastRandomForestClassifier.load(model);
    assert.deepEqual(fastFromStock.predict(test), stock.predict(test));
    assert.deepEqual(
      fastFromStock.predictionValues(test).to2DArray(),
      stock.predictionValues(test).to2DArray(),
    );
    // Lossless: the loaded forest writes back the JSON it was given.
    assert.equal(JSON.stringify(fastFromStock.toJSON()), JSON.stringify(stock.toJSON()));
  }
  assert.throws(
    () => FastRandomForestClassifier.load({ name: "RFRegression", baseModel: {} }),
    { name: "RangeError", message: /Invalid model: RFRegression/ },
  );
});

Deno.test("S(c, n) from segments equals repeated addition of 1/n for every c ≤ n", () => {
  const lengths: number[] = [];
  for (let n = 1; n <= 2500; n++) lengths.push(n);
  lengths.push(4096, 10007, 65537, 100000);
  let checked = 0;
  for (const n of lengths) {
    const h = 1 / n;
    let s = 0;
    for (let c = 0; c <= n; c++) {
      if (c > 0) s += h;
      const got = unitSumBySegments(c, n);
      if (got !== s) assert.fail(`S(${c}, ${n}) = ${got}, repeated addition gives ${s}`);
      if (unitSum(c, n) !== s) assert.fail(`unitSum(${c}, ${n}) differs from repeated addition`);
      checked++;
    }
  }
  assert.ok(checked > 3_000_000);
  // Not a trivial identity: the accumulated sum often differs from c / n.
  assert.notEqual(unitSumBySegments(3, 10), 3 / 10);
});

Deno.test("bad input gets clear errors", () => {
  const ok = new FastRandomForestClassifier({ nEstimators: 2, noOOB: true });
  const X = [[1, 2], [2, 3], [3, 1], [4, 4]];
  const y = [0, 1, 0, 1];
  assert.throws(() => ok.train([[1, 2], [1]], [0, 1]), {
    name: "RangeError",
    message: /ragged.*X\[1\]/,
  });
  assert.throws(() => ok.train([[1, NaN], [2, 3]], [0, 1]), {
    name: "RangeError",
    message: /X\[0\]\[1\] is NaN/,
  });
  assert.throws(() => ok.train([[1, Infinity], [2, 3]], [0, 1]), {
    name: "RangeError",
    message: /finite/,
  });
  assert.throws(() => ok.train([[1, "a" as never]], [0]), {
    name: "TypeError",
    message: /X\[0\]\[1\]/,
  });
  assert.throws(() => ok.train([], []), { name: "RangeError", message: /empty/ });
  assert.throws(() => ok.train([[], []], [0, 1]), { name: "RangeError", message: /no columns/ });
  assert.throws(() => ok.train(X, [0, 1]), { name: "RangeError", message: /4 rows but y has 2/ });
  assert.throws(() => ok.train(X, [0, 1.5, 0, 1]), { name: "TypeError", message: /y\[1\] is 1.5/ });
  assert.throws(() => ok.train(X, [0, -1, 0, 1]), { name: "TypeError", message: /y\[1\] is -1/ });
  assert.throws(() => ok.train(X, ["a", "b", "a", "b"] as never), {
    name: "TypeError",
    message: /y\[0\]/,
  });
  assert.throws(() => new FastRandomForestClassifier({ nEstimators: 0 }), {
    name: "RangeError",
    message: /nEstimators/,
  });
  assert.throws(() => new FastRandomForestClassifier({ seed: 1.5 }), {
    name: "RangeError",
    message: /seed/,
  });
  assert.throws(
    () => new FastRandomForestClassifier({ treeOptions: { gainFunction: "entropy" as never } }),
    { name: "RangeError", message: /gainFunction/ },
  );
  assert.throws(
    () => new FastRandomForestClassifier({ treeOptions: { maxDepth: NaN } }),
    { name: "TypeError", message: /maxDepth/ },
  );
  assert.throws(
    () => new FastRandomForestClassifier({ maxFeatures: 3 }).train(X, y),
    { name: "RangeError", message: /maxFeatures parameter should be less than 2/ },
  );
  assert.throws(
    () => new FastRandomForestClassifier({ maxFeatures: 1.5 }).train(X, y),
    { name: "RangeError", message: /Cannot process the maxFeatures parameter 1.5/ },
  );
  assert.throws(
    () => new FastRandomForestClassifier({ maxFeatures: 0.2 }).train(X, y),
    { name: "RangeError", message: /selects 0 of 2 features/ },
  );
  assert.throws(
    () => new FastRandomForestClassifier({ maxSamples: 0.1 }).train(X, y),
    { name: "RangeError", message: /selects no training row/ },
  );
  assert.throws(() => ok.predict(X), { message: /train\(\) or load\(\) it first/ });
  ok.train(X, y);
  assert.throws(() => ok.predict([[1, 2, 3]]), {
    name: "RangeError",
    message: /3 columns.*trained on 2/,
  });
  assert.throws(() => ok.predict([[1, NaN]]), { name: "RangeError", message: /NaN/ });
  assert.throws(() => ok.predictOOB(), { message: /No Out-Of-Bag results/ });
  assert.equal(ok.predict(X).length, 4);
});
