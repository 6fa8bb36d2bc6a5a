// Registry searches against MLflow itself: the same registry (registered models, versions with
// runs, sources and tags, a deleted version, aliases) is searched with a spread of filters and
// order-bys, valid and not, by this library and by MLflow's client — on a file store (where
// MLflow's file registry answers, and its SQL registry too, after `mlflow migrate-filestore`)
// and on a real server. Every answer must agree: the same models or versions in the same order,
// or a refusal where MLflow refuses.

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  FileRegistry,
  FileStore,
  MlflowError,
  openRegistry,
  type RegistryStore,
  RestStore,
  type TrackingStore,
} from "../../lib/tracking/mod.ts";
import { runPythonScript } from "../../harness/python.ts";
import { startTrackingServer } from "../../harness/mlflow_server.ts";
import { pyScript } from "../py/scripts.ts";
import { tempStore } from "./_helpers.ts";

/** A search as tests/py/mlflow_registry.py takes it. */
interface Case {
  kind: "model" | "version";
  filter: string;
  order_by?: string[];
}

type Answer = { ids: string[] } | { error: string };

/** The registry searched: models, versions (one deleted), tags, aliases, two runs. */
async function buildRegistry(tracking: TrackingStore, registry: RegistryStore) {
  await tracking.ensureRoot();
  const experimentId = await tracking.createExperiment("registry-search");
  const runs: string[] = [];
  const models: string[] = [];
  for (const name of ["a", "b"]) {
    const run = await tracking.createRun({ experimentId, runName: name });
    const model = await tracking.createLoggedModel({
      experimentId,
      name: "model",
      sourceRunId: run.info.runId,
    });
    await tracking.writeLoggedModelArtifact(model.modelId, "MLmodel", "flavors: {}\n");
    await tracking.finalizeLoggedModel(model.modelId, "LOGGED_MODEL_READY");
    runs.push(run.info.runId);
    models.push(model.modelId);
  }
  const version = (name: string, i: number, tags: Record<string, string> = {}) =>
    registry.createModelVersion({
      name,
      source: `models:/${models[i]}`,
      modelId: models[i]!,
      runId: runs[i]!,
      tags,
    });
  await registry.createRegisteredModel("knn", { tags: { team: "ml", stage: "dev" } });
  await version("knn", 0, { k: "v", split: "a" });
  await version("knn", 1, { k: "V" });
  await version("knn", 0);
  await registry.deleteModelVersion("knn", 3);
  await registry.setRegisteredModelAlias("knn", "champion", 1);
  await registry.createRegisteredModel("KNN-b", { tags: { team: "ML" } });
  await version("KNN-b", 1);
  await registry.createRegisteredModel("rf_forest");
  await version("rf_forest", 0, { k: "x" });
  await registry.createModelVersion({ name: "rf_forest", source: "models:/knn/1" });
  await registry.createRegisteredModel("ζeta model", { tags: { team: "ml" } });
  await registry.createRegisteredModel("flagged", {
    tags: { "mlflow.prompt.is_prompt": "false", team: "Ml" },
  });
  await version("flagged", 1, { k: "vv" });
  return { runs, models };
}

function cases(runs: string[]): Case[] {
  const [r1, r2] = runs as [string, string];
  const modelFilters = [
    "",
    "name = 'knn'",
    "name != 'knn'",
    'name = "knn"',
    "attribute.name = 'knn'",
    "name LIKE 'k%'",
    "name ILIKE 'k%'",
    "name LIKE '%_b'",
    "name LIKE 'ζ%'",
    "name ILIKE '%MODEL'",
    "name IN ('knn', 'rf_forest')",
    "name NOT IN ('knn')",
    "name IN ('knn')",
    "tags.team = 'ml'",
    "tags.team != 'ml'",
    "tags.`team` LIKE 'M%'",
    "tag.team ILIKE 'm%'",
    "tags.stage = 'dev' and name = 'knn'",
    "name = 'knn' AND tags.team = 'ml' and tags.stage != 'x'",
    "tags.missing != 'x'",
    "tags.`mlflow.prompt.is_prompt` = 'false'",
    "tags.`mlflow.prompt.is_prompt` != 'true'",
    "name = 'knn' and",
    "and name = 'knn'",
    "   ",
    // Refused by MLflow (some only by its SQL registry, or only once a model reaches them).
    "name > 'a'",
    "name <> 'knn'",
    "run_id = 'x'",
    "tags.team IS NULL",
    "tags.team IS NOT NULL",
    "name = knn",
    "name = 1",
    "`name` = 'knn'",
    "name = 'a' OR name = 'b'",
    "name LIKE ('knn')",
    "name = ('knn')",
    "name IN ()",
    "name IN ('a', 1)",
    "foo.name = 'x'",
    "tags.team > 'a'",
    "tags.team IN ('ml')",
    "name = 'knn';",
    "name = 'knn' name = 'x'",
    "name ==== 'knn'",
  ];
  const versionFilters = [
    "",
    "name = 'knn'",
    `run_id = '${r1}'`,
    `name = 'knn' and run_id = '${r1}'`,
    `run_id != '${r1}'`,
    `run_id IN ('${r1}', 'other')`,
    `run_id NOT IN ('${r1}')`,
    "name IN ('knn', 'KNN-b')",
    "name NOT IN ('knn')",
    "name LIKE 'k%'",
    "name ILIKE 'k%'",
    "version_number = 1",
    "version_number > 1",
    "version_number >= '2'",
    "version_number != 2",
    "version_number <= -1",
    "version_number = '01'",
    "source_path LIKE 'models:/m-%'",
    "source_path = 'models:/knn/1'",
    "source_path ILIKE 'MODELS:/KNN%'",
    "tags.k = 'v'",
    "tags.k != 'v'",
    "tags.k LIKE 'v%'",
    "tags.k ILIKE 'v%'",
    "tags.`split` = 'a'",
    `name = 'knn' and version_number < 3 and tags.k = 'v' and run_id = '${r1}'`,
    "attribute.run_id = 'x'",
    "   ",
    "name = 'knn' and",
    // Refused by MLflow (some only by its SQL registry, or only once a version reaches them).
    "version_number = 1.0",
    "version_number = 1.5",
    "version_number = 'x'",
    "version_number LIKE '1'",
    "version_number IN ('1')",
    "source_path IN ('x')",
    "tags.k IS NOT NULL",
    "tags.k IS NULL",
    "tags.k > 'a'",
    "creation_timestamp > 0",
    "name > 'a'",
    "run_id LIKE 1",
    "tags.k = 1",
    "model_id = 'x'",
    "name = 'a' OR name = 'b'",
    `run_id = '${r2}';`,
    "tags.k IN ('v')",
    "name = ('knn')",
  ];
  const modelOrders = [
    ["name DESC"],
    ["creation_timestamp DESC"],
    ["last_updated_timestamp ASC"],
    ["attribute.name DESC"],
    ["name"],
    ["timestamp DESC"],
    ["tags.team"],
    ["name DESC", "name ASC"],
    ["foo"],
    ["name sideways"],
  ];
  const versionOrders = [
    ["version_number ASC"],
    ["name DESC", "version_number ASC"],
    ["creation_timestamp"],
    ["last_updated_timestamp DESC"],
    ["attribute.version_number DESC"],
    ["run_id"],
    ["tags.k"],
    ["version_number DESC", "version_number ASC"],
    ["timestamp"],
  ];
  return [
    ...modelFilters.map((filter): Case => ({ kind: "model", filter })),
    ...versionFilters.map((filter): Case => ({ kind: "version", filter })),
    ...modelOrders.map((order_by): Case => ({ kind: "model", filter: "", order_by })),
    ...versionOrders.map((order_by): Case => ({ kind: "version", filter: "", order_by })),
  ];
}

