/**
 * `deno task report`'s executions, tied to the runs they log: a notebook executed once per
 * combination of the parameters asked for ({@linkcode planReport}, then {@linkcode runReport}).
 * Each execution gives its kernel an id ({@linkcode EXECUTION_ENV}) that every run started in
 * it carries as a tag; afterwards the runs are found by that tag in every experiment of the
 * tracking store (through the store contract, so a tracking server works as well as `mlruns/`),
 * and get the executed notebook and the HTML report as artifacts (`notebook/<name>.ipynb`,
 * `notebook/<name>.html`) and the injected parameters as a tag. Several combinations make a
 * sweep: a parent run in the runs' experiment, with each execution's runs nested under it and
 * the sweep summarised on it ({@linkcode summarizeSweep}).
 *
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { progress } from "../lib/display/progress.ts";
import { summarizeSweep } from "../lib/experiment/sweep.ts";
import {
  contextTags,
  EXECUTION_ENV,
  NOTEBOOK_TAGS,
  type NotebookExecution,
} from "../lib/tracking/context.ts";
import { openStore, PROCESS_TAG, Run, type TrackingStore } from "../lib/tracking/mod.ts";
import { isServerUri, uriToPath } from "../lib/tracking/uri.ts";
import { executeNotebook, REPORTS_DIR } from "./jupyter.ts";
import {
  checkParameters,
  combinations,
  executionName,
  injectParameters,
  type Notebook,
  notebookParameters,
  type ParameterGrid,
} from "./parameters.ts";
import { REPO_ROOT } from "./python.ts";

/**
 * The tag on a sweep's parent run holding the grid it executed (JSON).
 *
 * @example The grid of a parent run
 * ```ts ignore
 * import { GRID_TAG } from "./report.ts";
 *
 * const grid = JSON.parse(parent.data.tags[GRID_TAG]!); // { nNeighbors: [1, 3, 5] }
 * ```
 */
export const GRID_TAG = "deno.notebook.grid";

/**
 * A notebook's executions, checked and named before anything runs.
 *
 * @example The files each execution will write
 * ```ts ignore
 * import { planReport, type ReportPlan } from "./report.ts";
 *
 * const plan: ReportPlan = await planReport("notebooks/train_kneighbors.ipynb", { nNeighbors: [7] });
 * console.log(plan.executions.map((e) => `${e.name}.html`));
 * ```
 */
export interface ReportPlan {
  /** The notebook's absolute path. */
  notebook: string;
  /** Its content. */
  content: Notebook;
  /** The grid asked for (empty: one execution with the defaults). */
  grid: ParameterGrid;
  /** One execution per combination: the parameters injected and the name of its files. */
  executions: { parameters: Record<string, unknown>; name: string }[];
}

/**
 * Reads a notebook and plans its executions: checks that its parameters cell declares every
 * parameter of the grid (throwing an error that names the unknown and the known ones, before
 * anything runs), and names each combination's files, keeping names of different combinations
 * apart.
 *
 * @example A grid of three values of k
 * ```ts ignore
 * import { planReport } from "./report.ts";
 *
 * const plan = await planReport("notebooks/train_kneighbors.ipynb", { nNeighbors: [1, 3, 5] });
 * console.log(plan.executions.map((e) => e.name)); // ["train_kneighbors-nNeighbors=1", …]
 * ```
 */
export async function planReport(notebook: string, grid: ParameterGrid = {}): Promise<ReportPlan> {
  const path = resolve(notebook);
  const content = JSON.parse(await Deno.readTextFile(path)) as Notebook;
  checkParameters(relative(Deno.cwd(), path), notebookParameters(content), Object.keys(grid));
  const base = basename(path, ".ipynb");
  const taken = new Set<string>();
  const executions = combinations(grid).map((parameters) => {
    let name = executionName(base, parameters);
    for (let i = 2; taken.has(name); i++) name = `${executionName(base, parameters)}-${i}`;
    taken.add(name);
    return { parameters, name };
  });
  return { notebook: path, content, grid, executions };
}

/**
 * Options of {@linkcode runReport}.
 *
 * @example A sweep judged by its loss, into a temporary folder
 * ```ts ignore
 * import { planReport, runReport, type RunReportOptions } from "./report.ts";
 *
 * const options: RunReportOptions = { metric: "test_log_loss", greaterIsBetter: false, outDir: "/tmp/r" };
 * await runReport(await planReport("notebooks/train_kneighbors.ipynb", { nNeighbors: [3, 9] }), options);
 * ```
 */
