/**
 * A 200 MB artifact logged to a local MLflow tracking server (`mlflow server` over SQLite, artifacts
 * proxied) and downloaded back, by this library and by Python MLflow, each in a process of its own
 * whose peak resident memory (`VmHWM` in `/proc/self/status`) is reported next to the times: the
 * point is that neither side holds the file in memory.
 *
 * The same module is the child process on our side: `deno run -A artifact_memory_bench.ts child
 * <server-url> <file> <download-folder>` logs the file with `logArtifact`, downloads it with
 * `downloadArtifacts` and prints its measures as JSON.
 *
 * @module
 */

import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { runPython, runPythonScript } from "../harness/python.ts";
import { startTrackingServer } from "../harness/mlflow_server.ts";
import type { BenchRow } from "./_table.ts";

const MB = 1024 * 1024;
const SIZE_MB = 200;

/** What one side measured. */
interface Measures {
  logMs: number;
  downloadMs: number;
  local: string;
  beforeKb: number;
  peakKb: number;
}

function statusKb(field: string): number {
  const line = Deno.readTextFileSync("/proc/self/status").split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

/** Our side, in this (child) process. */
async function child(url: string, file: string, dst: string): Promise<void> {
  const ml = await import("../lib/tracking/mod.ts");
  ml.setTrackingUri(url);
  await ml.setExperiment("bench-artifact-deno");
  const beforeKb = statusKb("VmRSS");
  let t0 = performance.now();
  const runId = await ml.withRun({}, async (run) => {
    await ml.logArtifact(file);
    return run.info.runId;
  });
  const logMs = performance.now() - t0;
  t0 = performance.now();
  const local = await ml.downloadArtifacts(runId, basename(file), dst);
  const downloadMs = performance.now() - t0;
  const out: Measures = { logMs, downloadMs, local, beforeKb, peakKb: statusKb("VmHWM") };
  console.log(JSON.stringify(out));
}

/** Writes `mb` megabytes of varied bytes to `path` a megabyte at a time; returns their hash. */
async function writeBigFile(path: string, mb: number): Promise<string> {
  const hash = createHash("sha256");
  const chunk = new Uint8Array(MB);
  for (let i = 0; i < chunk.length; i += 65536) {
    crypto.getRandomValues(chunk.subarray(i, i + 65536));
  }
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let i = 0; i < mb; i++) {
    new DataView(chunk.buffer).setUint32(0, i); // no two megabytes alike
    hash.update(chunk);
    for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
  }
  return hash.digest("hex");
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

async function ours(url: string, file: string, dst: string): Promise<Measures> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "child", url, file, dst],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`the Deno child exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

async function python(url: string, file: string, dst: string): Promise<Measures> {
  const { stdout } = await runPythonScript(
    new URL("./py/mlflow_artifact_memory.py", import.meta.url),
    [url, file, dst],
  );
  const j = JSON.parse(stdout.trim().split("\n").pop()!);
  return {
    logMs: j.log_ms,
    downloadMs: j.download_ms,
    local: j.local,
    beforeKb: j.before_kb,
    peakKb: j.peak_kb,
  };
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

/** Runs the artifact memory benchmark. */
export async function run(): Promise<BenchRow[]> {
  await using server = await startTrackingServer();
  const dir = await Deno.makeTempDir({ prefix: "bench-artifact-" });
  try {
    const file = join(dir, "big.bin");
    const sha = await writeBigFile(file, SIZE_MB);
    const { stdout } = await runPython("import mlflow; print(mlflow.__version__)");
    const py = await python(server.url, file, join(dir, "python"));
    const mine = await ours(server.url, file, join(dir, "deno"));
    const same = [await fileHash(py.local), await fileHash(mine.local)].map((h) => h === sha);
    const ratio = mine.peakKb / py.peakKb;
    return [{
      case: `a ${SIZE_MB} MB artifact logged to a local server and downloaded back`,
      reference: `Python MLflow ${stdout.trim()} (log_artifact, artifacts.download_artifacts)`,
      referenceMs: py.logMs + py.downloadMs,
      ours: "logArtifact, downloadArtifacts",
      oursMs: mine.logMs + mine.downloadMs,
      note:
        `peak RSS ${mb(mine.peakKb)} (${mb(mine.beforeKb)} before), Python ${mb(py.peakKb)} (${
          mb(py.beforeKb)
        } before): ${ratio.toFixed(2)}× Python's; ` +
        (same.every(Boolean)
          ? "bytes identical both ways"
          : `DOWNLOAD DIFFERS: python ${same[0]}, ours ${same[1]}`),
    }];
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main && Deno.args[0] === "child") {
  const [, url, file, dst] = Deno.args;
  await child(url!, file!, dst!);
}
