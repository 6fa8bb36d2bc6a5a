// The store contract, exercised the same way on both stores: logged models (created PENDING,
// files written, finalized, found by id and by search), run outputs, experiment tags, and the
// refusals every store shares. The file store is checked on disk by MLflow's own client; the
// server store against a real `mlflow server`.

import assert from "node:assert/strict";
import {
  FileStore,
  MlflowError,
  numpyDataset,
  RestStore,
  type TrackingStore,
} from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";

const code = (c: string) => (e: unknown) => e instanceof MlflowError && e.code === c;

/** Runs the contract scenario; returns the ids MLflow's client is asked about. */
async function scenario(store: TrackingStore) {
  await store.ensureRoot();
  const experimentId = await store.createExperiment(`contract-${crypto.randomUUID()}`);
  await store.setExperimentTag(experimentId, "team", "ml");
  assert.equal((await store.getExperiment(experimentId)).tags.team, "ml");

  const run = await store.createRun({ experimentId, runName: "with-model" });
  const runId = run.info.runId;
  await store.logBatch(runId, { params: { k: "5" }, metrics: [{ key: "acc", value: 0.75 }] });

  const model = await store.createLoggedModel({
    experimentId,
    name: "model",
    sourceRunId: runId,
    params: { k: "5" },
    tags: { "mlflow.user": "tester" },
  });
  assert.match(model.modelId, /^m-[0-9a-f]{32}$/);
  assert.equal(model.status, "LOGGED_MODEL_PENDING");
  assert.equal(model.sourceRunId, runId);
  assert.equal(model.experimentId, experimentId);

  await store.writeLoggedModelArtifact(model.modelId, "MLmodel", "flavors: {}\n");
  await store.writeLoggedModelArtifact(model.modelId, "sub/weights.json", "[1, 2]");
  const top = await store.listLoggedModelArtifacts(model.modelId);
  assert.deepEqual(top.map((f) => [f.path, f.isDir]), [["MLmodel", false], ["sub", true]]);
  const inner = await store.listLoggedModelArtifacts(model.modelId, "sub");
  assert.deepEqual(inner.map((f) => [f.path, f.fileSize]), [["sub/weights.json", 6]]);
  const bytes = await store.readLoggedModelArtifact(model.modelId, "sub/weights.json");
  assert.equal(new TextDecoder().decode(bytes), "[1, 2]");
  await assert.rejects(
    store.readLoggedModelArtifact(model.modelId, "missing.txt"),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  await assert.rejects(
    store.writeLoggedModelArtifact(model.modelId, "../escape.txt", "x"),
    /'\.\.' is not allowed/,
  );

  await store.finalizeLoggedModel(model.modelId, "LOGGED_MODEL_READY");
  const back = await store.getLoggedModel(model.modelId);
  assert.equal(back.status, "LOGGED_MODEL_READY");
  assert.equal(back.name, "model");
  assert.deepEqual(back.params, { k: "5" });
  assert.equal(back.tags["mlflow.user"], "tester");
  assert.equal(back.artifactLocation, model.artifactLocation);

  const found = await store.searchLoggedModels({ experimentIds: [experimentId] });
  assert.deepEqual(found.map((m) => m.modelId), [model.modelId]);

  await store.logOutputs(runId, [{ modelId: model.modelId, step: 3 }]);
  assert.deepEqual(await store.getRunOutputs(runId), [{ modelId: model.modelId, step: 3 }]);

  // Dataset inputs, read back with the run.
  const dataset = numpyDataset([[1, 2], [3, 4]], [0, 1], { name: "toy", source: {} });
  await store.logInputs(runId, [{ dataset, tags: { "mlflow.data.context": "training" } }]);
  const { datasetInputs } = (await store.getRun(runId)).inputs;
  assert.deepEqual(datasetInputs, [{ dataset, tags: { "mlflow.data.context": "training" } }]);
  await assert.rejects(
    async () =>
      await store.logInputs(runId, [{ dataset: { ...dataset, digest: "d".repeat(37) }, tags: {} }]),
    /digest of dataset 'toy'/,
  );

  // Refusals shared by both stores, before anything is written or sent.
  await assert.rejects(
    async () => await store.createLoggedModel({ experimentId, name: "a/b" }),
    /Invalid model name/,
  );
  await assert.rejects(
    async () => await store.getLoggedModel("m-../../etc"),
    /Invalid model id/,
  );
  await assert.rejects(
    async () => await store.getLoggedModel(`m-${"0".repeat(32)}`),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  return { experimentId, runId, modelId: model.modelId };
}

async function mlflowSees(uri: string, ids: { runId: string; modelId: string }) {
  const args = [uri, ids.modelId, ids.runId];
  const { stdout } = await runPythonScript(pyScript("logged_model_view.py"), args);
  const seen = JSON.parse(stdout);
  assert.match(seen.status, /READY/);
  assert.deepEqual(seen.params, { k: "5" });
  assert.equal(seen.name, "model");
  assert.deepEqual(seen.outputs, [[ids.modelId, 3]]);
  assert.equal(seen.team, "ml");
}

Deno.test("the file store keeps logged models and outputs as the contract says, and MLflow reads them", async () => {
  const root = await tempStore();
  const ids = await scenario(new FileStore(root));
  await mlflowSees(`file://${root}`, ids);
});

Deno.test({
  name: "the server store keeps logged models and outputs as the contract says",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const ids = await scenario(new RestStore(server.url));
    await mlflowSees(server.url, ids);
  },
});
