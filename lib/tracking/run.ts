/**
 * Runs and run lists as objects that render themselves: a run card and a runs table in
 * Jupyter (through `Symbol.for("Jupyter.display")`), readable text in a terminal.
 *
 * @module
 */

import type { RunData, RunInfo } from "./entities.ts";

/**
 * The symbol Deno's Jupyter kernel looks for: an object with a method under it is shown with
 * the MIME bundle that method returns when it is a cell's last expression.
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");
const INSPECT = Symbol.for("Deno.customInspect");

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Formats a metric value compactly: up to 4 significant decimals, NaN and ±∞ as words. */
export function formatMetric(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
    ? String(Number(v.toFixed(4)))
    : v.toExponential(3);
}

function sorted<T>(entries: [string, T][]): [string, T][] {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function formatTime(ms: number | null): string {
  return ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

function duration(info: RunInfo): string {
  if (info.endTime === null) return "running";
  const s = (info.endTime - info.startTime) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

const STATUS_COLOURS: Record<RunInfo["status"], string> = {
  RUNNING: "#1f77b4",
  SCHEDULED: "#7f7f7f",
  FINISHED: "#2ca02c",
  FAILED: "#d62728",
  KILLED: "#ff7f0e",
};

/**
 * A run: `info` (ids, name, status, times) and `data` (params, latest metrics, tags), shaped as
 * MLflow's `Run` in camelCase. As a notebook cell's last expression it shows as a card.
 *
 * @example
 * ```ts
 * import { JUPYTER_DISPLAY, Run } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const run = new Run(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1000, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: { n_neighbors: "5" }, metrics: { test_accuracy: 0.93 }, tags: {} },
 * );
 * const bundle = run[JUPYTER_DISPLAY]();
 * assert.match(bundle["text/html"]!, /knn-5/);
 * assert.match(String(run), /test_accuracy=0.93/);
 * ```
 */
export class Run {
  /** The run's metadata. */
  readonly info: RunInfo;
  /** The run's params, latest metrics and tags. */
  readonly data: RunData;

  /** Wraps a run's info and data. */
  constructor(info: RunInfo, data: RunData) {
    this.info = info;
    this.data = data;
  }

  /** One line: name, id, status, params and metrics. */
  toString(): string {
    const params = Object.entries(this.data.params).map(([k, v]) => `${k}=${v}`).join(" ");
    const metrics = Object.entries(this.data.metrics).map(([k, v]) => `${k}=${formatMetric(v)}`)
      .join(" ");
    return `Run ${this.info.runName} (${this.info.runId.slice(0, 8)}, ${this.info.status})` +
      (params ? ` params: ${params}` : "") + (metrics ? ` metrics: ${metrics}` : "");
  }

  /** The run as a card (HTML) and as text, for Jupyter. */
  [JUPYTER_DISPLAY](): Record<string, string> {
    const i = this.info;
    const table = (title: string, rows: [string, string][]) =>
      rows.length === 0 ? "" : `<div style="margin-top:6px"><b>${title}</b><table style="` +
        `border-collapse:collapse;font-size:12px">${
          rows.map(([k, v]) =>
            `<tr><td style="padding:1px 10px 1px 0;color:#555;text-align:left">${
              escapeHtml(k)
            }</td><td style="padding:1px 0;font-family:monospace;text-align:left">${
              escapeHtml(v)
            }</td></tr>`
          ).join("")
        }</table></div>`;
    const userTags = Object.entries(this.data.tags).filter(([k]) => !k.startsWith("mlflow."));
    const html = `<div class="mlflow-run" style="border:1px solid #ccc;border-radius:6px;` +
      `padding:8px 12px;max-width:640px;font-family:sans-serif">` +
      `<div style="font-size:15px"><b>${escapeHtml(i.runName)}</b> ` +
      `<span style="color:#fff;background:${STATUS_COLOURS[i.status]};border-radius:3px;` +
      `padding:0 5px;font-size:11px">${i.status}</span></div>` +
      `<div style="color:#666;font-size:11px">run ${i.runId} · experiment ${
        escapeHtml(i.experimentId)
      } · ${formatTime(i.startTime)} · ${duration(i)}</div>` +
      table("Params", sorted(Object.entries(this.data.params))) +
      table(
        "Metrics",
        sorted(Object.entries(this.data.metrics)).map(([k, v]) => [k, formatMetric(v)]),
      ) +
      table("Tags", sorted(userTags)) +
      `</div>`;
    return { "text/html": html, "text/plain": this.toString() };
  }

  /** Readable text in `console.log` and the REPL. */
  [INSPECT](): string {
    return this.toString();
  }
}

/** Options of {@linkcode runsTableHtml}. */
export interface RunsTableOptions {
  /** Show every param and metric column, not only those that differ between runs. @default false */
  allColumns?: boolean;
}

/**
 * An HTML table of runs: name, status, start, then metrics and params — by default only the
 * columns whose values differ between the runs that have them, as MLflow's compare view does.
 */
export function runsTableHtml(runs: readonly Run[], options: RunsTableOptions = {}): string {
  const { allColumns = false } = options;
  const keys = (pick: (r: Run) => Record<string, unknown>) => {
    const all = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
    if (allColumns || runs.length < 2) return all;
    // A column earns its place when the runs that have it disagree on its value.
    return all.filter((k) =>
      new Set(runs.filter((r) => k in pick(r)).map((r) => String(pick(r)[k]))).size > 1
    );
  };
  const params = keys((r) => r.data.params);
  const metrics = keys((r) => r.data.metrics);
  const th = (s: string) =>
    `<th style="text-align:left;padding:2px 8px;white-space:nowrap">${escapeHtml(s)}</th>`;
  const td = (s: string) =>
    `<td style="text-align:left;padding:2px 8px;white-space:nowrap">${escapeHtml(s)}</td>`;
  // Metrics first, as in MLflow's runs table: they are what runs are compared on.
  const head = ["run", "status", "start"].map(th).join("") +
    metrics.map((k) => th(`metrics.${k}`)).join("") + params.map((k) => th(`params.${k}`)).join("");
  const body = runs.map((r) =>
    `<tr>${td(r.info.runName)}${td(r.info.status)}${td(formatTime(r.info.startTime).slice(0, 16))}${
      metrics.map((k) => td(k in r.data.metrics ? formatMetric(r.data.metrics[k]!) : "")).join("")
    }${params.map((k) => td(r.data.params[k] ?? "")).join("")}</tr>`
  ).join("");
  return `<table class="mlflow-runs" style="border-collapse:collapse;font-size:12px">` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<div style="color:#666;font-size:11px">${runs.length} run${
      runs.length === 1 ? "" : "s"
    }</div>`;
}

/**
 * The runs a search found: an ordinary array of {@linkcode Run}s that shows as a table in a
 * notebook and as one line per run elsewhere. `map`/`filter` give plain arrays.
 *
 * @example
 * ```ts
 * import { JUPYTER_DISPLAY, RunList } from "./run.ts";
 * import assert from "node:assert/strict";
 *
 * const list = RunList.fromRuns([]);
 * assert.equal(list.length, 0);
 * assert.match(list[JUPYTER_DISPLAY]()["text/html"]!, /0 runs/);
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
  [JUPYTER_DISPLAY](): Record<string, string> {
    return { "text/html": runsTableHtml(this), "text/plain": this.toString() };
  }

  /** Readable text in `console.log` and the REPL. */
  [INSPECT](): string {
    return this.toString();
  }
}
