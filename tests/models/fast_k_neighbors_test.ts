// FastKNeighborsClassifier against ml-knn 3.0.0: identical predictions, JSON text, neighbours in
// heap order and votes over many generated data sets (ties, duplicates, integer features, tiny
// classes, k from 1 to 50, three distance functions), model exchange in both directions,
// awkward magnitudes for the quantised scan, and clear errors on bad input.

import assert from "node:assert/strict";
import KNN from "ml-knn";
import { euclidean } from "ml-distance-euclidean";
import { bool, integer, MersenneTwister19937, pick, real } from "random-js";
import {
  type DistanceFunction,
  FastKNeighborsClassifier,
} from "../../lib/models/fast_k_neighbors.ts";
import { EuclideanScan, MAX_SCAN_K } from "../../lib/models/_knn_scan.ts";

type Engine = MersenneTwister19937;
type Stock = InstanceType<typeof KNN>;
interface StockTree {
  nearest(point: number[], k: number): [number[], number][];
}

/** Manhattan distance, looping to `a.length` as `ml-distance`'s functions do. */
const manhattan: DistanceFunction = (a, b) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum;
};

/**
 * Euclidean over the stored row's features, reading the first argument by index: on ml-knn's
 * `linearPoint` this is the distance to the splitting plane, so the search really prunes.
 */
const planeAware: DistanceFunction = (a, b) => {
  let sum = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const t = (a[i] ?? 0) - b[i]!;
    sum += t * t;
  }
  return Math.sqrt(sum);
};

const DISTANCES: [string, DistanceFunction | undefined][] = [
  ["euclidean", undefined],
  ["manhattan", manhattan],
  ["plane-aware", planeAware],
];

interface Case {
  X: number[][];
  y: number[];
  queries: number[][];
}

/** Rows of a kind: continuous (3 decimals), integers 0–3 (many ties), or both. */
function row(eng: Engine, features: number, kind: number): number[] {
  return Array.from({ length: features }, (_, j) => {
    const ties = kind === 1 || (kind === 2 && j % 2 === 0);
    return ties ? integer(0, 3)(eng) : Math.round(real(-3, 3)(eng) * 1000) / 1000;
  });
}

function generate(eng: Engine, i: number): Case {
  const classes = [2, 3, 2, 4, 5][i % 5]!;
  const kind = i % 3;
  const features = integer(1, 6)(eng);
  const X: number[][] = [];
  const y: number[] = [];
  if (i % 10 === 7) {
    // One training row per class.
    for (let c = 0; c < classes; c++) {
      X.push(row(eng, features, kind));
      y.push(c * 3 - 2);
    }
  } else {
    const rows = integer(classes, i % 4 === 0 ? 160 : 70)(eng);
    for (let r = 0; r < rows; r++) {
      X.push(row(eng, features, kind));
      // Imbalanced labels, so that k often exceeds a class's size; labels may be negative.
      const c = bool(0.5)(eng) ? 0 : integer(0, classes - 1)(eng);
      y.push(c - 1);
    }
    // Duplicated rows, some with another label.
    for (let dup = integer(0, 6)(eng); dup > 0; dup--) {
      const source = integer(0, X.length - 1)(eng);
      X.push([...X[source]!]);
      y.push(bool(0.7)(eng) ? y[source]! : integer(-1, classes - 2)(eng));
    }
  }
  // Queries: training rows, fresh rows, midpoints of two rows (equidistant from both).
  const queries: number[][] = [];
  for (let q = 0; q < 30; q++) {
    const a = X[integer(0, X.length - 1)(eng)]!;
    const b = X[integer(0, X.length - 1)(eng)]!;
    queries.push(pick(eng, [a, row(eng, features, kind), a.map((v, j) => (v + b[j]!) / 2)]));
  }
  return { X, y, queries };
}

