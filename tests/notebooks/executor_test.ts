// The notebook executor with real Jupyter and Deno's kernel: outputs Deno publishes after a cell
// is over land in that cell, and a batch of notebooks runs at once, each waiting for the jobs and
// gates it names, one execution written with and without its code, failures reported per job.

import assert from "node:assert/strict";
import { join } from "node:path";
import { executeNotebook, startNotebooks } from "../../harness/jupyter.ts";

/** Writes a Deno notebook of code cells. */
async function writeNotebook(path: string, sources: string[]): Promise<string> {
  const cells = sources.map((source) => ({
    cell_type: "code",
    execution_count: null,
    metadata: {},
    outputs: [],
    source: [source],
  }));
  const metadata = { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } };
  await Deno.writeTextFile(
    path,
    JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }),
  );
  return path;
}

type Output = { output_type: string; data?: Record<string, string> };

/** Kernels that print values without colours. */
const NO_COLOR = { NO_COLOR: "1" };

/** The plain-text outputs of each code cell of an executed notebook (quotes off). */
async function cellTexts(executed: string): Promise<string[][]> {
  const nb = JSON.parse(await Deno.readTextFile(executed)) as { cells: { outputs: Output[] }[] };
  const plain = (o: Output) =>
    String(o.data?.["text/plain"] ?? o.output_type).replace(/^(["'])(.*)\1$/, "$2");
  return nb.cells.map((c) => c.outputs.map(plain));
}

// A value whose display takes `ms` milliseconds (the kernel awaits it before the cell is over).
const SLOW = `const slow = (ms: number, text: string) => ({
  [Symbol.for("Jupyter.display")]: async () => {
    await new Promise((r) => setTimeout(r, ms));
    return { "text/plain": text };
  },
});`;

Deno.test("each cell keeps its own outputs, slow displays and the last cell included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "late-cells-" });
  const nb = await writeNotebook(join(dir, "late.ipynb"), [
    SLOW,
    `slow(1500, "late-one")`,
    "const x = 1;", // no value: nothing is published
    `"fast-three"`,
    `slow(700, "late-four")`,
  ]);
  const done = await executeNotebook(nb, {
    outDir: join(dir, "out"),
    keepNotebook: true,
    env: NO_COLOR,
  });
  assert.equal(done.error, null);
  assert.deepEqual(await cellTexts(done.notebook!), [
    [],
    ["late-one"],
    [],
    ["fast-three"],
    ["late-four"],
  ]);
});

Deno.test("a batch runs notebooks at once, each after the jobs and gates it names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "batch-" });
  const stamp = (name: string) =>
    `Deno.writeTextFileSync("${name}.stamp", String(performance.timeOrigin + performance.now()));`;
  const first = await writeNotebook(join(dir, "first.ipynb"), [stamp("first"), `"first done"`]);
  const second = await writeNotebook(join(dir, "second.ipynb"), [
    stamp("second"),
    `Deno.readTextFileSync("first.stamp").length > 0`,
    `Deno.env.get("JPY_SESSION_NAME")`,
  ]);
  const failing = await writeNotebook(join(dir, "failing.ipynb"), [
    `"before"`,
    `throw new Error("this cell fails")`,
    `"never" + "-ran"`,
  ]);
  const waiting = await writeNotebook(join(dir, "waiting.ipynb"), [stamp("waiting")]);
  const heard: string[] = [];
  const released = { at: 0 };
  const batch = await startNotebooks([
    { notebook: first, exports: [{ html: join(dir, "out", "first.html") }] },
    {
      notebook: second,
      exports: [
        { html: join(dir, "out", "second.html") },
        { html: join(dir, "out", "summary", "second.html"), noInput: true },
      ],
      executed: join(dir, "out", "second.ipynb"),
      after: ["first", "gate"],
      env: NO_COLOR,
    },
    { notebook: failing, exports: [{ html: join(dir, "out", "failing.html") }] },
  ], { onFinished: (r) => heard.push(r.name) });
  await new Promise((r) => setTimeout(r, 1500));
  released.at = performance.timeOrigin + performance.now();
  batch.release("gate");
  const results = await batch.finished;
  assert.deepEqual([...heard].sort(), ["failing", "first", "second"]);
  assert.deepEqual(results.map((r) => r.name), heard);
  const byName = Object.fromEntries(results.map((r) => [r.name, r]));
  for (const r of results) assert.ok(r.phases.kernel !== undefined && r.phases.cells !== undefined);
  assert.deepEqual(Object.keys(byName.second!.phases), ["kernel", "waited", "cells", "report"]);
  // The second notebook ran after the first and after the gate, in its own folder, named.
  assert.equal(byName.first!.error, null);
  assert.equal(byName.second!.error, null);
  const time = (name: string) => Number(Deno.readTextFileSync(join(dir, `${name}.stamp`)));
  assert.ok(time("second") >= released.at, "the second notebook waited for its gate");
  assert.ok(time("second") >= time("first"));
  assert.deepEqual(await cellTexts(byName.second!.executed!), [
    [],
    ["true"],
    [second],
  ]);
  // One execution, written with and without its code.
  const [withCode, codeFree] = await Promise.all(
    byName.second!.html.map((h) => Deno.readTextFile(h)),
  );
  assert.match(withCode!, /readTextFileSync/);
  assert.doesNotMatch(codeFree!, /readTextFileSync/);
  assert.match(codeFree!, /true/);
  // A failing cell fails its job only, whose report shows what ran and the error.
  assert.match(byName.failing!.error!, /this cell fails/);
  const failed = await Deno.readTextFile(byName.failing!.html[0]!);
  assert.match(failed, /before/);
  assert.match(failed, /this cell fails/);
  assert.doesNotMatch(failed, /never-ran/);
  // A gate given up fails the jobs waiting for it, before any of their cells ran.
  const given = await startNotebooks([
    { notebook: waiting, exports: [{ html: join(dir, "out", "waiting.html") }], after: ["x"] },
    { notebook: first, exports: [{ html: join(dir, "out", "first-again.html") }] },
  ]);
  given.closeGates();
  const [a, b] = [...await given.finished].sort((p, q) => p.name.localeCompare(q.name));
  assert.equal(a!.name, "first");
  assert.equal(a!.error, null);
  assert.match(b!.error!, /'x' was never released/);
  assert.throws(() => Deno.statSync(join(dir, "waiting.stamp")), Deno.errors.NotFound);
});
