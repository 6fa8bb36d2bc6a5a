/**
 * What the file store's folders hold, read and written as Python MLflow reads and writes them:
 * experiment and run `meta.yaml` files, a run's params, metrics and tags, MLflow 3 logged models
 * (`<experiment>/models/<model_id>/`) and run outputs (`<run>/outputs/<model_id>/meta.yaml`).
 * Plain functions of a folder; the store decides which folder.
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { listDirs, walkFiles } from "../_internal/fs.ts";
import {
  dumpYaml,
  formatFloat,
  intField,
  latestPoint,
  type MetricLine,
  parseMetricLines,
  parseYaml,
  strField,
  type YamlValue,
} from "./_format.ts";
import {
  type Dataset,
  type DatasetInput,
  type Experiment,
  type LifecycleStage,
  LOGGED_MODEL_STATUSES,
  type LoggedModelInfo,
  type LoggedModelStatus,
  RUN_STATUSES,
  type RunData,
  type RunInfo,
  type RunInputs,
  type RunStatus,
} from "./entities.ts";
import { readNoFollow } from "./_atomic.ts";
import { Run } from "./run.ts";
import type { RunFilter } from "./search.ts";
import type { RunOutput, SearchResult, SkippedRun, ViewType } from "./store.ts";
import { validateKey } from "./validation.ts";

/** Where deleted experiments go (at the store's root). */
export const TRASH = ".trash";
// In an experiment: logged models; at the store's root: MLflow's model registry.
const MODELS = "models";
const RESERVED_IN_EXPERIMENT = new Set(["tags", "datasets", "traces", MODELS]);

/** Reads a `meta.yaml`, refusing an empty one. */
function readMeta(dir: string): Record<string, unknown> {
  const file = join(dir, "meta.yaml");
  let meta: Record<string, unknown> | null;
  try {
    meta = parseYaml(Deno.readTextFileSync(file));
  } catch (e) {
    throw new SyntaxError(`${file}: ${(e as Error).message}`, { cause: e });
  }
  if (!meta) throw new SyntaxError(`${file} is empty`);
  return meta;
}

/** Names the operating system's file managers leave in folders (never keys of a store). */
const OS_LITTER = /^(\.DS_Store|\._.*|Thumbs\.db|desktop\.ini|\.directory)$/i;
const warnedStray = new Set<string>();

/**
 * The keys stored under a params, metrics or tags folder: its files, less a file manager's
 * litter (`.DS_Store`, `Thumbs.db`, …), which is passed over with a warning (once per file)
 * instead of making the run unreadable.
 */
function keysIn(dir: string, kind: "metric" | "param" | "tag"): string[] {
  return walkFiles(dir).filter((key) => {
    const stray = OS_LITTER.test(key.slice(key.lastIndexOf("/") + 1));
    if (stray && !warnedStray.has(join(dir, key))) {
      warnedStray.add(join(dir, key));
      console.warn(`Skipping ${join(dir, key)}: not a ${kind} of the run (a stray file)`);
    }
    return !stray;
  });
}

/** Every file under `dir` as `{ key: text }` (a params or tags folder), stray files left out. */
export function readKeyFiles(dir: string, kind: "param" | "tag" = "tag"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keysIn(dir, kind)) out[key] = Deno.readTextFileSync(join(dir, key));
  return out;
}

// ------------------------------------------------------------------ experiments

/** An experiment's `meta.yaml` as MLflow 3 writes it. */
export function experimentMeta(
  experiment: Pick<Experiment, "experimentId" | "name" | "artifactLocation" | "lifecycleStage">,
  creationTime: number,
  lastUpdateTime: number,
): Record<string, YamlValue> {
  return {
    artifact_location: experiment.artifactLocation,
    creation_time: creationTime,
    experiment_id: experiment.experimentId,
    last_update_time: lastUpdateTime,
    lifecycle_stage: experiment.lifecycleStage,
    name: experiment.name,
    workspace: "default",
  };
}

/** Reads an experiment folder: its `meta.yaml` (whose id must match the folder) and tags. */
export function readExperiment(dir: string): Experiment {
  const meta = readMeta(dir);
  const id = strField(meta, "experiment_id");
  if (id !== basename(dir)) {
    throw new SyntaxError(`experiment_id '${id}' differs from its folder '${basename(dir)}'`);
  }
  return {
    experimentId: id,
    name: strField(meta, "name"),
    artifactLocation: strField(meta, "artifact_location"),
    lifecycleStage: strField(meta, "lifecycle_stage", "active") as LifecycleStage,
    creationTime: intField(meta, "creation_time"),
    lastUpdateTime: intField(meta, "last_update_time"),
    tags: readKeyFiles(join(dir, "tags")),
  };
}

