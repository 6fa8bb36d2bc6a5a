/**
 * MLflow's fluent tracking API in camelCase: an active experiment and a stack of active runs
 * over the store behind the tracking URI — a local `mlruns/` folder or an MLflow tracking
 * server. Every call that does I/O returns a Promise that resolves once the data is safe: handed
 * to the operating system (so a killed kernel loses nothing already logged), or acknowledged by
 * the server.
 *
 * @module
 */

import { MlflowError, notFound } from "./errors.ts";
import type { Dataset, Experiment, FileInfo, Metric, RunStatus } from "./entities.ts";
import { Run, RunList } from "./run.ts";
import type { SearchExperimentsOptions, ViewType } from "./store.ts";
import { activeExperiment, getStore, setActiveExperiment } from "./tracking_uri.ts";
import { contextTags } from "./context.ts";
import { currentProcess, PROCESS_TAG } from "./process.ts";
import { inJupyter } from "../display/jupyter.ts";
import { endRunsOnExit } from "./_exit.ts";
import { printable } from "../_internal/show.ts";
import { runModelVersions } from "./registry.ts";

const runStack: Run[] = [];
endRunsOnExit(runStack);

// ------------------------------------------------------------------ experiments

/**
 * Makes `name` the active experiment, creating it if missing (tagged
 * `mlflow.experimentKind: custom_model_development`, so MLflow's UI shows its training runs), and
 * returns it. A deleted experiment of that name is an error, as in MLflow.
 *
 * @example
 * ```ts
 * import { setExperiment, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const exp = await setExperiment("k-neighbours");
 * assert.equal(exp.name, "k-neighbours");
 * assert.equal((await setExperiment("k-neighbours")).experimentId, exp.experimentId);
 * ```
 */
export async function setExperiment(name: string): Promise<Experiment> {
  const store = getStore();
  await store.ensureRoot();
  let exp = await store.getExperimentByName(name);
  if (!exp) {
    try {
      // MLflow 3's UI opens experiments of this kind on their training runs (not on traces).
      exp = await store.getExperiment(
        await store.createExperiment(name, { "mlflow.experimentKind": "custom_model_development" }),
      );
    } catch (e) {
      // Another process created it between our look-up and our create.
      if (!(e instanceof MlflowError && e.code === "RESOURCE_ALREADY_EXISTS")) throw e;
      exp = (await store.getExperimentByName(name))!;
    }
  }
  if (exp.lifecycleStage === "deleted") {
    throw new MlflowError(
      "INVALID_STATE",
      `Cannot set a deleted experiment '${name}' as the active experiment. You can restore ` +
        `the experiment, or permanently delete the experiment to create a new one.`,
    );
  }
  setActiveExperiment(exp.experimentId);
  return exp;
}

/**
 * Creates an experiment and returns its id; the name must be new.
 *
 * @example Create, then look up by id and by name
 * ```ts
 * import { createExperiment, getExperiment, getExperimentByName, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await createExperiment("rf-grid", { team: "ml" });
 * assert.equal((await getExperiment(id)).name, "rf-grid");
 * assert.equal((await getExperimentByName("rf-grid"))?.tags.team, "ml");
 * assert.equal(await getExperimentByName("nope"), null);
 * await assert.rejects(createExperiment("rf-grid"), /already exists/);
 * ```
 */
export async function createExperiment(
  name: string,
  tags: Record<string, string> = {},
): Promise<string> {
  return await getStore().createExperiment(name, tags);
}

/**
 * The experiment with this name (active or deleted), or null.
 *
 * @example An experiment by name
 * ```ts
 * import { getExperimentByName, setExperiment, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const created = await setExperiment("k-neighbours");
 * assert.equal((await getExperimentByName("k-neighbours"))?.experimentId, created.experimentId);
 * ```
 */
export async function getExperimentByName(name: string): Promise<Experiment | null> {
  return await getStore().getExperimentByName(name);
}

/**
 * The experiment with this id; throws RESOURCE_DOES_NOT_EXIST.
 *
 * @example An experiment by id
 * ```ts
 * import { createExperiment, getExperiment, MlflowError, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await createExperiment("forests");
 * assert.equal((await getExperiment(id)).name, "forests");
 * await assert.rejects(getExperiment("12345"), (e) => e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST");
 * ```
 */
