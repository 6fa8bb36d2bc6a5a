/**
 * Runs described in words, for a report read by people who never open the code: how many runs
 * of each model family, which is best and how well it does.
 *
 * @module
 */

import { DENO_INSPECT, JUPYTER_DISPLAY } from "../display/jupyter.ts";
import type { Run } from "../tracking/mod.ts";
import { EXPERIMENTS } from "./run_options.ts";

/** A model family in words: one model, several models. */
const FAMILY_WORDS: Record<string, [string, string]> = {
  [EXPERIMENTS.kNeighbors]: ["k-neighbours model", "k-neighbours models"],
  [EXPERIMENTS.randomForest]: ["random forest", "random forests"],
};

/** Hyperparameters in words, in the order they are said. */
const PARAM_WORDS: [string, (value: string) => string][] = [
  ["n_neighbors", (v) => `${v} neighbour${v === "1" ? "" : "s"}`],
  ["max_depth", (v) => (v === "" ? "no depth limit" : `maximum depth ${v}`)],
  ["n_estimators", (v) => `${v} tree${v === "1" ? "" : "s"}`],
];

function familyWords(family: string | undefined, count: number): string {
  const [one, many] = FAMILY_WORDS[family ?? ""] ?? ["model", "models"];
  return count === 1 ? one : many;
}