export interface RunReportOptions {
  /** Hide code cells in the reports. @default false */
  noInput?: boolean;
  /** Folder of the reports and executed notebooks. @default reports/ */
  outDir?: string;
  /** Seconds a cell may run. @default 600 */
  timeout?: number;
  /** Extra environment for the kernel; its `MLFLOW_TRACKING_URI` is also where runs are found. */
  env?: Record<string, string>;
  /** The metric that picks a sweep's best run. @default "test_accuracy" */
  metric?: string;
  /** Whether a higher value of `metric` is better. @default true */
  greaterIsBetter?: boolean;
  /** Show a progress line while a sweep's executions go by. @default true */
  progress?: boolean;
}

/**
 * One execution of a notebook, and what it logged.
 *
 * @example The runs of each execution
 * ```ts ignore
 * import type { ExecutionOutcome } from "./report.ts";
 *
 * const show = (e: ExecutionOutcome) => `${e.name}: ${e.runs.map((r) => r.info.runName)}`;
 * ```
 */
export interface ExecutionOutcome {
  /** The parameters injected (empty for the defaults). */
  parameters: Record<string, unknown>;
  /** The name of its files. */
  name: string;
  /** Its HTML report. */
  html: string;
  /** The executed notebook. */
  notebook: string | null;
  /** The failing cell's error, or null when every cell ran. */
  error: string | null;
  /** The runs it logged, read back after its files were attached to them. */
  runs: Run[];
  /** How long it took, in seconds. */
  seconds: number;
}

/**
 * What {@linkcode runReport} did.
 *
 * @example The sweep's parent and best run
 * ```ts ignore
 * import { planReport, runReport, type NotebookReport } from "./report.ts";
 *
 * const report: NotebookReport = await runReport(
 *   await planReport("notebooks/train_kneighbors.ipynb", { nNeighbors: [1, 3, 5] }),
 * );
 * console.log(report.parent?.info.runId, report.best?.info.runName, report.failed);
 * ```
 */
export interface NotebookReport {
  /** The notebook's absolute path. */
  notebook: string;
  /** Every execution, in grid order. */
  executions: ExecutionOutcome[];
  /** A sweep's parent run (several combinations that logged runs), else null. */
  parent: Run | null;
  /** The sweep's best run by the metric, else null. */
  best: Run | null;
  /** How many executions failed. */
  failed: number;
}

/**
 * The tracking URI the report task and its kernels use: the `MLFLOW_TRACKING_URI` given (in
 * `env`, else this process's), else the repository's `mlruns/` — where a kernel started in
 * `notebooks/` logs by default. A folder or `file:` URI comes back as an absolute path, so the
 * kernel, which starts in the notebook's folder, resolves it the same way.
 *
 * @example A relative folder, made absolute
 * ```ts ignore
 * import { reportTrackingUri } from "./report.ts";
 *
 * console.log(reportTrackingUri({ MLFLOW_TRACKING_URI: "runs" })); // "/abs/cwd/runs"
 * ```
 */
export function reportTrackingUri(env: Record<string, string> = {}): string {
  const given = env.MLFLOW_TRACKING_URI ?? Deno.env.get("MLFLOW_TRACKING_URI");
  if (!given) return join(REPO_ROOT, "mlruns");
  return isServerUri(given) ? given : uriToPath(given);
}

/**
 * The runs an execution logged: those tagged with its id, in any experiment of the store,
 * oldest first.
 *
 * @example The runs of one execution
 * ```ts ignore
 * import { openStore } from "../lib/tracking/mod.ts";
 * import { executionRuns } from "./report.ts";
 *
 * const runs = await executionRuns(openStore("mlruns"), "3f0c…");
 * ```
 */
export async function executionRuns(store: TrackingStore, executionId: string): Promise<Run[]> {
  const experiments = await store.searchExperiments({ maxResults: 50_000 });
  if (experiments.length === 0) return [];
  const { runs } = await store.searchRuns({
    experimentIds: experiments.map((e) => e.experimentId),
    filter: `tags.\`${NOTEBOOK_TAGS.execution}\` = '${executionId.replace(/'/g, "")}'`,
    orderBy: ["attributes.start_time ASC"],
    maxResults: 50_000,
  });
  return runs;
}