/** This library's answer to a case. */
async function ours(registry: RegistryStore, c: Case): Promise<Answer> {
  try {
    const options = {
      filter: c.filter,
      ...(c.order_by ? { orderBy: c.order_by } : {}),
      maxResults: c.kind === "model" ? 1000 : 10000,
    };
    if (c.kind === "model") {
      return { ids: (await registry.searchRegisteredModels(options)).map((m) => m.name) };
    }
    const found = await registry.searchModelVersions(options);
    return { ids: found.map((v) => `${v.name}/${v.version}`) };
  } catch (e) {
    if (!(e instanceof MlflowError)) throw e;
    return { error: e.code };
  }
}

async function mlflowAnswers(uri: string, all: Case[], sqlite?: string) {
  const { stdout } = await runPythonScript(pyScript("mlflow_registry.py"), ["search", uri], {
    stdin: JSON.stringify({ cases: all, ...(sqlite ? { sqlite } : {}) }),
    env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: "0" },
  });
  return JSON.parse(stdout) as { answers: Answer[]; sqlite?: Answer[] };
}

const show = (c: Case) =>
  `${c.kind} ${JSON.stringify(c.filter)} ${JSON.stringify(c.order_by ?? [])}`;

Deno.test("registry searches on a file store answer as MLflow's file and SQL registries do", async () => {
  const root = await tempStore();
  const tracking = new FileStore(root);
  const registry = new FileRegistry(root, { tracking });
  const { runs } = await buildRegistry(tracking, registry);
  const all = cases(runs);
  const mlflow = await mlflowAnswers(root, all, join(dirname(root), "search.db"));
  const mismatches: string[] = [];
  let refused = 0;
  for (const [i, c] of all.entries()) {
    const mine = await ours(registry, c);
    const file = mlflow.answers[i]!;
    const sql = mlflow.sqlite![i]!;
    // A filter MLflow's file registry refuses, or its SQL registry refuses (the SQL registry
    // checks every clause up front, the file registry a clause only once a model reaches it),
    // is refused. An order-by follows the file registry: MLflow's SQL registry sorts registered
    // models on other keys (`timestamp`, not `creation_timestamp`).
    const refusedThere = "error" in file || (c.order_by === undefined && "error" in sql);
    if (refusedThere) refused++;
    const expected = refusedThere ? "refused" : JSON.stringify(file);
    const got = "error" in mine ? "refused" : JSON.stringify(mine);
    if (got !== expected) mismatches.push(`${show(c)}: ours ${got}, MLflow ${expected}`);
    if ("error" in mine) assert.equal(mine.error, "INVALID_PARAMETER_VALUE", show(c));
  }
  assert.deepEqual(mismatches, []);
  assert.ok(refused >= 30, `only ${refused} refusals among ${all.length} cases`);
  assert.ok(all.length - refused >= 60, `only ${all.length - refused} answered`);
});

Deno.test({
  name: "registry searches on a server answer as MLflow's client answers on the same server",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = await startTrackingServer();
    const registry = openRegistry(server.url, { rest: { maxRetries: 0 } });
    const { runs } = await buildRegistry(new RestStore(server.url), registry);
    const all = cases(runs);
    const mlflow = await mlflowAnswers(server.url, all);
    const mismatches: string[] = [];
    for (const [i, c] of all.entries()) {
      const mine = await ours(registry, c);
      const theirs = mlflow.answers[i]!;
      const got = "error" in mine ? "refused" : JSON.stringify(mine);
      const expected = "error" in theirs ? "refused" : JSON.stringify(theirs);
      if (got !== expected) mismatches.push(`${show(c)}: ours ${got}, MLflow ${expected}`);
    }
    assert.deepEqual(mismatches, []);
  },
});
