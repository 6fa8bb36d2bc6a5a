// `deno task demo` end to end (with its smaller grid): it logs runs, executes every notebook,
// writes the reports and names the best runs — and running it again reuses the grid's runs
// instead of logging them twice.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FileStore } from "../lib/tracking/mod.ts";

const DEMO = new URL("../tools/demo.ts", import.meta.url).pathname;

async function demo(store: string, reports: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DEMO, "--quick", "--reports", reports],
    env: { MLFLOW_TRACKING_URI: store },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr).slice(-3000));
  return text;
}

Deno.test("the demo logs runs, writes every report, and can run again without duplicating its grid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "demo-test-" });
  const store = join(dir, "mlruns");
  const reports = join(dir, "reports");
  // The quick grid logs 3 runs in 2 sweeps (each a parent run); the training notebooks log one
  // run each.
  const first = await demo(store, reports);
  assert.match(first, /Logged 3 runs in 2 sweeps in/);
  assert.match(first, /\n7 runs in file:\/\//);
  assert.match(first, /k-neighbours\s+knn-k\d+\s+n_neighbors=\d+\s+test_accuracy=0\.\d{3}/);
  assert.match(
    first,
    /random-forest\s+rf-d\d+-n\d+\s+max_depth=\d+ n_estimators=\d+\s+test_accuracy=0\.\d{3}/,
  );
  for (const name of ["explore_data", "train_kneighbors", "train_random_forest", "compare_runs"]) {
    assert.ok((await Deno.stat(join(reports, `${name}.html`))).size > 10_000, name);
  }
  assert.ok((await Deno.stat(join(reports, "summary", "compare_runs.html"))).isFile);
  // Again: the grid's 3 runs are reused (same code, same data); the sweeps' 2 new parents and the
  // notebooks' 2 runs are added.
  const second = await demo(store, reports);
  assert.match(
    second,
    /Logged 0 runs in 2 sweeps \(3 more reused, logged earlier with the same code and data\)/,
  );
  assert.match(second, /\n11 runs in file:\/\//);
  const fs = new FileStore(store);
  const all = fs.listExperiments().flatMap((e) =>
    fs.searchRuns({ experimentIds: [e.experimentId] }).runs
  );
  assert.equal(all.length, 11);
  assert.ok(all.every((r) => r.info.status === "FINISHED"));
  const parents = all.filter((r) => r.data.tags["sweep.runs"] !== undefined);
  assert.equal(parents.length, 4);
  for (const parent of parents) {
    const children = all.filter((r) => r.data.tags["mlflow.parentRunId"] === parent.info.runId);
    const reused = Number(parent.data.tags["sweep.reused"]);
    assert.equal(children.length + reused, Number(parent.data.tags["sweep.runs"]));
  }
  assert.deepEqual(parents.map((p) => Number(p.data.tags["sweep.reused"])).sort(), [0, 0, 1, 2]);
});