/** The artifact folder of an execution's files on its runs. */
const ARTIFACT_DIR = "notebook";

/** Attaches an execution's files and parameters to one of its runs, and reads it back. */
async function attach(store: TrackingStore, run: Run, outcome: ExecutionOutcome): Promise<Run> {
  const id = run.info.runId;
  const tags: Record<string, string> = {
    [NOTEBOOK_TAGS.parameters]: JSON.stringify(outcome.parameters),
    [NOTEBOOK_TAGS.report]: `${ARTIFACT_DIR}/${basename(outcome.html)}`,
  };
  if (outcome.notebook) {
    await store.logArtifact(id, outcome.notebook, ARTIFACT_DIR);
    tags[NOTEBOOK_TAGS.notebook] = `${ARTIFACT_DIR}/${basename(outcome.notebook)}`;
  }
  await store.logArtifact(id, outcome.html, ARTIFACT_DIR);
  await store.logBatch(id, { tags });
  return await store.getRun(id);
}

/** One execution: the notebook with its parameters injected, its runs found and given its files. */
async function executeOne(
  store: TrackingStore,
  plan: ReportPlan,
  execution: ReportPlan["executions"][number],
  options: RunReportOptions & { trackingUri: string },
): Promise<ExecutionOutcome> {
  const { parameters, name } = execution;
  const id = crypto.randomUUID();
  const env: NotebookExecution = {
    id,
    parameters,
    report: `${ARTIFACT_DIR}/${name}.html`,
    notebook: `${ARTIFACT_DIR}/${name}.ipynb`,
  };
  const done = await executeNotebook(plan.notebook, {
    content: injectParameters(plan.content, parameters),
    name,
    keepNotebook: true,
    noInput: options.noInput ?? false,
    outDir: options.outDir ?? REPORTS_DIR,
    timeout: options.timeout ?? 600,
    env: {
      ...options.env,
      MLFLOW_TRACKING_URI: options.trackingUri,
      [EXECUTION_ENV]: JSON.stringify(env),
    },
  });
  const outcome: ExecutionOutcome = { parameters, name, ...done, runs: [] };
  for (const run of await executionRuns(store, id)) {
    try {
      outcome.runs.push(await attach(store, run, outcome));
    } catch (e) {
      console.warn(`Run ${run.info.runId}: the report could not be attached: ${e}`);
      outcome.runs.push(run);
    }
  }
  return outcome;
}

/**
 * An execution's parameters as `name=value` words (strings as they are, other values as JSON),
 * or `defaults` when none were injected.
 *
 * @example Words for a progress line
 * ```ts
 * import { describeParameters } from "./report.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(describeParameters({ maxDepth: 3, criterion: "gini" }), "maxDepth=3 criterion=gini");
 * assert.equal(describeParameters({}), "defaults");
 * ```
 */
export function describeParameters(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ") || "defaults";
}

/**
 * Executes a planned notebook once per combination, one after the other, each from a fresh Deno
 * kernel, writing `<outDir>/<name>.html` and `<name>.ipynb`; an execution that fails is
 * recorded (its files show the error) and the next one goes on. The runs each execution logged
 * get its files as artifacts and its parameters as a tag. With several combinations, the
 * runs the executions started at the top level are nested under a new parent run, in the
 * experiment most of them are in, which records the values swept, the best run by `metric` and
 * its metrics, how many executions failed, and a chart of the sweep; the chart and the summary
 * see each run's params together with the notebook parameters of its execution.
 *
 * @example Three values of k, under one parent run
 * ```ts ignore
 * import { planReport, runReport } from "./report.ts";
 *
 * const plan = await planReport("notebooks/train_kneighbors.ipynb", { nNeighbors: [1, 3, 5] });
 * const report = await runReport(plan, { outDir: "/tmp/reports" });
 * console.log(report.parent?.data.tags["sweep.best_run_name"], report.failed);
 * ```
 */
