// The file store against a store that is data from anyone, and against a system that fails:
// recorded locations outside the store, planted links, awkward names, damaged and incomplete
// folders, a run deleted under the kernel. Each case names what was wrong, writes nothing
// outside the store, and MLflow still reads the store afterwards.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import * as ml from "../../lib/mod.ts";
import { FileStore, MlflowError } from "../../lib/tracking/mod.ts";
import { mlflowView, snapshotTree, tempStore } from "./_helpers.ts";

const code = (c: string) => (e: unknown) => e instanceof MlflowError && e.code === c;

/** Rewrites one field of a run's meta.yaml, as a hand-edited or hostile store would. */
async function setRunMeta(root: string, runId: string, field: string, value: string) {
  const store = new FileStore(root);
  const file = join(store.runDir(runId), "meta.yaml");
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    text.replace(new RegExp(`^${field}: .*$`, "m"), `${field}: ${value}`),
  );
}

/** Captures console.warn while `fn` runs. */
async function warnings(fn: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => seen.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

Deno.test("a run recording its artifacts outside the store is not followed there", async () => {
  const root = await tempStore();
  const outside = await Deno.makeTempDir({ prefix: "outside-" });
  await Deno.writeTextFile(join(outside, "passwd"), "root:x:0:0");
  ml.setTrackingUri(root);
  const id = await ml.withRun({}, (run) => run.info.runId);
  await setRunMeta(root, id, "artifact_uri", JSON.stringify(`file://${outside}`));
  const before = snapshotTree(outside);

  const seen = await warnings(async () => {
    await assert.rejects(ml.loadText(id, "passwd"), code("RESOURCE_DOES_NOT_EXIST"));
    await ml.withRun({ runId: id }, () => ml.logText("written", "notes.txt"));
    assert.deepEqual((await ml.listArtifacts(id)).map((f) => f.path), ["notes.txt"]);
  });
  assert.deepEqual(snapshotTree(outside), before, "nothing written or changed outside");
  assert.equal(await ml.loadText(id, "notes.txt"), "written"); // kept in the run's own folder
  assert.ok(seen.some((w) => w.includes(id) && w.includes(outside)), seen.join("\n"));

  // Without a folder of its own, the run is refused, naming the location and the way to allow it.
  await Deno.remove(join(new FileStore(root).runDir(id), "artifacts"), { recursive: true });
  await assert.rejects(
    ml.loadText(id, "passwd"),
    (e) =>
      code("PERMISSION_DENIED")(e) && /outside the store/.test((e as Error).message) &&
      /DENO_MLFLOW_ALLOWED_ARTIFACT_ROOTS/.test((e as Error).message),
  );
  // Allowed explicitly, the recorded location is used.
  const allowed = new FileStore(root, { allowedArtifactRoots: [outside] });
  assert.equal(new TextDecoder().decode(await allowed.readArtifact(id, "passwd")), "root:x:0:0");
  // A store moved elsewhere: its recorded locations lead nowhere, its own folders are used.
  const moved = await tempStore();
  const other = await Deno.makeTempDir();
  ml.setTrackingUri(moved);
  const movedId = await ml.withRun({}, async (run) => {
    await ml.logText("kept", "a.txt");
    return run.info.runId;
  });
  await setRunMeta(moved, movedId, "artifact_uri", JSON.stringify(`file://${other}/gone`));
  const quiet = await warnings(async () =>
    assert.equal(await ml.loadText(movedId, "a.txt"), "kept")
  );
  assert.deepEqual(quiet, []);
});

Deno.test("store files are never written or read through a planted link", async () => {
  const root = await tempStore();
  const outside = await Deno.makeTempDir({ prefix: "outside-" });
  const target = join(outside, "target.txt");
  await Deno.writeTextFile(target, "precious\n");
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  const dir = store.runDir(id);
  await Deno.symlink(target, join(dir, "metrics", "loss"));
  await Deno.symlink(target, join(dir, "params", "k"));
  await Deno.symlink(target, join(dir, "tags", "t"));

  assert.throws(
    () => store.logBatch(id, { metrics: [{ key: "loss", value: 1 }] }),
    /symbolic link/,
  );
  assert.throws(() => store.logBatch(id, { params: { k: "5" } }), (e) => {
    assert.match((e as Error).message, /symbolic link/);
    assert.doesNotMatch((e as Error).message, /precious/);
    return true;
  });
  store.logBatch(id, { tags: { t: "replaced" } }); // a tag replaces the link itself
  assert.equal(await Deno.readTextFile(target), "precious\n");
  assert.equal(store.getRun(id).data.tags.t, "replaced");
  assert.throws(() => store.getMetricHistory(id, "loss"), /symbolic link/);
});

Deno.test("a last line left unfinished is never appended onto, and readers skip it", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  store.logBatch(id, { metrics: [{ key: "loss", value: 0.5, timestamp: 1, step: 0 }] });
  const file = join(store.runDir(id), "metrics", "loss");
  // Another client (or a crash) left half a line.
  await Deno.writeTextFile(file, "2 0.4", { append: true });
  assert.deepEqual(store.getMetricHistory(id, "loss").map((p) => p.value), [0.5]);
  const seen = await warnings(() =>
    store.logBatch(id, { metrics: [{ key: "loss", value: 0.3, timestamp: 3, step: 1 }] })
  );
  assert.ok(seen.some((w) => /unfinished last line/.test(w)), seen.join("\n"));
  assert.equal(await Deno.readTextFile(file), "1 0.5 0\n3 0.3 1\n");
  const view = await mlflowView(root);
  assert.deepEqual(view.runs[id]!.metrics.loss, 0.3);
});

