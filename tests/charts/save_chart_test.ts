/** Saving a chart on the active run as `<name>.vl.json` and `<name>.svg` artifacts. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { chart, saveChart, toSvg, trainVsTest } from "../../lib/charts/mod.ts";
import * as msg from "../../lib/charts/_messages.ts";
import {
  activeRunId,
  artifactPath,
  endRun,
  listArtifacts,
  setTrackingUri,
  withRun,
} from "../../lib/tracking/mod.ts";

const runs = [
  {
    info: { runName: "deep", runId: "a".repeat(32) },
    data: { params: {}, metrics: { train_accuracy: 1, test_accuracy: 0.84 }, tags: {} },
  },
  {
    info: { runName: "shallow", runId: "b".repeat(32) },
    data: { params: {}, metrics: { train_accuracy: 0.9, test_accuracy: 0.89 }, tags: {} },
  },
];

Deno.test("saveChart writes the spec as JSON and the SVG into the active run", async () => {
  setTrackingUri(await Deno.makeTempDir({ prefix: "charts-save-" }));
  const spec = trainVsTest(runs);
  const { runId, saved } = await withRun({ runName: "report" }, async (run) => ({
    runId: run.info.runId,
    saved: await saveChart(spec, "overfitting"),
  }));
  assert.deepEqual(saved, { spec: "overfitting.vl.json", svg: "overfitting.svg" });
  const listed = (await listArtifacts(runId)).map((f) => f.path).sort();
  assert.deepEqual(listed, ["overfitting.svg", "overfitting.vl.json"]);
  const root = await artifactPath(runId);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(root, "overfitting.vl.json"))), spec);
  assert.equal(await Deno.readTextFile(join(root, "overfitting.svg")), await toSvg(spec));
});

Deno.test("saveChart takes a Chart and a folder path", async () => {
  setTrackingUri(await Deno.makeTempDir({ prefix: "charts-save-" }));
  const c = chart(trainVsTest(runs, { title: "Gap" }));
  const runId = await withRun({}, async (run) => {
    await saveChart(c, "charts/gap");
    return run.info.runId;
  });
  const folder = await artifactPath(runId, "charts");
  assert.equal(await Deno.readTextFile(join(folder, "gap.svg")), await c.svg());
  assert.equal(JSON.parse(await Deno.readTextFile(join(folder, "gap.vl.json"))).title, "Gap");
});

Deno.test("saveChart with no active run starts one, as every logging call does", async () => {
  setTrackingUri(await Deno.makeTempDir({ prefix: "charts-save-" }));
  assert.equal(activeRunId(), null);
  await saveChart(trainVsTest(runs), "auto");
  const runId = activeRunId();
  assert.ok(runId);
  await endRun();
  assert.equal((await listArtifacts(runId)).length, 2);
});

Deno.test("saveChart rejects names that are not extension-less artifact paths", async () => {
  setTrackingUri(await Deno.makeTempDir({ prefix: "charts-save-" }));
  for (const name of ["", "charts/", "plot.svg", "plot.vl.json"]) {
    await assert.rejects(
      saveChart(trainVsTest(runs), name),
      new TypeError(msg.badArtifactName(name)),
    );
  }
  await withRun({}, async () => {
    await assert.rejects(saveChart(trainVsTest(runs), "../escape")); // the store's own check
  });
});