export async function runReport(
  plan: ReportPlan,
  options: RunReportOptions = {},
): Promise<NotebookReport> {
  const trackingUri = reportTrackingUri(options.env);
  const store = openStore(trackingUri);
  const sweep = plan.executions.length > 1;
  const startTime = Date.now();
  const bar = sweep && options.progress !== false
    ? progress(plan.executions.length, { label: basename(plan.notebook, ".ipynb") })
    : undefined;
  const executions: ExecutionOutcome[] = [];
  try {
    for (const execution of plan.executions) {
      const what = describeParameters(execution.parameters);
      bar?.update(executions.length, `${what} …`);
      const outcome = await executeOne(store, plan, execution, { ...options, trackingUri });
      executions.push(outcome);
      const runs = outcome.runs.length;
      bar?.update(
        executions.length,
        `${what}: ${outcome.error ? "failed" : `${runs} run${runs === 1 ? "" : "s"}`}`,
      );
    }
  } finally {
    await bar?.done();
  }
  const failed = executions.filter((e) => e.error !== null).length;
  if (!sweep) return { notebook: plan.notebook, executions, parent: null, best: null, failed };
  const { parent, best } = await nestSweep(store, plan, executions, startTime, options);
  return { notebook: plan.notebook, executions, parent, best, failed };
}

/** The runs an execution started at the top level (not nested under another of its runs). */
function topLevel(outcome: ExecutionOutcome): Run[] {
  return outcome.runs.filter((r) => r.data.tags["mlflow.parentRunId"] === undefined);
}

/** JSON values as a sweep's params record them: numbers and strings as they are. */
function sweptValues(grid: ParameterGrid): Record<string, (string | number)[]> {
  return Object.fromEntries(
    Object.entries(grid).map(([name, values]) => [
      name,
      values.map((v) => typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v)),
    ]),
  );
}

/** The sweep's parent run: created after the executions, their runs nested under it. */
async function nestSweep(
  store: TrackingStore,
  plan: ReportPlan,
  executions: ExecutionOutcome[],
  startTime: number,
  options: RunReportOptions,
): Promise<{ parent: Run | null; best: Run | null }> {
  const children = executions.flatMap(topLevel);
  if (children.length === 0) return { parent: null, best: null };
  const counts = new Map<string, number>();
  for (const run of children) {
    counts.set(run.info.experimentId, (counts.get(run.info.experimentId) ?? 0) + 1);
  }
  const experimentId = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const context = contextTags();
  const tags: Record<string, string> = {
    "mlflow.user": context["mlflow.user"]!,
    "mlflow.source.name": plan.notebook,
    "mlflow.source.type": "NOTEBOOK",
    [PROCESS_TAG]: context[PROCESS_TAG]!,
    [GRID_TAG]: JSON.stringify(plan.grid),
  };
  const commit = context["mlflow.source.git.commit"];
  if (commit) tags["mlflow.source.git.commit"] = commit;
  const parent = await store.createRun({
    experimentId,
    runName: `sweep-${basename(plan.notebook, ".ipynb")}`,
    userId: tags["mlflow.user"]!,
    startTime,
    tags,
  });
  const parentId = parent.info.runId;
  const finished = executions.filter((e) => e.error === null);
  let best: Run | null;
  try {
    for (const run of children) {
      await store.logBatch(run.info.runId, { tags: { "mlflow.parentRunId": parentId } });
    }
    // The summary sees each run's params with its execution's notebook parameters, so the
    // sweep's chart can put the parameter swept on its axis.
    const runs = finished.flatMap((e) =>
      topLevel(e).map((r) =>
        new Run(r.info, { ...r.data, params: { ...asParams(e.parameters), ...r.data.params } })
      )
    );
    best = await summarizeSweep(parentId, runs, {
      swept: sweptValues(plan.grid),
      failed: executions.length - finished.length,
      metric: options.metric ?? "test_accuracy",
      greaterIsBetter: options.greaterIsBetter ?? true,
      store,
    });
    const summary: Record<string, string> = { "sweep.executions": String(executions.length) };
    const bestId = best?.info.runId;
    const bestExecution = finished.find((e) => e.runs.some((r) => r.info.runId === bestId));
    if (bestExecution) summary["sweep.best_parameters"] = JSON.stringify(bestExecution.parameters);
    await store.logBatch(parentId, { tags: summary });
  } catch (e) {
    await store.updateRunInfo(parentId, { status: "FAILED", endTime: Date.now() });
    throw e;
  }
  const status = finished.length > 0 ? "FINISHED" : "FAILED";
  await store.updateRunInfo(parentId, { status, endTime: Date.now() });
  return {
    parent: await store.getRun(parentId),
    best: best ? await store.getRun(best.info.runId) : null,
  };
}

/** Notebook parameters as run params (strings as they are, other values as JSON). */
function asParams(parameters: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
