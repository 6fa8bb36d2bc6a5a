// Shared helpers for the tracking tests: temporary stores, Python MLflow runs, tree snapshots.

import { join } from "node:path";
import { runPython } from "../../tools/python.ts";

/** A fresh temporary folder for a store. */
export async function tempStore(): Promise<string> {
  return join(await Deno.makeTempDir({ prefix: "mlruns-test-" }), "mlruns");
}

const DUMP = new URL("../py/mlflow_dump.py", import.meta.url);

/** What real MLflow sees in a store (see tests/py/mlflow_dump.py). */
export interface MlflowView {
  experiments: {
    experiment_id: string;
    name: string;
    lifecycle_stage: string;
    artifact_location: string;
    tags: Record<string, string>;
  }[];
  runs: Record<string, {
    experiment_id: string;
    run_name: string;
    status: string;
    start_time: number;
    end_time: number | null;
    user_id: string;
    lifecycle_stage: string;
    artifact_uri: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    metrics: Record<string, number | string>;
    history: Record<string, [number, number | string, number][]>;
    artifacts: { path: string; is_dir: boolean; file_size: number | null }[];
  }>;
  searches: ({ ids: string[] } | { error: string })[];
}

/** Asks real MLflow (the project's venv) to read a store and run searches. */
export async function mlflowView(
  store: string,
  searches: {
    experiment_ids: string[];
    filter?: string;
    order_by?: string[];
    max_results?: number;
  }[] = [],
): Promise<MlflowView> {
  const code = await Deno.readTextFile(DUMP);
  const { stdout } = await runPython(code, [store, JSON.stringify({ searches })]);
  return JSON.parse(stdout) as MlflowView;
}

/** MLflow's JSON text for a metric value ('nan', 'inf', '-inf' as strings). */
export function pyNum(v: number): number | string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return v;
}

/** Every file under `root` with its content, for before/after comparisons. */
export function snapshotTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        out.set(r + "/", "");
        walk(p, r);
      } else out.set(r, Deno.readTextFileSync(p));
    }
  };
  walk(root, "");
  return out;
}