function article(words: string): string {
  return /^[aeiou]/i.test(words) ? `an ${words}` : `a ${words}`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Markdown text with the characters that would format it escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

function listWords(items: string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "a random forest with maximum depth 10 and 100 trees". */
function modelWords(run: Run): string {
  const family = run.data.tags.model_family;
  const params = PARAM_WORDS.filter(([key]) => key in run.data.params)
    .map(([key, say]) => say(run.data.params[key]!));
  const what = article(familyWords(family, 1));
  return params.length ? `${what} with ${listWords(params)}` : what;
}

/** How many rows the run was tested on, from its `testing` input, if it has one. */
function testRows(run: Run): number | undefined {
  const input = run.inputs.datasetInputs.find((i) => i.tags["mlflow.data.context"] === "testing");
  try {
    const shape = JSON.parse(input?.dataset.profile ?? "{}").features_shape;
    return Array.isArray(shape) && typeof shape[0] === "number" ? shape[0] : undefined;
  } catch {
    return undefined;
  }
}

function scoreOf(run: Run, metric: string): number | undefined {
  const value = run.data.metrics[metric];
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** The first run with the highest `metric`, or undefined. */
function bestOf(runs: readonly Run[], metric: string): Run | undefined {
  let best: Run | undefined;
  for (const run of runs) {
    const value = scoreOf(run, metric);
    if (value !== undefined && (best === undefined || value > scoreOf(best, metric)!)) best = run;
  }
  return best;
}

/** Options of {@linkcode describeRuns}. */
export interface DescribeRunsOptions {
  /** The metric that makes a run best (higher is better). @default "test_accuracy" */
  metric?: string;
}

/**
 * A few paragraphs of markdown that show as formatted text in a notebook and its report (and as
 * plain text elsewhere).
 *
 * @example Markdown for Jupyter, plain text for a terminal
 * ```ts
 * import { RunsSummary } from "./describe_runs.ts";
 * import { JUPYTER_DISPLAY } from "../display/jupyter.ts";
 * import assert from "node:assert/strict";
 *
 * const summary = new RunsSummary("The best is **knn-k5**.");
 * assert.equal(String(summary), "The best is knn-k5.");
 * assert.equal(summary[JUPYTER_DISPLAY]()["text/markdown"], "The best is **knn-k5**.");
 * ```
 */
export class RunsSummary {
  /** The text, as markdown. */
  readonly markdown: string;

  /** Wraps markdown text. */
  constructor(markdown: string) {
    this.markdown = markdown;
  }

  /** The text without markdown's emphasis and escapes. */
  toString(): string {
    return this.markdown.replace(/\*\*/g, "").replace(/\\(.)/g, "$1");
  }

  /** The text as markdown (and plain text), for Jupyter. */
  [JUPYTER_DISPLAY](): { "text/markdown": string; "text/plain": string } {
    return { "text/markdown": this.markdown, "text/plain": this.toString() };
  }

  /** Readable text in `console.log` and the REPL. */
  [DENO_INSPECT](): string {
    return this.toString();
  }
}

/**
 * Describes runs in words, for a report read by people who never open the code: how many runs
 * of each model family (tag `model_family`) there are, which run has the highest test accuracy,
 * what model it is and its hyperparameters, the share of test rows it classifies correctly
 * against its share of training rows, which other runs tie with it, and the best run of each
 * other family. Shows as formatted text in a notebook and in its HTML report.
 *
 * @example Two runs described
 * ```ts
 * import { describeRuns } from "./describe_runs.ts";
 * import { Run } from "../tracking/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = (name: string, family: string, params: Record<string, string>, test: number) =>
 *   new Run(
 *     { runId: name.padEnd(32, "0"), experimentId: "1", runName: name, userId: "me",
 *       status: "FINISHED", startTime: 0, endTime: 1, artifactUri: "", lifecycleStage: "active" },
 *     { params, metrics: { train_accuracy: 1, test_accuracy: test }, tags: { model_family: family } },
 *   );
 * const text = String(describeRuns([
 *   run("rf-d10-n100", "random-forest", { max_depth: "10", n_estimators: "100" }, 0.96),
 *   run("knn-k5", "k-neighbours", { n_neighbors: "5" }, 0.932),
 * ]));
 * assert.match(text, /^2 runs are compared: 1 k-neighbours model and 1 random forest\./);
 * assert.match(text, /The best is rf-d10-n100, a random forest with maximum depth 10 and 100 trees/);
 * assert.match(text, /96\.0% of the test rows/);
 * assert.match(text, /The best k-neighbours model, knn-k5 \(5 neighbours\), classifies 93\.2%/);
 * ```
 */
export function describeRuns(runs: readonly Run[], options: DescribeRunsOptions = {}): RunsSummary {
  const { metric = "test_accuracy" } = options;
  if (runs.length === 0) {
    return new RunsSummary(
      "No finished runs yet: train a model first (the training notebooks, or `deno task demo`).",
    );
  }
  const seen = new Set(runs.map((r) => r.data.tags.model_family ?? ""));
  const known: string[] = Object.values(EXPERIMENTS);
  const families = [
    ...known.filter((f) => seen.has(f)),
    ...[...seen].filter((f) => !known.includes(f)),
  ];
  const counts = families.map((family) => {
    const n = runs.filter((r) => (r.data.tags.model_family ?? "") === family).length;
    return `${n} ${familyWords(family, n)}`;
  });
  const paragraphs = [
    `**${runs.length} run${runs.length === 1 ? " is" : "s are"} compared**: ${listWords(counts)}.`,
  ];
  const best = bestOf(runs, metric);
  if (!best) {
    paragraphs.push(`None of them has a ${metric} to compare them by.`);
    return new RunsSummary(paragraphs.join("\n\n"));
  }
  const score = scoreOf(best, metric)!;
  const rows = testRows(best);
  const name = escapeMarkdown(best.info.runName);
  let text = `The best is **${name}**, ${modelWords(best)}`;
  if (metric === "test_accuracy") {
    text += `: it classifies **${percent(score)}** of the ${rows ?? "test"}${
      rows === undefined ? "" : " test"
    } rows correctly`;
    const train = scoreOf(best, "train_accuracy");
    if (train !== undefined) text += ` (and ${percent(train)} of the rows it was trained on)`;
  } else {
    text += `, with ${metric} ${score}`;
  }
  paragraphs.push(`${text}.`);
  const ties = runs.filter((r) => r !== best && scoreOf(r, metric) === score);
  if (ties.length) {
    const names = ties.slice(0, 5).map((r) => `**${escapeMarkdown(r.info.runName)}**`);
    if (ties.length > 5) names.push(`${ties.length - 5} more`);
    paragraphs.push(
      `${ties.length === 1 ? "One other run scores" : `${ties.length} other runs score`} ` +
        `exactly the same: ${listWords(names)}.`,
    );
  }
  for (const family of families) {
    if (family === (best.data.tags.model_family ?? "")) continue;
    const mine = runs.filter((r) => (r.data.tags.model_family ?? "") === family);
    const top = bestOf(mine, metric);
    if (!top) continue;
    const params = PARAM_WORDS.filter(([key]) => key in top.data.params)
      .map(([key, say]) => say(top.data.params[key]!));
    paragraphs.push(
      `The best ${familyWords(family, 1)}, **${escapeMarkdown(top.info.runName)}**${
        params.length ? ` (${listWords(params)})` : ""
      }, ${
        metric === "test_accuracy"
          ? `classifies ${percent(scoreOf(top, metric)!)} of the test rows correctly`
          : `has ${metric} ${scoreOf(top, metric)}`
      }.`,
    );
  }
  return new RunsSummary(paragraphs.join("\n\n"));
}
