/**
 * `deno task tidy [--dry-run]`: ends the runs left RUNNING by a kernel or script that was
 * restarted or killed mid-run (their process, on this host, is gone), KILLED at the time of
 * their last logged point, and says what it did. Runs whose process is alive, or that were
 * started on another host, are left alone. Works on `MLFLOW_TRACKING_URI`, else the project's
 * `mlruns/`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { getTrackingUri, tidyRuns } from "../lib/tracking/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { "dry-run": { type: "boolean", default: false } },
});
const dryRun = values["dry-run"];
const tidied = await tidyRuns({ dryRun });
if (tidied.length === 0) console.log(`Nothing to tidy in ${getTrackingUri()}: no stale runs.`);
for (const t of tidied) {
  console.log(
    `${dryRun ? "would end" : "ended"} KILLED: ${t.experiment.name} / ${t.runName} ` +
      `(${t.runId}): its process ${t.process.pid} on ${t.process.host} is gone; end time ` +
      new Date(t.endTime).toISOString(),
  );
}
