/**
 * A run as a card: its name and status, ids and times, the notebook execution that logged it
 * (its parameters, and links to its report and executed notebook), then its params, latest
 * metrics and user tags in small tables.
 *
 * @module
 */

import type { ModelVersion, RunData, RunInfo } from "../tracking/entities.ts";
import { escapeHtml, formatMetric, formatTime, statusText } from "./format.ts";

const STATUS_COLOURS: Record<RunInfo["status"], string> = {
  RUNNING: "#1f77b4",
  SCHEDULED: "#7f7f7f",
  FINISHED: "#2ca02c",
  FAILED: "#d62728",
  KILLED: "#ff7f0e",
};

function byKey<T>(entries: [string, T][]): [string, T][] {
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function duration(info: RunInfo): string {
  if (info.endTime === null) return "running";
  const s = (info.endTime - info.startTime) / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

function table(title: string, rows: [string, string][]): string {
  if (rows.length === 0) return "";
  const cells = rows.map(([k, v]) =>
    `<tr><td style="padding:1px 10px 1px 0;color:#555;text-align:left">${escapeHtml(k)}</td>` +
    `<td style="padding:1px 0;font-family:monospace;text-align:left">${escapeHtml(v)}</td></tr>`
  );
  return `<div style="margin-top:6px"><b>${title}</b>` +
    `<table style="border-collapse:collapse;font-size:12px">${cells.join("")}</table></div>`;
}

// The tags `deno task report` gives the runs of a notebook execution (lib/tracking/context.ts's
// NOTEBOOK_TAGS; display sits below tracking, so it names them here).
const PARAMETERS_TAG = "deno.notebook.parameters";
const REPORT_TAG = "deno.notebook.report";
const NOTEBOOK_TAG = "deno.notebook.executed";

/**
 * The address of one of a run's artifacts, when its artifact root has one a browser opens: a
 * `file:` folder (a local store) or an `http(s):` one. A server's `mlflow-artifacts:` root has
 * none without the server's address; null then.
 *
 * @example A run of a local store
 * ```ts
 * import { artifactHref } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   artifactHref("file:///srv/mlruns/1/abc/artifacts", "notebook/knn-nNeighbors=7.html"),
 *   "file:///srv/mlruns/1/abc/artifacts/notebook/knn-nNeighbors=7.html",
 * );
 * assert.equal(artifactHref("mlflow-artifacts:/1/abc/artifacts", "notebook/a.html"), null);
 * ```
 */
export function artifactHref(artifactUri: string, path: string): string | null {
  if (!/^(file|https?):/i.test(artifactUri)) return null;
  const segments = path.split("/").filter((s) => s !== "")
    .map((s) => encodeURI(s).replace(/[#?]/g, encodeURIComponent));
  return `${artifactUri.replace(/\/+$/, "")}/${segments.join("/")}`;
}

/** The parameters a notebook execution injected, as `name=value` text; "" when none. */
function parametersText(json: string | undefined): string {
  if (!json) return "";
  try {
    const values = JSON.parse(json) as Record<string, unknown>;
    return Object.entries(values)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
  } catch {
    return json;
  }
}

/** The line naming the notebook execution a run belongs to, with links to its files. */
function notebookLine(info: RunInfo, tags: Record<string, string>): string {
  const entries: [string, string | undefined][] = [
    ["report", tags[REPORT_TAG]],
    ["executed notebook", tags[NOTEBOOK_TAG]],
  ];
  const files = entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([label, path]) => {
      const href = artifactHref(info.artifactUri, path);
      const title = escapeHtml(path);
      return href
        ? `<a href="${escapeHtml(href)}" title="${title}" target="_blank">${label}</a>`
        : `${label} <code title="the run's artifacts">${title}</code>`;
    });
  const params = parametersText(tags[PARAMETERS_TAG]);
  if (files.length === 0 && !params) return "";
  return `<div style="font-size:12px;margin-top:4px">Notebook execution` +
    (params ? ` with <code>${escapeHtml(params)}</code>` : "") +
    (files.length ? `: ${files.join(" · ")}` : "") + `</div>`;
}

/**
 * A run's card as HTML: name and a status badge, then the run id, experiment id, start time and
 * duration; for a run logged by a notebook execution of `deno task report`, the parameters
 * injected and links to the report and the executed notebook among the run's artifacts
 * ({@linkcode artifactHref}); then tables of params, metrics (latest values,
 * {@linkcode formatMetric}) and tags (the `mlflow.*` and `deno.*` system tags left out),
 * each sorted by key and left out when empty, and the registered versions of the run's models
 * (`modelVersions`: name, version and aliases) when there are any. A stale run (`stale`:
 * RUNNING, but its process is gone) says so next to its status.
 *
 * @example A finished run
 * ```ts
 * import { runCardHtml } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * const html = runCardHtml(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1500, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: { n_neighbors: "5" }, metrics: { test_accuracy: 0.93 },
 *     tags: { "mlflow.user": "me", "deno.process": '{"host":"h","pid":1}' } },
 * );
 * assert.match(html, /<b>knn-5<\/b>/);
 * assert.match(html, /1970-01-01 00:00:00 UTC · 1\.5 s/);
 * assert.match(html, /test_accuracy<\/td><td[^>]*>0\.93</);
 * assert.doesNotMatch(html, /Tags/);
 * assert.doesNotMatch(html, /Registered/);
 * ```
 *
 * @example A run whose model is registered, version 2 named `champion`
 * ```ts
 * import { runCardHtml } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * const html = runCardHtml(
 *   { runId: "a".repeat(32), experimentId: "0", runName: "knn-5", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 1500, artifactUri: "file:///tmp/a", lifecycleStage: "active" },
 *   { params: {}, metrics: {}, tags: {} },
 *   { modelVersions: [{ name: "knn", version: 2, aliases: ["champion"] }] },
 * );
 * assert.match(html, /Registered model versions/);
 * assert.match(html, /knn<\/td><td[^>]*>version 2 · @champion</);
 * ```
 *
 * @example A run of a parameterised notebook execution links to its report
 * ```ts
 * import { runCardHtml } from "./run_card.ts";
 * import assert from "node:assert/strict";
 *
 * const html = runCardHtml(
 *   { runId: "b".repeat(32), experimentId: "1", runName: "knn-7", userId: "me", status: "FINISHED",
 *     startTime: 0, endTime: 900, artifactUri: "file:///srv/mlruns/1/bbb/artifacts",
 *     lifecycleStage: "active" },
 *   { params: { n_neighbors: "7" }, metrics: {}, tags: {
 *     "deno.notebook.parameters": '{"nNeighbors":7}',
 *     "deno.notebook.report": "notebook/knn-nNeighbors=7.html",
 *     "deno.notebook.executed": "notebook/knn-nNeighbors=7.ipynb",
 *   } },
 * );
 * assert.match(html, /with <code>nNeighbors=7<\/code>/);
 * assert.match(html, /href="file:\/\/\/srv\/mlruns\/1\/bbb\/artifacts\/notebook\/knn-nNeighbors=7\.html"/);
 * assert.doesNotMatch(html, /Tags/); // the execution's tags are not repeated as tags
 * ```
 */
export function runCardHtml(
  info: RunInfo,
  data: RunData,
  options: {
    stale?: boolean;
    modelVersions?: readonly Pick<ModelVersion, "name" | "version" | "aliases">[];
  } = {},
): string {
  const { stale = false, modelVersions = [] } = options;
  const userTags = Object.entries(data.tags).filter(([k]) =>
    !k.startsWith("mlflow.") && !k.startsWith("deno.")
  );
  return `<div class="mlflow-run" style="border:1px solid #ccc;border-radius:6px;` +
    `padding:8px 12px;max-width:640px;font-family:sans-serif">` +
    `<div style="font-size:15px"><b>${escapeHtml(info.runName)}</b> ` +
    `<span style="color:#fff;background:${STATUS_COLOURS[info.status]};border-radius:3px;` +
    `padding:0 5px;font-size:11px">${statusText(info.status, stale)}</span>` +
    (stale
      ? ` <span style="color:#d62728;font-size:11px">its process is gone; ` +
        `<code>deno task tidy</code> ends it</span>`
      : "") +
    `</div>` +
    `<div style="color:#666;font-size:11px">run ${info.runId} · experiment ${
      escapeHtml(info.experimentId)
    } · ${formatTime(info.startTime)} · ${duration(info)}</div>` +
    notebookLine(info, data.tags) +
    table("Params", byKey(Object.entries(data.params))) +
    table("Metrics", byKey(Object.entries(data.metrics)).map(([k, v]) => [k, formatMetric(v)])) +
    table("Tags", byKey(userTags)) +
    table(
      "Registered model versions",
      modelVersions.map((v) => [
        v.name,
        `version ${v.version}${v.aliases.map((a) => ` · @${a}`).join("")}`,
      ]),
    ) +
    `</div>`;
}
