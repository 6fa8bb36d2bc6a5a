/**
 * Ending stale runs: a run left RUNNING by a kernel that was restarted or killed mid-run stays
 * RUNNING forever (in MLflow's UI too). {@linkcode tidyRuns} ends each such run of this host
 * KILLED, at the time of its last logged point, and says what it did; a run whose process is
 * alive, or that was started on another host, is never touched.
 *
 * @module
 */

import type { Experiment } from "./entities.ts";
import { isStale, type RunProcess, runProcess } from "./process.ts";
import type { TrackingStore } from "./store.ts";
import { getStore } from "./tracking_uri.ts";

/** Options of {@linkcode tidyRuns}. */
export interface TidyOptions {
  /** The store to tidy. @default the store behind the tracking URI */
  store?: TrackingStore;
  /** Only say what would be done. @default false */
  dryRun?: boolean;
}

/** A stale run that was ended (or, in a dry run, would be). */
export interface TidiedRun {
  /** The run's id. */
  runId: string;
  /** The run's name. */
  runName: string;
  /** Its experiment. */
  experiment: Experiment;
  /** The process it lived in, now gone. */
  process: RunProcess;
  /** The end time recorded: its last logged point, or its start when it logged none (ms). */
  endTime: number;
}

/**
 * Ends every stale run of the store (RUNNING, its process on this host gone) KILLED, with the
 * time of its last logged metric point as its end time, and returns them.
 *
 * @example A run whose process is gone is ended; the live one is left alone
 * ```ts
 * import { PROCESS_TAG } from "./process.ts";
 * import { tidyRuns } from "./tidy.ts";
 * import { getRun, logMetric, setTrackingUri, startRun } from "./mod.ts";
 * import { getStore } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const live = await startRun({ runName: "live" });
 * const store = getStore();
 * const gone = await store.createRun({ experimentId: "0", runName: "gone", tags: {
 *   [PROCESS_TAG]: JSON.stringify({ ...JSON.parse(live.data.tags[PROCESS_TAG]!), pid: 2 ** 22 + 1 }),
 * } });
 * const last = Date.now() + 5_000; // its last point
 * await store.logBatch(gone.info.runId, { metrics: [{ key: "loss", value: 1, timestamp: last }] });
 * const tidied = await tidyRuns();
 * assert.deepEqual(tidied.map((t) => t.runName), ["gone"]);
 * const back = await getRun(gone.info.runId);
 * assert.equal(back.info.status, "KILLED");
 * assert.equal(back.info.endTime, last);
 * assert.equal((await getRun(live.info.runId)).info.status, "RUNNING");
 * ```
 */
export async function tidyRuns(options: TidyOptions = {}): Promise<TidiedRun[]> {
  const { store = getStore(), dryRun = false } = options;
  const experiments = await store.searchExperiments({ viewType: "ALL", maxResults: 50000 });
  const tidied: TidiedRun[] = [];
  for (const experiment of experiments) {
    const { runs } = await store.searchRuns({
      experimentIds: [experiment.experimentId],
      filter: "attributes.status = 'RUNNING'",
      runViewType: "ACTIVE_ONLY",
      maxResults: 50000,
    });
    for (const run of runs) {
      if (!isStale(run.info, run.data)) continue;
      let endTime = run.info.startTime;
      for (const key of Object.keys(run.data.metrics)) {
        for (const point of await store.getMetricHistory(run.info.runId, key)) {
          endTime = Math.max(endTime, point.timestamp);
        }
      }
      if (!dryRun) await store.updateRunInfo(run.info.runId, { status: "KILLED", endTime });
      tidied.push({
        runId: run.info.runId,
        runName: run.info.runName,
        experiment,
        process: runProcess(run.data)!,
        endTime,
      });
    }
  }
  return tidied;
}
