/**
 * Offline first, then sync: pushes the runs of a store (usually a local `mlruns/`) to an MLflow
 * tracking server — experiments matched by name, runs with params, full metric histories, tags,
 * artifacts, logged models, status and times, nested-run links rewritten to the server's ids.
 * Everything is read through the {@linkcode TrackingStore} contract, in three stages: read the
 * source's runs (parents first) with a digest of each, match the experiments and the runs
 * already synced on the server, then push what each run lacks.
 *
 * Running it again is safe. Each server run records the run it came from (the tag
 * `sync.source_run_id`) and a digest of what was sent (`sync.digest`, written last): a run whose
 * digest still matches is left alone, a run that grew gets only what the server lacks (metric
 * points, params, tags, artifact files, models), and a sync interrupted half-way — its digest
 * never written — is completed by the next one without duplicates. Artifact files are compared
 * by size and by the content hashes the last sync recorded (`sync.artifacts`); they are streamed,
 * for the digest and for the upload, never held whole in memory.
 *
 * A run that cannot be sent — a local file that cannot be read, a name or value the server
 * refuses, its experiment deleted on the server — is reported in `failed` with the reason, and
 * the other runs go on. Only a server that stops answering (connection errors, timeouts, 5xx once
 * the retries ran out) ends the sync early.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { formatMetricLine } from "./_format.ts";
import { walkArtifacts } from "./artifact_repo.ts";
import type { Experiment } from "./entities.ts";
import { MlflowError } from "./errors.ts";
import { serverUnavailable } from "./http.ts";
import { RestStore } from "./rest_store.ts";
import type { Run } from "./run.ts";
import type { TrackingStore } from "./store.ts";
import { openStore } from "./store_factory.ts";
import { DIGEST_TAG, pushRun, SOURCE_RUN_TAG, type SourceRun } from "./_sync_push.ts";

export { DIGEST_TAG, MANIFEST_TAG, SOURCE_MODEL_TAG, SOURCE_RUN_TAG } from "./_sync_push.ts";

/** Options of {@linkcode syncStore}. */
export interface SyncOptions {
  /** The store to push from: a folder, `file:` URI or store (it must exist). */
  from: string | TrackingStore;
  /** The server: an `http(s)://` URL or {@linkcode RestStore}. */
  to: string | RestStore;
  /** Only these experiments (by name). @default every active experiment with runs */
  experiments?: string[];
  /** Called as each run is done. */
  onProgress?: (event: SyncEvent) => void;
}

/** What happened to one run. */
export type SyncOutcome = "created" | "updated" | "unchanged" | "failed";

/** One run done, reported to {@linkcode SyncOptions.onProgress}. */
export interface SyncEvent {
  /** 1-based position among the runs being synced. */
  index: number;
  /** How many runs are being synced. */
  total: number;
  /** The experiment's name. */
  experiment: string;
  /** The local run. */
  runId: string;
  /** Its name. */
  runName: string;
  /** The run's id on the server (empty when it failed before being created). */
  serverRunId: string;
  /** What was done. */
  outcome: SyncOutcome;
  /** What was sent for this run. */
  sent: SyncCounts;
  /** Why it failed. */
  error?: string;
}

/** Amounts sent to the server. */
export interface SyncCounts {
  /** Metric points. */
  points: number;
  /** Params. */
  params: number;
  /** Tags. */
  tags: number;
  /** Artifact files. */
  artifacts: number;
  /** Logged models. */
  models: number;
}

/** What {@linkcode syncStore} did. */
export interface SyncReport {
  /** Runs created on the server. */
  created: number;
  /** Runs that existed and got what they lacked. */
  updated: number;
  /** Runs already up to date. */
  unchanged: number;
  /** Runs that could not be sent, with the reason; the others were still synced. */
  failed: { runId: string; runName: string; error: string }[];
  /** Experiments created on the server. */
  experimentsCreated: number;
  /** Totals sent. */
  sent: SyncCounts;
  /** Local run id → server run id, for every run synced. */
  runIds: Record<string, string>;
}

const zero = (): SyncCounts => ({ points: 0, params: 0, tags: 0, artifacts: 0, models: 0 });

/** The content hash of a stream (its first 16 hex digits are what a sync records) and its size. */
async function hashStream(
  stream: ReadableStream<Uint8Array>,
): Promise<{ size: number; hash: string }> {
  const h = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    h.update(chunk);
    size += chunk.length;
  }
  return { size, hash: h.digest("hex") };
}

/** What an error says, for a run reported failed. */
const reason = (e: unknown) => e instanceof Error ? e.message : String(e);

// ------------------------------------------------------------------ stage 1: the source's runs