/**
 * The folders of a store's experiments in a view: active ones at the root, deleted ones in
 * `.trash` (hidden folders, `.trash` itself and the model registry's `models/` are not
 * experiments).
 */
export function experimentFolders(root: string, viewType: ViewType): string[] {
  const dirs: string[] = [];
  if (viewType !== "DELETED_ONLY") {
    for (const name of listDirs(root)) {
      if (!name.endsWith(TRASH) && name !== MODELS && !name.startsWith(".")) {
        dirs.push(join(root, name));
      }
    }
  }
  if (viewType !== "ACTIVE_ONLY") {
    for (const name of listDirs(join(root, TRASH))) dirs.push(join(root, TRASH, name));
  }
  return dirs;
}

// ------------------------------------------------------------------ runs

/** A run's `meta.yaml`: current and legacy keys, so MLflow 2.x and 3.x both read it. */
export function runMeta(
  info: RunInfo,
  deletedTime: number | null | undefined,
): Record<string, YamlValue> {
  const meta: Record<string, YamlValue> = {
    artifact_uri: info.artifactUri,
    end_time: info.endTime,
    entry_point_name: "",
    experiment_id: info.experimentId,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
    run_name: info.runName,
    run_uuid: info.runId,
    source_name: "",
    source_type: 4,
    source_version: "",
    start_time: info.startTime,
    status: RUN_STATUSES.indexOf(info.status) + 1,
    tags: [],
    user_id: info.userId,
  };
  if (deletedTime !== undefined) meta.deleted_time = deletedTime;
  return meta;
}

/** Reads a run's `meta.yaml`, checking its ids against its folders. */
export function readRunInfo(dir: string): RunInfo {
  const meta = readMeta(dir);
  const runId = strField(meta, "run_id", strField(meta, "run_uuid"));
  if (runId !== basename(dir)) {
    throw new SyntaxError(`run_id '${runId}' differs from its folder '${basename(dir)}'`);
  }
  const experimentId = strField(meta, "experiment_id");
  if (experimentId !== basename(dirname(dir))) {
    throw new SyntaxError(`experiment_id '${experimentId}' differs from its experiment folder`);
  }
  const startTime = intField(meta, "start_time");
  if (startTime === null) throw new SyntaxError("start_time is missing");
  if (!("end_time" in meta)) throw new SyntaxError("end_time is missing");
  const statusRaw = meta["status"];
  let status: RunStatus = "RUNNING";
  if (statusRaw !== null && statusRaw !== undefined) {
    const asInt = Number(statusRaw);
    const name = Number.isInteger(asInt) ? RUN_STATUSES[asInt - 1] : String(statusRaw);
    if (!name || !(RUN_STATUSES as readonly string[]).includes(name)) {
      throw new SyntaxError(`status ${JSON.stringify(statusRaw)} is not a run status`);
    }
    status = name as RunStatus;
  }
  return {
    runId,
    experimentId,
    runName: strField(meta, "run_name"),
    userId: strField(meta, "user_id"),
    status,
    startTime,
    endTime: intField(meta, "end_time"),
    artifactUri: strField(meta, "artifact_uri"),
    lifecycleStage: strField(meta, "lifecycle_stage", "active") as LifecycleStage,
  };
}