export async function getExperiment(experimentId: string): Promise<Experiment> {
  return await getStore().getExperiment(experimentId);
}

/**
 * Experiments matching `filter`, in MLflow's `search_experiments` order.
 *
 * @example
 * ```ts
 * import { createExperiment, searchExperiments, setTrackingUri } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await createExperiment("rf-grid", { team: "ml" });
 * await createExperiment("knn-grid");
 * const found = await searchExperiments({ filter: "tags.team = 'ml'" });
 * assert.deepEqual(found.map((e) => e.name), ["rf-grid"]);
 * ```
 */
export async function searchExperiments(
  options: SearchExperimentsOptions = {},
): Promise<Experiment[]> {
  const store = getStore();
  await store.ensureRoot();
  return await store.searchExperiments(options);
}

function currentExperimentId(): string {
  const active = activeExperiment();
  if (active) return active;
  const id = Deno.env.get("MLFLOW_EXPERIMENT_ID");
  if (id) return id;
  return "0";
}

async function resolveExperimentId(): Promise<string> {
  const active = activeExperiment();
  if (active) return active;
  const name = Deno.env.get("MLFLOW_EXPERIMENT_NAME");
  if (name && !Deno.env.get("MLFLOW_EXPERIMENT_ID")) {
    return (await setExperiment(name)).experimentId;
  }
  return currentExperimentId();
}

// ------------------------------------------------------------------ runs

/** Options of {@linkcode startRun}. */
export interface StartRunOptions {
  /** Display name; a random `<adjective>-<noun>-<n>` when omitted. */
  runName?: string;
  /** Resume this existing run instead of creating one. */
  runId?: string;
  /** Experiment to create the run in. @default the active experiment, else "0" (Default) */
  experimentId?: string;
  /** Start a child of the active run (otherwise an active run is an error). @default false */
  nested?: boolean;
  /** Extra tags. */
  tags?: Record<string, unknown>;
  /** Run description (markdown), stored as the `mlflow.note.content` tag. */
  description?: string;
}

/**
 * Starts a run (or resumes `runId`) and makes it active; logging calls then go to it. Starting
 * a run while one is active needs `nested: true`, as in MLflow — except in a notebook, where a
 * run an earlier cell left active (it failed before its `endRun`) is ended KILLED, with a
 * warning, so the new run can start.
 *
 * @example
 * ```ts
 * import { endRun, getRun, logMetric, setTrackingUri, startRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await startRun({ runName: "baseline" });
 * await logMetric("accuracy", 0.91);
 * await endRun();
 * const back = await getRun(run.info.runId);
 * assert.equal(back.info.status, "FINISHED");
 * assert.equal(back.data.metrics.accuracy, 0.91);
 * ```
 */
export async function startRun(options: StartRunOptions = {}): Promise<Run> {
  const { nested = false } = options;
  if (runStack.length && !nested) {
    const active = runStack[runStack.length - 1]!;
    if (!inJupyter()) {
      throw new MlflowError(
        "INVALID_STATE",
        `Run with UUID ${active.info.runId} is already active. To start a new run, first end ` +
          `the current run with endRun(). To start a nested run, call startRun with nested: true`,
      );
    }
    // In a notebook, a run left active by an earlier cell (one that failed before its endRun)
    // would block every later run until the kernel restarts: end it, and say so.
    await endAbandonedRuns();
  }
  const parent = runStack[runStack.length - 1];
  const store = getStore();
  let run: Run;
  if (options.runId !== undefined) {
    const existing = await store.getRun(options.runId);
    if (options.experimentId !== undefined && options.experimentId !== existing.info.experimentId) {
      throw new MlflowError(
        "INVALID_PARAMETER_VALUE",
        `Cannot start run with ID ${options.runId} because the active experiment ID does not ` +
          `match the experiment ID of the run (${existing.info.experimentId})`,
      );
    }
    if (existing.info.lifecycleStage !== "active") {
      throw new MlflowError(
        "INVALID_STATE",
        `Cannot start run with ID ${options.runId} because it is in the deleted state.`,
      );
    }
    await store.updateRunInfo(options.runId, { status: "RUNNING", endTime: null });
    const extra: Record<string, unknown> = {
      [PROCESS_TAG]: JSON.stringify(currentProcess()),
      ...options.tags,
    };
    if (options.description !== undefined) extra["mlflow.note.content"] = options.description;
    if (Object.keys(extra).length) await store.logBatch(options.runId, { tags: extra });
    run = await store.getRun(options.runId);
  } else {
    const experimentId = options.experimentId ?? await resolveExperimentId();
    const tags: Record<string, unknown> = { ...contextTags(), ...options.tags };
    if (options.description !== undefined) tags["mlflow.note.content"] = options.description;
    if (parent) tags["mlflow.parentRunId"] = parent.info.runId;
    const userId = String(tags["mlflow.user"] ?? "unknown");
    run = await store.createRun({
      experimentId,
      userId,
      tags,
      ...(options.runName !== undefined ? { runName: options.runName } : {}),
    });
  }
  runStack.push(run);
  return run;
}

