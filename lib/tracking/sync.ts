/**
 * Offline first, then sync: pushes the runs of a local `mlruns/` store to an MLflow tracking
 * server — experiments matched by name, runs with params, full metric histories, tags,
 * artifacts, logged models, status and times, nested-run links rewritten to the server's ids.
 *
 * Running it again is safe. Each server run records the local run it came from (the tag
 * `sync.source_run_id`) and a digest of what was sent (`sync.digest`, written last): a run whose
 * digest still matches is left alone, a run that grew gets only what the server lacks (metric
 * points, params, tags, artifact files, models), and a sync interrupted half-way — its digest
 * never written — is completed by the next one without duplicates. Artifact files are compared
 * by size and by the content hashes the last sync recorded (`sync.artifacts`).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseYaml, strField } from "./_format.ts";
import type { CreateRunOptions } from "./backend.ts";
import type { Experiment } from "./entities.ts";
import { MlflowError } from "./errors.ts";
import { RestStore } from "./rest.ts";
import type { Run } from "./run.ts";
import { FileStore, walkFiles } from "./store.ts";
import { MAX_TAG_VALUE_LENGTH } from "./validation.ts";

/** The server-run tag naming the local run a server run was synced from. */
export const SOURCE_RUN_TAG = "sync.source_run_id";
/** The server-run tag holding the digest of the local run as last synced. */
export const DIGEST_TAG = "sync.digest";
/** The server-run tag listing the content hash of each artifact file as last synced. */
export const MANIFEST_TAG = "sync.artifacts";
/** The logged-model tag naming the local logged model it was synced from. */
export const SOURCE_MODEL_TAG = "sync.source_model_id";

/** Options of {@linkcode syncStore}. */
export interface SyncOptions {
  /** The local store: a folder, `file:` URI or {@linkcode FileStore}. */
  from: string | FileStore;
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
  /** Runs that failed (the server refused something); the others were still synced. */
  failed: { runId: string; runName: string; error: string }[];
  /** Experiments created on the server. */
  experimentsCreated: number;
  /** Totals sent. */
  sent: SyncCounts;
  /** Local run id → server run id, for every run synced. */
  runIds: Record<string, string>;
}

const zero = (): SyncCounts => ({ points: 0, params: 0, tags: 0, artifacts: 0, models: 0 });

/** Whether a folder holds an MLflow file store (an experiment's meta.yaml, or .trash). */
function isStore(root: string): boolean {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return false;
  }
  return entries.some((e) => {
    if (e.name === ".trash") return true;
    try {
      return e.isDirectory && Deno.statSync(join(root, e.name, "meta.yaml")).isFile;
    } catch {
      return false;
    }
  });
}

/** The identity of a metric point as a server keeps it (SQL stores clamp ±∞ and drop -0). */
function pointKey(p: { step: number; timestamp: number; value: number }): string {
  let v = p.value;
  if (v === Infinity) v = Number.MAX_VALUE;
  else if (v === -Infinity) v = -Number.MAX_VALUE;
  else if (Object.is(v, -0)) v = 0;
  return `${p.step}|${p.timestamp}|${Number.isNaN(v) ? "NaN" : v}`;
}

interface LocalModel {
  modelId: string;
  name: string;
  step: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  artifactsDir: string;
}

interface LocalRun {
  run: Run;
  experiment: Experiment;
  metricKeys: string[];
  artifacts: { path: string; size: number; abs: string; sha: string }[];
  models: LocalModel[];
  digest: string;
  depth: number;
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of walkFiles(dir)) out[rel] = Deno.readTextFileSync(join(dir, rel));
  return out;
}

function localModels(store: FileStore, run: Run): LocalModel[] {
  const outputs = join(store.runDir(run.info.runId), "outputs");
  const out: LocalModel[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(outputs)];
  } catch { /* no outputs */ }
  for (const e of entries) {
    const link = parseYaml(Deno.readTextFileSync(join(outputs, e.name, "meta.yaml"))) ?? {};
    const modelId = strField(link, "destination_id");
    const dir = join(store.root, run.info.experimentId, "models", modelId);
    let meta: Record<string, unknown> | null;
    try {
      meta = parseYaml(Deno.readTextFileSync(join(dir, "meta.yaml")));
    } catch {
      continue; // a dangling output: nothing to send
    }
    out.push({
      modelId,
      name: strField(meta ?? {}, "name", "model"),
      step: Number(link.step ?? 0) || 0,
      params: readTree(join(dir, "params")),
      tags: readTree(join(dir, "tags")),
      artifactsDir: join(dir, "artifacts"),
    });
  }
  return out.sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
}

