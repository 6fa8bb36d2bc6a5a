// Datasets as run inputs, checked against Python MLflow: numpyDataset describes arrays exactly
// as mlflow.data.from_numpy does (digest, schema, profile), the file store keeps inputs where
// MLflow's reads them, and searches on datasets.* agree with MlflowClient.search_runs.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as ml from "../../lib/mod.ts";
import { FileStore } from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";

async function mlflowSide<T>(request: unknown): Promise<T> {
  const json = JSON.stringify(
    request,
    (_k, v) =>
      typeof v === "number" && !Number.isFinite(v)
        ? (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity")
        : v,
  );
  const { stdout } = await runPythonScript(pyScript("mlflow_datasets.py"), [], { stdin: json });
  return JSON.parse(stdout) as T;
}

/** A seeded generator of arrays (xorshift), so the cases are the same every run. */
function arrays(seed: number, rows: number, cols: number, labels: "int" | "float" | "none") {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e300, -1e-300];
  const features = Array.from({ length: rows }, () =>
    Array.from(
      { length: cols },
      () => next() < 0.05 ? special[Math.floor(next() * special.length)]! : (next() - 0.5) * 1e3,
    ));
  const targets = labels === "none"
    ? undefined
    : Array.from({ length: rows }, () => labels === "int" ? Math.floor(next() * 5) - 2 : next());
  return { features, targets };
}

Deno.test("numpyDataset describes arrays exactly as mlflow.data.from_numpy does", async () => {
  const cases = [
    arrays(1, 4, 3, "int"),
    arrays(2, 750, 20, "int"), // more than 10,000 values: only the first are hashed
    arrays(3, 30, 7, "float"),
    arrays(4, 12, 1, "none"),
    arrays(5, 1, 5, "int"),
  ];
  const source = { "mlflow.source.name": "notebooks/train.ipynb" };
  const ours = cases.map((c, i) =>
    ml.numpyDataset(c.features, c.targets, { name: `d${i}`, source })
  );
  const { describe } = await mlflowSide<{ describe: Record<string, string>[] }>({
    describe: cases.map((c, i) => ({
      features: c.features,
      targets: c.targets ?? null,
      name: `d${i}`,
      source,
    })),
  });
  for (const [i, theirs] of describe.entries()) {
    const d = ours[i]!;
    assert.deepEqual(
      [d.name, d.digest, d.sourceType, d.source, d.schema, d.profile],
      [
        theirs.name,
        theirs.digest,
        theirs.source_type,
        theirs.source,
        theirs.schema,
        theirs.profile,
      ],
      `case ${i}`,
    );
  }
});

Deno.test("dataset inputs are kept where MLflow reads them, and searched as MLflow searches them", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const exp = await ml.setExperiment("with-data");
  const train = ml.numpyDataset(arrays(7, 20, 4, "int").features, arrays(7, 20, 4, "int").targets, {
    name: "seed-train",
  });
  const test = ml.numpyDataset(arrays(8, 10, 4, "int").features, arrays(8, 10, 4, "int").targets, {
    name: "seed-test",
  });
  const other = ml.numpyDataset([[1, 2, 3, 4]], [1], { name: "other" });
  const ids: string[] = [];
  for (
    const inputs of [[[train, "training"], [test, "testing"]], [[other, "training"]], []] as const
  ) {
    ids.push(
      await ml.withRun({}, async (run) => {
        for (const [dataset, context] of inputs) await ml.logInput(dataset, { context });
        return run.info.runId;
      }),
    );
  }
  // The same dataset logged twice by one run is one input.
  await ml.withRun({ runId: ids[0] }, () => ml.logInput(train, { context: "training" }));
  const filters = [
    "datasets.name = 'seed-train'",
    "datasets.name LIKE 'seed%'",
    "datasets.context = 'testing'",
    "datasets.context = 'training'",
    `datasets.digest = '${train.digest}'`,
    "datasets.name IN ('other', 'nope')",
    "datasets.name != 'other'",
    "datasets.context ILIKE 'TRAIN%' and datasets.name = 'seed-train'",
  ];
  const seen = await mlflowSide<{
    runs: Record<
      string,
      [string, string, string, string, string, string, Record<string, string>][]
    >;
    searches: ({ ids: string[] } | { error: string })[];
  }>({
    store: `file://${root}`,
    runs: ids,
    searches: filters.map((filter) => ({ experiment_ids: [exp.experimentId], filter })),
  });
  const store = new FileStore(root);
  for (const id of ids) {
    const ours = store.getRun(id).inputs.datasetInputs
      .map((i) => [
        i.dataset.name,
        i.dataset.digest,
        i.dataset.sourceType,
        i.dataset.source,
        i.dataset.schema,
        i.dataset.profile,
        i.tags,
      ])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    assert.deepEqual(ours, seen.runs[id], `inputs of ${id}`);
  }
  assert.equal(seen.runs[ids[0]!]!.length, 2);
  for (const [i, filter] of filters.entries()) {
    const expected = seen.searches[i]!;
    assert.ok("ids" in expected, `MLflow refused ${filter}`);
    const ours = (await ml.searchRuns({ experimentIds: [exp.experimentId], filter }))
      .map((r) => r.info.runId);
    assert.deepEqual(ours, expected.ids, filter);
  }
});

