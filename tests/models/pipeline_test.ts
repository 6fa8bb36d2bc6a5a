// Pipelines: k-neighbours predictions against scikit-learn's on the same rows, JSON round trips,
// the on-train hook, label handling and input errors.

import assert from "node:assert/strict";
import KNN from "ml-knn";
import { makeClassification, seedDataset, trainTestSplit } from "../../lib/data/mod.ts";
import {
  FastRandomForestClassifier,
  type FastRandomForestJSON,
  kNeighborsParams,
  loadPipeline,
  onTrain,
  type Pipeline,
  pipelineJson,
  randomForestParams,
  trainKNeighbors,
  trainRandomForest,
  treeVotes,
} from "../../lib/models/mod.ts";
import { sklearn } from "../data/_sklearn.ts";

Deno.test("k-neighbours agrees with scikit-learn's StandardScaler + KNeighborsClassifier on the seed data", async () => {
  const { XTrain, yTrain, XTest } = seedDataset();
  const results: Record<number, { predict: number[]; proba: number[][] }> = {};
  for (const k of [1, 5, 15]) {
    const pipe = trainKNeighbors(XTrain, yTrain, { nNeighbors: k, autolog: false });
    results[k] = { predict: pipe.predict(XTest), proba: pipe.predictProba(XTest) };
  }
  const theirs = await sklearn<Record<string, { predict: number[]; proba: number[][] }>>(
    "sklearn_knn_pipeline.py",
    { XTrain, yTrain, XTest },
  );
  for (const k of [1, 5, 15]) {
    const ours = results[k]!;
    const reference = theirs[String(k)]!;
    const agree = ours.predict.filter((label, i) => label === reference.predict[i]).length /
      XTest.length;
    const sameProba = ours.proba.filter((row, i) =>
      row.every((p, c) =>
        Math.abs(p - reference.proba[i]![c]!) < 1e-12
      )
    )
      .length / XTest.length;
    console.log(
      `k=${k}: predictions agree on ${(100 * agree).toFixed(1)}%, probabilities on ${
        (100 * sameProba).toFixed(1)
      }%`,
    );
    assert.ok(agree >= 0.99, `k=${k}: agreement ${agree}`);
    assert.ok(sameProba >= 0.99, `k=${k}: probabilities equal on ${sameProba}`);
  }
});

/** Probabilities from the neighbours ml-knn's own k-d tree search returns. */
function mlKnnProba(pipe: Pipeline, X: number[][]): number[][] {
  const knn = KNN.load(structuredClone(pipe.toJSON().model)) as {
    k: number;
    kdTree: { nearest(point: number[], k: number): [number[], number][] };
  };
  return pipe.scaler.transform(X).map((row) => {
    const votes = new Array<number>(pipe.classes.length).fill(0);
    for (const [point] of knn.kdTree.nearest(row, knn.k)) votes[point[point.length - 1]!]! += 1;
    return votes.map((v) => v / knn.k);
  });
}

Deno.test("k-neighbours votes among exactly the neighbours ml-knn's k-d tree search finds, ties too", () => {
  const { XTrain, yTrain, XTest } = seedDataset();
  for (const k of [1, 4, 5]) {
    const pipe = trainKNeighbors(XTrain, yTrain, { nNeighbors: k, autolog: false });
    assert.deepEqual(pipe.predictProba(XTest), mlKnnProba(pipe, XTest), `seed data, k=${k}`);
  }
  // Rows on a half-unit grid: many training rows lie at exactly the same distance, and which
  // of them ml-knn keeps depends on its search order.
  const { X, y } = makeClassification({
    nSamples: 400,
    nFeatures: 3,
    nInformative: 2,
    nRedundant: 0,
    randomState: 7,
  });
  const grid = X.map((row) => row.map((v) => Math.round(v * 2) / 2));
  const split = trainTestSplit(grid, y, { testSize: 0.5, randomState: 1 });
  for (const k of [1, 2, 3, 4, 7, 10]) {
    const pipe = trainKNeighbors(split.XTrain, split.yTrain, { nNeighbors: k, autolog: false });
    assert.deepEqual(pipe.predictProba(split.XTest), mlKnnProba(pipe, split.XTest), `grid, k=${k}`);
  }
});