async function readLocalRun(
  store: FileStore,
  run: Run,
): Promise<Pick<LocalRun, "metricKeys" | "artifacts" | "models" | "digest">> {
  const runId = run.info.runId;
  const hash = createHash("sha256");
  // Metric files only grow, so their bytes identify their histories; they are parsed only for
  // runs that changed.
  const metricKeys = Object.keys(run.data.metrics).sort();
  const metricsDir = join(store.runDir(runId), "metrics");
  for (const key of metricKeys) {
    hash.update(`metric ${key}\n`).update(await Deno.readFile(join(metricsDir, key)));
  }
  const root = store.artifactDir(runId);
  const artifacts: LocalRun["artifacts"] = [];
  for (const path of walkFiles(root).sort()) {
    const bytes = await Deno.readFile(join(root, path));
    const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    artifacts.push({ path, size: bytes.length, abs: join(root, path), sha });
    hash.update(`artifact ${path} ${sha}\n`);
  }
  const models = localModels(store, run);
  const sorted = (r: Record<string, string>) =>
    Object.entries(r).sort(([a], [b]) => a < b ? -1 : 1);
  hash.update(JSON.stringify({
    info: [run.info.status, run.info.endTime, run.info.runName, run.info.startTime],
    params: sorted(run.data.params),
    tags: sorted(run.data.tags),
    models: models.map((m) => [m.modelId, m.name, m.step]),
  }));
  return { metricKeys, artifacts, models, digest: hash.digest("hex").slice(0, 32) };
}

/**
 * Pushes a local store's runs to a tracking server; see the module docs for what "safe to run
 * again" means. Runs the server refuses (say, a param whose value differs there) are reported
 * in `failed` and the rest continue; a server that stops answering aborts the sync with its
 * error, and running it again finishes the job.
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
  const local = options.from instanceof FileStore ? options.from : new FileStore(options.from);
  const server = options.to instanceof RestStore ? options.to : new RestStore(options.to);
  const report: SyncReport = {
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: [],
    experimentsCreated: 0,
    sent: zero(),
    runIds: {},
  };

  // ---- experiments: local ones matched by name on the server
  if (!isStore(local.root)) {
    throw new MlflowError("RESOURCE_DOES_NOT_EXIST", `No MLflow store at ${local.root}`);
  }
  let experiments = local.listExperiments("ACTIVE_ONLY");
  if (options.experiments?.length) {
    const wanted = new Set(options.experiments);
    for (const name of wanted) {
      if (!experiments.some((e) => e.name === name)) {
        throw new MlflowError(
          "RESOURCE_DOES_NOT_EXIST",
          `Experiment '${name}' does not exist in ${local.root}`,
        );
      }
    }
    experiments = experiments.filter((e) => wanted.has(e.name));
  }
  const runs: LocalRun[] = [];
  for (const experiment of experiments) {
    const { runs: found } = local.searchRuns({
      experimentIds: [experiment.experimentId],
      maxResults: 50000,
    });
    for (const run of found) {
      runs.push({ run, experiment, depth: 0, ...(await readLocalRun(local, run)) });
    }
  }
  // Parents before their children, so links can be rewritten to server ids.
  const byId = new Map(runs.map((r) => [r.run.info.runId, r]));
  for (const r of runs) {
    let depth = 0;
    for (
      let p = r.run.data.tags["mlflow.parentRunId"];
      p && byId.has(p) && depth < runs.length;
      p = byId.get(p)!.run.data.tags["mlflow.parentRunId"]
    ) depth++;
    r.depth = depth;
  }
  runs.sort((a, b) => a.depth - b.depth || a.run.info.startTime - b.run.info.startTime);

  const serverExperiments = new Map<string, string>(); // local id → server id
  const serverRuns = new Map<string, Run>(); // local run id → server run
  for (const experiment of experiments) {
    if (!runs.some((r) => r.experiment === experiment)) continue;
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
    const missingTags: Record<string, string> = {};
    for (const [k, v] of Object.entries(experiment.tags)) {
      if (remote.tags[k] !== v) missingTags[k] = v;
    }
    for (const [k, v] of Object.entries(missingTags)) {
      await server.setExperimentTag(remote.experimentId, k, v);
    }
    serverExperiments.set(experiment.experimentId, remote.experimentId);
    const { runs: synced } = await server.searchRuns({
      experimentIds: [remote.experimentId],
      filter: `tags.\`${SOURCE_RUN_TAG}\` != ''`,
      runViewType: "ALL",
      maxResults: 50000,
    });
    // Oldest first, so a stray second copy never replaces the first.
    for (const r of synced.sort((a, b) => a.info.startTime - b.info.startTime)) {
      const source = r.data.tags[SOURCE_RUN_TAG]!;
      if (!serverRuns.has(source)) serverRuns.set(source, r);
    }
  }

  for (const [index, item] of runs.entries()) {
    const { run } = item;
    const runId = run.info.runId;
    const sent = zero();
    const existing = serverRuns.get(runId);
    let outcome: SyncOutcome;
    let serverRunId = existing?.info.runId ?? "";
    let error: string | undefined;
    try {
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
        serverRunId = await pushRun(server, item, existing, {
          local,
          experimentId: serverExperiments.get(item.experiment.experimentId)!,
          parentId: (id) => report.runIds[id] ?? serverRuns.get(id)?.info.runId,
          sent,
        });
      }
      report.runIds[runId] = serverRunId;
      report[outcome]++;
    } catch (e) {
      // A refusal concerns this run only; anything else (the server gone) ends the sync.
      if (!(e instanceof MlflowError) || !e.httpStatus || e.httpStatus >= 500) {
        if (e instanceof MlflowError || e instanceof Error) {
          e.message = `Sync stopped at run ${runId} ('${run.info.runName}'): ${e.message}`;
        }
        throw e;
      }
      outcome = "failed";
      error = e.message;
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

/**
 * Creates the server copy of a local run at most once. A create whose answer is lost (the server
 * failed after committing it) must not be repeated blindly: before trying again, look for a run
 * carrying the source tag.
 */
