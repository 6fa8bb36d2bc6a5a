/**
 * Stage 3 of a sync: pushing one run to the server — its copy created at most once, then the
 * params, metric points, tags, artifact files and logged models the copy lacks, its status,
 * and last the digest that says it is complete.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { walkArtifacts } from "./artifact_repo.ts";
import type { Experiment, LoggedModelInfo } from "./entities.ts";
import { MlflowError } from "./errors.ts";
import type { RestStore } from "./rest_store.ts";
import type { Run } from "./run.ts";
import type { CreateRunOptions, TrackingStore } from "./store.ts";
import type { SyncCounts } from "./sync.ts";
import { MAX_TAG_VALUE_LENGTH } from "./validation.ts";

/**
 * The server-run tag naming the local run a server run was synced from.
 *
 * @example Find the server copy of a local run
 * ```ts
 * import { SOURCE_RUN_TAG } from "./_sync_push.ts";
 * import assert from "node:assert/strict";
 *
 * const filter = `tags.\`${SOURCE_RUN_TAG}\` = '${"a".repeat(32)}'`;
 * assert.equal(filter, `tags.\`sync.source_run_id\` = '${"a".repeat(32)}'`);
 * ```
 */
export const SOURCE_RUN_TAG = "sync.source_run_id";
/**
 * The server-run tag holding the digest of the local run as last synced (written last, so a
 * server run without it was cut off half-way).
 *
 * @example
 * ```ts
 * import { DIGEST_TAG } from "./_sync_push.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DIGEST_TAG, "sync.digest");
 * ```
 */
export const DIGEST_TAG = "sync.digest";
/**
 * The server-run tag listing the content hash of each artifact file as last synced (JSON of
 * path → hash).
 *
 * @example
 * ```ts
 * import { MANIFEST_TAG } from "./_sync_push.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MANIFEST_TAG, "sync.artifacts");
 * ```
 */
export const MANIFEST_TAG = "sync.artifacts";
/**
 * The logged-model tag naming the local logged model it was synced from.
 *
 * @example
 * ```ts
 * import { SOURCE_MODEL_TAG } from "./_sync_push.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SOURCE_MODEL_TAG, "sync.source_model_id");
 * ```
 */
export const SOURCE_MODEL_TAG = "sync.source_model_id";

/** A source run as the sync sees it. */
export interface SourceRun {
  run: Run;
  experiment: Experiment;
  metricKeys: string[];
  /** Its files: size, the hash a sync records (16 hex digits) and the whole SHA-256. */
  artifacts: { path: string; size: number; sha: string; hash: string }[];
  models: { model: LoggedModelInfo; step: number }[];
  digest: string;
  /** Why it cannot be sent, when it cannot. */
  error?: string;
}

/** The identity of a metric point as a server keeps it (SQL stores clamp ±∞ and drop -0). */
function pointKey(p: { step: number; timestamp: number; value: number }): string {
  let v = p.value;
  if (v === Infinity) v = Number.MAX_VALUE;
  else if (v === -Infinity) v = -Number.MAX_VALUE;
  else if (Object.is(v, -0)) v = 0;
  return `${p.step}|${p.timestamp}|${Number.isNaN(v) ? "NaN" : v}`;
}

/** Where a run is pushed to, and what was sent for it. */
export interface PushContext {
  experimentId: string;
  parentId: (sourceId: string) => string | undefined;
  sent: SyncCounts;
}

/**
 * Creates the server copy of a source run at most once. A create whose answer is lost (the
 * server failed after committing it) must not be repeated blindly: before trying again, look
 * for a run carrying the source tag.
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

/** The server copy of a run: the existing one, or one created with the run's tags. */
async function serverCopy(
  server: RestStore,
  item: SourceRun,
  existing: Run | undefined,
  tags: Record<string, string>,
  ctx: PushContext,
): Promise<Run> {
  if (existing) return existing;
  const { run } = item;
  const created = await createOnce(server, ctx.experimentId, run.info.runId, {
    experimentId: ctx.experimentId,
    runName: run.info.runName,
    userId: run.info.userId,
    startTime: run.info.startTime,
    tags,
  });
  ctx.sent.tags += Object.keys(tags).length;
  return created;
}

