// The file store: layout, refusing bad input before anything touches disk, keeping what was
// logged, and skipping malformed runs.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { MlflowError } from "../../lib/mod.ts";
import { FileStore } from "../../lib/tracking/mod.ts";
import { SYNC_WRITE_LIMIT } from "../../lib/tracking/artifact_repo.ts";
import { snapshotTree, tempStore } from "./_helpers.ts";

function code(c: string) {
  return (e: unknown) => e instanceof MlflowError && e.code === c;
}

Deno.test("a new store has the Default experiment, .trash, and runs with MLflow's folders", () => {
  return tempStore().then((root) => {
    const store = new FileStore(root);
    const run = store.createRun({ experimentId: "0", runName: "r" });
    for (const sub of ["metrics", "params", "artifacts", "tags"]) {
      assert.ok(Deno.statSync(join(root, "0", run.info.runId, sub)).isDirectory, sub);
    }
    assert.ok(Deno.statSync(join(root, ".trash")).isDirectory);
    assert.match(run.info.runId, /^[0-9a-f]{32}$/);
    const meta = Deno.readTextFileSync(join(root, "0", run.info.runId, "meta.yaml"));
    assert.match(meta, /^status: 1$/m);
    assert.match(meta, /^run_uuid: "[0-9a-f]{32}"$/m);
    assert.match(meta, /^end_time: null$/m);
    assert.equal(
      Deno.readTextFileSync(join(root, "0", run.info.runId, "tags", "mlflow.runName")),
      "r",
    );
  });
});

Deno.test("experiment ids are 18-digit integers, names unique, empty names refused", async () => {
  const store = new FileStore(await tempStore());
  const id = store.createExperiment("one");
  assert.match(id, /^[1-9]\d{17}$/);
  assert.throws(() => store.createExperiment("one"), code("RESOURCE_ALREADY_EXISTS"));
  assert.throws(() => store.createExperiment(""), /is empty/);
  assert.throws(() => store.createExperiment("   "), /is empty/);
  assert.throws(() => store.getExperiment("../../etc"), /Invalid experiment ID/);
  assert.throws(() => store.getExperiment("12345"), code("RESOURCE_DOES_NOT_EXIST"));
});

Deno.test("bad input is refused before anything touches disk, naming what was wrong", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const run = store.createRun({ experimentId: "0" });
  const id = run.info.runId;
  store.logBatch(id, {
    params: { k: "5" },
    metrics: [{ key: "acc", value: 0.5 }],
    tags: { t: "x" },
  });
  const before = snapshotTree(dirname(root));
  const bad: [() => unknown, RegExp][] = [
    [
      () => store.logBatch(id, { metrics: [{ key: "../../escape", value: 1 }] }),
      /'\.\.\/\.\.\/escape'/,
    ],
    [() => store.logBatch(id, { metrics: [{ key: "/abs", value: 1 }] }), /'\/abs'/],
    [() => store.logBatch(id, { params: { "a\0b": 1 } }), /a\\u0000b/],
    [() => store.logBatch(id, { tags: { "line\nbreak": 1 } }), /line\\nbreak/],
    [() => store.logBatch(id, { metrics: [{ key: "x".repeat(251), value: 1 }] }), /251 characters/],
    [
      () => store.logBatch(id, { params: { k: "6" } }),
      /Changing param values is not allowed.*'k'.*'5'.*'6'/,
    ],
    [
      () => store.logBatch(id, { metrics: [{ key: "acc", value: "0.9" as unknown as number }] }),
      /valid double/,
    ],
    [
      () => store.logBatch(id, { metrics: [{ key: "acc", value: true as unknown as number }] }),
      /valid double/,
    ],
    [
      () => store.logBatch(id, { metrics: [{ key: "acc", value: 1, step: 1.5 }] }),
      /invalid step 1.5/,
    ],
    [
      () => store.logBatch(id, { metrics: [{ key: "acc", value: 1, timestamp: -1 }] }),
      /invalid timestamp -1/,
    ],
    [() => store.logBatch("f".repeat(32), { params: { a: 1 } }), /Run 'f{32}' not found/],
    [() => store.logBatch("../../x", { params: { a: 1 } }), /Invalid value '\.\.\/\.\.\/x'/],
    [
      () => store.logBatch(id, { params: { obj: { a: 1 } } }),
      /expected a string, number or boolean/,
    ],
    // A valid key after an invalid one: the whole batch is refused, nothing half-written.
    [
      () => store.logBatch(id, { params: { fresh: "1" }, metrics: [{ key: "a//b", value: 1 }] }),
      /a\/\/b/,
    ],
    [() => store.createExperiment(""), /empty/],
    [() => store.createRun({ experimentId: "999" }), /No Experiment with id=999/],
  ];
  for (const [fn, message] of bad) {
    assert.throws(
      fn,
      (e: unknown) => e instanceof MlflowError && message.test(e.message),
      String(message),
    );
  }
  const after = snapshotTree(dirname(root));
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [k, v] of before) assert.equal(after.get(k), v, k);
  const back = store.getRun(id);
  assert.deepEqual(back.data.params, { k: "5" });
  assert.equal(back.data.metrics.acc, 0.5);
});

