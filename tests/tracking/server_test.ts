// The interop tests again, against a real `mlflow server` (SQLite, and PostgreSQL from Debian's
// packages when installed) through the library: Python MLflow's client reads what the library
// logged, searches agree with Python's client and with the file store, errors agree with the
// file store, and logged models load on both sides.

import assert from "node:assert/strict";

import * as mlflow from "../../lib/mod.ts";
import { MlflowError } from "../../lib/mod.ts";
import { FileStore, RestStore, syncStore, type TrackingStore } from "../../lib/tracking/mod.ts";
import { trainKNeighbors } from "../../lib/models/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { pyScript } from "../py/scripts.ts";
import {
  type Backend,
  postgresAvailable,
  startTrackingServer,
} from "../../harness/mlflow_server.ts";
import { buildSearchStore, mlflowView, searchCases, tempStore } from "./_helpers.ts";
import { checkInteropView, logInteropScenario } from "./_scenario.ts";

const hasPostgres = await postgresAvailable();

for (const backend of ["sqlite", "postgres"] as Backend[]) {
  Deno.test({
    name: `the tracking interop tests on an MLflow server over ${backend}` +
      (backend === "postgres" && !hasPostgres ? " (PostgreSQL is not installed)" : ""),
    ignore: backend === "postgres" && !hasPostgres,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async (t) => {
      await using server = await startTrackingServer({ backend });
      const rest = new RestStore(server.url);

      await t.step("MLflow's client reads what the library logged", async () => {
        mlflow.setTrackingUri(server.url);
        const ids = await logInteropScenario(await Deno.makeTempDir());
        const view = await mlflowView(server.url);
        checkInteropView(view, ids, "server");
        assert.ok(view.runs[ids.parentId]!.artifact_uri.startsWith("mlflow-artifacts:/"));
        // The library reads back what Python reads.
        const ours = await mlflow.getRun(ids.parentId);
        assert.deepEqual(ours.data.params, view.runs[ids.parentId]!.params);
        assert.deepEqual(ours.data.tags, view.runs[ids.parentId]!.tags);
        assert.equal(await mlflow.loadText(ids.parentId, "dir/a.txt"), "hello");
      });

      await t.step("searches agree with Python's client and with the file store", async () => {
        const root = await tempStore();
        const local = buildSearchStore(root, 11);
        const report = await syncStore({ from: root, to: rest });
        const toServer = new Map(Object.entries(report.runIds));
        const toLocal = new Map([...toServer].map(([l, s]) => [s, l]));
        const a = (await rest.getExperimentByName("search-a"))!.experimentId;
        const b = (await rest.getExperimentByName("search-b"))!.experimentId;
        const serverIds = local.ids.map((id) => toServer.get(id) ?? id);
        const localCases = searchCases(local.ids, local.a, local.b);
        const serverCases = searchCases(serverIds, a, b);
        const view = await mlflowView(server.url, serverCases);
        const paged = new RestStore(server.url, { pageSize: 4 });
        const fileStore = new FileStore(root);
        let compared = 0;
        for (const [i, s] of serverCases.entries()) {
          const expected = view.searches[i]!;
          assert.ok("ids" in expected, `MLflow refused ${JSON.stringify(s)}`);
          const options = {
            experimentIds: s.experiment_ids,
            filter: s.filter,
            orderBy: s.order_by ?? [],
            ...(s.max_results ? { maxResults: s.max_results } : {}),
          };
          const ours = (await rest.searchRuns(options)).runs.map((r) => r.info.runId);
          assert.deepEqual(ours, expected.ids, `search ${JSON.stringify(s)}`);
          const pages = (await paged.searchRuns(options)).runs.map((r) => r.info.runId);
          assert.deepEqual(pages, expected.ids, `paged search ${JSON.stringify(s)}`);
          if (s.max_results) continue; // which ties a limit cuts depends on the run ids
          const l = localCases[i]!;
          const inFile = fileStore.searchRuns({
            experimentIds: l.experiment_ids,
            filter: l.filter,
            orderBy: l.order_by ?? [],
          }).runs.map((r) => r.info.runId);
          assert.deepEqual(
            ours.map((id) => toLocal.get(id)).sort(),
            [...inFile].sort(),
            `same runs as the file store: ${JSON.stringify(l)}`,
          );
          compared++;
        }
        assert.ok(compared > 30, `compared ${compared}`);
      });

      await t.step("errors are the file store's, and a refused call records nothing", async () => {
        const file = new FileStore(await tempStore());
        file.ensureRoot();
        const check = async (store: TrackingStore) => {
          const exp = await store.createExperiment(`errors-${crypto.randomUUID()}`);
          const run = await store.createRun({ experimentId: exp, runName: "e" });
          const id = run.info.runId;
          await store.logBatch(id, { params: { k: "1" }, metrics: [{ key: "m", value: 1 }] });
          const before = JSON.stringify((await store.getRun(id)).data);
          const calls: [string, () => unknown][] = [
            ["bad key", () => store.logBatch(id, { params: { "../x": 1 } })],
            [
              "bad value",
              () => store.logBatch(id, { metrics: [{ key: "m", value: "x" as never }] }),
            ],
            [
              "bad step",
              () => store.logBatch(id, { metrics: [{ key: "m", value: 1, step: 0.5 }] }),
            ],
            ["changed param", () => store.logBatch(id, { params: { k: "2" } })],
            [
              "bad filter",
              () => store.searchRuns({ experimentIds: [exp], filter: "metrics.m = 'a'" }),
            ],
            ["bad order", () => store.searchRuns({ experimentIds: [exp], orderBy: ["nope"] })],
            ["max results", () => store.searchRuns({ experimentIds: [exp], maxResults: 0 })],
            ["unknown run", () => store.getRun("0123456789abcdef0123456789abcdef")],
            ["bad run id", () => store.getRun("../etc")],
            ["unknown experiment", () => store.getExperiment("987654321")],
            ["duplicate experiment", () => store.createExperiment("Default")],
            ["empty name", () => store.createExperiment("  ")],
            ["bad artifact path", () => store.writeArtifact(id, "../up.txt", "x")],
          ];
          const out: Record<string, { code: string; message: string }> = {};
          for (const [what, call] of calls) {
            try {
              await call();
              out[what] = { code: "none", message: "" };
            } catch (e) {
              assert.ok(e instanceof MlflowError, `${what}: ${e}`);
              out[what] = { code: e.code, message: e.message };
            }
          }
          assert.equal(JSON.stringify((await store.getRun(id)).data), before);
          return out;
        };
        const onFile = await check(file);
        const onServer = await check(rest);
        for (const what of Object.keys(onFile)) {
          assert.equal(onServer[what]!.code, onFile[what]!.code, what);
          // Checked before any request: the very same message.
          if (
            !["changed param", "unknown run", "unknown experiment", "duplicate experiment"]
              .includes(what)
          ) {
            assert.equal(onServer[what]!.message, onFile[what]!.message, what);
          }
        }
      });

      await t.step("logModel and loadModel on the server; MLflow loads the model", async () => {
        mlflow.setTrackingUri(server.url);
        await mlflow.setExperiment("models");
        const X = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3], [3, 3], [3, 2]];
        const y = [0, 0, 0, 1, 1, 1, 1, 1];
        const model = trainKNeighbors(X, y, { nNeighbors: 3 });
        const logged = await mlflow.withRun(
          { runName: "model" },
          () => mlflow.logModel(model, "model", { inputExample: X.slice(0, 2) }),
        );
        assert.ok(logged.artifactDir.startsWith("mlflow-artifacts:/"));
        const back = await mlflow.loadModel(`runs:/${logged.runId}/model`);
        assert.deepEqual(back.predict(X), model.predict(X));
        assert.deepEqual(await mlflow.runModels(logged.runId), { model: logged.modelId });
        const { stdout } = await runPythonScript(pyScript("mlflow_model_check.py"), [
          server.url,
          logged.modelId,
          logged.runId,
        ]);
        const py = JSON.parse(stdout);
        assert.equal(py.status, "READY");
        assert.equal(py.name, "model");
        assert.equal(py.source_run_id, logged.runId);
        assert.ok(py.flavors.includes(mlflow.FLAVOR));
        assert.equal(py.model_id, logged.modelId);
        assert.deepEqual(py.outputs, [logged.modelId]);
        assert.deepEqual(py.example_predictions, model.predict(X.slice(0, 2)));
      });
      mlflow.setTrackingUri(await tempStore());
    },
  });
}
