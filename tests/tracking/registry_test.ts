// MLflow's model registry on both stores: the same contract checks on a file store and on a
// real `mlflow server`; MLflow's own client reads the registry this library wrote (names,
// versions, sources, run and model ids, aliases, tags, descriptions, the files a URI names) and
// this library reads the registry MLflow wrote; `mlflow migrate-filestore` keeps it; loadModel
// takes every URI form; bad input is refused with MLflow's codes and writes nothing.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import * as ml from "../../lib/mod.ts";
import {
  FileRegistry,
  FileStore,
  getStore,
  MlflowError,
  openRegistry,
  type RegistryStore,
  RestStore,
  type TrackingStore,
} from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { pyScript } from "../py/scripts.ts";
import { snapshotTree, tempStore } from "./_helpers.ts";
import { fakeServer, json } from "./_fake_server.ts";

const code = (c: string) => (e: unknown) => e instanceof MlflowError && e.code === c;

/** What MLflow's client sees of a registry (tests/py/mlflow_registry.py). */
interface Seen {
  models: {
    name: string;
    description: string | null;
    tags: Record<string, string>;
    aliases: Record<string, number>;
    latest: number[];
  }[];
  versions: {
    name: string;
    version: number;
    source: string;
    run_id: string | null;
    model_id: string | null;
    tags: Record<string, string>;
    aliases: string[];
    description: string | null;
    status: string;
    current_stage: string;
  }[];
  by_alias: Record<string, number>;
  model_versions_tags: Record<string, string | null>;
  files: Record<string, string[]>;
}

async function mlflowRegistry(
  command: "read" | "write" | "migrate",
  uri: string,
  request: Record<string, unknown> = {},
): Promise<Seen> {
  const { stdout } = await runPythonScript(pyScript("mlflow_registry.py"), [command, uri], {
    stdin: JSON.stringify(request),
    env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" },
  });
  return JSON.parse(stdout) as Seen;
}

const X = [[0, 1], [1, 0], [2, 3], [3, 2], [4, 4], [5, 5], [1, 1], [4, 5]];
const Y = [0, 0, 0, 1, 1, 1, 0, 1];

// ------------------------------------------------------------------ the contract

/** A READY logged model with files, made through the tracking store. */
async function loggedModel(tracking: TrackingStore) {
  await tracking.ensureRoot();
  const experimentId = await tracking.createExperiment(`registry-${crypto.randomUUID()}`);
  const run = await tracking.createRun({ experimentId, runName: "trained" });
  const runId = run.info.runId;
  const model = await tracking.createLoggedModel({
    experimentId,
    name: "model",
    sourceRunId: runId,
  });
  await tracking.writeLoggedModelArtifact(model.modelId, "MLmodel", "flavors: {}\n");
  await tracking.finalizeLoggedModel(model.modelId, "LOGGED_MODEL_READY");
  await tracking.logOutputs(runId, [{ modelId: model.modelId, step: 0 }]);
  return { runId, modelId: model.modelId };
}

/**
 * The registry contract, checked the same way on any registry. A server keeps no model id with
 * a version (MLflow 3.17's SQL registry has no column for it: `sqlalchemy_store.py`,
 * `create_model_version`), so `keepsModelId` says whether the registry does.
 */
