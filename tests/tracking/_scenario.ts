// One logging scenario for the interop tests, on a file store or a tracking server: params,
// metric histories with NaN/±∞/-0, tags with quotes and newlines, unicode keys, nested, FAILED
// and KILLED runs, artifacts — and what real MLflow must read back.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { type MlflowView, pyNum } from "./_helpers.ts";

const ACC_HISTORY = [0.5, 0.75, NaN, 0.875, 0.9];
const SPECIALS: Record<string, number> = {
  pos_inf: Infinity,
  neg_inf: -Infinity,
  tiny: 1e-7,
  huge: 1.5e20,
  neg_zero: -0,
  third: 1 / 3,
  int_like: 5,
};
const TAG_TEXT = 'quote\'s "double"\nsecond line: yes\ttab';

/** The runs {@linkcode logInteropScenario} logged. */
export interface ScenarioIds {
  experimentId: string;
  parentId: string;
  childId: string;
  failedId: string;
  killedId: string;
}

/** Logs the scenario through the fluent API into the current tracking URI. */
export async function logInteropScenario(dir: string): Promise<ScenarioIds> {
  const exp = await mlflow.setExperiment("interop ✓ 'quoted' on");
  const local = join(dir, "model-card.md");
  await Deno.writeTextFile(local, "# card\n");

  let parentId = "";
  let childId = "";
  await mlflow.withRun({
    runName: "rf deep: on",
    description: "multi\nline 'quoted' \"dq\"",
    tags: { team: "ml" },
  }, async (run) => {
    parentId = run.info.runId;
    await mlflow.logParams({
      max_depth: 3,
      "température": "élevée",
      "nested/key": "v",
      flag: true,
    });
    for (const [step, v] of ACC_HISTORY.entries()) await mlflow.logMetric("acc", v, { step });
    await mlflow.logMetrics(SPECIALS);
    await mlflow.setTag("note", TAG_TEXT);
    await mlflow.setTag("étiquette", "ünïcödé ✓");
    await mlflow.logText("hello", "dir/a.txt");
    await mlflow.logDict({ a: 1, b: [1, 2] }, "config.json");
    await mlflow.logArtifact(local, "docs");
    const child = await mlflow.startRun({ nested: true, runName: "child" });
    childId = child.info.runId;
    await mlflow.logMetric("loss", 0.25, { step: 7, timestamp: 1_700_000_000_123 });
    await mlflow.endRun();
  });
  const failedId = await mlflow.withRun({ runName: "fails" }, async (run) => {
    await mlflow.logParam("lr", 0.01);
    return run.info.runId;
  }).then(async (id) => {
    // Re-open the same run and fail inside it.
    await mlflow.withRun({ runId: id }, () => {
      throw new Error("training diverged");
    }).catch((e) => assert.match(String(e), /diverged/));
    return id;
  });
  const killed = await mlflow.startRun({ runName: "killed", experimentId: "0" });
  await mlflow.endRun("KILLED");
  return {
    experimentId: exp.experimentId,
    parentId,
    childId,
    failedId,
    killedId: killed.info.runId,
  };
}

/** Checks what real MLflow read back against what the scenario logged. */
export function checkInteropView(
  view: MlflowView,
  ids: ScenarioIds,
  kind: "file" | "server",
): void {
  const { parentId, childId, failedId, killedId } = ids;
  const expView = view.experiments.find((e) => e.experiment_id === ids.experimentId);
  assert.equal(expView?.name, "interop ✓ 'quoted' on");
  assert.ok(view.experiments.some((e) => e.experiment_id === "0" && e.name === "Default"));

  const parent = view.runs[parentId]!;
  assert.equal(parent.run_name, "rf deep: on");
  assert.equal(parent.status, "FINISHED");
  assert.ok(parent.end_time! >= parent.start_time);
  assert.deepEqual(parent.params, {
    max_depth: "3",
    "température": "élevée",
    "nested/key": "v",
    flag: "true",
  });
  assert.deepEqual(
    parent.history.acc!.map(([, v, s]) => [v, s]),
    ACC_HISTORY.map((v, i) => [pyNum(v), i]),
  );
  for (const [k, v] of Object.entries(SPECIALS)) {
    // SQL stores keep ±∞ as ±max float and -0 as 0 (MLflow's own behaviour on a server).
    const expected = kind === "file"
      ? pyNum(v)
      : v === Infinity
      ? Number.MAX_VALUE
      : v === -Infinity
      ? -Number.MAX_VALUE
      : Object.is(v, -0)
      ? 0
      : v;
    assert.ok(
      Object.is(parent.metrics[k], expected) ||
        (kind === "server" && expected === 0 && parent.metrics[k] === 0),
      `metric ${k}: ${parent.metrics[k]}`,
    );
  }
  assert.equal(parent.metrics.acc, 0.9); // the latest step wins
  assert.equal(parent.tags.note, TAG_TEXT);
  assert.equal(parent.tags["étiquette"], "ünïcödé ✓");
  assert.equal(parent.tags["mlflow.note.content"], "multi\nline 'quoted' \"dq\"");
  assert.equal(parent.tags.team, "ml");
  assert.equal(parent.tags["mlflow.runName"], "rf deep: on");
  assert.equal(parent.tags["mlflow.source.type"], "LOCAL");
  assert.ok(parent.tags["mlflow.source.name"]?.endsWith(".ts"));
  assert.equal(parent.user_id, parent.tags["mlflow.user"]);
  assert.deepEqual(
    parent.artifacts.map((a) => [a.path, a.is_dir, a.file_size]),
    [
      ["config.json", false, JSON.stringify({ a: 1, b: [1, 2] }, null, 2).length],
      ["dir", true, null],
      ["dir/a.txt", false, 5],
      ["docs", true, null],
      ["docs/model-card.md", false, 7],
    ],
  );

  const child = view.runs[childId]!;
  assert.equal(child.tags["mlflow.parentRunId"], parentId);
  assert.deepEqual(child.history.loss, [[1_700_000_000_123, 0.25, 7]]);

  const failed = view.runs[failedId]!;
  assert.equal(failed.status, "FAILED");
  assert.deepEqual(failed.params, { lr: "0.01" });

  const k = view.runs[killedId]!;
  assert.equal(k.status, "KILLED");
  assert.equal(k.experiment_id, "0");
}
