// StandardScaler against scikit-learn's StandardScaler: means, variances, scales and transformed
// values to 1e-12 (relative for large values), constant and near-constant columns included.

import assert from "node:assert/strict";
import { createRandomSource } from "../../lib/data/_random.ts";
import { StandardScaler } from "../../lib/models/mod.ts";
import { sklearn } from "../data/_sklearn.ts";

interface Reference {
  mean: number[];
  var: number[];
  scale: number[];
  transformed: number[][];
}

/** Matrices with ordinary, constant, offset, tiny-spread and integer columns. */
function matrices(): number[][][] {
  const rng = createRandomSource(77);
  const out: number[][][] = [];
  for (let m = 0; m < 12; m++) {
    const rows = m === 0 ? 1 : m === 1 ? 2 : rng.integer(3, 200);
    const kinds = ["normal", "constant", "offset", "tiny", "integer", "constantLarge", "wide"];
    const columns = Array.from(
      { length: rng.integer(1, 7) },
      (_, j) => kinds[(j + m) % kinds.length]!,
    );
    out.push(Array.from({ length: rows }, () =>
      columns.map((kind) => {
        switch (kind) {
          case "constant":
            return 3.7;
          case "constantLarge":
            return 123456789.123;
          case "offset":
            return 1e8 + rng.normal();
          case "tiny":
            return 5 + 1e-9 * rng.normal();
          case "integer":
            return rng.integer(-3, 3);
          case "wide":
            return 1e6 * rng.normal();
          default:
            return rng.normal();
        }
      })));
  }
  return out;
}

Deno.test("StandardScaler matches scikit-learn's StandardScaler", async () => {
  const inputs = matrices();
  const theirs = await sklearn<Reference[]>(
    "sklearn_standard_scaler.py",
    inputs,
  );
  const close = (a: number, b: number, what: string) =>
    assert.ok(
      Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
      `${what}: ours ${a}, scikit-learn ${b}`,
    );
  let constants = 0;
  inputs.forEach((X, m) => {
    const reference = theirs[m]!;
    const scaler = new StandardScaler().fit(X);
    const transformed = scaler.transform(X);
    reference.mean.forEach((v, j) => close(scaler.mean![j]!, v, `matrix ${m} mean ${j}`));
    reference.var.forEach((v, j) => close(scaler.variance![j]!, v, `matrix ${m} variance ${j}`));
    reference.scale.forEach((v, j) => {
      close(scaler.scale![j]!, v, `matrix ${m} scale ${j}`);
      if (v === 1) {
        assert.equal(scaler.scale![j], 1, `matrix ${m} column ${j} should be constant`);
        constants++;
      }
    });
    reference.transformed.forEach((row, i) =>
      row.forEach((v, j) => close(transformed[i]![j]!, v, `matrix ${m} [${i}][${j}]`))
    );
  });
  assert.ok(constants >= 5, `only ${constants} constant columns were compared`);
});

Deno.test("StandardScaler round-trips through JSON and refuses bad input", () => {
  const X = [[1, 10, 7], [2, 20, 7], [4, 25, 7]];
  const scaler = new StandardScaler().fit(X);
  const copy = StandardScaler.load(JSON.parse(JSON.stringify(scaler)));
  assert.deepEqual(copy.transform(X), scaler.transform(X));
  assert.deepEqual(new StandardScaler().fitTransform(X), scaler.transform(X));
  assert.deepEqual(X, [[1, 10, 7], [2, 20, 7], [4, 25, 7]], "input modified");

  assert.throws(
    () => new StandardScaler().transform(X),
    /Cannot transform with StandardScaler: it must be fitted first/,
  );
  assert.throws(
    () => scaler.transform([[1, 2]]),
    /X\[0\] must have 3 values \(the number of features seen in training\), current value has 2/,
  );
  assert.throws(
    () => new StandardScaler().fit([]),
    /X must have at least one row, current value is \[\]/,
  );
  assert.throws(
    () => new StandardScaler().fit([[1, 2], [3]]),
    /X\[1\] must have 2 values like X\[0\], current value has 1/,
  );
  assert.throws(
    () => new StandardScaler().fit([[1, 2], [3, NaN]]),
    /X\[1\]\[1\] must be finite, current value is NaN/,
  );
  assert.throws(
    () => new StandardScaler().fit([[1, Infinity]]),
    /X\[0\]\[1\] must be finite, current value is Infinity/,
  );
  assert.throws(
    () => StandardScaler.load({ name: "Other" } as never),
    /json must be a saved StandardScaler/,
  );
});