/** The latest point of each metric of a run folder. */
export function latestPoints(dir: string): Map<string, MetricLine> {
  const out = new Map<string, MetricLine>();
  for (const key of keysIn(join(dir, "metrics"), "metric")) {
    const file = join(dir, "metrics", key);
    try {
      out.set(key, latestPoint(parseMetricLines(Deno.readTextFileSync(file), key)));
    } catch (e) {
      throw new SyntaxError(`${file}: ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}

/** Reads a run's params, latest metric values and tags. */
export function readRunData(dir: string): RunData {
  const metrics: Record<string, number> = {};
  for (const [key, point] of latestPoints(dir)) metrics[key] = point.value;
  return {
    params: readKeyFiles(join(dir, "params"), "param"),
    metrics,
    tags: readKeyFiles(join(dir, "tags")),
  };
}

/** The metric, param and tag keys a filter reads. */
export interface DataKeys {
  /** Metric keys. */
  metrics: Iterable<string>;
  /** Param keys. */
  params: Iterable<string>;
  /** Tag keys. */
  tags: Iterable<string>;
}

/** Reads only the given metric (latest value), param and tag keys of a run. */
export function readSomeRunData(dir: string, keys: DataKeys): RunData {
  const data: RunData = { params: {}, metrics: {}, tags: {} };
  // A key that could not have been logged (e.g. `../x`) is simply absent: never read it as a path.
  const loggable = (kind: "metric" | "param" | "tag", key: string) => {
    try {
      validateKey(kind, key);
      return true;
    } catch {
      return false;
    }
  };
  for (const key of keys.metrics) {
    if (!loggable("metric", key)) continue;
    const text = readNoFollow(join(dir, "metrics", key));
    if (text !== null) data.metrics[key] = latestPoint(parseMetricLines(text, key)).value;
  }
  for (const key of keys.params) {
    if (!loggable("param", key)) continue;
    const text = readNoFollow(join(dir, "params", key));
    if (text !== null) data.params[key] = text;
  }
  for (const key of keys.tags) {
    if (!loggable("tag", key)) continue;
    const text = readNoFollow(join(dir, "tags", key));
    if (text !== null) data.tags[key] = text;
  }
  return data;
}

/**
 * The runs in some experiment folders that are in the view and match the filter, unsorted; a run
 * the reader cannot parse is skipped with the reason (and a warning), never failing the rest.
 * The filter is decided on the keys it reads before the whole run is loaded.
 */
export function readRunFolders(
  experimentDirs: string[],
  viewType: ViewType,
  matches: RunFilter,
): SearchResult {
  const runs: Run[] = [];
  const skipped: SkippedRun[] = [];
  for (const expDir of experimentDirs) {
    for (const name of listDirs(expDir)) {
      if (RESERVED_IN_EXPERIMENT.has(name) || name.startsWith(".")) continue;
      const dir = join(expDir, name);
      try {
        const info = readRunInfo(dir);
        const wanted = viewType === "ALL" ||
          (viewType === "ACTIVE_ONLY") === (info.lifecycleStage === "active");
        if (!wanted) continue;
        if (!info.runName) {
          info.runName = readNoFollow(join(dir, "tags", "mlflow.runName")) ?? "";
        }
        // A run's dataset inputs are read before the filter only when it reads them.
        let inputs = matches.keys.datasets ? readRunInputs(dir) : undefined;
        const some = () => new Run(info, readSomeRunData(dir, matches.keys), inputs);
        if (!matches.empty && !matches(some())) continue;
        inputs ??= readRunInputs(dir);
        runs.push(new Run(info, readRunData(dir), inputs));
      } catch (e) {
        skipped.push({ path: dir, reason: (e as Error).message });
      }
    }
  }
  for (const s of skipped) console.warn(`Skipping malformed run ${s.path}: ${s.reason}`);
  return { runs, skipped };
}

// ------------------------------------------------------------------ logged models and outputs

/** A logged model's `meta.yaml` (status as MLflow's enum number). */
export function loggedModelMeta(model: LoggedModelInfo): Record<string, YamlValue> {
  return {
    artifact_location: model.artifactLocation,
    creation_timestamp: model.creationTimestamp,
    experiment_id: model.experimentId,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    model_id: model.modelId,
    model_type: null,
    name: model.name,
    source_run_id: model.sourceRunId,
    status: LOGGED_MODEL_STATUSES.indexOf(model.status),
    status_message: null,
  };
}

/** Reads a logged model's folder: `meta.yaml`, params and tags. */
export function readLoggedModel(dir: string): LoggedModelInfo {
  const meta = readMeta(dir);
  const modelId = strField(meta, "model_id");
  if (modelId !== basename(dir)) {
    throw new SyntaxError(`model_id '${modelId}' differs from its folder '${basename(dir)}'`);
  }
  const status = LOGGED_MODEL_STATUSES[intField(meta, "status") ?? 0] ??
    "LOGGED_MODEL_STATUS_UNSPECIFIED";
  const created = intField(meta, "creation_timestamp") ?? 0;
  return {
    modelId,
    experimentId: strField(meta, "experiment_id"),
    name: strField(meta, "name"),
    artifactLocation: strField(meta, "artifact_location"),
    sourceRunId: strField(meta, "source_run_id") || null,
    status: status as LoggedModelStatus,
    creationTimestamp: created,
    lastUpdatedTimestamp: intField(meta, "last_updated_timestamp") ?? created,
    params: readKeyFiles(join(dir, "params"), "param"),
    tags: readKeyFiles(join(dir, "tags")),
  };
}

/**
 * A logged model's metric file line, as MLflow writes it for a metric logged with a model id:
 * `<timestamp> <value> <step> <run_id>`.
 */
export function loggedModelMetricLine(
  point: { timestamp: number; value: number; step: number },
  runId: string,
): string {
  return `${point.timestamp} ${formatFloat(point.value)} ${point.step} ${runId}\n`;
}

/** A run output link's `meta.yaml` (both ids carry the model id, as MLflow's reader needs). */
export function runOutputMeta(output: RunOutput): string {
  return dumpYaml({
    destination_id: output.modelId,
    destination_type: "MODEL_OUTPUT",
    source_id: output.modelId,
    source_type: "RUN_OUTPUT",
    step: output.step,
  }) + "tags: {}\n";
}

/** Reads a run's output links (`<run>/outputs/*\/meta.yaml`), by model id. */
export function readRunOutputs(runDir: string): RunOutput[] {
  const out: RunOutput[] = [];
  const outputs = join(runDir, "outputs");
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(outputs)];
  } catch { /* no outputs */ }
  for (const e of entries) {
    const meta = parseYaml(Deno.readTextFileSync(join(outputs, e.name, "meta.yaml")));
    const modelId = meta ? strField(meta, "destination_id") : "";
    if (modelId) out.push({ modelId, step: Number(meta?.step ?? 0) || 0 });
  }
  return out;
}

// ------------------------------------------------------------------ dataset inputs

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

/** The id of a dataset's record in its experiment (`md5(name + digest)`, as MLflow's). */
export function datasetId(dataset: Dataset): string {
  return md5(dataset.name + dataset.digest);
}

/** The id of a run's link to a dataset (`md5(dataset_id + run_id)`, as MLflow's). */
export function inputId(datasetRecordId: string, runId: string): string {
  return md5(datasetRecordId + runId);
}

/** A dataset record's `meta.yaml` (`<experiment>/datasets/<id>/meta.yaml`). */
export function datasetMeta(dataset: Dataset): string {
  return dumpYaml({
    digest: dataset.digest,
    name: dataset.name,
    profile: dataset.profile,
    schema: dataset.schema,
    source: dataset.source,
    source_type: dataset.sourceType,
  });
}

/** A run's link to a dataset (`<run>/inputs/<id>/meta.yaml`), with its input tags. */
export function datasetInputMeta(datasetRecordId: string, tags: Record<string, string>): string {
  return dumpYaml({
    destination_id: datasetRecordId, // MLflow copies the source id here; readers ignore it
    destination_type: "RUN",
    source_id: datasetRecordId,
    source_type: "DATASET",
    tags,
  });
}

const warnedInputs = new Set<string>();

/**
 * The datasets a run folder records as inputs (in `inputs/`, each linking to a record under its
 * experiment's `datasets/`); a link to a missing record is skipped with a warning, as MLflow
 * does, and model inputs are left to the logged-model readers.
 */
export function readRunInputs(runDir: string): RunInputs {
  const inputs = join(runDir, "inputs");
  const datasets = join(dirname(runDir), "datasets");
  const out: DatasetInput[] = [];
  for (const name of listDirs(inputs)) {
    const link = readMeta(join(inputs, name));
    if (strField(link, "source_type") !== "DATASET") continue;
    const id = strField(link, "source_id");
    let record: Record<string, unknown>;
    try {
      record = readMeta(join(datasets, id));
    } catch (e) {
      if (!warnedInputs.has(join(inputs, name))) {
        warnedInputs.add(join(inputs, name));
        console.warn(`Skipping input ${join(inputs, name)}: ${(e as Error).message}`);
      }
      continue;
    }
    const tags: Record<string, string> = {};
    const rawTags = link.tags;
    if (rawTags && typeof rawTags === "object") {
      for (const [k, v] of Object.entries(rawTags as Record<string, unknown>)) tags[k] = String(v);
    }
    const optional = (key: string) => {
      const v = record[key];
      return v === null || v === undefined ? null : String(v);
    };
    out.push({
      dataset: {
        name: strField(record, "name"),
        digest: strField(record, "digest"),
        sourceType: strField(record, "source_type"),
        source: strField(record, "source"),
        schema: optional("schema"),
        profile: optional("profile"),
      },
      tags,
    });
  }
  return { datasetInputs: out };
}
