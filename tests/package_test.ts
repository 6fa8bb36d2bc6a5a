// The package as others use it: a script in a folder of its own (no deno.json, no import map)
// imports the library by the path of its entry points, and every npm dependency the library
// imports is the one deno.json pins.

import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
  exports: Record<string, string>;
  imports: Record<string, string>;
};

function libFiles(dir = join(ROOT, "lib")): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...libFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

Deno.test("a script outside the repository imports the package's entry points by path", async () => {
  const folder = await Deno.makeTempDir({ prefix: "outside-" });
  const entry = (name: string) => pathToFileURL(join(ROOT, config.exports[name]!)).href;
  const script = `
import * as ml from ${JSON.stringify(entry("."))};
import { FileStore } from ${JSON.stringify(entry("./tracking"))};
import { makeClassification } from ${JSON.stringify(entry("./data"))};

ml.setTrackingUri(${JSON.stringify(join(folder, "mlruns"))});
let code: string[] = [];
const { X, y } = makeClassification({ nSamples: 60, nFeatures: 4, nInformative: 2, randomState: 1 });
const runId = await ml.withRun({ runName: "outside" }, async (run) => {
  const model = ml.trainKNeighbors(X, y, { nNeighbors: 3 });
  await ml.logMetric("train_accuracy", ml.accuracyScore(y, model.predict(X)));
  const logged = await ml.logModel(model);
  code = (await new FileStore(${
    JSON.stringify(join(folder, "mlruns"))
  }).listLoggedModelArtifacts(logged.modelId, "code"))
    .map((f) => f.path);
  await ml.saveChart(ml.paramVsMetric([await ml.getRun(run.info.runId)], {
    param: "n_neighbors",
    metric: "train_accuracy",
  }), "chart");
  return run.info.runId;
});
const store = new FileStore(${JSON.stringify(join(folder, "mlruns"))});
const run = store.getRun(runId);
const back = await ml.loadModel(\`runs:/\${runId}/model\`);
console.log(JSON.stringify({
  params: run.data.params,
  accuracy: run.data.metrics.train_accuracy,
  files: store.listArtifacts(runId).map((f) => f.path),
  code,
  same: JSON.stringify(back.predict(X)) === JSON.stringify(ml.trainKNeighbors(X, y, { nNeighbors: 3, autolog: false }).predict(X)),
}));
`;
  await Deno.writeTextFile(join(folder, "script.ts"), script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "script.ts"],
    cwd: folder,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const seen = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(seen.params, { n_neighbors: "3" });
  assert.ok(seen.accuracy > 0.5 && seen.accuracy <= 1);
  assert.deepEqual(seen.files, ["chart.svg", "chart.vl.json"]);
  assert.equal(seen.same, true);
  // The python_function flavour's loader, read from beside the library, is in the model.
  assert.deepEqual(seen.code, ["code/deno_ml_pyfunc.py"]);
  // Nothing was written into the script's folder but the store it chose.
  assert.deepEqual([...Deno.readDirSync(folder)].map((e) => e.name).sort(), [
    "mlruns",
    "script.ts",
  ]);
});

Deno.test("every npm package the library imports is pinned in deno.json, at that version", () => {
  const pinned = new Set(Object.values(config.imports).filter((v) => v.startsWith("npm:")));
  const used = new Map<string, string[]>();
  for (const file of libFiles()) {
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/["'](npm:[^"'/]+(?:\/[^"'@/]+)?@[^"'/]+)(?:\/[^"']*)?["']/g)) {
      const spec = m[1]!;
      used.set(spec, [...(used.get(spec) ?? []), relative(ROOT, file)]);
    }
    // Bare package names would need this repository's import map.
    const bare = [...text.matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"'.][^"':]*)["']/gm)]
      .map((b) => b[1]!).filter((s) => !s.startsWith("node:"));
    assert.deepEqual(bare, [], `${relative(ROOT, file)} imports by bare name`);
  }
  assert.ok(used.size >= 5, `found ${[...used.keys()]}`);
  for (const [spec, files] of used) {
    assert.ok(pinned.has(spec), `${spec} (in ${files.join(", ")}) is not deno.json's pin`);
  }
});

Deno.test("each export of deno.json is a documented module", async () => {
  for (const [name, path] of Object.entries(config.exports)) {
    const text = await Deno.readTextFile(join(ROOT, path));
    assert.match(text, /@module/, `${name} (${path}) has no module doc`);
    assert.match(text, /@example/, `${name} (${path}) has no example`);
  }
  assert.deepEqual(Object.keys(config.exports).sort(), [
    ".",
    "./charts",
    "./data",
    "./display",
    "./experiment",
    "./flavor",
    "./metrics",
    "./models",
    "./serve",
    "./tracking",
  ]);
});