/** The active experiments to sync, by name when names are given (each must exist). */
async function sourceExperiments(
  source: TrackingStore,
  names: string[] | undefined,
): Promise<Experiment[]> {
  const all = await source.searchExperiments({ viewType: "ACTIVE_ONLY", maxResults: 50000 });
  if (!names?.length) return all;
  const wanted = new Set(names);
  for (const name of wanted) {
    if (!all.some((e) => e.name === name)) {
      throw new MlflowError(
        "RESOURCE_DOES_NOT_EXIST",
        `Experiment '${name}' does not exist in ${source.uri}`,
      );
    }
  }
  return all.filter((e) => wanted.has(e.name));
}

/** The logged models a run produced, by model id (dangling links skipped). */
async function sourceModels(source: TrackingStore, runId: string): Promise<SourceRun["models"]> {
  const out: SourceRun["models"] = [];
  for (const { modelId, step } of await source.getRunOutputs(runId)) {
    try {
      out.push({ model: await source.getLoggedModel(modelId), step });
    } catch (e) {
      if (!(e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST")) throw e;
    }
  }
  return out.sort((a, b) => (a.model.modelId < b.model.modelId ? -1 : 1));
}

/**
 * One run with a digest of everything a sync sends: metric histories (in the bytes of MLflow's
 * metric lines), artifact files by content hash, info, params, tags and models.
 */
async function readSourceRun(
  source: TrackingStore,
  run: Run,
  experiment: Experiment,
): Promise<SourceRun> {
  const runId = run.info.runId;
  const hash = createHash("sha256");
  const metricKeys = Object.keys(run.data.metrics).sort();
  for (const key of metricKeys) {
    const history = await source.getMetricHistory(runId, key);
    hash.update(`metric ${key}\n`);
    hash.update(history.map((p) => formatMetricLine(p.timestamp, p.value, p.step)).join(""));
  }
  const files = await walkArtifacts((path) => source.listArtifacts(runId, path));
  const artifacts: SourceRun["artifacts"] = [];
  for (const path of files.map((f) => f.path).sort()) {
    const content = await hashStream(await source.openArtifact(runId, path));
    const sha = content.hash.slice(0, 16);
    artifacts.push({ path, size: content.size, sha, hash: content.hash });
    hash.update(`artifact ${path} ${sha}\n`);
  }
  const models = await sourceModels(source, runId);
  const sorted = (r: Record<string, string>) =>
    Object.entries(r).sort(([a], [b]) => a < b ? -1 : 1);
  hash.update(JSON.stringify({
    info: [run.info.status, run.info.endTime, run.info.runName, run.info.startTime],
    params: sorted(run.data.params),
    tags: sorted(run.data.tags),
    models: models.map(({ model, step }) => [model.modelId, model.name, step]),
  }));
  return {
    run,
    experiment,
    metricKeys,
    artifacts,
    models,
    digest: hash.digest("hex").slice(0, 32),
  };
}

/**
 * Every run to sync, parents before their children (so links can be rewritten), then by start.
 * A run that cannot be read (say, a file it cannot open) comes with the reason instead.
 */
async function readSource(
  source: TrackingStore,
  experiments: Experiment[],
): Promise<SourceRun[]> {
  const runs: SourceRun[] = [];
  for (const experiment of experiments) {
    const { runs: found } = await source.searchRuns({
      experimentIds: [experiment.experimentId],
      maxResults: 50000,
    });
    for (const run of found) {
      try {
        runs.push(await readSourceRun(source, run, experiment));
      } catch (e) {
        if (serverUnavailable(e)) throw e;
        const error = `cannot read it: ${reason(e)}`;
        runs.push({
          run,
          experiment,
          metricKeys: [],
          artifacts: [],
          models: [],
          digest: "",
          error,
        });
      }
    }
  }
  const byId = new Map(runs.map((r) => [r.run.info.runId, r]));
  const depth = new Map<SourceRun, number>();
  for (const r of runs) {
    let d = 0;
    for (
      let p = r.run.data.tags["mlflow.parentRunId"];
      p && byId.has(p) && d < runs.length;
      p = byId.get(p)!.run.data.tags["mlflow.parentRunId"]
    ) d++;
    depth.set(r, d);
  }
  return runs.sort((a, b) =>
    depth.get(a)! - depth.get(b)! || a.run.info.startTime - b.run.info.startTime
  );
}

// ------------------------------------------------------------------ stage 2: the server's side

/**
 * The server's experiment for each source experiment with runs (created when missing, its tags
 * brought up to date), and the server runs already synced, by source run id.
 */
async function matchServer(
  server: RestStore,
  experiments: Experiment[],
  runs: SourceRun[],
  report: SyncReport,
): Promise<{ experimentIds: Map<string, string>; synced: Map<string, Run> }> {
  const experimentIds = new Map<string, string>();
  const synced = new Map<string, Run>();
  for (const experiment of experiments) {
    if (!runs.some((r) => r.experiment === experiment)) continue;
    try {
      await matchExperiment(server, experiment, report, experimentIds, synced);
    } catch (e) {
      if (serverUnavailable(e)) throw e;
      // Its runs cannot be sent; the other experiments' can.
      for (const r of runs) {
        if (r.experiment === experiment) r.error ??= `its experiment: ${reason(e)}`;
      }
    }
  }
  return { experimentIds, synced };
}

/** One experiment's side of {@linkcode matchServer}. */
async function matchExperiment(
  server: RestStore,
  experiment: Experiment,
  report: SyncReport,
  experimentIds: Map<string, string>,
  synced: Map<string, Run>,
): Promise<void> {
  let remote = await server.getExperimentByName(experiment.name);
  if (!remote) {
    try {
      await server.createExperiment(experiment.name, experiment.tags);
      report.experimentsCreated++;
    } catch (e) {
      if (!(e instanceof MlflowError && e.code === "RESOURCE_ALREADY_EXISTS")) throw e;
    }
    remote = await server.getExperimentByName(experiment.name);
  }
  if (!remote || remote.lifecycleStage !== "active") {
    throw new MlflowError(
      "INVALID_STATE",
      `Experiment '${experiment.name}' is deleted on ${server.uri}; restore it there first`,
    );
  }
  for (const [k, v] of Object.entries(experiment.tags)) {
    if (remote.tags[k] !== v) await server.setExperimentTag(remote.experimentId, k, v);
  }
  experimentIds.set(experiment.experimentId, remote.experimentId);
  const { runs: found } = await server.searchRuns({
    experimentIds: [remote.experimentId],
    filter: `tags.\`${SOURCE_RUN_TAG}\` != ''`,
    runViewType: "ALL",
    maxResults: 50000,
  });
  // Oldest first, so a stray second copy never replaces the first.
  for (const r of found.sort((a, b) => a.info.startTime - b.info.startTime)) {
    const source = r.data.tags[SOURCE_RUN_TAG]!;
    if (!synced.has(source)) synced.set(source, r);
  }
}

// ------------------------------------------------------------------ stage 3: pushing runs

/**
 * Pushes a store's runs to a tracking server; see the module docs for what "safe to run again"
 * means. Runs that cannot be sent (a param whose value differs on the server, a file that cannot
 * be read, a name the server refuses) are reported in `failed` with the reason and the rest
 * continue; a server that stops answering aborts the sync with its error, and running it again
 * finishes the job.
 *
 * @example
 * ```ts ignore
 * import { syncStore } from "./sync.ts";
 *
 * const report = await syncStore({ from: "mlruns", to: "http://127.0.0.1:5000" });
 * console.log(`${report.created} created, ${report.updated} updated`);
 * ```
 */
export async function syncStore(options: SyncOptions): Promise<SyncReport> {
  const source = typeof options.from === "string"
    ? openStore(options.from, { mustExist: true })
    : options.from;
  const server = typeof options.to === "string" ? new RestStore(options.to) : options.to;
  const report: SyncReport = {
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: [],
    experimentsCreated: 0,
    sent: zero(),
    runIds: {},
  };
  const experiments = await sourceExperiments(source, options.experiments);
  const runs = await readSource(source, experiments);
  const { experimentIds, synced } = await matchServer(server, experiments, runs, report);

  for (const [index, item] of runs.entries()) {
    const { run } = item;
    const runId = run.info.runId;
    const sent = zero();
    const existing = synced.get(runId);
    let outcome: SyncOutcome;
    let serverRunId = existing?.info.runId ?? "";
    let error: string | undefined;
    try {
      if (item.error !== undefined) throw new Error(item.error);
      if (existing && existing.info.lifecycleStage !== "active") {
        throw new MlflowError(
          "INVALID_STATE",
          `its copy ${existing.info.runId} is deleted on the server; restore or purge it there`,
        );
      }
      if (existing && existing.data.tags[DIGEST_TAG] === item.digest) {
        outcome = "unchanged";
      } else {
        outcome = existing ? "updated" : "created";
        serverRunId = await pushRun(source, server, item, existing, {
          experimentId: experimentIds.get(item.experiment.experimentId)!,
          parentId: (id) => report.runIds[id] ?? synced.get(id)?.info.runId,
          sent,
        });
      }
      report.runIds[runId] = serverRunId;
      report[outcome]++;
    } catch (e) {
      // A refusal concerns this run only; a server that stopped answering ends the sync.
      if (serverUnavailable(e)) {
        (e as Error).message = `Sync stopped at run ${runId} ('${run.info.runName}'): ${
          (e as Error).message
        }`;
        throw e;
      }
      outcome = "failed";
      error = reason(e);
      report.failed.push({ runId, runName: run.info.runName, error });
    }
    for (const k of Object.keys(sent) as (keyof SyncCounts)[]) report.sent[k] += sent[k];
    options.onProgress?.({
      index: index + 1,
      total: runs.length,
      experiment: item.experiment.name,
      runId,
      runName: run.info.runName,
      serverRunId,
      outcome,
      sent,
      ...(error !== undefined ? { error } : {}),
    });
  }
  return report;
}
