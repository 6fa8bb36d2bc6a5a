/** The notebook display of a chart: one MIME bundle with the spec, its SVG and a line of text. */

import assert from "node:assert/strict";
import {
  Chart,
  chart,
  confusionMatrixHeatmap,
  toSvg,
  VEGA_LITE_MIME,
} from "../../lib/charts/mod.ts";
import { JUPYTER_DISPLAY } from "../../lib/display/mod.ts";
import type { TopLevelSpec } from "vega-lite";

const spec = (): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title: "Test accuracy by model",
  data: { values: [{ model: "knn", acc: 0.91 }, { model: "forest", acc: 0.94 }] },
  mark: "bar",
  encoding: {
    x: { field: "model", type: "nominal" },
    y: { field: "acc", type: "quantitative" },
  },
});

Deno.test("Chart display: exactly three MIME types; the Vega-Lite one is the spec", async () => {
  const original = spec();
  const bundle = await chart(original)[JUPYTER_DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
    "text/plain",
  ]);
  assert.equal(VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
  assert.deepEqual(bundle["application/vnd.vegalite.v5+json"], original);
  assert.equal(bundle["image/svg+xml"], await toSvg(original));
  assert.match(bundle["image/svg+xml"], /<text[^>]*>forest<\/text>/);
  assert.equal(bundle["text/plain"], "Vega-Lite chart: Test accuracy by model");
  // The whole bundle survives the JSON trip to the kernel's frontend.
  assert.deepEqual(JSON.parse(JSON.stringify(bundle)), bundle);
});

Deno.test("Chart display is async (Deno's kernel awaits it) and renders the SVG once", async () => {
  const c = new Chart(spec());
  const pending = c[JUPYTER_DISPLAY]();
  assert.ok(pending instanceof Promise);
  const first = await pending;
  assert.strictEqual(c.svg(), c.svg());
  assert.equal((await c[JUPYTER_DISPLAY]())["image/svg+xml"], first["image/svg+xml"]);
});

Deno.test("Chart keeps a copy: later changes to the spec passed in do not reach it", async () => {
  const original = spec() as { title: string; data: { values: { acc: number }[] } };
  const c = chart(original as TopLevelSpec);
  original.title = "changed";
  original.data.values[0]!.acc = 0;
  assert.equal(c.title, "Test accuracy by model");
  assert.deepEqual(c.spec, spec());
  assert.deepEqual((await c[JUPYTER_DISPLAY]())[VEGA_LITE_MIME], spec());
});

Deno.test("Chart title: string, title object, description, none", () => {
  const base = { data: { values: [] }, mark: "point" as const };
  assert.equal(chart({ ...base, title: { text: "T", subtitle: "s" } }).title, "T");
  assert.equal(chart({ ...base, title: { text: ["two", "lines"] } }).title, "two lines");
  assert.equal(chart({ ...base, description: "D" }).title, "D");
  assert.equal(chart(base).title, "");
  assert.equal(String(chart(base)), "Vega-Lite chart");
  assert.equal(String(chart(confusionMatrixHeatmap([[1]]))), "Vega-Lite chart: Confusion matrix");
  assert.equal(Deno.inspect(chart(base)), "Vega-Lite chart");
});

Deno.test("Chart display rejects when the spec cannot be rendered, and can retry", async () => {
  const bad = chart({ data: { values: [] }, mark: "nope" } as unknown as TopLevelSpec);
  await assert.rejects(bad[JUPYTER_DISPLAY]());
  await assert.rejects(bad.svg()); // not a cached rejection from a shared promise only
});
