/**
 * Finding a run logged earlier with the same code and data, so a sweep can reuse it instead of
 * training the same model again. Not part of the public API.
 *
 * @module
 */

import { runModels } from "../flavor/mod.ts";
import type { ModelParams } from "../models/mod.ts";
import { type Run, searchRuns } from "../tracking/mod.ts";
import type { SplitDatasets } from "./datasets.ts";

/** What a run must share with a new one to count as already logged. */
export interface RunIdentity {
  /** The experiment searched. */
  experimentId: string;
  /** The git commit of the code (`mlflow.source.git.commit`). */
  commit: string;
  /** The datasets the new run would log as inputs. */
  datasets: SplitDatasets;
}

/** The text a store keeps for a param value (`None` is kept as the empty string, as MLflow does). */
function paramText(value: ModelParams[string]): string {
  return value === null ? "" : String(value);
}

function digestOf(run: Run, context: string): string | undefined {
  return run.inputs.datasetInputs.find((i) => i.tags["mlflow.data.context"] === context)?.dataset
    .digest;
}

/**
 * The FINISHED runs of the experiment logged from the same git commit with the same training
 * and test data (their inputs' digests, contexts `training` and `testing`), newest first: the
 * candidates for reuse. A run without a commit tag never is one (its code is unknown).
 *
 * @example No candidates in an empty store
 * ```ts
 * import { loggedRuns } from "./_reuse.ts";
 * import { splitDatasets } from "./datasets.ts";
 * import { seedDataset } from "../data/mod.ts";
 * import { setExperiment, setTrackingUri } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const { experimentId } = await setExperiment("k-neighbours");
 * const datasets = splitDatasets(seedDataset());
 * assert.deepEqual(await loggedRuns({ experimentId, commit: "0".repeat(40), datasets }), []);
 * ```
 */
export async function loggedRuns(identity: RunIdentity): Promise<Run[]> {
  const { experimentId, commit, datasets } = identity;
  const runs = await searchRuns({
    experimentIds: [experimentId],
    filter: `attributes.status = 'FINISHED' and tags.\`mlflow.source.git.commit\` = '${commit}'`,
    orderBy: ["attributes.start_time DESC"],
    maxResults: 50_000,
  });
  return runs.filter((run) =>
    digestOf(run, "training") === datasets.training.digest &&
    digestOf(run, "testing") === datasets.testing.digest
  );
}

/** Options of {@linkcode findReusable}. */
export interface FindReusableOptions {
  /** Only a run with a logged model will do (the new run would log one). @default false */
  withModel?: boolean;
}

/**
 * The first of `candidates` whose params are exactly `params` (the same names, the same values
 * as the store keeps them) and, with `withModel`, that has a logged model; or undefined.
 *
 * @example A match on n_neighbors
 * ```ts
 * import { findReusable } from "./_reuse.ts";
 * import { Run } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = new Run(
 *   { runId: "a".repeat(32), experimentId: "1", runName: "knn-k5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1, artifactUri: "", lifecycleStage: "active" },
 *   { params: { n_neighbors: "5" }, metrics: {}, tags: {} },
 * );
 * assert.equal(await findReusable([run], { n_neighbors: 5 }), run);
 * assert.equal(await findReusable([run], { n_neighbors: 7 }), undefined);
 * ```
 */
export async function findReusable(
  candidates: readonly Run[],
  params: ModelParams,
  options: FindReusableOptions = {},
): Promise<Run | undefined> {
  const { withModel = false } = options;
  const wanted = Object.entries(params);
  for (const run of candidates) {
    const same = Object.keys(run.data.params).length === wanted.length &&
      wanted.every(([key, value]) => run.data.params[key] === paramText(value));
    if (!same) continue;
    if (withModel && Object.keys(await runModels(run.info.runId)).length === 0) continue;
    return run;
  }
  return undefined;
}