function roundTrip(pipe: Pipeline, X: number[][]): void {
  const text = JSON.stringify(pipe);
  const json = JSON.parse(text);
  const restored = loadPipeline(json);
  assert.equal(JSON.stringify(json), text, "loadPipeline modified its input");
  assert.deepEqual(restored.predictProba(X), pipe.predictProba(X));
  assert.deepEqual(restored.predict(X), pipe.predict(X));
  assert.deepEqual(restored.params, pipe.params);
  assert.deepEqual(restored.classes, pipe.classes);
  assert.equal(restored.kind, pipe.kind);
  if (pipe.kind === "k_neighbors") {
    assert.equal(JSON.stringify(restored), text, "a restored pipeline saves the same JSON");
  } else {
    // ml-cart's load keeps what prediction needs and drops bookkeeping (numberSamples, the
    // unused split of a leaf); from then on saving is stable.
    const again = JSON.stringify(restored);
    assert.equal(JSON.stringify(loadPipeline(JSON.parse(again))), again);
  }
  // toJSON() itself is plain data (no class instances, no cycles).
  assert.deepEqual(structuredClone(pipe.toJSON()), json);
}

Deno.test("pipelines save to JSON and load back predicting identically", () => {
  const { X, y } = makeClassification({
    nSamples: 240,
    nFeatures: 6,
    nInformative: 3,
    nClasses: 3,
    randomState: 8,
  });
  const XTrain = X.slice(0, 180);
  const yTrain = y.slice(0, 180);
  const XTest = X.slice(180);
  roundTrip(trainKNeighbors(XTrain, yTrain, { nNeighbors: 7, autolog: false }), XTest);
  roundTrip(
    trainRandomForest(XTrain, yTrain, { nEstimators: 5, maxDepth: 4, autolog: false }),
    XTest,
  );
  roundTrip(
    trainRandomForest(XTrain, yTrain, {
      nEstimators: 3,
      maxDepth: null,
      maxFeatures: 0.5,
      autolog: false,
    }),
    XTest,
  );
  assert.throws(
    () => loadPipeline({ format: "other" } as never),
    /Cannot load pipeline: json must be a saved pipeline/,
  );
  const json = trainKNeighbors(XTrain, yTrain, { autolog: false }).toJSON();
  assert.throws(
    () => loadPipeline({ ...json, kind: "svm" } as never),
    /kind must be one of k_neighbors, random_forest, current value is "svm"/,
  );
  assert.throws(
    () => loadPipeline({ ...json, model: { name: "RFClassifier" } }),
    /model must be ml-knn's JSON/,
  );
});

/** What the k-neighbours step computed on npm ml-knn: each class's share of kdTree.nearest. */
function mlKnnShares(
  model: InstanceType<typeof KNN>,
  rows: number[][],
  k: number,
  nClasses: number,
) {
  const tree = (model as unknown as {
    kdTree: { nearest(point: number[], k: number): [number[], number][] };
  }).kdTree;
  return rows.map((row) => {
    const votes = new Array<number>(nClasses).fill(0);
    for (const [point] of tree.nearest(row, k)) votes[point.at(-1)!]! += 1;
    return votes.map((count) => count / k);
  });
}

Deno.test("k-neighbours pipelines save ml-knn's JSON and give the probabilities ml-knn gave", () => {
  const { XTrain, yTrain, XTest } = seedDataset();
  // Integer features: many distance ties at the k-th place.
  const grid = Array.from({ length: 90 }, (_, i) => [i % 5, Math.floor(i / 5) % 4, i % 3]);
  const gridY = grid.map((_, i) => (i * 7) % 3);
  const cases: [number[][], number[], number[][]][] = [
    [XTrain, yTrain, [...XTest, ...XTrain.slice(0, 100)]],
    [grid, gridY, [...grid.slice(0, 40), [2, 1.5, 1], [0.5, 0.5, 0.5]]],
  ];
  for (const [X, y, rows] of cases) {
    for (const k of [1, 2, 5, 9, 25]) {
      const pipe = trainKNeighbors(X, y, { nNeighbors: k, autolog: false });
      const encoded = y.map((label) => pipe.classes.indexOf(label));
      const stock = new KNN(pipe.scaler.transform(X), encoded, { k });
      assert.equal(JSON.stringify(pipe.toJSON().model), JSON.stringify(stock), `k ${k}: model`);
      const expected = mlKnnShares(stock, pipe.scaler.transform(rows), k, pipe.classes.length);
      assert.deepEqual(pipe.predictProba(rows), expected, `k ${k}: probabilities`);
      // A pipeline saved before (its model written by ml-knn) loads and predicts the same.
      const saved = { ...pipe.toJSON(), model: JSON.parse(JSON.stringify(stock)) };
      assert.deepEqual(loadPipeline(saved).predictProba(rows), expected, `k ${k}: loaded`);
    }
  }
  // A model with a custom distance cannot be restored from JSON alone, as with ml-knn.
  const pipe = trainKNeighbors(grid, gridY, { nNeighbors: 3, autolog: false });
  const manhattan = (a: number[], b: number[]) =>
    a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0);
  const custom = new KNN(pipe.scaler.transform(grid), gridY, { k: 3, distance: manhattan });
  assert.throws(
    () => loadPipeline({ ...pipe.toJSON(), model: JSON.parse(JSON.stringify(custom)) }),
    /a custom distance function was used to create the model\. Please provide it again/,
  );
});

