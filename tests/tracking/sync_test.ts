// `deno task sync` against a real `mlflow server`: everything arrives (checked with Python
// MLflow's client), a second sync duplicates nothing, a run that grew gets only what is new,
// and a sync cut off by the server dying completes when run again.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { MlflowError } from "../../lib/mod.ts";
import {
  DIGEST_TAG,
  FileStore,
  MANIFEST_TAG,
  RestStore,
  SOURCE_RUN_TAG,
  type SyncEvent,
  syncStore,
} from "../../lib/tracking/mod.ts";
import { trainKNeighbors } from "../../lib/models/mod.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { REPO_ROOT } from "../../harness/python.ts";
import { type MlflowView, mlflowView, tempStore } from "./_helpers.ts";
import { startProxy } from "./_proxy.ts";

/** A local store with two experiments, nested runs, a failed run, artifacts and a model. */
async function buildLocal(root: string): Promise<void> {
  mlflow.setTrackingUri(root);
  await mlflow.setExperiment("sync-a");
  await mlflow.withRun({ runName: "parent", tags: { team: "ml" } }, async () => {
    await mlflow.logParams({ depth: 3, "température": "élevée" });
    for (let s = 0; s < 40; s++) await mlflow.logMetric("acc", s === 7 ? NaN : s / 40, { step: s });
    await mlflow.setTag("note", "line one\nline two: 'q'");
    await mlflow.logText("hello", "dir/a.txt");
    await mlflow.logDict({ k: [1, 2] }, "config.json");
    for (const name of ["child-1", "child-2"]) {
      await mlflow.withRun({ runName: name, nested: true }, async () => {
        await mlflow.logMetric("loss", 0.5, { step: 1, timestamp: 1_700_000_000_000 });
        await mlflow.withRun(
          { runName: `${name}-leaf`, nested: true },
          () => mlflow.logParam("leaf", true),
        );
      });
    }
  });
  await mlflow.withRun({ runName: "fails" }, () => {
    throw new Error("diverged");
  }).catch(() => {});
  await mlflow.setExperiment("sync-b");
  const X = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 2], [2, 3]];
  await mlflow.withRun({ runName: "with-model" }, async () => {
    await mlflow.logModel(trainKNeighbors(X, [0, 0, 0, 1, 1, 1], { nNeighbors: 3 }), "model");
    await mlflow.logMetrics({ test_accuracy: 0.9, huge: 1e300 });
  });
}

/** Checks that every local run is on the server exactly once, field for field. */
function checkSynced(local: MlflowView, remote: MlflowView, ids: Record<string, string>): void {
  const copies = new Map<string, string[]>();
  for (const [id, run] of Object.entries(remote.runs)) {
    const source = run.tags[SOURCE_RUN_TAG];
    if (source) copies.set(source, [...(copies.get(source) ?? []), id]);
  }
  const localRuns = Object.entries(local.runs).filter(([, r]) => r.lifecycle_stage === "active");
  assert.equal(copies.size, localRuns.length);
  for (const [id, run] of localRuns) {
    assert.deepEqual(copies.get(id), [ids[id]], `copies of ${run.run_name}`);
    const there = remote.runs[ids[id]!]!;
    assert.equal(there.run_name, run.run_name);
    assert.equal(there.status, run.status);
    assert.equal(there.start_time, run.start_time);
    assert.equal(there.end_time, run.end_time);
    assert.equal(there.user_id, run.user_id);
    assert.deepEqual(there.params, run.params);
    assert.deepEqual(there.history, run.history, `histories of ${run.run_name}`);
    const tags = { ...there.tags };
    delete tags[SOURCE_RUN_TAG];
    delete tags[DIGEST_TAG];
    delete tags[MANIFEST_TAG];
    const expected = { ...run.tags };
    const parent = expected["mlflow.parentRunId"];
    if (parent) expected["mlflow.parentRunId"] = ids[parent]!;
    assert.deepEqual(tags, expected, `tags of ${run.run_name}`);
    assert.deepEqual(
      there.artifacts.filter((a) => !a.is_dir).map((a) => [a.path, a.file_size]),
      run.artifacts.filter((a) => !a.is_dir).map((a) => [a.path, a.file_size]),
    );
  }
}

