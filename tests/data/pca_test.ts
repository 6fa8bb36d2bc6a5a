// PCA against scikit-learn's PCA on the seed data set and on random data.

import assert from "node:assert/strict";
import { makeClassification, pca, seedDataset } from "../../lib/mod.ts";
import { sklearn } from "./_sklearn.ts";

Deno.test("pca matches scikit-learn's PCA: variances, ratios, and projections up to sign", async () => {
  const cases = [
    seedDataset().X,
    makeClassification({
      nSamples: 200,
      nFeatures: 6,
      nInformative: 3,
      randomState: 9,
      shift: 3,
      scale: 2,
    }).X,
  ];
  for (const X of cases) {
    const ours = pca(X, { nComponents: 3 });
    const ref = await sklearn<{ var: number[]; ratio: number[]; proj: number[][] }>(
      "sklearn_pca.py",
      { X },
    );
    for (let c = 0; c < 3; c++) {
      assert.ok(
        Math.abs(ours.explainedVariance[c]! - ref.var[c]!) < 1e-8 * ref.var[0]!,
        `variance ${c}`,
      );
      assert.ok(Math.abs(ours.explainedVarianceRatio[c]! - ref.ratio[c]!) < 1e-8, `ratio ${c}`);
      const sign = Math.sign(ours.projected[0]![c]!) === Math.sign(ref.proj[0]![c]!) ? 1 : -1;
      X.forEach((_, i) => {
        assert.ok(
          Math.abs(ours.projected[i]![c]! - sign * ref.proj[i]![c]!) < 1e-6,
          `row ${i} component ${c}`,
        );
      });
    }
  }
});

Deno.test("pca refuses bad input, naming it", () => {
  assert.throws(() => pca([[1, 2], [3]]), /X\[1\] must have 2 values/);
  assert.throws(
    () => pca([[1, 2], [3, 4]], { nComponents: 3 }),
    /nComponents must be an integer from 1 to 2/,
  );
  assert.throws(() => pca([[1, 2]]), /at least 2 rows/);
});
