// No run stuck in RUNNING: a process killed mid-run leaves its run RUNNING; the library tells
// it apart (stale: its process, on this host, is gone) in searches, run cards and runs tables,
// and `deno task tidy` ends it KILLED at its last point — never a run whose process is alive,
// nor one started on another host.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as ml from "../../lib/mod.ts";
import { JUPYTER_DISPLAY } from "../../lib/display/mod.ts";
import { FileStore, PROCESS_TAG } from "../../lib/tracking/mod.ts";
import { REPO_ROOT } from "../../harness/python.ts";
import { tempStore } from "./_helpers.ts";

const LIB = pathToFileURL(join(REPO_ROOT, "lib", "mod.ts")).href;

/** A process that starts a run, logs a point at `timestamp`, says so, and waits to be killed. */
function logger(store: string, runName: string, timestamp: number): Deno.ChildProcess {
  const code = `
import * as ml from ${JSON.stringify(LIB)};
ml.setTrackingUri(${JSON.stringify(store)});
await ml.startRun({ runName: ${JSON.stringify(runName)} });
await ml.logMetric("loss", 0.5, { timestamp: ${timestamp} });
console.log("ready");
setInterval(() => {}, 1000);
`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/**
 * Reads the child's output until it says "ready", then closes its output (cancelling the
 * decoded stream cancels the piped `stdout` too: the pipe holds `stdout`'s lock until then).
 */
async function ready(child: Deno.ChildProcess): Promise<void> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the logging process ended: ${out}`);
    out += value;
  }
  await reader.cancel();
}

Deno.test("a run whose process was killed is stale, and deno task tidy ends it KILLED", async () => {
  const store = await tempStore();
  const last = Date.now() + 60_000;
  const killed = logger(store, "killed", last);
  const alive = logger(store, "alive", Date.now());
  try {
    await Promise.all([ready(killed), ready(alive)]);
    killed.kill("SIGKILL");
    await killed.status;
    // A run of another host whose process id is not alive here: never judged.
    const files = new FileStore(store);
    const elsewhere = files.createRun({
      experimentId: "0",
      runName: "elsewhere",
      tags: {
        [PROCESS_TAG]: JSON.stringify({
          host: "another-host",
          pid: 2 ** 22 + 1,
          boot: "",
          start: 1,
        }),
      },
    });

    ml.setTrackingUri(store);
    const runs = await ml.searchRuns();
    const byName = Object.fromEntries(runs.map((r) => [r.info.runName, r]));
    assert.equal(byName.killed!.stale, true);
    assert.equal(byName.alive!.stale, false);
    assert.equal(byName.elsewhere!.stale, false);
    const table = runs[JUPYTER_DISPLAY]()["text/html"];
    assert.equal(table.match(/RUNNING \(stale\)/g)?.length, 1);
    assert.match(byName.killed![JUPYTER_DISPLAY]()["text/html"], /its process is gone/);
    assert.match(String(byName.killed), /RUNNING \(stale\)/);

    const tidy = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(REPO_ROOT, "tools", "tidy.ts")],
      env: { MLFLOW_TRACKING_URI: store },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(tidy.stdout);
    assert.ok(tidy.success, new TextDecoder().decode(tidy.stderr));
    assert.match(said, /ended KILLED: Default \/ killed/);
    assert.doesNotMatch(said, /alive|elsewhere/);
    const after = await ml.getRun(byName.killed!.info.runId);
    assert.equal(after.info.status, "KILLED");
    assert.equal(after.info.endTime, last);
    assert.equal((await ml.getRun(byName.alive!.info.runId)).info.status, "RUNNING");
    assert.equal((await ml.getRun(elsewhere.info.runId)).info.status, "RUNNING");
    // Nothing left to do the second time.
    const again = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(REPO_ROOT, "tools", "tidy.ts")],
      env: { MLFLOW_TRACKING_URI: store },
      stdout: "piped",
    }).output();
    assert.match(new TextDecoder().decode(again.stdout), /Nothing to tidy/);
  } finally {
    alive.kill("SIGKILL");
    await alive.status;
  }
});