async function contract(
  registry: RegistryStore,
  tracking: TrackingStore,
  keepsModelId: boolean,
): Promise<void> {
  const { runId, modelId } = await loggedModel(tracking);
  const name = `knn-${crypto.randomUUID().slice(0, 8)}`;

  const created = await registry.createRegisteredModel(name, {
    tags: { team: "ml" },
    description: "k-neighbours",
  });
  assert.deepEqual([created.name, created.tags, created.description], [
    name,
    { team: "ml" },
    "k-neighbours",
  ]);
  await assert.rejects(async () => await registry.createRegisteredModel(name), (e) => {
    return code("RESOURCE_ALREADY_EXISTS")(e) && (e as Error).message.includes(name);
  });
  await assert.rejects(async () => await registry.getRegisteredModel(`${name}-none`), (e) => {
    return code("RESOURCE_DOES_NOT_EXIST")(e) && (e as Error).message.includes(`${name}-none`);
  });

  const v1 = await registry.createModelVersion({
    name,
    source: `models:/${modelId}`,
    modelId,
    runId,
    tags: { epochs: 20 },
    description: "first",
  });
  assert.equal(v1.version, 1);
  assert.deepEqual(
    [v1.source, v1.runId, v1.modelId, v1.tags, v1.description, v1.status, v1.currentStage],
    [
      `models:/${modelId}`,
      runId,
      keepsModelId ? modelId : null,
      { epochs: "20" },
      "first",
      "READY",
      "None",
    ],
  );
  // Without a run id, a logged model's version names the logged model's source run.
  const v2 = await registry.createModelVersion({ name, source: `models:/${modelId}`, modelId });
  assert.deepEqual([v2.version, v2.runId, v2.modelId], [2, runId, keepsModelId ? modelId : null]);
  await assert.rejects(
    async () =>
      await registry.createModelVersion({
        name: `${name}-none`,
        source: `models:/${modelId}`,
        modelId,
      }),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  const back = await registry.getModelVersion(name, "1");
  assert.deepEqual([back.version, back.tags, back.description], [1, { epochs: "20" }, "first"]);
  await assert.rejects(async () => await registry.getModelVersion(name, 9), (e) => {
    return code("RESOURCE_DOES_NOT_EXIST")(e) && /version=9/.test((e as Error).message);
  });
  // The logged model lists its registered versions, as MLflow's server records them.
  const tag = (await tracking.getLoggedModel(modelId)).tags["mlflow.modelVersions"];
  assert.deepEqual(JSON.parse(tag!), [{ name, version: 1 }, { name, version: 2 }]);

  // Descriptions and tags.
  assert.equal((await registry.updateModelVersion(name, 2, "second")).description, "second");
  assert.equal((await registry.updateRegisteredModel(name, "k-NN")).description, "k-NN");
  await registry.setRegisteredModelTag(name, "owner", "me");
  await registry.deleteRegisteredModelTag(name, "team");
  await registry.deleteRegisteredModelTag(name, "never-set");
  await registry.setModelVersionTag(name, 2, "validated", true);
  await registry.deleteModelVersionTag(name, 1, "epochs");
  assert.deepEqual((await registry.getRegisteredModel(name)).tags, { owner: "me" });
  assert.deepEqual((await registry.getModelVersion(name, 1)).tags, {});
  assert.deepEqual((await registry.getModelVersion(name, 2)).tags, { validated: "true" });

  // Aliases: set, moved, read back, `latest`, and the refusals MLflow makes.
  await registry.setRegisteredModelAlias(name, "champion", 1);
  await registry.setRegisteredModelAlias(name, "challenger", "2");
  assert.equal((await registry.getModelVersionByAlias(name, "champion")).version, 1);
  assert.deepEqual((await registry.getModelVersion(name, 1)).aliases, ["champion"]);
  await registry.setRegisteredModelAlias(name, "champion", 2);
  assert.deepEqual((await registry.getRegisteredModel(name)).aliases, {
    champion: 2,
    challenger: 2,
  });
  assert.deepEqual((await registry.getModelVersion(name, 2)).aliases, ["challenger", "champion"]);
  assert.equal((await registry.getModelVersionByAlias(name, "latest")).version, 2);
  await assert.rejects(async () => await registry.getModelVersionByAlias(name, "nope"), (e) => {
    return code("INVALID_PARAMETER_VALUE")(e) && /alias nope not found/.test((e as Error).message);
  });
  for (const reserved of ["latest", "LATEST", "v3", "V12"]) {
    await assert.rejects(
      async () => await registry.setRegisteredModelAlias(name, reserved, 1),
      code("INVALID_PARAMETER_VALUE"),
    );
  }
  await assert.rejects(
    async () => await registry.setRegisteredModelAlias(name, "gold", 7),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  await registry.deleteRegisteredModelAlias(name, "challenger");
  await registry.deleteRegisteredModelAlias(name, "never-set");
  assert.deepEqual((await registry.getRegisteredModel(name)).aliases, { champion: 2 });

  // Searches.
  const models = await registry.searchRegisteredModels({ filter: `name = '${name}'` });
  assert.deepEqual(models.map((m) => m.name), [name]);
  assert.deepEqual(models[0]!.latestVersions.map((v) => v.version), [2]);
  const versions = await registry.searchModelVersions({
    filter: `name = '${name}' and run_id = '${runId}'`,
    orderBy: ["version_number ASC"],
  });
  assert.deepEqual(versions.map((v) => v.version), [1, 2]);

  // A deleted version is gone (its aliases too), and its number is not given out again.
  await registry.setRegisteredModelAlias(name, "old", 1);
  await registry.deleteModelVersion(name, 1);
  await assert.rejects(
    async () => await registry.getModelVersion(name, 1),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  assert.deepEqual((await registry.getRegisteredModel(name)).aliases, { champion: 2 });
  const listed = await registry.searchModelVersions({ filter: `name = '${name}'` });
  assert.deepEqual(listed.map((v) => v.version), [2]);
  const v3 = await registry.createModelVersion({ name, source: `models:/${name}/2` });
  assert.equal(v3.version, 3);

  // A rename takes versions, tags and aliases along; a taken name is refused.
  const renamed = `${name}-renamed`;
  const after = await registry.renameRegisteredModel(name, renamed);
  assert.deepEqual([after.name, after.tags, after.aliases], [renamed, { owner: "me" }, {
    champion: 2,
  }]);
  assert.equal((await registry.getModelVersion(renamed, 3)).name, renamed);
  assert.equal((await registry.getModelVersionByAlias(renamed, "champion")).version, 2);
  await assert.rejects(
    async () => await registry.getRegisteredModel(name),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  await registry.createRegisteredModel(name);
  await assert.rejects(
    async () => await registry.renameRegisteredModel(renamed, name),
    code("RESOURCE_ALREADY_EXISTS"),
  );

  // Deleting a registered model deletes its versions.
  await registry.deleteRegisteredModel(renamed);
  await registry.deleteRegisteredModel(name);
  await assert.rejects(
    async () => await registry.getModelVersion(renamed, 2),
    code("RESOURCE_DOES_NOT_EXIST"),
  );
  await assert.rejects(
    async () => await registry.deleteRegisteredModel(name),
    code("RESOURCE_DOES_NOT_EXIST"),
  );

  // Bad input, refused by both registries before anything is written or sent.
  await registry.createRegisteredModel(name);
  const refusals: [string, () => unknown][] = [
    ["a/b", () => registry.createRegisteredModel("a/b")],
    ["a:b", () => registry.getRegisteredModel("a:b")],
    ["..", () => registry.createRegisteredModel("..")],
    ["blank", () => registry.createRegisteredModel("  ")],
    ["version", () => registry.getModelVersion(name, "one")],
    ["version 1.5", () => registry.getModelVersion(name, 1.5)],
    ["alias", () => registry.setRegisteredModelAlias(name, "a b", 1)],
    ["empty alias", () => registry.getModelVersionByAlias(name, "")],
    ["tag key", () => registry.setRegisteredModelTag(name, "../k", "v")],
    ["version tag", () => registry.setModelVersionTag(name, 1, "k", null)],
    ["tag value", () => registry.setRegisteredModelTag(name, "k", "x".repeat(100_001))],
    ["run id", () => registry.createModelVersion({ name, source: "s", runId: "../x" })],
    ["model id", () => registry.createModelVersion({ name, source: "s", modelId: "m-x" })],
    ["source", () => registry.createModelVersion({ name, source: "" })],
    ["filter", () => registry.searchModelVersions({ filter: "tags.k > 'a'" })],
    ["max_results", () => registry.searchRegisteredModels({ maxResults: 1001 })],
  ];
  for (const [what, call] of refusals) {
    await assert.rejects(async () => await call(), code("INVALID_PARAMETER_VALUE"), what);
  }
  assert.deepEqual(await registry.searchModelVersions({ filter: `name = '${name}'` }), []);
  await registry.deleteRegisteredModel(name);
}

Deno.test("the file registry keeps registered models, versions, tags and aliases as the contract says", async () => {
  const root = await tempStore();
  const tracking = new FileStore(root);
  const registry = new FileRegistry(root, { tracking });
  await contract(registry, tracking, true);
  // Refusals wrote nothing: the store is as it was before them.
  await registry.createRegisteredModel("kept");
  const before = snapshotTree(root);
  for (
    const call of [
      () => registry.createRegisteredModel("50%"),
      () => registry.createRegisteredModel("kept"),
      () => registry.setRegisteredModelAlias("kept", "champion", 1),
      () => registry.createModelVersion({ name: "kept", source: `models:/m-${"0".repeat(32)}` }),
      () => registry.renameRegisteredModel("kept", "a/b"),
      () => registry.setModelVersionTag("kept", 1, "k", "v"),
    ]
  ) await assert.rejects(async () => await call());
  assert.deepEqual(snapshotTree(root), before);
});

// ------------------------------------------------------------------ interop with MLflow

/** Logs a k-neighbours model in a run, then registers it every way MLflow registers models. */
async function registerEveryWay() {
  await ml.setExperiment("registry");
  const model = ml.trainKNeighbors(X, Y, { nNeighbors: 1, autolog: false });
  const logged = await ml.withRun({ runName: "knn-1" }, () => ml.logModel(model));
  // An MLflow 2 model folder under another run's artifacts.
  const folderRun = await ml.withRun({ runName: "folder" }, async (run) => {
    await ml.logDict(model.toJSON(), "legacy/model.json");
    await ml.logText(
      "flavors:\n  deno_ml_pipeline:\n    model_file: model.json\n",
      "legacy/MLmodel",
    );
    return run.info.runId;
  });
  const v1 = await ml.registerModel(`runs:/${logged.runId}/model`, "knn", { tags: { k: 1 } });
  const v2 = await ml.registerModel(logged.modelUri, "knn");
  const legacy = await ml.registerModel(`runs:/${folderRun}/legacy`, "knn-legacy");
  await ml.setRegisteredModelAlias("knn", "champion", v1.version);
  const copy = await ml.registerModel("models:/knn@champion", "knn-copy");
  await ml.updateModelVersion("knn", 2, "same model, by id");
  await ml.updateRegisteredModel("knn", "k-neighbours, k = 1");
  await ml.setRegisteredModelTag("knn", "team", "ml");
  await ml.setModelVersionTag("knn", 2, "validated", "yes");
  return { model, logged, folderRun, v1, v2, legacy, copy };
}

type Registered = Awaited<ReturnType<typeof registerEveryWay>>;

/**
 * What MLflow must see of {@linkcode registerEveryWay}'s registry. `mlflow migrate-filestore`
 * (3.17) does not carry a version's `model_id` over (`mlflow/store/fs2db/_registry.py`,
 * `_migrate_model_version`), and a server's SQL registry keeps none: there `keepsModelId` is
 * false. A server then knows no model id of `models:/knn/1` either, so the copy registered from
 * it is not listed on the logged model (`copyTagged` false), as with MLflow's own client.
 */
function expectSeen(all: Seen, r: Registered, keepsModelId = true, copyTagged = true): void {
  const { logged } = r;
  const modelId = keepsModelId ? logged.modelId : null;
  // Only the models registerEveryWay made (loadsEveryWay registers one more).
  const ours = (name: string) => name.startsWith("knn");
  const seen = {
    ...all,
    models: all.models.filter((m) => ours(m.name)),
    versions: all.versions.filter((v) => ours(v.name)),
  };
  assert.deepEqual(seen.models.map((m) => [m.name, m.aliases, m.latest]), [
    ["knn", { champion: 1 }, [2]],
    ["knn-copy", {}, [1]],
    ["knn-legacy", {}, [1]],
  ]);
  const knn = seen.models[0]!;
  assert.deepEqual([knn.description, knn.tags], ["k-neighbours, k = 1", { team: "ml" }]);
  const versions = Object.fromEntries(seen.versions.map((v) => [`${v.name}/${v.version}`, v]));
  assert.deepEqual(Object.keys(versions), ["knn/1", "knn/2", "knn-copy/1", "knn-legacy/1"]);
  const byId = `models:/${logged.modelId}`;
  assert.deepEqual(
    Object.values(versions).map((v) => [v.source, v.run_id, v.model_id]),
    [
      [byId, logged.runId, modelId],
      [byId, logged.runId, modelId],
      ["models:/knn/1", logged.runId, modelId],
      [r.legacy.source, r.folderRun, null],
    ],
  );
  assert.match(r.legacy.source, new RegExp(`/${r.folderRun}/artifacts/legacy$`));
  assert.deepEqual(versions["knn/1"]!.tags, { k: "1" });
  assert.deepEqual(versions["knn/1"]!.aliases, ["champion"]);
  assert.deepEqual(versions["knn/2"]!.tags, { validated: "yes" });
  assert.equal(versions["knn/2"]!.description, "same model, by id");
  for (const v of Object.values(versions)) {
    assert.deepEqual([v.status, v.current_stage], ["READY", "None"]);
  }
  assert.deepEqual(seen.by_alias, { "knn@champion": 1 });
  const listed = JSON.parse(seen.model_versions_tags[logged.modelId]!) as { name: string }[];
  assert.deepEqual(listed.filter((e) => ours(e.name)), [
    { name: "knn", version: 1 },
    { name: "knn", version: 2 },
    ...(copyTagged ? [{ name: "knn-copy", version: 1 }] : []),
  ]);
  // MLflow resolves every URI form to the model's files.
  for (const [uri, files] of Object.entries(seen.files)) {
    assert.ok(files.includes("MLmodel") && files.includes("model.json"), `${uri}: ${files}`);
  }
}

const URIS = [
  "models:/knn/1",
  "models:/knn@champion",
  "models:/knn/latest",
  "models:/knn-copy/1",
  "models:/knn-legacy/1",
];

/**
 * loadModel gives the logged model's predictions by every URI form; and where the forms name
 * different versions (a model registered first, another one second), each loads its own.
 */
async function loadsEveryWay(r: Registered): Promise<void> {
  const expected = r.model.predict(X);
  const uris = [...URIS, `runs:/${r.logged.runId}/model`, r.logged.modelUri];
  for (const uri of uris) {
    assert.deepEqual((await ml.loadModel(uri)).predict(X), expected, uri);
  }
  const flipped = ml.trainKNeighbors(X, Y.map((y) => 1 - y), { nNeighbors: 1, autolog: false });
  const other = await ml.withRun({ runName: "flipped" }, () => ml.logModel(flipped));
  await ml.registerModel(r.logged.modelUri, "pair");
  await ml.registerModel(`runs:/${other.runId}/model`, "pair");
  await ml.setRegisteredModelAlias("pair", "first", 1);
  const cases: [string, number[]][] = [
    ["models:/pair/1", expected],
    ["models:/pair@first", expected],
    ["models:/pair/2", flipped.predict(X)],
    ["models:/pair/latest", flipped.predict(X)],
  ];
  assert.notDeepEqual(expected, flipped.predict(X));
  for (const [uri, predictions] of cases) {
    assert.deepEqual((await ml.loadModel(uri)).predict(X), predictions, uri);
  }
}

/** Bad URIs: the right codes, each naming the URI. */
async function refusesBadUris(): Promise<void> {
  const cases: [string, string][] = [
    ["models:/none/1", "RESOURCE_DOES_NOT_EXIST"],
    ["models:/knn/9", "RESOURCE_DOES_NOT_EXIST"],
    ["models:/knn@nope", "INVALID_PARAMETER_VALUE"],
    ["models:/none/latest", "RESOURCE_DOES_NOT_EXIST"],
    [`models:/m-${"0".repeat(32)}`, "RESOURCE_DOES_NOT_EXIST"],
    ["models:/knn/1/extra", "INVALID_PARAMETER_VALUE"],
    ["models:/knn@", "INVALID_PARAMETER_VALUE"],
    ["models:/knn/Retired", "INVALID_PARAMETER_VALUE"],
    [`runs:/${"0".repeat(32)}/model`, "RESOURCE_DOES_NOT_EXIST"],
    ["s3://bucket/model", "INVALID_PARAMETER_VALUE"],
  ];
  for (const [uri, expected] of cases) {
    await assert.rejects(ml.loadModel(uri), (e) => {
      return code(expected)(e) && (e as Error).message.includes(uri);
    }, uri);
  }
}

/** Registration refusals: each with its code, before anything is written. */
async function refusesBadRegistrations(runId: string): Promise<void> {
  const cases: [() => Promise<unknown>, string][] = [
    [() => ml.registerModel(`runs:/${runId}/none`, "fresh"), "RESOURCE_DOES_NOT_EXIST"],
    [() => ml.registerModel(`runs:/${"0".repeat(32)}/model`, "fresh"), "RESOURCE_DOES_NOT_EXIST"],
    [() => ml.registerModel(`models:/m-${"0".repeat(32)}`, "fresh"), "RESOURCE_DOES_NOT_EXIST"],
    [() => ml.registerModel("models:/knn/9", "fresh"), "RESOURCE_DOES_NOT_EXIST"],
    [() => ml.registerModel("models:/knn@nope", "fresh"), "INVALID_PARAMETER_VALUE"],
    [() => ml.registerModel("file:///tmp/model", "fresh"), "INVALID_PARAMETER_VALUE"],
    [() => ml.registerModel(`runs:/${runId}/model`, "a/b"), "INVALID_PARAMETER_VALUE"],
    [
      () => ml.registerModel(`runs:/${runId}/model`, "fresh", { tags: { "../k": 1 } }),
      "INVALID_PARAMETER_VALUE",
    ],
    [() => ml.setRegisteredModelAlias("knn", "champion", 9), "RESOURCE_DOES_NOT_EXIST"],
    [() => ml.createRegisteredModel("knn"), "RESOURCE_ALREADY_EXISTS"],
  ];
  for (const [call, expected] of cases) await assert.rejects(call(), code(expected));
  // Nothing was created along the way (MLflow's register_model would have made "fresh").
  assert.deepEqual(await ml.searchRegisteredModels({ filter: "name = 'fresh'" }), []);
}

Deno.test("MLflow reads the file registry this library wrote, migrate-filestore keeps it, and loadModel takes every URI", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const r = await registerEveryWay();
  const seen = await mlflowRegistry("read", root, {
    aliases: ["knn@champion"],
    model_ids: [r.logged.modelId],
    uris: URIS,
  });
  expectSeen(seen, r);
  await loadsEveryWay(r);

  // Refusals leave the store as it was.
  const before = snapshotTree(root);
  await refusesBadUris();
  await refusesBadRegistrations(r.logged.runId);
  assert.deepEqual(snapshotTree(root), before);

  // The run's card shows its registered versions.
  const run = await ml.getRun(r.logged.runId);
  assert.deepEqual(run.modelVersions, [
    { name: "knn", version: 1, aliases: ["champion"] },
    { name: "knn", version: 2, aliases: [] },
    { name: "knn-copy", version: 1, aliases: [] },
    { name: "pair", version: 1, aliases: ["first"] },
  ]);
  assert.match(run[ml.JUPYTER_DISPLAY]()["text/html"], /knn<\/td><td[^>]*>version 1 · @champion</);

  // mlflow migrate-filestore keeps registered models and versions.
  const migrated = await mlflowRegistry("migrate", root, {
    db: join(dirname(root), "migrated.db"),
    aliases: ["knn@champion"],
    model_ids: [r.logged.modelId],
  });
  expectSeen({ ...migrated, files: {} }, r, false);
});

Deno.test("this library reads the file registry MLflow wrote, and loads its models by alias", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  await ml.setExperiment("python");
  const model = ml.trainKNeighbors(X, Y, { nNeighbors: 3, autolog: false });
  const logged = await ml.withRun({}, () => ml.logModel(model));
  const seen = await mlflowRegistry("write", root, {
    model_id: logged.modelId,
    run_id: logged.runId,
  });
  await readsWhatMlflowWrote(seen, logged, model);
});

/** This library sees what MLflow's client wrote, and loads the models it registered. */
async function readsWhatMlflowWrote(
  seen: Seen,
  logged: ml.LoggedModel,
  model: ml.Pipeline,
): Promise<void> {
  const rm = await ml.getRegisteredModel("py-model");
  const expected = seen.models.find((m) => m.name === "py-model")!;
  assert.deepEqual(
    [rm.description, rm.tags, rm.aliases, rm.latestVersions.map((v) => v.version)],
    [expected.description, expected.tags, expected.aliases, expected.latest],
  );
  const found = await ml.searchModelVersions({ orderBy: ["name ASC", "version_number ASC"] });
  const view = found.map((v) => ({
    name: v.name,
    version: v.version,
    source: v.source,
    run_id: v.runId,
    model_id: v.modelId,
    tags: v.tags,
    description: v.description,
  }));
  assert.deepEqual(
    view,
    seen.versions.map(({ aliases: _a, status: _s, current_stage: _c, ...rest }) => rest),
  );
  for (const v of seen.versions) {
    assert.deepEqual((await ml.getModelVersion(v.name, v.version)).aliases, v.aliases);
  }
  for (
    const uri of ["models:/py-model@champion", "models:/py-model@challenger", "models:/py-copy/1"]
  ) {
    assert.deepEqual((await ml.loadModel(uri)).predict(X), model.predict(X), uri);
  }
  // The logged model's list of registered versions reads as MLflow wrote it.
  const tag = (await getStore().getLoggedModel(logged.modelId)).tags["mlflow.modelVersions"];
  assert.equal(tag, seen.model_versions_tags[logged.modelId]);
  assert.ok(tag?.includes('{"name": "py-model", "version": 1}'), tag);
}

Deno.test({
  name:
    "the server registry keeps the contract, MLflow reads the registry this library wrote there, and this library reads MLflow's",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer(); // one server for both, to save a start
    const registry = openRegistry(server.url, { rest: { maxRetries: 0 } });
    await contract(registry, new RestStore(server.url), false);

    ml.setTrackingUri(server.url);
    const r = await registerEveryWay();
    const seen = await mlflowRegistry("read", server.url, {
      aliases: ["knn@champion"],
      model_ids: [r.logged.modelId],
      uris: URIS,
    });
    expectSeen(seen, r, false, false);
    await loadsEveryWay(r);
    await refusesBadUris();
    await refusesBadRegistrations(r.logged.runId);

    const model = ml.trainKNeighbors(X, Y, { nNeighbors: 3, autolog: false });
    const logged = await ml.withRun({}, () => ml.logModel(model));
    const written = await mlflowRegistry("write", server.url, {
      model_id: logged.modelId,
      run_id: logged.runId,
    });
    await readsWhatMlflowWrote(written, logged, model);
  },
});

Deno.test("a server's registry is reached with the tracking URI's credentials, and odd answers are refused naming the endpoint", async () => {
  let answer: () => Response = () => json({ registered_model: { name: "knn" } });
  await using server = fakeServer(() => answer());
  ml.setTrackingUri(server.url.replace("//", "//bob:s3cret@"));
  try {
    assert.equal((await ml.getRegisteredModel("knn")).name, "knn");
    assert.equal(server.seen.at(-1)!.authorization, `Basic ${btoa("bob:s3cret")}`);
    assert.equal(server.seen.at(-1)!.path, "/api/2.0/mlflow/registered-models/get");
    assert.equal(ml.getRegistryUri(), server.url);
    const odd: [unknown, () => Promise<unknown>, RegExp][] = [
      [
        {},
        () => ml.getRegisteredModel("knn"),
        /GET \/registered-models\/get on .*'registered_model' is missing/,
      ],
      [
        { registered_model: { name: "knn", aliases: [{ alias: "a" }] } },
        () => ml.getRegisteredModel("knn"),
        /'registered_model.aliases\[0\]'/,
      ],
      [
        { model_version: { name: "knn" } },
        () => ml.getModelVersion("knn", 1),
        /'model_version.version' is missing/,
      ],
      [
        { model_version: { name: "knn", version: "x" } },
        () => ml.getModelVersion("knn", 1),
        /'model_version.version' is a string, expected a version number/,
      ],
      [{ model_versions: "x" }, () => ml.searchModelVersions(), /'model_versions' is a string/],
      [
        { model_version: { name: "knn", version: "1", aliases: [1] } },
        () => ml.getModelVersionByAlias("knn", "a"),
        /'model_version.aliases'/,
      ],
    ];
    for (const [body, call, message] of odd) {
      answer = () => json(body);
      await assert.rejects(
        call(),
        (e) => code("INTERNAL_ERROR")(e) && message.test((e as Error).message),
      );
    }
  } finally {
    ml.setTrackingUri(await Deno.makeTempDir());
  }
});

Deno.test("a registry on disk is data from anyone: recorded sources, links and aliases are not followed out of the store", async () => {
  const root = await tempStore();
  ml.setTrackingUri(root);
  const model = ml.trainKNeighbors(X, Y, { nNeighbors: 1, autolog: false });
  const logged = await ml.withRun({}, () => ml.logModel(model));
  await ml.registerModel(logged.modelUri, "knn");
  const models = join(root, "models");
  const outside = await Deno.makeTempDir({ prefix: "outside-" });
  await Deno.writeTextFile(join(outside, "MLmodel"), "flavors: {}\n");
  // A version whose recorded source lies outside the store, with no logged model.
  const evil = join(models, "evil", "version-1");
  await Deno.mkdir(evil, { recursive: true });
  await Deno.writeTextFile(
    join(models, "evil", "meta.yaml"),
    "name: evil\ncreation_timestamp: 1\n",
  );
  await Deno.writeTextFile(
    join(evil, "meta.yaml"),
    `name: evil\nversion: 1\nsource: file://${outside}\nrun_id: ${logged.runId}\n` +
      `storage_location: file://${outside}\ncurrent_stage: None\ncreation_timestamp: 1\n`,
  );
  await assert.rejects(ml.loadModel("models:/evil/1"), (e) => {
    return code("INVALID_PARAMETER_VALUE")(e) &&
      (e as Error).message.includes(`file://${outside}`) &&
      /it is not followed/.test((e as Error).message);
  });
  // A runs:/ source climbing out of its run's artifacts.
  await Deno.writeTextFile(
    join(evil, "meta.yaml"),
    `name: evil\nversion: 1\nsource: runs:/${logged.runId}/../../x\ncurrent_stage: None\n`,
  );
  await assert.rejects(ml.loadModel("models:/evil/1"), /'\.\.' is not allowed/);
  // A registered model folder that is a link to a folder outside, and an alias that is no number.
  await Deno.mkdir(join(outside, "linked"));
  await Deno.writeTextFile(join(outside, "linked", "meta.yaml"), "name: linked\n");
  await Deno.symlink(join(outside, "linked"), join(models, "linked"));
  await assert.rejects(ml.getRegisteredModel("linked"), code("RESOURCE_DOES_NOT_EXIST"));
  await Deno.mkdir(join(models, "knn", "aliases"));
  await Deno.writeTextFile(join(models, "knn", "aliases", "odd"), "../../x");
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    const names = (await ml.searchRegisteredModels()).map((m) => m.name);
    assert.deepEqual(names, ["evil", "knn"]);
    assert.deepEqual((await ml.getRegisteredModel("knn")).aliases, {});
  } finally {
    console.warn = warn;
  }
  assert.ok(warnings.some((w) => w.includes("aliases/odd")), warnings.join("\n"));
});

Deno.test("MLFLOW_REGISTRY_URI puts the registry in another store than the runs", async () => {
  const runs = await tempStore();
  const registry = await tempStore();
  ml.setTrackingUri(runs);
  Deno.env.set("MLFLOW_REGISTRY_URI", registry);
  try {
    assert.equal(ml.getRegistryUri(), `file://${registry}`);
    await ml.createRegisteredModel("elsewhere");
    assert.ok((await Deno.stat(join(registry, "models", "elsewhere", "meta.yaml"))).isFile);
    await assert.rejects(Deno.stat(join(runs, "models")), Deno.errors.NotFound);
  } finally {
    Deno.env.delete("MLFLOW_REGISTRY_URI");
  }
  assert.equal(ml.getRegistryUri(), `file://${runs}`);
});