Deno.test("the random forest is deterministic for a seed and votes into probabilities", () => {
  const { X, y } = makeClassification({
    nSamples: 150,
    nFeatures: 5,
    nInformative: 3,
    randomState: 2,
  });
  const a = trainRandomForest(X, y, { nEstimators: 4, seed: 7, autolog: false });
  const b = trainRandomForest(X, y, { nEstimators: 4, seed: 7, autolog: false });
  const c = trainRandomForest(X, y, { nEstimators: 4, seed: 8, autolog: false });
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.notDeepEqual(a.toJSON().model, c.toJSON().model);
  for (const row of a.predictProba(X)) {
    assert.equal(row.length, 2);
    assert.ok(Math.abs(row[0]! + row[1]! - 1) < 1e-12);
    assert.ok(row.every((p) => Number.isInteger(p * 4)), "four trees vote in quarters");
  }
  const proba = a.predictProba(X);
  a.predict(X).forEach((label, i) =>
    assert.equal(label, proba[i]![1]! > proba[i]![0]! ? 1 : 0, "ties go to class 0")
  );
});

Deno.test("pipelines keep arbitrary integer labels and break ties towards the smallest class", () => {
  const X = [[0], [1], [10], [11], [20], [21]];
  const y = [7, 7, -3, -3, 42, 42];
  const pipe = trainKNeighbors(X, y, { nNeighbors: 2, autolog: false });
  assert.deepEqual(pipe.classes, [-3, 7, 42]);
  assert.deepEqual(pipe.predict([[0.2], [10.4], [21]]), [7, -3, 42]);
  // Halfway between the 7s and the -3s, the two nearest rows are one of each: a tie.
  assert.deepEqual(pipe.predictProba([[5.5]]), [[0.5, 0.5, 0]]);
  assert.deepEqual(pipe.predict([[5.5]]), [-3]);
  const forest = trainRandomForest(X, y, { nEstimators: 3, minNumSamples: 1, autolog: false });
  assert.deepEqual(forest.classes, [-3, 7, 42]);
  assert.equal(forest.predictProba([[0]])[0]!.length, 3);
  // One class only.
  const single = trainKNeighbors([[1], [2]], [4, 4], { nNeighbors: 1, autolog: false });
  assert.deepEqual(single.predict([[9]]), [4]);
  assert.deepEqual(single.predictProba([[9]]), [[1]]);
});

Deno.test("onTrain callbacks receive the hyperparameters, unless autolog is false", () => {
  const calls: [string, Record<string, unknown>][] = [];
  const off = onTrain((kind, params) => calls.push([kind, { ...params }]));
  try {
    const X = [[0, 1], [1, 0], [5, 5], [6, 5], [5, 6], [0, 0]];
    const y = [0, 0, 1, 1, 1, 0];
    const knn = trainKNeighbors(X, y, { nNeighbors: 3 });
    trainRandomForest(X, y, { maxDepth: 2, nEstimators: 2 });
    trainKNeighbors(X, y, { autolog: false });
    trainRandomForest(X, y, { nEstimators: 2, autolog: false });
    assert.deepEqual(calls, [
      ["k_neighbors", { n_neighbors: 3 }],
      ["random_forest", randomForestParams({ maxDepth: 2, nEstimators: 2 })],
    ]);
    assert.deepEqual(knn.params, kNeighborsParams({ nNeighbors: 3 }));
    assert.deepEqual(calls[1]![1], {
      max_depth: 2,
      n_estimators: 2,
      max_features: 1,
      feature_replacement: true,
      bootstrap: true,
      min_num_samples: 3,
      gain_threshold: 0.01,
      seed: 42,
    });
  } finally {
    off();
  }
  trainKNeighbors([[0], [1]], [0, 1], { nNeighbors: 1 });
  assert.equal(calls.length, 2, "an unregistered callback must not be called");
  // A throwing callback aborts training before the model is fitted; invalid input never reaches it.
  const offThrow = onTrain(() => {
    throw new Error("tracking failed");
  });
  try {
    assert.throws(() => trainKNeighbors([[0], [1]], [0, 1], { nNeighbors: 1 }), /tracking failed/);
    assert.throws(() => trainKNeighbors([[0], [1]], [0, 1], { nNeighbors: 3 }), RangeError);
  } finally {
    offThrow();
  }
});