Deno.test("artifact names follow one rule when written and when read", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const local = await Deno.makeTempDir();
  for (const name of ["results#1.csv", "back\\slash.txt", "new\nline.txt"]) {
    await Deno.writeTextFile(join(local, name), "x");
  }
  const id = await ml.withRun({}, async (run) => {
    for (const name of ["results#1.csv", "back\\slash.txt", "new\nline.txt"]) {
      await assert.rejects(ml.logArtifact(join(local, name)), /Invalid artifact file/);
    }
    // A folder holding such a name is refused before anything is copied.
    await assert.rejects(ml.logArtifacts(local, "batch"), /Invalid artifact file/);
    return run.info.runId;
  });
  assert.deepEqual(await ml.listArtifacts(id), []);
});

Deno.test("logArtifacts copies what links lead to, and names a link that leads nowhere", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const elsewhere = await Deno.makeTempDir();
  await Deno.writeTextFile(join(elsewhere, "data.csv"), "a,b\n");
  await Deno.mkdir(join(elsewhere, "sub"));
  await Deno.writeTextFile(join(elsewhere, "sub", "deep.txt"), "deep");
  const local = await Deno.makeTempDir();
  await Deno.writeTextFile(join(local, "plain.txt"), "plain");
  await Deno.symlink(join(elsewhere, "data.csv"), join(local, "linked.csv"));
  await Deno.symlink(join(elsewhere, "sub"), join(local, "linked-dir"));
  const id = await ml.withRun({}, async (run) => {
    await ml.logArtifacts(local, "inputs");
    return run.info.runId;
  });
  const files = new FileStore(root).artifactDir(id);
  assert.equal(await Deno.readTextFile(join(files, "inputs", "linked.csv")), "a,b\n");
  assert.equal(await Deno.readTextFile(join(files, "inputs", "linked-dir", "deep.txt")), "deep");
  assert.ok(!(await Deno.lstat(join(files, "inputs", "linked.csv"))).isSymlink);

  const broken = await Deno.makeTempDir();
  await Deno.writeTextFile(join(broken, "ok.txt"), "ok");
  await Deno.symlink(join(broken, "missing.txt"), join(broken, "dangling.txt"));
  await assert.rejects(
    ml.withRun({}, () => ml.logArtifacts(broken)),
    /dangling\.txt is a symbolic link to nothing/,
  );
});

Deno.test("a run folder without its empty folders, with litter, or a damaged experiment", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0", runName: "cloned" }).info.runId;
  const dir = store.runDir(id);
  for (const sub of ["params", "metrics", "tags", "artifacts"]) {
    await Deno.remove(join(dir, sub), { recursive: true });
  }
  const fresh = new FileStore(root); // no cached folders
  assert.deepEqual(fresh.getRun(id).data, { params: {}, metrics: {}, tags: {} });
  fresh.logBatch(id, { params: { k: "1" }, metrics: [{ key: "m", value: 1 }], tags: { t: "x" } });
  assert.deepEqual(fresh.getRun(id).data.params, { k: "1" });
  assert.deepEqual(fresh.searchRuns({ experimentIds: ["0"] }).runs.map((r) => r.info.runId), [id]);
  // MLflow reads it too (the litter below it cannot: it fails on .DS_Store itself).
  assert.equal((await mlflowView(root)).runs[id]!.params.k, "1");

  await Deno.writeFile(join(dir, "metrics", ".DS_Store"), new Uint8Array([0, 1, 2, 0xff]));
  const seen = await warnings(() => {
    assert.equal(fresh.getRun(id).data.metrics.m, 1);
    assert.equal(fresh.searchRuns({ experimentIds: ["0"] }).runs.length, 1);
  });
  assert.ok(seen.some((w) => w.includes(".DS_Store")), seen.join("\n"));

  const exp = fresh.createExperiment("damaged");
  await Deno.writeTextFile(join(root, exp, "meta.yaml"), "");
  assert.throws(
    () => fresh.getExperiment(exp),
    (e) =>
      e instanceof MlflowError && e.message.includes(exp) &&
      e.message.includes(join(root, exp, "meta.yaml")),
  );
});

Deno.test("a run deleted by another process: endRun lets it go and says why", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const run = await ml.startRun({ runName: "doomed" });
  new FileStore(root).setRunLifecycle(run.info.runId, "deleted"); // another process
  await assert.rejects(ml.endRun(), (e) => {
    assert.ok(code("INVALID_STATE")(e));
    assert.match((e as Error).message, new RegExp(`${run.info.runId} is no longer active here`));
    return true;
  });
  assert.equal(ml.activeRunId(), null);
  const next = await ml.withRun({ runName: "next" }, (r) => r.info.runId);
  assert.equal((await ml.getRun(next)).info.status, "FINISHED");
  // withRun keeps the callback's error when the run cannot be ended either.
  const failing = ml.withRun({}, (r) => {
    new FileStore(root).setRunLifecycle(r.info.runId, "deleted");
    throw new Error("the cell's own error");
  });
  await warnings(() => assert.rejects(failing, /the cell's own error/));
  assert.equal(ml.activeRunId(), null);
});

Deno.test("nothing is left outside the store by any of the above", async () => {
  const root = await tempStore();
  const parent = dirname(root);
  const before = snapshotTree(parent);
  const store = new FileStore(root);
  const id = store.createRun({ experimentId: "0" }).info.runId;
  assert.throws(() => store.logBatch(id, { metrics: [{ key: "../x", value: 1 }] }), MlflowError);
  for (const path of snapshotTree(parent).keys()) {
    if (!before.has(path)) assert.ok(path.startsWith("mlruns/"), `${path} was written outside`);
  }
});
