/**
 * What MLflow's default context providers record about where a run comes from: the user, the
 * notebook or script (`mlflow.source.name`, `mlflow.source.type`) and the git commit.
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
 * commit when the source is inside a git checkout; and the process the run lives in
 * (`deno.process`), so a run whose process is gone can be told from one still running. In a notebook the source is the notebook's
 * path (`JPY_SESSION_NAME`, set by Jupyter) and the type `NOTEBOOK`; in a script, the script's
 * path and `LOCAL`.
 *
 * @example
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
  return tags;
}
