// A larger artifact through a real `mlflow server`, streamed both ways: logged from a file,
// downloaded as a file and as a folder, read as a stream from either store, and synced from a
// local store — the bytes checked at every step. (How little memory it takes is measured by
// bench/artifact_memory_bench.ts, not asserted here.)

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { FileStore, RestStore, syncStore } from "../../lib/tracking/mod.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { tempStore } from "./_helpers.ts";

const MB = 1024 * 1024;

/** Writes `mb` megabytes of varied bytes to `path`; returns their SHA-256. */
async function writeFile(path: string, mb: number): Promise<string> {
  const hash = createHash("sha256");
  const chunk = new Uint8Array(MB);
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let i = 0; i < mb; i++) {
    for (let j = 0; j < chunk.length; j += 4) {
      new DataView(chunk.buffer).setUint32(j, Math.imul(i * MB + j, 2654435761));
    }
    hash.update(chunk);
    for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
  }
  return hash.digest("hex");
}

async function sha(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

const fileSha = async (path: string) => sha((await Deno.open(path)).readable);

Deno.test({
  name: "a 30 MB artifact streams to a server and back: logged, downloaded, read, synced",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const dir = await Deno.makeTempDir({ prefix: "streaming-" });
    const file = join(dir, "big.bin");
    const expected = await writeFile(file, 30);

    mlflow.setTrackingUri(server.url);
    await mlflow.setExperiment("streaming");
    const runId = await mlflow.withRun({ runName: "big" }, async (run) => {
      await mlflow.logArtifact(file, "data");
      return run.info.runId;
    });
    const listed = await mlflow.listArtifacts(runId, "data");
    assert.deepEqual(listed, [{ path: "data/big.bin", isDir: false, fileSize: 30 * MB }]);
    const single = await mlflow.downloadArtifacts(runId, "data/big.bin", join(dir, "one"));
    assert.equal(single, join(dir, "one", "big.bin"));
    assert.equal(await fileSha(single), expected);
    const folder = await mlflow.downloadArtifacts(runId, "data", join(dir, "two"));
    assert.equal(await fileSha(join(folder, "big.bin")), expected);
    const server1 = new RestStore(server.url);
    assert.equal(await sha(await server1.openArtifact(runId, "data/big.bin")), expected);

    // Synced from a local store: read as a stream there, uploaded as one.
    const root = await tempStore();
    mlflow.setTrackingUri(root);
    await mlflow.setExperiment("streaming-sync");
    const localId = await mlflow.withRun({ runName: "big-local" }, async (run) => {
      await mlflow.logArtifact(file);
      return run.info.runId;
    });
    assert.equal(await sha(await new FileStore(root).openArtifact(localId, "big.bin")), expected);
    const report = await syncStore({ from: root, to: server.url });
    assert.equal(report.created, 1);
    assert.equal(report.sent.artifacts, 1);
    const copy = report.runIds[localId]!;
    assert.equal(await sha(await server1.openArtifact(copy, "big.bin")), expected);
    assert.equal((await syncStore({ from: root, to: server.url })).unchanged, 1);
    mlflow.setTrackingUri(await tempStore());
    await Deno.remove(dir, { recursive: true });
  },
});