Deno.test("artifact paths cannot leave the run, and a missing file is named", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  const outside = join(dirname(root), "outside.txt");
  await Deno.writeTextFile(outside, "x");
  const before = snapshotTree(dirname(root));
  for (const p of ["../x", "a/../../x", "/etc", "a\0b", "a\nb", "C:/x", "a\\..\\b"]) {
    await assert.rejects(store.logArtifact(id, outside, p), MlflowError, p);
    await assert.rejects(store.writeArtifact(id, p + "/f.txt", "x"), MlflowError, p);
  }
  await assert.rejects(
    store.logArtifact(id, join(dirname(root), "nope.txt")),
    /'.*nope\.txt' does not exist/,
  );
  await assert.rejects(store.logArtifacts(id, join(dirname(root), "nodir")), /does not exist/);
  // A symlink planted in the artifact folder may not be used to write elsewhere.
  const art = store.artifactDir(id);
  await Deno.symlink(dirname(root), join(art, "link"));
  await assert.rejects(store.writeArtifact(id, "link/evil.txt", "x"), /resolves outside/);
  await Deno.remove(join(art, "link"));
  assert.deepEqual(snapshotTree(dirname(root)), before);
  assert.throws(() => store.listArtifacts(id, "../.."), MlflowError);
});

Deno.test("a param logged again with its value is kept as it is, beside new params of the batch", async () => {
  const store = new FileStore(await tempStore());
  const id = store.createRun({ experimentId: "0" }).info.runId;
  store.logBatch(id, { params: { k: "5", depth: "3" } });
  const file = join(dirname(store.artifactDir(id)), "params", "k");
  const before = Deno.statSync(file);
  store.logBatch(id, { params: { k: "5", depth: "3", seed: "42" } });
  const after = Deno.statSync(file);
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  assert.deepEqual(store.getRun(id).data.params, { k: "5", depth: "3", seed: "42" });
  // A changed value anywhere in the batch still refuses the whole batch.
  assert.throws(() => store.logBatch(id, { params: { other: "1", k: "6" } }), /Changing param/);
  assert.equal(store.getRun(id).data.params.other, undefined);
});

Deno.test("artifacts small and large appear whole, written through staging, which is left empty", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  const sizes = [0, 1, SYNC_WRITE_LIMIT, SYNC_WRITE_LIMIT + 1, 3 * SYNC_WRITE_LIMIT];
  for (const n of sizes) {
    const text = "é".repeat(n); // two bytes each: the limit counts characters, not bytes
    await store.writeArtifact(id, `text/${n}.txt`, text);
    const bytes = new Uint8Array(n).fill(7);
    await store.writeArtifact(id, `bytes/${n}.bin`, bytes);
    // Replacing a file replaces it whole too.
    await store.writeArtifact(id, `text/${n}.txt`, text + "!");
    const dir = store.artifactDir(id);
    assert.equal(Deno.readTextFileSync(join(dir, "text", `${n}.txt`)), text + "!");
    assert.deepEqual(Deno.readFileSync(join(dir, "bytes", `${n}.bin`)), bytes);
  }
  const staged = [...Deno.readDirSync(join(root, ".staging.trash"))].map((e) => e.name);
  assert.deepEqual(staged.filter((name) => name.endsWith(".tmp")), []);
});

