/**
 * `deno task sync`: pushes the runs of a local store to an MLflow tracking server. Safe to run
 * again: nothing is duplicated, runs that grew get only what is new, and an interrupted sync is
 * completed. See `lib/tracking/sync.ts`.
 *
 * Usage: `deno task sync [--from mlruns] --to http://host:5000 [--experiment NAME]…`
 * (`--to` defaults to `MLFLOW_TRACKING_URI` when that is a server URL).
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RestStore } from "../lib/tracking/rest_store.ts";
import { type SyncEvent, syncStore } from "../lib/tracking/sync.ts";
import { REPO_ROOT } from "../harness/python.ts";

/** One progress line for a synced run. */
export function progressLine(e: SyncEvent): string {
  const width = String(e.total).length;
  const what: string[] = [];
  const count = (n: number, one: string) => n && what.push(`${n} ${one}${n === 1 ? "" : "s"}`);
  count(e.sent.points, "point");
  count(e.sent.params, "param");
  count(e.sent.artifacts, "file");
  count(e.sent.models, "model");
  const detail = e.error ? `: ${e.error}` : what.length ? ` (${what.join(", ")})` : "";
  return `[${String(e.index).padStart(width)}/${e.total}] ${e.outcome.padEnd(9)} ` +
    `${e.experiment} / ${e.runName}${detail}`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      from: { type: "string", default: join(REPO_ROOT, "mlruns") },
      to: { type: "string" },
      experiment: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  const envUri = Deno.env.get("MLFLOW_TRACKING_URI");
  const to = values.to ?? (envUri && /^https?:\/\//.test(envUri) ? envUri : undefined);
  if (values.help || !to) {
    console.log(
      "Usage: deno task sync [--from mlruns] --to http://host:5000 [--experiment NAME]…",
    );
    Deno.exit(values.help ? 0 : 2);
  }
  const started = performance.now();
  try {
    // `deno task` runs in the repository's root; a relative --from means the caller's folder.
    const from = resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), values.from!);
    const server = new RestStore(to); // credentials in the URL stay out of the output
    const report = await syncStore({
      from,
      to: server,
      ...(values.experiment ? { experiments: values.experiment } : {}),
      onProgress: (e) => console.log(progressLine(e)),
    });
    const s = report.sent;
    console.log(
      `Synced ${from} to ${server.uri} in ${
        ((performance.now() - started) / 1000).toFixed(1)
      } s: ` +
        `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ` +
        `${report.failed.length} failed (${report.experimentsCreated} experiments created; sent ` +
        `${s.points} metric points, ${s.params} params, ${s.tags} tags, ${s.artifacts} files, ` +
        `${s.models} models).`,
    );
    for (const f of report.failed) console.error(`failed: ${f.runName} (${f.runId}): ${f.error}`);
    Deno.exit(report.failed.length ? 1 : 0);
  } catch (e) {
    const message = (e as Error).message;
    console.error(
      message.startsWith("Sync stopped")
        ? `${message}\nRun the same command again to finish the sync.`
        : message,
    );
    Deno.exit(1);
  }
}
