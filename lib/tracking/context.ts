/**
 * What MLflow's default context providers record about where a run comes from: the user, the
 * notebook or script (`mlflow.source.name`, `mlflow.source.type`) and the git commit; and, when
 * `deno task report` executes a notebook, which execution the run belongs to.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { userInfo } from "node:os";
import { inJupyter } from "../display/jupyter.ts";
import { currentProcess, PROCESS_TAG } from "./process.ts";
import { uriToPath } from "./uri.ts";

let gitCommit: string | null | undefined;

function gitCommitOf(dir: string): string | null {
  if (gitCommit !== undefined) return gitCommit;
  try {
    const out = new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const text = new TextDecoder().decode(out.stdout).trim();
    gitCommit = out.code === 0 && /^[0-9a-f]{40,64}$/.test(text) ? text : null;
  } catch {
    gitCommit = null;
  }
  return gitCommit;
}

/**
 * The environment variable through which `deno task report` tells a notebook's kernel (and any
 * process it starts) which execution it is: JSON of {@linkcode NotebookExecution}.
 *
 * @example A kernel's environment, as the report task writes it
 * ```ts
 * import { EXECUTION_ENV, type NotebookExecution } from "./context.ts";
 *
 * const execution: NotebookExecution = { id: crypto.randomUUID(), parameters: { nNeighbors: 7 } };
 * const env = { [EXECUTION_ENV]: JSON.stringify(execution) };
 * ```
 */
export const EXECUTION_ENV = "DENO_NOTEBOOK_EXECUTION";

/**
 * The run tags of a notebook execution: its id (`execution`), the parameters injected into it
 * (`parameters`, JSON), and the artifact paths of its HTML report (`report`) and of the executed
 * notebook (`notebook`) that the execution attaches to its runs when it ends.
 *
 * @example The runs of one execution
 * ```ts
 * import { NOTEBOOK_TAGS } from "./context.ts";
 * import assert from "node:assert/strict";
 *
 * const filter = `tags.\`${NOTEBOOK_TAGS.execution}\` = '3f0c2b'`;
 * assert.equal(filter, "tags.`deno.notebook.execution` = '3f0c2b'");
 * ```
 */
export const NOTEBOOK_TAGS = {
  execution: "deno.notebook.execution",
  parameters: "deno.notebook.parameters",
  report: "deno.notebook.report",
  notebook: "deno.notebook.executed",
} as const;

/**
 * What {@linkcode EXECUTION_ENV} holds: one execution of a notebook by `deno task report`.
 *
 * @example An execution with a parameter injected
 * ```ts
 * import type { NotebookExecution } from "./context.ts";
 *
 * const execution: NotebookExecution = {
 *   id: "6f2a3619-fe85-4078-9e3e-ba33f5354ce1",
 *   parameters: { nNeighbors: 7 },
 *   report: "notebook/train_kneighbors-nNeighbors=7.html",
 *   notebook: "notebook/train_kneighbors-nNeighbors=7.ipynb",
 * };
 * ```
 */
export interface NotebookExecution {
  /** A unique id; every run started during the execution is tagged with it. */
  id: string;
  /** The parameters injected into the notebook (name → value). */
  parameters?: Record<string, unknown>;
  /** Where the HTML report will be among each run's artifacts, e.g. `notebook/x.html`. */
  report?: string;
  /** Where the executed notebook will be among each run's artifacts, e.g. `notebook/x.ipynb`. */
  notebook?: string;
}

let badExecutionWarned = false;

/**
 * The tags of the notebook execution named by `value` (the {@linkcode EXECUTION_ENV} variable by
 * default): none outside an execution, and none, with a warning (once), when the variable is
 * not the JSON `deno task report` writes.
 *
 * @example The tags of a parameterised execution
 * ```ts
 * import { executionTags } from "./context.ts";
 * import assert from "node:assert/strict";
 *
 * const tags = executionTags(JSON.stringify({
 *   id: "e1",
 *   parameters: { nNeighbors: 7 },
 *   report: "notebook/knn-nNeighbors=7.html",
 *   notebook: "notebook/knn-nNeighbors=7.ipynb",
 * }));
 * assert.deepEqual(tags, {
 *   "deno.notebook.execution": "e1",
 *   "deno.notebook.parameters": '{"nNeighbors":7}',
 *   "deno.notebook.report": "notebook/knn-nNeighbors=7.html",
 *   "deno.notebook.executed": "notebook/knn-nNeighbors=7.ipynb",
 * });
 * assert.deepEqual(executionTags(undefined), {});
 * ```
 */
export function executionTags(
  value: string | undefined = Deno.env.get(EXECUTION_ENV),
): Record<string, string> {
  if (!value) return {};
  let execution: NotebookExecution;
  try {
    execution = JSON.parse(value);
    if (typeof execution?.id !== "string" || execution.id === "") throw new Error("no id");
  } catch {
    if (!badExecutionWarned) {
      badExecutionWarned = true;
      console.warn(`${EXECUTION_ENV} is not an execution's JSON ({"id": …}); runs are not tagged`);
    }
    return {};
  }
  const tags: Record<string, string> = { [NOTEBOOK_TAGS.execution]: execution.id };
  if (execution.parameters && typeof execution.parameters === "object") {
    tags[NOTEBOOK_TAGS.parameters] = JSON.stringify(execution.parameters);
  }
  if (typeof execution.report === "string") tags[NOTEBOOK_TAGS.report] = execution.report;
  if (typeof execution.notebook === "string") tags[NOTEBOOK_TAGS.notebook] = execution.notebook;
  return tags;
}

function currentUser(): string {
  for (const v of ["LOGNAME", "USER", "LNAME", "USERNAME"]) {
    const u = Deno.env.get(v);
    if (u) return u;
  }
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/**
 * The tags MLflow's default context providers set: user, source name and type, and the git
 * commit when the source is inside a git checkout; the process the run lives in
 * (`deno.process`), so a run whose process is gone can be told from one still running; and,
 * during an execution by `deno task report`, the execution's tags ({@linkcode executionTags}).
 * In a notebook the source is the notebook's path (`JPY_SESSION_NAME`, set by Jupyter) and the
 * type `NOTEBOOK`; in a script, the script's path and `LOCAL`.
 *
 * @example Outside a notebook
 * ```ts
 * import { contextTags } from "./context.ts";
 * import assert from "node:assert/strict";
 *
 * const tags = contextTags();
 * assert.equal(tags["mlflow.source.type"], "LOCAL");
 * assert.ok(tags["mlflow.user"]);
 * ```
 */
export function contextTags(): Record<string, string> {
  const tags: Record<string, string> = { "mlflow.user": currentUser() };
  let sourceDir = Deno.cwd();
  if (inJupyter()) {
    const session = Deno.env.get("JPY_SESSION_NAME");
    tags["mlflow.source.name"] = session ? resolve(session) : "<notebook>";
    tags["mlflow.source.type"] = "NOTEBOOK";
    if (session) sourceDir = dirname(resolve(session));
  } else {
    const main = Deno.mainModule;
    tags["mlflow.source.name"] = main.startsWith("file:") ? uriToPath(main) : main;
    tags["mlflow.source.type"] = "LOCAL";
    if (main.startsWith("file:")) sourceDir = dirname(uriToPath(main));
  }
  const commit = gitCommitOf(sourceDir);
  if (commit) tags["mlflow.source.git.commit"] = commit;
  tags[PROCESS_TAG] = JSON.stringify(currentProcess());
  return { ...tags, ...executionTags() };
}