async function createOnce(
  server: RestStore,
  experimentId: string,
  sourceRunId: string,
  options: CreateRunOptions,
): Promise<Run> {
  const once = server.withOptions({ maxRetries: 0 });
  for (let attempt = 0;; attempt++) {
    try {
      return await once.createRun(options);
    } catch (e) {
      const status = e instanceof MlflowError ? e.httpStatus ?? 0 : 0;
      const transient = e instanceof MlflowError &&
        (e.code === "TEMPORARILY_UNAVAILABLE" || status >= 500 || status === 408 ||
          status === 429);
      if (!transient || attempt >= 3) throw e;
      // The searches retry as usual, so this also waits for a restarting server.
      const { runs } = await server.searchRuns({
        experimentIds: [experimentId],
        filter: `tags.\`${SOURCE_RUN_TAG}\` = '${sourceRunId}'`,
        runViewType: "ALL",
      });
      if (runs[0]) return runs[0];
    }
  }
}

/** Sends whatever the server's copy of one run lacks; returns the server run id. */
async function pushRun(
  server: RestStore,
  item: LocalRun,
  existing: Run | undefined,
  ctx: {
    local: FileStore;
    experimentId: string;
    parentId: (localId: string) => string | undefined;
    sent: SyncCounts;
  },
): Promise<string> {
  const { run } = item;
  const { sent } = ctx;
  // Tags as the server should hold them: the parent link rewritten, the source recorded.
  const tags: Record<string, string> = { ...run.data.tags, [SOURCE_RUN_TAG]: run.info.runId };
  delete tags[DIGEST_TAG];
  delete tags[MANIFEST_TAG];
  const parent = tags["mlflow.parentRunId"];
  if (parent) {
    const mapped = ctx.parentId(parent);
    if (mapped) tags["mlflow.parentRunId"] = mapped;
    else delete tags["mlflow.parentRunId"]; // its parent is not on the server
  }
  let target = existing;
  if (!target) {
    target = await createOnce(server, ctx.experimentId, run.info.runId, {
      experimentId: ctx.experimentId,
      runName: run.info.runName,
      userId: run.info.userId,
      startTime: run.info.startTime,
      tags,
    });
    sent.tags += Object.keys(tags).length;
  }
  const serverId = target.info.runId;

  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.data.params)) {
    const there = target.data.params[k];
    if (there === undefined) params[k] = v;
    else if (there !== v) {
      throw new MlflowError(
        "INVALID_PARAMETER_VALUE",
        `param '${k}' is '${there}' on the server but '${v}' here`,
        { httpStatus: 400 },
      );
    }
  }
  const changedTags: Record<string, string> = {};
  if (existing) {
    for (const [k, v] of Object.entries(tags)) if (target.data.tags[k] !== v) changedTags[k] = v;
  }
  const points: { key: string; value: number; timestamp: number; step: number }[] = [];
  for (const key of item.metricKeys) {
    const history = ctx.local.getMetricHistory(run.info.runId, key);
    const have = new Set<string>();
    if (key in target.data.metrics) {
      for (const p of await server.getMetricHistory(serverId, key)) have.add(pointKey(p));
    }
    for (const p of history) {
      const id = pointKey(p);
      if (!have.has(id)) {
        have.add(id);
        points.push({ key, value: p.value, timestamp: p.timestamp, step: p.step });
      }
    }
  }
  if (Object.keys(params).length || points.length || Object.keys(changedTags).length) {
    await server.logBatch(serverId, { params, metrics: points, tags: changedTags });
  }
  sent.params += Object.keys(params).length;
  sent.points += points.length;
  sent.tags += Object.keys(changedTags).length;

  // Artifact files the server lacks or holds with other content: sizes come from the server's
  // listing, content hashes from the manifest the last sync left (else the file is compared).
  const remote = new Map<string, number | undefined>();
  if (existing) {
    for (const f of await server.walkArtifacts(serverId)) remote.set(f.path, f.fileSize);
  }
  let manifest: Record<string, string> | null = null;
  try {
    manifest = JSON.parse(target.data.tags[MANIFEST_TAG] ?? "null");
  } catch { /* not ours: compare the files instead */ }
  for (const f of item.artifacts) {
    if (remote.get(f.path) === f.size && manifest?.[f.path] === f.sha) continue;
    const bytes = await Deno.readFile(f.abs);
    if (!manifest && remote.get(f.path) === f.size) {
      const there = await server.readArtifact(serverId, f.path);
      if (there.length === bytes.length && there.every((b, i) => b === bytes[i])) continue;
    }
    await server.writeArtifact(serverId, f.path, bytes);
    sent.artifacts++;
  }

  // Logged models: linked to the run first, then uploaded and finalized, so a second sync
  // finds a half-sent model through the run's outputs and finishes it.
  if (item.models.length) {
    const onServer = new Map<string, { modelId: string; status: string; artifactUri: string }>();
    for (const { modelId } of await server.runOutputs(serverId)) {
      const m = await server.getLoggedModel(modelId);
      const source = m.tags[SOURCE_MODEL_TAG];
      if (source) onServer.set(source, m);
    }
    for (const m of item.models) {
      let remoteModel = onServer.get(m.modelId);
      if (!remoteModel) {
        const created = await server.createLoggedModel({
          experimentId: ctx.experimentId,
          name: m.name,
          sourceRunId: serverId,
          params: m.params,
          tags: { ...m.tags, [SOURCE_MODEL_TAG]: m.modelId },
        });
        await server.logOutputs(serverId, [{ modelId: created.modelId, step: m.step }]);
        remoteModel = { ...created, status: "LOGGED_MODEL_PENDING" };
      }
      if (remoteModel.status !== "LOGGED_MODEL_READY") {
        // MLmodel names the model, its run and its folder: point them at the server's copies.
        const ids: [string, string][] = [
          [m.modelId, remoteModel.modelId],
          [run.info.runId, serverId],
          [`file://${m.artifactsDir}`, remoteModel.artifactUri],
        ];
        await server.uploadFolder(remoteModel.artifactUri, m.artifactsDir, (rel, bytes) => {
          if (rel !== "MLmodel") return bytes;
          let text = new TextDecoder().decode(bytes);
          for (const [from, to] of ids) text = text.replaceAll(from, to);
          return new TextEncoder().encode(text);
        });
        await server.finalizeLoggedModel(remoteModel.modelId);
        sent.models++;
      }
    }
  }

  const info = run.info;
  if (
    target.info.status !== info.status || target.info.endTime !== info.endTime
  ) {
    await server.updateRunInfo(serverId, {
      status: info.status,
      ...(info.endTime !== null ? { endTime: info.endTime } : {}),
    });
  }
  // Last: the digest says everything above is on the server.
  const last: Record<string, string> = { [DIGEST_TAG]: item.digest };
  const files = JSON.stringify(Object.fromEntries(item.artifacts.map((f) => [f.path, f.sha])));
  if (files.length <= MAX_TAG_VALUE_LENGTH) last[MANIFEST_TAG] = files;
  await server.logBatch(serverId, { tags: last });
  return serverId;
}