Deno.test("training and prediction name the bad input", () => {
  const X = [[0, 1], [1, 0], [5, 5], [6, 5]];
  const y = [0, 0, 1, 1];
  const options = { autolog: false };
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [
      () => trainKNeighbors([[0, 1], [1]], [0, 1], options),
      RangeError,
      /X\[1\] must have 2 values like X\[0\], current value has 1/,
    ],
    [
      () => trainKNeighbors([[0, 1], [NaN, 1]], [0, 1], options),
      RangeError,
      /X\[1\]\[0\] must be finite, current value is NaN/,
    ],
    [
      () => trainRandomForest([[0, -Infinity], [0, 1]], [0, 1], options),
      RangeError,
      /X\[0\]\[1\] must be finite, current value is -Infinity/,
    ],
    [
      () => trainKNeighbors([[0, "1" as unknown as number]], [0], options),
      TypeError,
      /X\[0\]\[1\] must be a number, current value is "1"/,
    ],
    [
      () => trainKNeighbors(X, y, { nNeighbors: 5, autolog: false }),
      RangeError,
      /nNeighbors must be at most the number of training rows \(4\), current value is 5/,
    ],
    [
      () => trainKNeighbors(X, y, { nNeighbors: 0, autolog: false }),
      RangeError,
      /nNeighbors must be at least 1, current value is 0/,
    ],
    [
      () => trainKNeighbors(X, y, { nNeighbors: 2.5, autolog: false }),
      TypeError,
      /nNeighbors must be an integer, current value is 2.5/,
    ],
    [
      () => trainKNeighbors(X, [0, 0.5, 1, 1], options),
      TypeError,
      /y\[1\] must be an integer class label, current value is 0.5/,
    ],
    [
      () => trainRandomForest(X, [0, 0, "b", 1] as number[], options),
      TypeError,
      /y\[2\] must be an integer class label, current value is "b"/,
    ],
    [
      () => trainKNeighbors([], [], options),
      RangeError,
      /X must have at least one row, current value is \[\]/,
    ],
    [
      () => trainRandomForest(X, [0, 1], options),
      RangeError,
      /y must have one label per row of X \(4\), current value has 2/,
    ],
    [
      () => trainRandomForest(X, y, { maxFeatures: 3, autolog: false }),
      RangeError,
      /maxFeatures must be at most the number of features \(2\), current value is 3/,
    ],
    [
      () => trainRandomForest(X, y, { maxFeatures: 1.5, autolog: false }),
      RangeError,
      /maxFeatures must be a fraction in \(0, 1\] or an integer of at least 2, current value is 1.5/,
    ],
    [
      () => trainRandomForest(X, y, { maxDepth: 0, autolog: false }),
      RangeError,
      /maxDepth must be at least 1, current value is 0/,
    ],
    [
      () => trainRandomForest(X, y, { seed: 2 ** 40, autolog: false }),
      RangeError,
      /seed must be a 32-bit integer/,
    ],
  ];
  for (const [run, errorClass, message] of cases) {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof errorClass, String(e));
      assert.match(e.message, /^Cannot (train k-neighbours|train random forest): /);
      assert.match(e.message, message);
      return true;
    });
  }
  const pipe = trainKNeighbors(X, y, { nNeighbors: 3, autolog: false });
  assert.throws(
    () => pipe.predict([[1, 2, 3]]),
    /Cannot predict with k_neighbors pipeline: X\[0\] must have 2 values \(the number of features seen in training\), current value has 3/,
  );
  assert.throws(
    () => pipe.predictProba([[1, NaN]]),
    /X\[0\]\[1\] must be finite, current value is NaN/,
  );
  assert.throws(() => pipe.predict([]), /X must have at least one row/);
});