/** The digest as first written here, with 64-bit BigInt arithmetic: the reference for speed-ups. */
function bigIntDigest(features: number[][], targets: number[] | undefined): string {
  const mask = (1n << 64n) - 1n;
  const mix = (v: bigint) => {
    v ^= v >> 30n;
    v = (v * 0xbf58476d1ce4e5b9n) & mask;
    v ^= v >> 27n;
    v = (v * 0x94d049bb133111ebn) & mask;
    return v ^ (v >> 31n);
  };
  const part = (flat: number[], shape: number[], integer: boolean) => {
    const n = Math.min(flat.length, 10_000);
    const out = new DataView(new ArrayBuffer(8 * (n + shape.length)));
    const scratch = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < n; i++) {
      const x = flat[i]!;
      let bits: bigint;
      if (integer) bits = BigInt.asUintN(64, BigInt(x));
      else {
        scratch.setFloat64(0, Number.isNaN(x) ? NaN : x === 0 ? 0 : x, true);
        bits = scratch.getBigUint64(0, true);
      }
      out.setBigUint64(8 * i, mix(bits), true);
    }
    shape.forEach((d, i) => out.setBigInt64(8 * (n + i), BigInt(d), true));
    return new Uint8Array(out.buffer);
  };
  const hash = createHash("md5").update(
    part(features.flat(), [features.length, features[0]!.length], false),
  );
  if (targets) hash.update(part(targets, [targets.length], targets.every(Number.isInteger)));
  return hash.digest("hex").slice(0, 8);
}

Deno.test("numpyDataset's digest is the 64-bit mixing of every value, whatever the value", () => {
  const extremes = [2 ** 53 - 1, -(2 ** 53), 1e20, -1e20, 2 ** 63, -(2 ** 63), 4294967296, -1, 0];
  for (let seed = 1; seed <= 40; seed++) {
    const labels = seed % 3 === 0 ? "float" : seed % 3 === 1 ? "int" : "none";
    const { features, targets } = arrays(seed, 1 + (seed * 7) % 60, 1 + seed % 9, labels);
    if (targets && labels === "int") {
      targets[seed % targets.length] = extremes[seed % extremes.length]!;
    }
    features[0]![0] = [5e-324, -5e-324, 2 ** -1074 * 3, Number.MAX_VALUE][seed % 4]!;
    const ds = ml.numpyDataset(features, targets, { name: "x", source: {} });
    assert.equal(ds.digest, bigIntDigest(features, targets), `case ${seed}`);
  }
  // More than the 10,000 values that go into a digest.
  const { features, targets } = arrays(99, 600, 20, "int");
  const ds = ml.numpyDataset(features, targets, { name: "x", source: {} });
  assert.equal(ds.digest, bigIntDigest(features, targets));
});