/**
 * Ends the active run with `status` (FINISHED by default); does nothing when no run is active.
 *
 * @example End a run as FAILED
 * ```ts
 * import { endRun, getRun, setTrackingUri, startRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const run = await startRun({ runName: "diverged" });
 * await endRun("FAILED");
 * assert.equal((await getRun(run.info.runId)).info.status, "FAILED");
 * await endRun(); // no run is active: nothing happens
 * ```
 */
export async function endRun(status: RunStatus = "FINISHED"): Promise<void> {
  // The run stops being active whatever happens next, as in MLflow: a run the store cannot end
  // (deleted by another process, a store gone read-only) must not block every later run.
  const run = runStack.pop();
  if (!run) return;
  try {
    await getStore().updateRunInfo(run.info.runId, { status, endTime: Date.now() });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new MlflowError(
      e instanceof MlflowError ? e.code : "INTERNAL_ERROR",
      `Run ${run.info.runId} is no longer active here, but its end (${status}) could not be ` +
        `recorded: ${reason}`,
      {
        cause: e,
        ...(e instanceof MlflowError && e.httpStatus ? { httpStatus: e.httpStatus } : {}),
      },
    );
  }
}

/**
 * The active run as it was started (MLflow's `active_run()`: in-memory, no I/O), or null; read
 * it again with `getRun` for what was logged since.
 *
 * @example
 * ```ts
 * import { activeRun, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * await withRun({ runName: "outer" }, () => assert.equal(activeRun()?.info.runName, "outer"));
 * assert.equal(activeRun(), null);
 * ```
 */
export function activeRun(): Run | null {
  return runStack[runStack.length - 1] ?? null;
}

/**
 * The id of the active run, or null (no I/O).
 *
 * @example Inside and outside a run
 * ```ts
 * import { activeRunId, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, (run) => {
 *   assert.equal(activeRunId(), run.info.runId);
 *   return run.info.runId;
 * });
 * assert.match(id, /^[0-9a-f]{32}$/);
 * assert.equal(activeRunId(), null);
 * ```
 */
export function activeRunId(): string | null {
  return runStack[runStack.length - 1]?.info.runId ?? null;
}

/**
 * Runs `fn` inside a run: the run ends FINISHED when `fn` resolves, FAILED when it throws (the
 * error is rethrown). The callback form is what lets the status follow the outcome, which
 * `using` cannot see.
 *
 * @example
 * ```ts
 * import { getRun, logParam, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({ runName: "try" }, async (run) => {
 *   await logParam("k", 5);
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).info.status, "FINISHED");
 * await assert.rejects(withRun({}, () => { throw new Error("boom"); }), /boom/);
 * ```
 */
export async function withRun<T>(
  options: StartRunOptions,
  fn: (run: Run) => T | Promise<T>,
): Promise<T> {
  const run = await startRun(options);
  let result: T;
  try {
    result = await fn(run);
  } catch (e) {
    // The callback's error is the one to see; a run that could not also be ended says so.
    await endRunById(run.info.runId, "FAILED").catch((end) =>
      console.warn(`${(end as Error).message ?? end}`)
    );
    throw e;
  }
  await endRunById(run.info.runId, "FINISHED");
  return result;
}