/** Neighbour counts per label, from ml-knn's own neighbours. */
function stockVotes(stock: Stock, queries: number[][], labels: number[], k: number): number[][] {
  const tree = (stock as unknown as { kdTree: StockTree }).kdTree;
  return queries.map((q) => {
    const counts = labels.map(() => 0);
    for (const [point] of tree.nearest(q, k)) counts[labels.indexOf(point.at(-1)!)]!++;
    return counts;
  });
}

function assertSame(
  data: Case,
  k: number | undefined,
  distance: DistanceFunction | undefined,
  label: string,
): void {
  const options = {
    ...(k === undefined ? {} : { k }),
    ...(distance === undefined ? {} : { distance }),
  };
  const stock = new KNN(data.X, data.y, options);
  const fast = new FastKNeighborsClassifier(data.X, data.y, options);
  const kUsed = fast.k;
  assert.equal(JSON.stringify(fast.toJSON()), JSON.stringify(stock.toJSON()), `${label}: JSON`);
  assert.deepEqual(fast.predict(data.queries), stock.predict(data.queries), `${label}: predict`);
  assert.equal(
    fast.predict(data.queries[0]!),
    stock.predict(data.queries[0]!),
    `${label}: one row`,
  );
  const labels = [...fast.classes];
  assert.deepEqual(
    fast.classVotes(data.queries),
    stockVotes(stock, data.queries, labels, kUsed),
    `${label}: votes`,
  );
  const tree = (stock as unknown as { kdTree: StockTree }).kdTree;
  for (const q of data.queries.slice(0, 5)) {
    assert.deepEqual(fast.nearest(q), tree.nearest(q, kUsed), `${label}: nearest`);
  }
}

Deno.test("identical to ml-knn on 150 generated cases: predictions, JSON, heap order, votes", () => {
  const eng = MersenneTwister19937.seed(20240613);
  const counts = { euclidean: 0, manhattan: 0, "plane-aware": 0, multiclass: 0, ties: 0 };
  for (let i = 0; i < 150; i++) {
    const data = generate(eng, i);
    const [name, distance] = DISTANCES[i % 3]!;
    // k from 1 to 50, and the default (classes + 1) now and then.
    const k = i % 11 === 5 ? undefined : i < 50 ? i + 1 : integer(1, 50)(eng);
    const label = `case ${i} (${data.X.length}×${data.X[0]!.length}, k ${k}, ${name})`;
    assertSame(data, k, distance, label);
    counts[name as keyof typeof counts]++;
    if (new Set(data.y).size > 2) counts.multiclass++;
    if (i % 3 === 1) counts.ties++;
  }
  assert.ok(counts.euclidean >= 50 && counts.manhattan >= 50 && counts["plane-aware"] >= 50);
  assert.ok(counts.multiclass >= 60 && counts.ties >= 50);
});

Deno.test("identical on the project's seed split for every k of the demo grid and more", async () => {
  const { seedDataset } = await import("../../lib/data/mod.ts");
  const { StandardScaler } = await import("../../lib/models/scaler.ts");
  const { XTrain, yTrain, XTest } = seedDataset();
  const scaler = new StandardScaler().fit(XTrain);
  const X = scaler.transform(XTrain);
  const queries = [...X, ...scaler.transform(XTest)];
  for (const k of [1, 3, 4, 5, 25, 64]) {
    const stock = new KNN(X, yTrain, { k });
    const fast = new FastKNeighborsClassifier(X, yTrain, { k });
    assert.deepEqual(fast.predict(queries), stock.predict(queries), `k ${k}`);
    assert.deepEqual(
      fast.classVotes(queries, [0, 1]),
      stockVotes(stock, queries, [0, 1], k),
      `k ${k}: votes`,
    );
  }
});

