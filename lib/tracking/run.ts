/**
 * Runs and run lists as objects that render themselves: a run card and a runs table in
 * Jupyter (through `Symbol.for("Jupyter.display")`), readable text in a terminal.
 *
 * @module
 */

import { DENO_INSPECT, type HtmlBundle, JUPYTER_DISPLAY } from "../display/jupyter.ts";
import { formatMetric, statusText } from "../display/format.ts";
import { runCardHtml } from "../display/run_card.ts";
import { runsTableHtml } from "../display/runs_table.ts";
import type { ModelVersion, RunData, RunInfo, RunInputs } from "./entities.ts";
import { isStale } from "./process.ts";

/**
 * A run: `info` (ids, name, status, times) and `data` (params, latest metrics, tags), shaped as
 * MLflow's `Run` in camelCase. As a notebook cell's last expression it shows as a card.
 *
 * @example A run's card and its text
 * ```ts
 * import { Run } from "./run.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const run = new Run(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1000, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: { n_neighbors: "5" }, metrics: { test_accuracy: 0.93 }, tags: {} },
 * );
 * const bundle = run[JUPYTER_DISPLAY]();
 * assert.match(bundle["text/html"], /knn-5/);
 * assert.match(String(run), /test_accuracy=0.93/);
 * ```
 */
export class Run {
  /** The run's metadata. */
  readonly info: RunInfo;
  /** The run's params, latest metrics and tags. */
  readonly data: RunData;
  /** What the run used: its datasets, each with its context. */
  readonly inputs: RunInputs;
  /**
   * The registered versions of the run's models (name, version, aliases), when they were looked
   * up (the fluent `getRun` does); shown on its card.
   */
  readonly modelVersions: Pick<ModelVersion, "name" | "version" | "aliases">[];

  /** Wraps a run's info, data, inputs and registered model versions. */
  constructor(
    info: RunInfo,
    data: RunData,
    inputs: RunInputs = { datasetInputs: [] },
    modelVersions: Pick<ModelVersion, "name" | "version" | "aliases">[] = [],
  ) {
    this.info = info;
    this.data = data;
    this.inputs = inputs;
    this.modelVersions = modelVersions;
  }

  /**
   * Whether the run is stale: RUNNING, but started by a process of this host that is gone (a
   * kernel restarted or killed mid-run). `deno task tidy` ends such runs.
   */
  get stale(): boolean {
    return isStale(this.info, this.data);
  }

  /** One line: name, id, status, params and metrics. */
  toString(): string {
    const params = Object.entries(this.data.params).map(([k, v]) => `${k}=${v}`).join(" ");
    const metrics = Object.entries(this.data.metrics).map(([k, v]) => `${k}=${formatMetric(v)}`)
      .join(" ");
    const status = statusText(this.info.status, this.stale);
    const registered = this.modelVersions.map((v) =>
      `${v.name} v${v.version}${v.aliases.map((a) => ` @${a}`).join("")}`
    ).join(", ");
    return `Run ${this.info.runName} (${this.info.runId.slice(0, 8)}, ${status})` +
      (params ? ` params: ${params}` : "") + (metrics ? ` metrics: ${metrics}` : "") +
      (registered ? ` registered: ${registered}` : "");
  }

  /** The run as a card (HTML) and as text, for Jupyter. */
  [JUPYTER_DISPLAY](): HtmlBundle {
    const html = runCardHtml(this.info, this.data, {
      stale: this.stale,
      modelVersions: this.modelVersions,
    });
    return { "text/html": html, "text/plain": this.toString() };
  }

  /** Readable text in `console.log` and the REPL. */
  [DENO_INSPECT](): string {
    return this.toString();
  }
}

/**
 * The runs a search found: an ordinary array of {@linkcode Run}s that shows as a table in a
 * notebook and as one line per run elsewhere. `map`/`filter` give plain arrays.
 *
 * @example An empty list
 * ```ts
 * import { RunList } from "./run.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const list = RunList.fromRuns([]);
 * assert.equal(list.length, 0);
 * assert.match(list[JUPYTER_DISPLAY]()["text/html"], /0 runs/);
 * ```
 */
export class RunList extends Array<Run> {
  /** Array methods that build new arrays build plain ones. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** A run list holding `runs`. */
  static fromRuns(runs: Iterable<Run>): RunList {
    const list = new RunList();
    for (const r of runs) list.push(r);
    return list;
  }

  /** One line per run. */
  override toString(): string {
    return this.length === 0 ? "(no runs)" : this.map((r) => r.toString()).join("\n");
  }

  /** The runs as an HTML table (differing columns only) and as text, for Jupyter. */
  [JUPYTER_DISPLAY](): HtmlBundle {
    const html = runsTableHtml(this, { isStale: (run) => (run as Run).stale });
    return { "text/html": html, "text/plain": this.toString() };
  }

  /** Readable text in `console.log` and the REPL. */
  [DENO_INSPECT](): string {
    return this.toString();
  }
}