/** Ends the runs an earlier notebook cell left active, KILLED, with a warning for each. */
async function endAbandonedRuns(): Promise<void> {
  while (runStack.length) {
    const run = runStack[runStack.length - 1]!;
    console.warn(
      `Run '${run.info.runName}' (${run.info.runId}) was still active from an earlier cell; it ` +
        `is ended KILLED so this run can start (withRun ends its run whatever happens)`,
    );
    try {
      await endRun("KILLED");
    } catch (e) {
      console.warn((e as Error).message);
    }
  }
}

/** Ends `runId` (and any runs started inside it that are still active). */
async function endRunById(runId: string, status: RunStatus): Promise<void> {
  const at = runStack.findIndex((r) => r.info.runId === runId);
  if (at < 0) return; // ended already by the callback itself
  let failure: unknown;
  while (runStack.length > at) {
    try {
      await endRun(status);
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure !== undefined) throw failure;
}

async function targetRun(): Promise<string> {
  const id = activeRunId();
  if (id) return id;
  // As MLflow does: logging with no active run starts one.
  return (await startRun()).info.runId;
}

// ------------------------------------------------------------------ logging

/**
 * Logs one param on the active run (starting one if none); returns the value.
 *
 * @example A hyperparameter, logged where it is set
 * ```ts
 * import { getRun, logParam, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   const k = await logParam("n_neighbors", 5);
 *   assert.equal(k, 5);
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).data.params.n_neighbors, "5");
 * ```
 */
export async function logParam<T>(key: string, value: T): Promise<T> {
  await getStore().logBatch(await targetRun(), { params: { [key]: value } });
  return value;
}

/**
 * Logs several params at once on the active run.
 *
 * @example All hyperparameters at once
 * ```ts
 * import { getRun, logParams, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logParams({ max_depth: 3, n_estimators: 20 });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getRun(id)).data.params, { max_depth: "3", n_estimators: "20" });
 * ```
 */
export async function logParams(params: Record<string, unknown>): Promise<void> {
  await getStore().logBatch(await targetRun(), { params });
}

/** Where and when a metric point lies. */
export interface MetricOptions {
  /** Integer step. @default 0 */
  step?: number;
  /** Milliseconds since the epoch. @default Date.now() */
  timestamp?: number;
}

/**
 * Appends one point to a metric's history on the active run.
 *
 * @example A loss curve, one point per step
 * ```ts
 * import { getMetricHistory, logMetric, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   for (let step = 0; step < 3; step++) await logMetric("loss", 1 / (step + 1), { step });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getMetricHistory(id, "loss")).map((p) => p.step), [0, 1, 2]);
 * ```
 */
export async function logMetric(
  key: string,
  value: number,
  options: MetricOptions = {},
): Promise<void> {
  await getStore().logBatch(await targetRun(), { metrics: [{ key, value, ...options }] });
}

/**
 * Appends one point to each of several metrics, at the same step and time.
 *
 * @example Train and test accuracy together
 * ```ts
 * import { getRun, logMetrics, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logMetrics({ train_accuracy: 0.95, test_accuracy: 0.93 });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getRun(id)).data.metrics, { train_accuracy: 0.95, test_accuracy: 0.93 });
 * ```
 */
export async function logMetrics(
  metrics: Record<string, number>,
  options: MetricOptions = {},
): Promise<void> {
  const timestamp = options.timestamp ?? Date.now();
  await getStore().logBatch(await targetRun(), {
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, ...options, timestamp })),
  });
}

/**
 * Sets one tag on the active run.
 *
 * @example Set, overwrite and delete a tag
 * ```ts
 * import { deleteTag, getRun, setTag, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await setTag("stage", "draft");
 *   await setTag("stage", "final");
 *   await setTag("temp", 1);
 *   await deleteTag("temp");
 *   return run.info.runId;
 * });
 * const { tags } = (await getRun(id)).data;
 * assert.equal(tags.stage, "final");
 * assert.equal(tags.temp, undefined);
 * ```
 */
export async function setTag(key: string, value: unknown): Promise<void> {
  await getStore().logBatch(await targetRun(), { tags: { [key]: value } });
}

/**
 * Sets several tags on the active run.
 *
 * @example Several tags
 * ```ts
 * import { getRun, setTags, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await setTags({ model_family: "k-neighbours", dataset: "seed" });
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).data.tags.dataset, "seed");
 * ```
 */
export async function setTags(tags: Record<string, unknown>): Promise<void> {
  await getStore().logBatch(await targetRun(), { tags });
}