Deno.test("ties everywhere: identical rows, a grid of integers, k around the tie", () => {
  const same = Array.from({ length: 12 }, () => [1, 1]);
  const grid: number[][] = [];
  for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) grid.push([a, b]);
  const queries = [[1, 1], [0, 0], [2, 2], [2.5, 2.5], [0.5, 1], [4, 0], [-3, 7]];
  for (const k of [1, 2, 3, 4, 5, 8, 9, 12, 13, 30]) {
    assertSame({ X: same, y: same.map((_, i) => i % 3), queries }, k, undefined, `same ${k}`);
    assertSame({ X: grid, y: grid.map((_, i) => (i * 7) % 4), queries }, k, undefined, `grid ${k}`);
  }
});

Deno.test("the scan's edge cases: magnitudes, feature counts, row counts, far queries", () => {
  const eng = MersenneTwister19937.seed(4);
  for (const scale of [1e-300, 1e-200, 1e-5, 1, 1e5, 1e100, 1e200]) {
    for (const features of [1, 2, 3, 4, 5, 7, 9]) {
      const rows = integer(1, 40)(eng);
      const X = Array.from({ length: rows }, () => row(eng, features, 0).map((v) => v * scale));
      const y = X.map(() => integer(0, 2)(eng));
      const queries = [
        ...X.slice(0, 5),
        ...Array.from({ length: 5 }, () => row(eng, features, 0).map((v) => v * scale)),
        X[0]!.map((v) => v * 1e6 + scale), // far outside the training rows
        X[0]!.map(() => 0),
      ];
      for (const k of [1, 3, 8]) {
        assertSame({ X, y, queries }, k, undefined, `scale ${scale}, ${rows}×${features}, k ${k}`);
      }
    }
  }
});

Deno.test("near ties: distances one rounding apart are ordered as ml-knn orders them", () => {
  const eps = Number.EPSILON;
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 40; i++) {
    // Pairs mirrored around 0.1 + small offsets: their distances to 0.1 differ in the last bits.
    X.push([0.1 + (i + 1) * eps, 0.3], [0.1 - (i + 1) * eps, 0.3 + eps * (i % 3)]);
    y.push(i % 2, (i + 1) % 2);
  }
  const queries = [[0.1, 0.3], [0.1 + 7 * eps, 0.3], [0.1, 0.3 + eps]];
  for (const k of [1, 2, 3, 5, 10, 21]) assertSame({ X, y, queries }, k, undefined, `k ${k}`);
});

Deno.test("models move both ways between ml-knn and FastKNeighborsClassifier", () => {
  const eng = MersenneTwister19937.seed(77);
  for (const [name, distance] of DISTANCES) {
    const data = generate(eng, 3);
    const options = { k: 4, ...(distance === undefined ? {} : { distance }) };
    const fast = new FastKNeighborsClassifier(data.X, data.y, options);
    const stock = new KNN(data.X, data.y, options);
    const text = JSON.stringify(fast.toJSON());

    const stockFromFast = KNN.load(JSON.parse(text), distance);
    assert.deepEqual(stockFromFast.predict(data.queries), fast.predict(data.queries), name);

    for (const saved of [JSON.parse(JSON.stringify(stock)), stock]) {
      const fastFromStock = FastKNeighborsClassifier.load(saved, distance);
      assert.deepEqual(fastFromStock.predict(data.queries), stock.predict(data.queries), name);
      assert.equal(JSON.stringify(fastFromStock.toJSON()), JSON.stringify(stock), name);
    }
    const input = JSON.parse(text);
    FastKNeighborsClassifier.load(input, distance);
    assert.equal(JSON.stringify(input), text, `${name}: load modified its input`);
  }
});

Deno.test("ml-distance-euclidean's euclidean, passed explicitly, is the default distance", () => {
  const X = [[0, 0], [1, 2], [3, 1], [4, 4], [0.5, 3]];
  const y = [0, 1, 0, 1, 1];
  const fast = new FastKNeighborsClassifier(X, y, { k: 2, distance: euclidean });
  const stock = new KNN(X, y, { k: 2, distance: euclidean });
  assert.equal(fast.isEuclidean, true);
  assert.equal(JSON.stringify(fast.toJSON()), JSON.stringify(stock.toJSON()));
  assert.deepEqual(fast.predict(X), stock.predict(X));
  assert.deepEqual(
    FastKNeighborsClassifier.load(fast.toJSON(), euclidean).predict(X),
    stock.predict(X),
  );
});

