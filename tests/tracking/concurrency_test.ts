// Several real processes writing one store (one experiment, one run) at once, and a process
// killed with SIGKILL in the middle of logging: nothing acknowledged is lost, nothing corrupted,
// and real MLflow still reads the store.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FileStore } from "../../lib/tracking/mod.ts";
import { mlflowView, tempStore } from "./_helpers.ts";

const LIB = new URL("../../lib/mod.ts", import.meta.url).href;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

async function script(code: string): Promise<string> {
  const path = join(await Deno.makeTempDir(), "worker.ts");
  await Deno.writeTextFile(path, `import * as m from "${LIB}";\n${code}`);
  return path;
}

function spawn(path: string, args: string[], root: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", CONFIG, path, ...args],
    env: { MLFLOW_TRACKING_URI: root },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("four processes log into one run and create experiments at once: nothing lost", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const runId = store.createRun({ experimentId: "0", runName: "shared" }).info.runId;
  const workers = 4;
  const points = 400;
  const path = await script(`
const [runId, who] = Deno.args;
// Everyone races to create the same experiment names and a few of their own.
for (let i = 0; i < 5; i++) await m.setExperiment("race-" + i);
for (let i = 0; i < 5; i++) await m.createExperiment("own-" + who + "-" + i);
await m.startRun({ runId });
for (let i = 0; i < ${points}; i++) {
  await m.logMetric("shared", Number(who) * 1000 + i, { step: i });
  await m.logMetric("own_" + who, i, { step: i });
  if (i % 50 === 0) await m.setTag("last_" + who, String(i));
}
await m.logParams({ ["p_" + who]: who, common: "same" });
`);
  const procs = Array.from({ length: workers }, (_, w) => spawn(path, [runId, String(w)], root));
  const results = await Promise.all(procs.map((p) => p.output()));
  for (const r of results) assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));

  const history = store.getMetricHistory(runId, "shared");
  assert.equal(history.length, workers * points);
  const values = new Set(history.map((p) => p.value));
  for (let w = 0; w < workers; w++) {
    for (let i = 0; i < points; i++) assert.ok(values.has(w * 1000 + i), `point ${w}/${i} lost`);
    assert.equal(store.getMetricHistory(runId, `own_${w}`).length, points);
  }
  const exps = store.listExperiments();
  const names = exps.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, "two experiments share a name");
  assert.equal(new Set(exps.map((e) => e.experimentId)).size, exps.length);
  assert.equal(names.filter((n) => n.startsWith("race-")).length, 5);
  assert.equal(names.filter((n) => n.startsWith("own-")).length, workers * 5);

  const view = await mlflowView(root);
  const seen = view.runs[runId]!;
  assert.equal(seen.history.shared!.length, workers * points);
  assert.equal(Object.keys(seen.params).length, workers + 1);
  assert.equal(view.experiments.length, exps.length);
});

Deno.test("a process killed with SIGKILL mid-logging loses nothing it had acknowledged", async () => {
  const root = await tempStore();
  const path = await script(`
const run = await m.startRun({ runName: "doomed" });
console.log(run.info.runId);
await m.logParam("lr", 0.1);
for (let i = 0; ; i++) {
  await m.logMetric("loss", 1 / (i + 1), { step: i });
  if (i % 3 === 0) await m.setTag("progress", String(i));
  console.log(i); // acknowledged: the Promise resolved
}
`);
  const child = spawn(path, [], root);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let runId = "";
  let acknowledged = -1;
  while (acknowledged < 300) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const lines = text.split("\n");
    text = lines.pop()!;
    for (const line of lines) {
      if (!runId) runId = line;
      else acknowledged = Number(line);
    }
  }
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  await child.stderr.cancel();
  assert.ok(acknowledged >= 300);

  const store = new FileStore(root);
  const history = store.getMetricHistory(runId, "loss");
  assert.ok(
    history.length >= acknowledged + 1,
    `${history.length} points, ${acknowledged + 1} acknowledged`,
  );
  history.forEach((p, i) => {
    assert.equal(p.step, i);
    assert.equal(p.value, 1 / (i + 1));
  });
  const run = store.getRun(runId);
  assert.equal(run.info.status, "RUNNING"); // nobody ended it
  assert.equal(run.data.params.lr, "0.1");
  assert.ok(Number(run.data.tags.progress) >= acknowledged - 3);

  const view = await mlflowView(root);
  assert.equal(view.runs[runId]!.history.loss!.length, history.length);
  assert.equal(view.runs[runId]!.status, "RUNNING");
});

Deno.test("a reader never sees a metric file before its first point", async () => {
  const root = await tempStore();
  const store = new FileStore(root);
  const runId = store.createRun({ experimentId: "0", runName: "read-while-written" }).info.runId;
  const perWriter = 2000;
  const writers = 4;
  const keys = perWriter * writers;
  const path = await script(`
const [runId, who] = Deno.args;
await m.startRun({ runId });
for (let i = 0; i < ${perWriter}; i++) await m.logMetric("k" + who + "_" + i, i);
`);
  const metricsDir = join(store.runDir(runId), "metrics");
  let done = false;
  const finished = Promise.all(
    Array.from({ length: writers }, (_, w) => spawn(path, [runId, String(w)], root).output()),
  ).then((r) => {
    done = true;
    return r;
  });
  // Read each metric file as soon as it appears: MLflow's reader calls an empty one malformed.
  const checked = new Set<string>();
  const empty: string[] = [];
  while (!done) {
    for (const e of Deno.readDirSync(metricsDir)) {
      if (checked.has(e.name)) continue;
      if (Deno.readTextFileSync(join(metricsDir, e.name)) === "") empty.push(e.name);
      checked.add(e.name);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  for (const r of await finished) assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  assert.deepEqual(empty, []);
  assert.ok(checked.size > keys / 10, `only ${checked.size} files seen while being written`);
  assert.equal(Object.keys(store.getRun(runId).data.metrics).length, keys);
});
