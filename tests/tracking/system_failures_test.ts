// The file store when the system fails under it: a disk that fills up while points are logged
// (a small tmpfs, in a private mount namespace so nothing stays mounted) and a store that can
// only be read (a read-only bind mount). What was logged before survives, the error says what
// happened, nothing half-written is left behind, and MLflow still reads the store.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { VENV_PYTHON } from "../../harness/python.ts";
import { FileStore } from "../../lib/tracking/mod.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";

const LIB = pathToFileURL(new URL("../../lib/mod.ts", import.meta.url).pathname).href;
const DUMP = pyScript("mlflow_dump.py").pathname;

/** Whether this process may make a private mount namespace (root, with util-linux's unshare). */
async function canUnshare(): Promise<boolean> {
  if (Deno.uid() !== 0) return false;
  try {
    const out = await new Deno.Command("unshare", { args: ["-m", "true"], stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}
const MOUNTS = await canUnshare();
const why = MOUNTS ? "" : " (needs root and unshare for a private mount namespace)";

/** Runs `script` (shell) in a private mount namespace; returns its standard output. */
async function inNamespace(script: string): Promise<string> {
  const out = await new Deno.Command("unshare", {
    args: ["-m", "sh", "-euc", script],
    env: { MLFLOW_ALLOW_FILE_STORE: "true", PYTHONWARNINGS: "ignore" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  assert.ok(out.success, `namespace script failed:\n${text(out.stderr)}\n${text(out.stdout)}`);
  return text(out.stdout);
}

const DISK_FULL = `
import * as ml from ${JSON.stringify(LIB)};
const root = Deno.args[0];
ml.setTrackingUri(root + "/mlruns");
const run = await ml.startRun({ runName: "filling" });
await ml.logParam("k", 5);
await ml.logMetric("loss", 1, { step: 0, timestamp: 1000 });
// Fill the disk: whatever room is left is taken.
const filler = await Deno.open(root + "/filler", { write: true, create: true });
try { for (;;) await filler.write(new Uint8Array(4096)); } catch { /* full */ }
filler.close();
let logged = 1;
let error = "";
for (let step = 1; step < 100000; step++) {
  try {
    await ml.logMetric("loss", 1 / (step + 1), { step, timestamp: 1000 + step });
    logged++;
  } catch (e) {
    error = e.message;
    break;
  }
}
const file = root + "/mlruns/0/" + run.info.runId + "/metrics/loss";
const text = await Deno.readTextFile(file);
let artifactError = "";
try {
  await ml.logArtifact(Deno.args[1]);
} catch (e) {
  artifactError = e.message;
}
const artifacts = (await ml.listArtifacts(run.info.runId)).map((f) => f.path);
const staging = [...Deno.readDirSync(root + "/mlruns/.staging.trash")].map((e) => e.name);
await Deno.remove(root + "/filler");
await ml.logMetric("loss", 0.001, { step: 100000, timestamp: 999999 });
await ml.endRun();
const history = await ml.getMetricHistory(run.info.runId, "loss");
console.log(JSON.stringify({ runId: run.info.runId, logged, error, endsWithNewline: text.endsWith("\\n"),
  lines: text.split("\\n").length - 1, artifactError, artifacts, staging, points: history.length }));
`;

Deno.test({
  name: `a disk that fills up while points are logged loses nothing already logged${why}`,
  ignore: !MOUNTS,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "full-disk-" });
    const mnt = join(dir, "mnt");
    await Deno.mkdir(mnt);
    await Deno.writeTextFile(join(dir, "script.ts"), DISK_FULL);
    await Deno.writeFile(join(dir, "big.bin"), new Uint8Array(256 * 1024));
    const output = await inNamespace(
      `mount -t tmpfs -o size=1m tmpfs ${mnt}
       ${Deno.execPath()} run -A ${join(dir, "script.ts")} ${mnt} ${join(dir, "big.bin")}
       ${VENV_PYTHON} ${DUMP} ${join(mnt, "mlruns")} > ${join(dir, "view.json")}`,
    );
    const r = JSON.parse(output.trim().split("\n").pop()!);
    assert.match(r.error, /Cannot log metric 'loss'.*no space left on device/i);
    assert.equal(r.endsWithNewline, true, "no partial line is left");
    assert.equal(r.lines, r.logged, "every point that was acknowledged is there, and only those");
    assert.equal(r.points, r.logged + 1, "logging goes on once there is room again");
    assert.match(r.artifactError, /no space left on device/i);
    assert.deepEqual(r.artifacts, [], "no empty artifact is left visible");
    assert.deepEqual(r.staging.filter((n: string) => n !== "store.lock"), [], "staging is clean");
    const view = JSON.parse(await Deno.readTextFile(join(dir, "view.json")));
    assert.equal(view.runs[r.runId].history.loss.length, r.logged + 1);
    assert.equal(view.runs[r.runId].params.k, "5");
  },
});

const READ_ONLY = `
import * as ml from ${JSON.stringify(LIB)};
ml.setTrackingUri(Deno.args[0]);
const out = {};
const exp = await ml.setExperiment("kept");
out.runs = (await ml.searchRuns({ orderBy: ["metrics.acc DESC"] })).map((r) => r.info.runName);
out.experiments = (await ml.searchExperiments()).map((e) => e.name).sort();
out.run = (await ml.getRun(Deno.args[1])).data.metrics.acc;
out.text = await ml.loadText(Deno.args[1], "notes.txt");
for (const [what, call] of [
  ["logMetric", () => ml.withRun({ runId: Deno.args[1] }, () => ml.logMetric("acc", 1))],
  ["createExperiment", () => ml.createExperiment("new")],
  ["startRun", () => ml.withRun({}, () => 0)],
]) {
  try {
    await call();
    out[what] = "written";
  } catch (e) {
    out[what] = e.message;
  }
}
console.log(JSON.stringify(out));
`;

Deno.test({
  name: `a read-only store is read, and writing to it fails with a clear message${why}`,
  ignore: !MOUNTS,
  fn: async () => {
    const root = await tempStore();
    const { setTrackingUri, setExperiment, withRun, logMetric, logText } = await import(LIB);
    setTrackingUri(root);
    await setExperiment("kept");
    let id = "";
    for (const acc of [0.8, 0.9]) {
      id = await withRun({ runName: `acc-${acc}` }, async (run: { info: { runId: string } }) => {
        await logMetric("acc", acc);
        await logText("notes", "notes.txt");
        return run.info.runId;
      });
    }
    // A store written by MLflow has no staging folder: take this one's away too.
    await Deno.remove(join(root, ".staging.trash"), { recursive: true });
    const before = new FileStore(root).listExperiments().length;
    const script = join(await Deno.makeTempDir(), "read_only.ts");
    await Deno.writeTextFile(script, READ_ONLY);
    const output = await inNamespace(
      `mount --bind ${root} ${root}
       mount -o remount,ro,bind ${root} ${root}
       ${Deno.execPath()} run -A ${script} ${root} ${id}`,
    );
    const r = JSON.parse(output.trim().split("\n").pop()!);
    assert.deepEqual(r.runs, ["acc-0.9", "acc-0.8"]);
    assert.deepEqual(r.experiments, ["Default", "kept"]);
    assert.equal(r.run, 0.9);
    assert.equal(r.text, "notes");
    for (const what of ["logMetric", "createExperiment", "startRun"]) {
      assert.match(r[what], /^Cannot .*read-only file system/i, `${what}: ${r[what]}`);
    }
    assert.equal(new FileStore(root).listExperiments().length, before);
  },
});