/** Params, metric points and tags the server copy lacks, in one batch. */
async function pushData(
  source: TrackingStore,
  server: RestStore,
  item: SourceRun,
  target: Run,
  changedTags: Record<string, string>,
  sent: SyncCounts,
): Promise<void> {
  const { run } = item;
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
  const points: { key: string; value: number; timestamp: number; step: number }[] = [];
  for (const key of item.metricKeys) {
    const have = new Set<string>();
    if (key in target.data.metrics) {
      for (const p of await server.getMetricHistory(serverId, key)) have.add(pointKey(p));
    }
    for (const p of await source.getMetricHistory(run.info.runId, key)) {
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
}

/**
 * Artifact files the server lacks or holds with other content: sizes come from the server's
 * listing, content hashes from the manifest the last sync left (else the file is compared).
 */
async function pushArtifacts(
  source: TrackingStore,
  server: RestStore,
  item: SourceRun,
  target: Run,
  existed: boolean,
  sent: SyncCounts,
): Promise<void> {
  const serverId = target.info.runId;
  const remote = new Map<string, number | undefined>();
  if (existed) {
    const files = await walkArtifacts((path) => server.listArtifacts(serverId, path));
    for (const f of files) remote.set(f.path, f.fileSize);
  }
  let manifest: Record<string, string> | null = null;
  try {
    manifest = JSON.parse(target.data.tags[MANIFEST_TAG] ?? "null");
  } catch { /* not ours: compare the files instead */ }
  for (const f of item.artifacts) {
    if (remote.get(f.path) === f.size && manifest?.[f.path] === f.sha) continue;
    if (!manifest && remote.get(f.path) === f.size) {
      const there = createHash("sha256");
      for await (const chunk of await server.openArtifact(serverId, f.path)) there.update(chunk);
      if (there.digest("hex") === f.hash) continue;
    }
    // Streamed from the source, opened again if the upload is retried.
    await server.uploadArtifact(
      serverId,
      f.path,
      () => source.openArtifact(item.run.info.runId, f.path),
    );
    sent.artifacts++;
  }
}

/**
 * Logged models: linked to the run first, then uploaded and finalized, so a second sync finds a
 * half-sent model through the run's outputs and finishes it.
 */
async function pushModels(
  source: TrackingStore,
  server: RestStore,
  item: SourceRun,
  serverId: string,
  ctx: PushContext,
): Promise<void> {
  if (!item.models.length) return;
  const onServer = new Map<string, LoggedModelInfo>();
  for (const { modelId } of await server.getRunOutputs(serverId)) {
    const m = await server.getLoggedModel(modelId);
    const from = m.tags[SOURCE_MODEL_TAG];
    if (from) onServer.set(from, m);
  }
  for (const { model, step } of item.models) {
    let remote = onServer.get(model.modelId);
    if (!remote) {
      remote = await server.createLoggedModel({
        experimentId: ctx.experimentId,
        name: model.name,
        sourceRunId: serverId,
        params: model.params,
        tags: { ...model.tags, [SOURCE_MODEL_TAG]: model.modelId },
      });
      await server.logOutputs(serverId, [{ modelId: remote.modelId, step }]);
    }
    if (remote.status === "LOGGED_MODEL_READY") continue;
    // MLmodel names the model, its run and its folder: point them at the server's copies.
    const renames: [string, string][] = [
      [model.modelId, remote.modelId],
      [item.run.info.runId, serverId],
      [model.artifactLocation, remote.artifactLocation],
    ];
    const files = await walkArtifacts((path) =>
      source.listLoggedModelArtifacts(model.modelId, path)
    );
    for (const { path } of files) {
      let bytes = await source.readLoggedModelArtifact(model.modelId, path);
      if (path === "MLmodel") {
        let text = new TextDecoder().decode(bytes);
        for (const [from, to] of renames) text = text.replaceAll(from, to);
        bytes = new TextEncoder().encode(text);
      }
      await server.writeLoggedModelArtifact(remote.modelId, path, bytes);
    }
    await server.finalizeLoggedModel(remote.modelId, "LOGGED_MODEL_READY");
    ctx.sent.models++;
  }
}

/** Sends whatever the server's copy of one run lacks; returns the server run id. */
export async function pushRun(
  source: TrackingStore,
  server: RestStore,
  item: SourceRun,
  existing: Run | undefined,
  ctx: PushContext,
): Promise<string> {
  const { run } = item;
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
  const target = await serverCopy(server, item, existing, tags, ctx);
  const serverId = target.info.runId;
  const changedTags: Record<string, string> = {};
  if (existing) {
    for (const [k, v] of Object.entries(tags)) if (target.data.tags[k] !== v) changedTags[k] = v;
  }
  await pushData(source, server, item, target, changedTags, ctx.sent);
  await pushArtifacts(source, server, item, target, existing !== undefined, ctx.sent);
  await pushModels(source, server, item, serverId, ctx);
  const info = run.info;
  if (target.info.status !== info.status || target.info.endTime !== info.endTime) {
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