Deno.test({
  name: "sync pushes a store to a server once, then only what is new, and survives a crash",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await using server = await startTrackingServer();
    const root = await tempStore();
    await buildLocal(root);
    let ids: Record<string, string> = {};

    await t.step(
      "everything arrives: runs, histories, tags, artifacts, models, links",
      async () => {
        const events: SyncEvent[] = [];
        const report = await syncStore({
          from: root,
          to: server.url,
          onProgress: (e) => events.push(e),
        });
        ids = report.runIds;
        assert.equal(report.created, 7);
        assert.equal(report.updated + report.unchanged + report.failed.length, 0);
        assert.equal(report.experimentsCreated, 2);
        assert.equal(events.length, 7);
        assert.deepEqual(events.map((e) => e.index), [1, 2, 3, 4, 5, 6, 7]);
        // Parents are synced before their children.
        const order = events.map((e) => e.runName);
        assert.ok(order.indexOf("parent") < order.indexOf("child-1"));
        assert.ok(order.indexOf("child-1") < order.indexOf("child-1-leaf"));
        checkSynced(await mlflowView(root), await mlflowView(server.url), ids);
        // The model came along and loads from the server.
        mlflow.setTrackingUri(server.url);
        const [withModel] = await mlflow.searchRuns({
          experimentNames: ["sync-b"],
          filter: "attributes.run_name = 'with-model'",
        });
        const model = await mlflow.loadModel(`runs:/${withModel!.info.runId}/model`);
        assert.deepEqual(model.predict([[0, 0], [2, 3]]), [0, 1]);
      },
    );

    await t.step("a second sync changes nothing", async () => {
      const before = await mlflowView(server.url);
      const report = await syncStore({ from: root, to: server.url });
      assert.deepEqual(
        [report.created, report.updated, report.unchanged, report.failed.length],
        [0, 0, 7, 0],
      );
      assert.deepEqual(report.sent, { points: 0, params: 0, tags: 0, artifacts: 0, models: 0 });
      assert.deepEqual(await mlflowView(server.url), before);
    });

    await t.step("a run that grew gets only its new points, params and files", async () => {
      const local = new FileStore(root);
      const exp = local.getExperimentByName("sync-a")!;
      const parent = local.searchRuns({
        experimentIds: [exp.experimentId],
        filter: "attributes.run_name = 'parent'",
      }).runs[0]!;
      local.logBatch(parent.info.runId, {
        metrics: Array.from({ length: 25 }, (_, i) => ({ key: "acc", value: 1, step: 40 + i })),
        params: { added: "later" },
      });
      await local.writeArtifact(parent.info.runId, "dir/b.txt", "new file");
      // Rewritten in place with the same size: only the content hash tells.
      await local.writeArtifact(parent.info.runId, "dir/a.txt", "HELLO");
      const report = await syncStore({ from: root, to: server.url });
      assert.deepEqual([report.created, report.updated, report.unchanged], [0, 1, 6]);
      assert.deepEqual(report.sent, { points: 25, params: 1, tags: 0, artifacts: 2, models: 0 });
      const copy = new RestStore(server.url);
      const serverId = report.runIds[parent.info.runId]!;
      assert.equal(
        new TextDecoder().decode(await copy.readArtifact(serverId, "dir/a.txt")),
        "HELLO",
      );
      checkSynced(await mlflowView(root), await mlflowView(server.url), report.runIds);
      // Without the manifest (a copy made otherwise), equal sizes are compared byte by byte.
      await copy.deleteTag(serverId, MANIFEST_TAG);
      await local.writeArtifact(parent.info.runId, "dir/a.txt", "hallo");
      const again = await syncStore({ from: root, to: server.url });
      assert.equal(again.sent.artifacts, 1);
      const text = new TextDecoder().decode(await copy.readArtifact(serverId, "dir/a.txt"));
      assert.equal(text, "hallo");
    });

    await t.step(
      "the server killed mid-sync: running it again completes, no duplicates",
      async () => {
        // A bigger store, so the kill lands in the middle.
        mlflow.setTrackingUri(root);
        await mlflow.setExperiment("sync-c");
        for (let r = 0; r < 30; r++) {
          await mlflow.withRun({ runName: `bulk-${r}` }, async () => {
            await mlflow.logParam("r", r);
            await Promise.all(
              Array.from(
                { length: 300 },
                (_, s) => mlflow.logMetric("m", (r * s) % 7, { step: s }),
              ),
            );
            await mlflow.logText(`run ${r}`, "notes.txt");
          });
        }
        const fragile = new RestStore(server.url, {
          maxRetries: 1,
          backoffFactor: 0.1,
          backoffJitter: 0,
        });
        let killed = false;
        await assert.rejects(
          () =>
            syncStore({
              from: root,
              to: fragile,
              onProgress: (e) => {
                if (e.index === 12 && !killed) {
                  killed = true;
                  void server.kill();
                }
              },
            }),
          (e: unknown) => e instanceof MlflowError && /Sync stopped at run/.test(e.message),
        );
        assert.ok(killed);
        await server.start();
        const mid = await mlflowView(server.url);
        const half = Object.values(mid.runs).filter((r) => r.tags[SOURCE_RUN_TAG]).length;
        assert.ok(half > 8 && half < 37, `${half} runs on the server after the crash`);
        const report = await syncStore({ from: root, to: server.url });
        assert.equal(report.failed.length, 0);
        assert.equal(report.created + report.updated + report.unchanged, 37);
        checkSynced(await mlflowView(root), await mlflowView(server.url), report.runIds);
        const again = await syncStore({ from: root, to: server.url });
        assert.equal(again.unchanged, 37);
      },
    );

    await t.step("the command line prints progress and a summary", async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "sync",
          "--from",
          root,
          "--to",
          server.url.replace("//", "//alice:pw-not-to-print@"),
          "--experiment",
          "sync-a",
        ],
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.match(text, /\[1\/6\] unchanged +sync-a \/ parent/);
      assert.match(text, /0 created, 0 updated, 6 unchanged, 0 failed/);
      assert.ok(text.includes(server.url) && !text.includes("pw-not-to-print"));
    });

    await t.step("a run the server refuses is reported; the others still sync", async () => {
      const local = new FileStore(root);
      const exp = local.getExperimentByName("sync-a")!;
      const runs = local.searchRuns({ experimentIds: [exp.experimentId] }).runs;
      const target = runs.find((r) => r.info.runName === "child-2")!;
      const other = runs.find((r) => r.info.runName === "child-1")!;
      const server2 = new RestStore(server.url);
      const copy = (await syncStore({ from: root, to: server.url })).runIds[target.info.runId]!;
      await server2.logBatch(copy, { params: { lr: "0.1" } }); // set on the server only
      local.logBatch(target.info.runId, { params: { lr: "0.2" } });
      local.logBatch(other.info.runId, { metrics: [{ key: "extra", value: 1 }] });
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", "sync", "--from", root, "--to", server.url],
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 1);
      assert.match(text, /failed +sync-a \/ child-2: param 'lr' is '0\.1' on the server/);
      assert.match(text, /updated +sync-a \/ child-1 \(1 point\)/);
      assert.match(text, /1 updated, 35 unchanged, 1 failed/);
      assert.match(new TextDecoder().decode(out.stderr), /failed: child-2/);
    });

    await t.step("a create whose answer is lost is not repeated: no duplicate run", async () => {
      await using proxy = startProxy(server.url);
      mlflow.setTrackingUri(root);
      await mlflow.setExperiment("sync-d");
      await mlflow.withRun({ runName: "lost-answer" }, () => mlflow.logMetric("m", 1));
      proxy.fail({ path: "/runs/create", times: 1, status: 502, afterForward: true });
      const report = await syncStore({
        from: root,
        to: new RestStore(proxy.url, { backoffFactor: 0.05, backoffJitter: 0 }),
        experiments: ["sync-d"],
      });
      assert.equal(report.created, 1);
      assert.equal(proxy.count("/runs/create"), 1);
      const exp = (await new RestStore(server.url).getExperimentByName("sync-d"))!;
      const { runs } = await new RestStore(server.url).searchRuns({
        experimentIds: [exp.experimentId],
      });
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.data.metrics.m, 1);
      assert.ok(runs[0]!.data.tags[DIGEST_TAG]);
    });

    await t.step("a missing store or experiment is an error, and nothing is created", async () => {
      const missing = `${await Deno.makeTempDir()}/no-store`;
      await assert.rejects(
        () => syncStore({ from: missing, to: server.url }),
        (e: unknown) => e instanceof MlflowError && /No MLflow store at .*no-store/.test(e.message),
      );
      await assert.rejects(() => Deno.stat(missing), Deno.errors.NotFound);
      await assert.rejects(
        () => syncStore({ from: root, to: server.url, experiments: ["nope"] }),
        (e: unknown) => e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST",
      );
    });

    await t.step(
      "runs that cannot be sent are reported with the reason; the ones after sync",
      async () => {
        mlflow.setTrackingUri(root);
        await mlflow.setExperiment("sync-e");
        const names = ["first", "server-refuses", "bad-name", "unreadable", "last"];
        const ids: string[] = [];
        for (const name of names) {
          await mlflow.withRun({ runName: name }, async (run) => {
            await mlflow.logText(name, "note.txt");
            ids.push(run.info.runId);
          });
        }
        // Files put there by other means: a name the server decodes to one with '#' (and
        // refuses), a name this client refuses, and a link to nothing (a file it cannot read).
        const local = new FileStore(root);
        const dir = (i: number) => local.artifactDir(ids[i]!);
        await Deno.writeTextFile(join(dir(1), "a%23b.txt"), "the server sees 'a#b.txt'");
        await Deno.writeTextFile(join(dir(2), "bad#name.txt"), "refused here");
        await Deno.symlink(join(dir(3), "gone.txt"), join(dir(3), "dangling.txt"));
        const events: SyncEvent[] = [];
        const report = await syncStore({
          from: root,
          to: server.url,
          experiments: ["sync-e"],
          onProgress: (e) => events.push(e),
        });
        assert.deepEqual(events.map((e) => [e.runName, e.outcome]), [
          ["first", "created"],
          ["server-refuses", "failed"],
          ["bad-name", "failed"],
          ["unreadable", "failed"],
          ["last", "created"],
        ]);
        const why = Object.fromEntries(report.failed.map((f) => [f.runName, f.error]));
        assert.match(why["server-refuses"]!, /Invalid path.*a%2523b\.txt|a%23b\.txt.*Invalid path/);
        assert.match(why["bad-name"]!, /cannot read it: .*'bad#name\.txt'/);
        assert.match(why["unreadable"]!, /cannot read it: .*dangling\.txt/);
        const copy = new RestStore(server.url);
        for (const i of [0, 4]) {
          const note = await copy.readArtifact(report.runIds[ids[i]!]!, "note.txt");
          assert.equal(new TextDecoder().decode(note), names[i]);
        }
      },
    );
    mlflow.setTrackingUri(await tempStore());
  },
});