/**
 * Removes a tag from the active run.
 *
 * @example Remove a tag
 * ```ts
 * import { deleteTag, getRun, setTag, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await setTag("temp", "x");
 *   await deleteTag("temp");
 *   return run.info.runId;
 * });
 * assert.equal((await getRun(id)).data.tags.temp, undefined);
 * ```
 */
export async function deleteTag(key: string): Promise<void> {
  await getStore().deleteTag(await targetRun(), key);
}

/**
 * Copies a local file into the active run's artifacts (under `artifactPath` if given).
 *
 * @example A file, kept under a folder of the run
 * ```ts
 * import { listArtifacts, logArtifact, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const file = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(file, "k,accuracy\n5,0.93\n");
 * const id = await withRun({}, async (run) => {
 *   await logArtifact(file, "results");
 *   return run.info.runId;
 * });
 * const [entry] = await listArtifacts(id, "results");
 * assert.ok(entry?.path.startsWith("results/") && entry.path.endsWith(".csv"));
 * ```
 */
export async function logArtifact(localPath: string, artifactPath?: string): Promise<void> {
  await getStore().logArtifact(await targetRun(), localPath, artifactPath);
}

/**
 * Copies a local folder's files into the active run's artifacts.
 *
 * @example A folder of files
 * ```ts
 * import { listArtifacts, logArtifacts, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "a");
 * await Deno.writeTextFile(`${dir}/b.txt`, "b");
 * const id = await withRun({}, async (run) => {
 *   await logArtifacts(dir, "notes");
 *   return run.info.runId;
 * });
 * assert.deepEqual((await listArtifacts(id, "notes")).map((f) => f.path), ["notes/a.txt", "notes/b.txt"]);
 * ```
 */
export async function logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
  await getStore().logArtifacts(await targetRun(), localDir, artifactPath);
}

/**
 * Writes text as an artifact file of the active run, e.g. `logText(md, "notes/summary.md")`.
 *
 * @example A markdown note
 * ```ts
 * import { loadText, logText, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logText("# Findings\nk = 5 is best.", "notes/summary.md");
 *   return run.info.runId;
 * });
 * assert.match(await loadText(id, "notes/summary.md"), /k = 5/);
 * ```
 */
export async function logText(text: string, artifactFile: string): Promise<void> {
  if (typeof text !== "string") {
    throw new MlflowError("INVALID_PARAMETER_VALUE", `logText needs a string, got ${typeof text}`);
  }
  await getStore().writeArtifact(await targetRun(), artifactFile, text);
}

/**
 * Writes an object as an artifact file of the active run: YAML for `.yaml`/`.yml` names, JSON
 * (indented) otherwise — as MLflow's `log_dict` does.
 *
 * @example A configuration as YAML
 * ```ts
 * import { loadText, logDict, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logDict({ k: 5, metric: "euclidean" }, "config.yaml");
 *   return run.info.runId;
 * });
 * assert.equal(await loadText(id, "config.yaml"), "k: 5\nmetric: euclidean\n");
 * ```
 */
export async function logDict(obj: unknown, artifactFile: string): Promise<void> {
  let text: string;
  if (/\.ya?ml$/i.test(artifactFile)) {
    const { stringify } = await import("npm:yaml@2.9.1");
    text = stringify(obj);
  } else {
    text = JSON.stringify(obj, null, 2);
    if (text === undefined) {
      throw new MlflowError("INVALID_PARAMETER_VALUE", `logDict cannot serialise ${typeof obj}`);
    }
  }
  await getStore().writeArtifact(await targetRun(), artifactFile, text);
}

/** Options of {@linkcode logInput}. */
export interface LogInputOptions {
  /** What the run used the dataset for (`mlflow.data.context`): `training`, `testing`, … */
  context?: string;
  /** More input tags. */
  tags?: Record<string, string>;
}