Deno.test("a custom distance is not in the JSON: loading needs it, as in ml-knn", () => {
  const fast = new FastKNeighborsClassifier([[0], [1], [5]], [0, 0, 1], {
    k: 1,
    distance: manhattan,
  });
  const json = fast.toJSON();
  assert.equal(json.isEuclidean, false);
  assert.throws(() => FastKNeighborsClassifier.load(json), {
    name: "TypeError",
    message:
      "Cannot load FastKNeighborsClassifier: a custom distance function was used to create the model. Please provide it again",
  });
  assert.throws(() => KNN.load(json), /Please provide it again/);
  assert.equal(FastKNeighborsClassifier.load(json, manhattan).predict([4]), 1);
  const euclideanModel = new FastKNeighborsClassifier([[0], [1], [5]], [0, 0, 1]).toJSON();
  assert.throws(
    () => FastKNeighborsClassifier.load(euclideanModel, manhattan),
    /the model was created with the default distance function. Do not load it with another one/,
  );
});

Deno.test("bad input gets clear errors", () => {
  const X = [[0, 1], [1, 0], [2, 2]];
  const y = [0, 1, 0];
  const train = "Cannot train FastKNeighborsClassifier";
  assert.throws(() => new FastKNeighborsClassifier([], []), {
    name: "RangeError",
    message: `${train}: dataset must have at least one row, current value is []`,
  });
  assert.throws(() => new FastKNeighborsClassifier([[0, 1], [1]], [0, 1]), {
    name: "RangeError",
    message: `${train}: dataset[1] must have 2 values like dataset[0], current value has 1`,
  });
  assert.throws(() => new FastKNeighborsClassifier([[0, NaN]], [0]), {
    name: "RangeError",
    message: `${train}: dataset[0][1] must be finite, current value is NaN`,
  });
  assert.throws(() => new FastKNeighborsClassifier(X, [0, 1]), {
    name: "RangeError",
    message: `${train}: labels must have one label per row of X (3), current value has 2`,
  });
  assert.throws(() => new FastKNeighborsClassifier(X, [0, 0.5, 1]), {
    name: "TypeError",
    message: `${train}: labels[1] must be an integer class label, current value is 0.5`,
  });
  assert.throws(() => new FastKNeighborsClassifier(X, y, { k: 0 }), {
    name: "RangeError",
    message: `${train}: k must be at least 1, current value is 0`,
  });
  assert.throws(() => new FastKNeighborsClassifier(X, y, { k: 2.5 }), {
    name: "TypeError",
    message: `${train}: k must be an integer, current value is 2.5`,
  });
  assert.throws(() => new FastKNeighborsClassifier(X, y, { distance: "l1" as never }), {
    name: "TypeError",
    message: `${train}: distance must be a function, current value is "l1"`,
  });

  const model = new FastKNeighborsClassifier(X, y);
  const predict = "Cannot predict with FastKNeighborsClassifier";
  assert.throws(() => model.predict([[1, 2, 3]]), {
    name: "RangeError",
    message:
      `${predict}: dataset[0] must have 2 values (the number of features seen in training), current value has 3`,
  });
  assert.throws(() => model.predict([1, Infinity]), {
    name: "RangeError",
    message: `${predict}: dataset[0][1] must be finite, current value is Infinity`,
  });
  assert.throws(() => model.predict([] as number[][]), {
    name: "TypeError",
    message:
      `${predict}: dataset must be a row of numbers or an array of rows, current value is []`,
  });
  assert.throws(() => model.nearest([0, 0], 0), /k must be at least 1/);
  const odd = new FastKNeighborsClassifier(X, y, { k: 1, distance: () => "far" as never });
  assert.throws(() => odd.predict([0, 0]), {
    name: "TypeError",
    message: 'Cannot search k-neighbours: distance must return a number, current value is "far"',
  });

  const load = "Cannot load FastKNeighborsClassifier";
  const json = model.toJSON();
  assert.throws(() => FastKNeighborsClassifier.load({ ...json, name: "RFClassifier" } as never), {
    name: "TypeError",
    message: `${load}: name must be "KNN" (an ml-knn model), current value is "RFClassifier"`,
  });
  assert.throws(() => FastKNeighborsClassifier.load({ ...json, k: 0 }), /k must be at least 1/);
  assert.throws(
    () => FastKNeighborsClassifier.load({ ...json, classes: [0] }),
    {
      name: "TypeError",
      message: `${load}: classes must list every label in kdTree, current value lacks 1`,
    },
  );
  const broken = structuredClone(json);
  broken.kdTree.left!.obj = [1];
  assert.throws(
    () => FastKNeighborsClassifier.load(broken),
    { message: `${load}: kdTree.left.obj must be 3 finite numbers, current value is [1]` },
  );
  const badDimensions = { ...json, kdTree: { ...json.kdTree, dimensions: [0, 1] } };
  assert.throws(
    () => FastKNeighborsClassifier.load(badDimensions),
    /kdTree.dimensions must be \[0, …, 2\], current value is \[0,1\]/,
  );
});