Deno.test("over-long param values are truncated to 6000 characters with a warning", async () => {
  const store = new FileStore(await tempStore());
  const id = store.createRun({ experimentId: "0" }).info.runId;
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    store.logBatch(id, { params: { long: "x".repeat(7000) } });
  } finally {
    console.warn = warn;
  }
  assert.equal(store.getRun(id).data.params.long!.length, 6000);
  assert.match(warnings.join(), /Truncated the value of param 'long' from 7000 to 6000/);
  Deno.env.set("MLFLOW_TRUNCATE_LONG_VALUES", "false");
  try {
    assert.throws(
      () => store.logBatch(id, { params: { other: "y".repeat(6001) } }),
      /exceeded the maximum length of 6000/,
    );
  } finally {
    Deno.env.delete("MLFLOW_TRUNCATE_LONG_VALUES");
  }
});

Deno.test("keys that clash as files and folders get a clear error", async () => {
  const store = new FileStore(await tempStore());
  const id = store.createRun({ experimentId: "0" }).info.runId;
  store.logBatch(id, { metrics: [{ key: "loss", value: 1 }] });
  assert.throws(() => store.logBatch(id, { metrics: [{ key: "loss/val", value: 1 }] }), /clashes/);
  assert.equal(store.getRun(id).data.metrics.loss, 1);
});

Deno.test("a malformed run is skipped and reported; the rest of the search still works", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const good = store.createRun({ experimentId: "0", runName: "good" }).info.runId;
  const bad1 = store.createRun({ experimentId: "0", runName: "bad-meta" }).info.runId;
  const bad2 = store.createRun({ experimentId: "0", runName: "bad-metric" }).info.runId;
  await Deno.writeTextFile(join(root, "0", bad1, "meta.yaml"), "");
  await Deno.writeTextFile(join(root, "0", bad2, "metrics", "m"), "1 2 3 4\n");
  const warn = console.warn;
  console.warn = () => {};
  try {
    const { runs, skipped } = store.searchRuns({ experimentIds: ["0"] });
    assert.deepEqual(runs.map((r) => r.info.runId), [good]);
    assert.deepEqual(skipped.map((s) => s.path.slice(-32)).sort(), [bad1, bad2].sort());
    assert.match(skipped.find((s) => s.path.endsWith(bad2))!.reason, /malformed/);
  } finally {
    console.warn = warn;
  }
  assert.throws(() => store.getRun(bad2), code("INTERNAL_ERROR"));
});

Deno.test("NaN and ±Infinity round-trip exactly; identical points get distinct timestamps", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  for (const v of [NaN, Infinity, -Infinity, -0]) {
    store.logBatch(id, { metrics: [{ key: "s", value: v, step: 1 }] });
  }
  const history = store.getMetricHistory(id, "s");
  assert.ok(Number.isNaN(history[0]!.value));
  assert.deepEqual(history.slice(1).map((p) => p.value), [Infinity, -Infinity, -0]);
  assert.ok(Object.is(history[3]!.value, -0));
  const text = await Deno.readTextFile(join(root, "0", id, "metrics", "s"));
  assert.deepEqual(text.trim().split("\n").map((l) => l.split(" ")[1]), [
    "nan",
    "inf",
    "-inf",
    "-0.0",
  ]);
  for (let i = 0; i < 20; i++) store.logBatch(id, { metrics: [{ key: "same", value: 1 }] });
  const ts = store.getMetricHistory(id, "same").map((p) => p.timestamp);
  assert.equal(new Set(ts).size, 20);
});

Deno.test("a store cloned to another folder keeps artifacts inside itself", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  store.ensureRoot();
  const moved = join(dirname(root), "moved");
  await Deno.rename(root, moved);
  const again = new FileStore(moved);
  const run = again.createRun({ experimentId: "0" });
  assert.ok(run.info.artifactUri.startsWith(`file://${moved}/0/`));
  assert.match(
    await Deno.readTextFile(join(moved, "0", "meta.yaml")),
    new RegExp(`file://${moved}/0"`),
  );
});

Deno.test("a search filter cannot read files outside a run through its keys", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  store.logBatch(id, { params: { p: "1" } });
  // ../meta.yaml exists relative to params/, but it is not a param of the run.
  const filter = "params.`../meta.yaml` LIKE '%' or params.p = '1'".split(" or ")[0]!;
  assert.deepEqual(store.searchRuns({ experimentIds: ["0"], filter }).runs, []);
  assert.deepEqual(
    store.searchRuns({ experimentIds: ["0"], filter: "params.`../meta.yaml` IS NULL" }).runs.length,
    1,
  );
});