/**
 * Records that the active run used a dataset (MLflow's `log_input`), e.g. the training part of
 * the data with `context: "training"`: MLflow's UI shows it in the runs table's Dataset column,
 * Python's `run.inputs.dataset_inputs` reads it, and searches filter on `datasets.name`,
 * `datasets.digest` and `datasets.context`.
 *
 * @example The training and test parts of a data set
 * ```ts
 * import { getRun, logInput, numpyDataset, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logInput(numpyDataset([[0, 1], [1, 0]], [0, 1], { name: "toy-train" }), { context: "training" });
 *   await logInput(numpyDataset([[1, 1]], [1], { name: "toy-test" }), { context: "testing" });
 *   return run.info.runId;
 * });
 * const inputs = (await getRun(id)).inputs.datasetInputs;
 * assert.deepEqual(inputs.map((i) => [i.dataset.name, i.tags["mlflow.data.context"]]).sort(), [
 *   ["toy-test", "testing"],
 *   ["toy-train", "training"],
 * ]);
 * ```
 */
export async function logInput(dataset: Dataset, options: LogInputOptions = {}): Promise<void> {
  const tags: Record<string, string> = { ...options.tags };
  if (options.context !== undefined) tags["mlflow.data.context"] = options.context;
  await getStore().logInputs(await targetRun(), [{ dataset, tags }]);
}

// ------------------------------------------------------------------ reading

/**
 * A run by id: info, params, latest metrics and tags, and the registered versions of its models
 * (shown on its card). Throws RESOURCE_DOES_NOT_EXIST.
 *
 * @example A run read back
 * ```ts
 * import { getRun, logMetric, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({ runName: "baseline" }, async (run) => {
 *   await logMetric("acc", 0.5, { step: 0 });
 *   await logMetric("acc", 0.9, { step: 1 });
 *   return run.info.runId;
 * });
 * const run = await getRun(id);
 * assert.equal(run.info.runName, "baseline");
 * assert.equal(run.data.metrics.acc, 0.9); // the latest point
 * await assert.rejects(getRun("0".repeat(32)), /not found/);
 * ```
 */
export async function getRun(runId: string): Promise<Run> {
  const run = await getStore().getRun(runId);
  const versions = await runModelVersions(runId);
  return versions.length ? new Run(run.info, run.data, run.inputs, versions) : run;
}

/** Options of {@linkcode searchRuns}: experiments by id or by name, and what to return. */
export interface SearchRunsOptions {
  /** Experiments to search by id. */
  experimentIds?: string[];
  /** Experiments to search by name (unknown names are an error). */
  experimentNames?: string[];
  /** MLflow filter, e.g. `metrics.test_accuracy > 0.9 and params.max_depth = '3'`. */
  filter?: string;
  /** MLflow order-by clauses, e.g. ``["metrics.`f1 score` DESC"]``. */
  orderBy?: string[];
  /** At most this many runs. @default 1000 */
  maxResults?: number;
  /** Which runs by lifecycle stage. @default "ACTIVE_ONLY" */
  runViewType?: ViewType;
}

/**
 * Searches runs with MLflow's filter and order-by grammar and returns them in MLflow's order,
 * as a {@linkcode RunList} (a table in a notebook). Without experiments given, searches the
 * active experiment. Malformed runs are skipped with a warning.
 *
 * @example
 * ```ts
 * import { logMetric, searchRuns, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * for (const acc of [0.8, 0.95, 0.9]) {
 *   await withRun({ runName: `acc-${acc}` }, () => logMetric("acc", acc));
 * }
 * const runs = await searchRuns({ filter: "metrics.acc > 0.85", orderBy: ["metrics.acc DESC"] });
 * assert.deepEqual(runs.map((r) => r.info.runName), ["acc-0.95", "acc-0.9"]);
 * ```
 */
export async function searchRuns(options: SearchRunsOptions = {}): Promise<RunList> {
  const store = getStore();
  await store.ensureRoot();
  const ids = [...(options.experimentIds ?? [])];
  for (const name of options.experimentNames ?? []) {
    const exp = await store.getExperimentByName(name);
    if (!exp) throw notFound(`Experiment '${printable(name)}' does not exist`);
    ids.push(exp.experimentId);
  }
  if (ids.length === 0) ids.push(await resolveExperimentId());
  const { runs } = await store.searchRuns({
    experimentIds: ids,
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    ...(options.orderBy !== undefined ? { orderBy: options.orderBy } : {}),
    ...(options.maxResults !== undefined ? { maxResults: options.maxResults } : {}),
    ...(options.runViewType !== undefined ? { runViewType: options.runViewType } : {}),
  });
  return RunList.fromRuns(runs);
}