Deno.test("the scan settles most queries of continuous data, and only with ml-knn's k nearest", () => {
  const eng = MersenneTwister19937.seed(11);
  let settledCount = 0;
  let total = 0;
  for (let i = 0; i < 40; i++) {
    const features = integer(1, 12)(eng);
    const rows = integer(2, 300)(eng);
    const kind = i % 4 === 3 ? 1 : 0; // integer features now and then
    const X = Array.from({ length: rows }, () => row(eng, features, kind));
    const y = X.map(() => integer(0, 2)(eng));
    const queries = Array.from(
      { length: 25 },
      (_, q) => q % 2 === 0 ? X[integer(0, rows - 1)(eng)]! : row(eng, features, kind),
    );
    const k = integer(1, Math.min(MAX_SCAN_K, rows - 1))(eng);
    const scan = EuclideanScan.create(Float64Array.from(X.flat()), rows, features)!;
    const ids = new Int32Array(queries.length * k);
    const settled = new Uint8Array(queries.length);
    scan.nearest(Float64Array.from(queries.flat()), queries.length, k, ids, settled);
    const stock = new KNN(X, y, { k }) as unknown as { kdTree: StockTree };
    queries.forEach((q, r) => {
      const theirs = stock.kdTree.nearest(q, k).map(([, d]) => d).sort((a, b) => a - b);
      const sorted = X.map((x) => Math.sqrt(x.reduce((s, v, j) => s + (q[j]! - v) ** 2, 0)))
        .sort((a, b) => a - b);
      const tie = sorted[k - 1] === sorted[k];
      total++;
      if (settled[r] === 1) {
        settledCount++;
        assert.ok(!tie, `case ${i}, query ${r}: settled despite a tie at the k-th distance`);
        const ours = [...ids.subarray(r * k, (r + 1) * k)].map((id) =>
          Math.sqrt(X[id]!.reduce((s, v, j) => s + (q[j]! - v) ** 2, 0))
        );
        assert.deepEqual(ours, theirs, `case ${i}, query ${r}`);
      } else {
        assert.ok(
          tie,
          `case ${i}, query ${r}: not settled without a tie (${rows}×${features}, k ${k}, ${
            JSON.stringify(sorted.slice(0, k + 2))
          })`,
        );
      }
    });
  }
  assert.ok(settledCount > 0.6 * total, `only ${settledCount} of ${total} settled`);
});