Deno.test("predictions of rows asked about again are reused only while rows and scaler are unchanged", () => {
  const { XTrain, yTrain, XTest } = seedDataset();
  for (
    const pipe of [
      trainKNeighbors(XTrain, yTrain, { nNeighbors: 5, autolog: false }),
      trainRandomForest(XTrain, yTrain, { nEstimators: 7, maxDepth: 4, autolog: false }),
    ]
  ) {
    const fresh = () => loadPipeline(pipe.toJSON()); // never asked about these rows
    const rows = XTest.slice(0, 60).map((row) => [...row]);
    const first = pipe.predictProba(rows);
    assert.deepEqual(pipe.predictProba(rows), first);
    // A result handed out is the caller's: changing it does not change the next answer.
    first[0]![0] = 42;
    pipe.predict(rows).fill(-1);
    assert.deepEqual(pipe.predictProba(rows), fresh().predictProba(rows));
    assert.deepEqual(pipe.predict(rows), fresh().predict(rows));
    // Rows changed in place are scored again: a row moved onto another class's row.
    const other = rows.findIndex((_, i) => pipe.predict(rows)[i] !== pipe.predict(rows)[0]);
    rows[0] = rows[other]!; // a new row object
    assert.deepEqual(pipe.predict(rows), fresh().predict(rows));
    rows[1]!.splice(0, rows[1]!.length, ...rows[other]!); // the same row object, other values
    assert.equal(pipe.predict(rows)[1], pipe.predict(rows)[other]);
    assert.deepEqual(pipe.predictProba(rows), fresh().predictProba(rows));
    // A bad value put in place is still refused.
    rows[2]![3] = NaN;
    assert.throws(() => pipe.predict(rows), RangeError);
    rows[2]![3] = 0;
    // The scaler refitted, or its statistics changed in place, changes the answers.
    const before = pipe.predictProba(rows);
    pipe.scaler.fit(XTrain.map((row) => row.map((x) => 2 * x + 1)));
    const refitted = fresh();
    assert.deepEqual(pipe.predictProba(rows), refitted.predictProba(rows));
    assert.notDeepEqual(pipe.predictProba(rows), before);
    (pipe.scaler.mean as number[])[0]! += 3;
    assert.deepEqual(pipe.predictProba(rows), fresh().predictProba(rows));
  }
});

Deno.test("treeVotes: each tree's class per row, what predictProba counts and the saved forest says", () => {
  const { XTrain, yTrain, XTest } = seedDataset();
  const y = yTrain.map((label) => label * 5 + 2); // labels 2 and 7
  const pipe = trainRandomForest(XTrain, y, { nEstimators: 9, maxDepth: 3, autolog: false });
  const votes = treeVotes(pipe, XTest);
  assert.equal(votes.length, XTest.length);
  const forest = FastRandomForestClassifier.load(pipe.toJSON().model as FastRandomForestJSON);
  const saved = forest.predictionValues(pipe.scaler.transform(XTest)).to2DArray();
  assert.deepEqual(votes, saved.map((row) => row.map((c) => pipe.classes[c])));
  const proba = pipe.predictProba(XTest);
  votes.forEach((row, i) => {
    assert.deepEqual(proba[i], pipe.classes.map((c) => row.filter((v) => v === c).length / 9));
  });
  // Another implementation of Pipeline is asked through its saved forest.
  const other: Pipeline = {
    kind: pipe.kind,
    params: pipe.params,
    classes: pipe.classes,
    nFeatures: pipe.nFeatures,
    scaler: pipe.scaler,
    predict: (X) => pipe.predict(X),
    predictProba: (X) => pipe.predictProba(X),
    toJSON: () => pipe.toJSON(),
  };
  assert.deepEqual(treeVotes(other, XTest), votes);
  const knn = trainKNeighbors(XTrain, yTrain, { autolog: false });
  assert.throws(
    () => treeVotes(knn, XTest),
    /must be a random forest, current value is k_neighbors/,
  );
});

Deno.test("pipelineJson is the JSON text of toJSON, the scaler's part as it is now", () => {
  const { XTrain, yTrain } = seedDataset();
  for (
    const pipe of [
      trainKNeighbors(XTrain, yTrain, { nNeighbors: 3, autolog: false }),
      trainRandomForest(XTrain, yTrain, { nEstimators: 4, autolog: false }),
    ]
  ) {
    assert.equal(pipelineJson(pipe), JSON.stringify(pipe.toJSON()));
    assert.equal(pipelineJson(pipe), pipelineJson(pipe));
    pipe.scaler.fit(XTrain.slice(0, 100));
    assert.equal(pipelineJson(pipe), JSON.stringify(pipe.toJSON()));
    assert.deepEqual(JSON.parse(pipelineJson(pipe)).scaler, pipe.scaler.toJSON());
  }
});