/**
 * A metric's full history on a run, in logging order.
 *
 * @example Every point of a metric
 * ```ts
 * import { getMetricHistory, logMetric, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logMetric("loss", 0.7, { step: 1 });
 *   await logMetric("loss", 0.4, { step: 2 });
 *   return run.info.runId;
 * });
 * assert.deepEqual((await getMetricHistory(id, "loss")).map((p) => p.value), [0.7, 0.4]);
 * assert.deepEqual(await getMetricHistory(id, "never_logged"), []);
 * ```
 */
export async function getMetricHistory(runId: string, key: string): Promise<Metric[]> {
  return await getStore().getMetricHistory(runId, key);
}

/**
 * One level of a run's artifacts (or of the folder `path` inside them).
 *
 * @example Folders first listed, then their files
 * ```ts
 * import { listArtifacts, logText, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logText("x", "charts/a.svg");
 *   await logText("y", "readme.md");
 *   return run.info.runId;
 * });
 * assert.deepEqual((await listArtifacts(id)).map((f) => [f.path, f.isDir]), [["charts", true], ["readme.md", false]]);
 * assert.deepEqual((await listArtifacts(id, "charts")).map((f) => f.fileSize), [1]);
 * ```
 */
export async function listArtifacts(runId: string, path?: string): Promise<FileInfo[]> {
  return await getStore().listArtifacts(runId, path);
}

/**
 * A local path of a run's artifact (or of its artifact folder): the file itself in a local
 * store, a downloaded copy (in a temporary folder) from a tracking server.
 *
 * @example Open an artifact with any tool
 * ```ts
 * import { artifactPath, logText, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logText("hello", "notes/a.txt");
 *   return run.info.runId;
 * });
 * assert.equal(await Deno.readTextFile(await artifactPath(id, "notes/a.txt")), "hello");
 * ```
 */
export async function artifactPath(runId: string, path = ""): Promise<string> {
  return await getStore().downloadArtifacts(runId, path);
}

/**
 * Downloads a run's artifact file or folder into `dstPath` (a fresh temporary folder when
 * omitted) and returns the local path of the copy, as MLflow's `download_artifacts` does.
 *
 * @example
 * ```ts
 * import { downloadArtifacts, logText, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logText("hello", "notes/a.txt");
 *   return run.info.runId;
 * });
 * const local = await downloadArtifacts(id, "notes", await Deno.makeTempDir());
 * assert.equal(await Deno.readTextFile(`${local}/a.txt`), "hello");
 * ```
 */
export async function downloadArtifacts(
  runId: string,
  path = "",
  dstPath?: string,
): Promise<string> {
  return await getStore().downloadArtifacts(
    runId,
    path,
    dstPath ?? await Deno.makeTempDir({ prefix: "mlflow-artifacts-" }),
  );
}

/**
 * The text of a run's artifact file, as MLflow's `mlflow.artifacts.load_text` reads it.
 *
 * @example
 * ```ts
 * import { loadText, logText, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logText("# notes", "notes.md");
 *   return run.info.runId;
 * });
 * assert.equal(await loadText(id, "notes.md"), "# notes");
 * ```
 */
export async function loadText(runId: string, artifactFile: string): Promise<string> {
  return new TextDecoder().decode(await getStore().readArtifact(runId, artifactFile));
}

/**
 * A JSON (or, for `.yaml`/`.yml`, YAML) artifact file of a run, parsed, as MLflow's
 * `mlflow.artifacts.load_dict` reads it; `T` names the shape the caller expects.
 *
 * @example
 * ```ts
 * import { loadDict, logDict, setTrackingUri, withRun } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const id = await withRun({}, async (run) => {
 *   await logDict({ k: [1, 2] }, "config.yaml");
 *   return run.info.runId;
 * });
 * assert.deepEqual(await loadDict<{ k: number[] }>(id, "config.yaml"), { k: [1, 2] });
 * ```
 */
export async function loadDict<T = unknown>(runId: string, artifactFile: string): Promise<T> {
  const text = await loadText(runId, artifactFile);
  if (/\.ya?ml$/i.test(artifactFile)) {
    const { parse } = await import("npm:yaml@2.9.1");
    return parse(text) as T;
  }
  return JSON.parse(text) as T;
}
