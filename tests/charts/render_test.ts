/**
 * Rendering builder output to SVG in-process: the SVG holds one mark item per data row (or per
 * line), and the axis titles, labels and in-chart texts as `<text>` elements.
 */

import assert from "node:assert/strict";
import {
  confusionMatrixHeatmap,
  groupedBars,
  metricHistory,
  parallelCoordinates,
  paramVsMetric,
  toSvg,
  trainVsTest,
} from "../../lib/charts/mod.ts";
import * as msg from "../../lib/charts/_messages.ts";

// ------------------------------------------------------------------ helpers

/** The contents of each `<g class="mark-<type> role-mark">` group (they hold no nested groups). */
function markGroups(svg: string, type: string): string[] {
  const re = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>([\\s\\S]*?)</g>`, "g");
  return [...svg.matchAll(re)].map((m) => m[1]!);
}

/** How many items of a Vega mark type (`symbol`, `rect`, `line`, `text`, `rule`) the SVG draws. */
function markCount(svg: string, type: string): number {
  return markGroups(svg, type).reduce(
    (n, g) => n + (g.match(/<(path|text|line)\b/g) ?? []).length,
    0,
  );
}

/** The `aria-label`s of a mark type's items: Vega writes each item's encoded fields there. */
function markLabels(svg: string, type: string): string[] {
  return markGroups(svg, type).flatMap((g) =>
    [...g.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!)
  );
}

/** The contents of every `<text>` element, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
      .replaceAll("&#39;", "'").replaceAll("&amp;", "&")
  );
}

/** The texts of the items of text marks (not axes or legends). */
function markTexts(svg: string): string[] {
  return markGroups(svg, "text").flatMap((g) =>
    [...g.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
  );
}

const run = (
  runName: string,
  params: Record<string, string>,
  metrics: Record<string, number>,
  tags: Record<string, string> = {},
) => ({
  info: { runName, runId: crypto.randomUUID().replaceAll("-", "") },
  data: { params, metrics, tags },
});

const runs = [
  run("knn-1", { n_neighbors: "1", model: "knn" }, { train_accuracy: 1, test_accuracy: 0.86 }),
  run("knn-5", { n_neighbors: "5", model: "knn" }, { train_accuracy: 0.94, test_accuracy: 0.91 }),
  run("knn-9", { n_neighbors: "9", model: "knn" }, { train_accuracy: 0.92, test_accuracy: 0.9 }),
  run("forest-3", { max_depth: "3", model: "forest" }, {
    train_accuracy: 0.9,
    test_accuracy: 0.89,
  }),
  run("lost", { n_neighbors: "3", model: "knn" }, {}),
];

// ------------------------------------------------------------------ tests

Deno.test("toSvg(paramVsMetric): a point per kept run, one line, axis titles as text", async () => {
  const svg = await toSvg(paramVsMetric(runs, { param: "n_neighbors", metric: "test_accuracy" }));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const kept = runs.filter((r) => r.data.params.n_neighbors && r.data.metrics.test_accuracy);
  assert.equal(markCount(svg, "symbol"), kept.length);
  assert.equal(markCount(svg, "line"), 1);
  for (const r of kept) {
    assert.ok(markLabels(svg, "symbol").some((l) => l.includes(`run: ${r.info.runName}`)));
  }
  const all = texts(svg);
  assert.ok(all.includes("n_neighbors"), "x axis title");
  assert.ok(all.includes("test_accuracy"), "y axis title");
  assert.ok(all.includes("test_accuracy vs n_neighbors"), "chart title");
  // Tick labels: numbers spanning the param's range.
  const ticks = all.filter((t) => /^\d+(\.\d+)?$/.test(t)).map(Number);
  assert.ok(ticks.length >= 4);
  assert.ok(ticks.some((t) => t <= 1) && ticks.some((t) => t >= 9));
});

Deno.test("toSvg(groupedBars): a rect per (run, metric), run names as axis labels", async () => {
  const metrics = ["train_accuracy", "test_accuracy"];
  const svg = await toSvg(groupedBars(runs, { metrics }));
  const withBoth = runs.filter((r) => metrics.every((m) => m in r.data.metrics));
  assert.equal(markCount(svg, "rect"), withBoth.length * metrics.length);
  const all = texts(svg);
  for (const r of withBoth) assert.ok(all.includes(r.info.runName), r.info.runName);
  for (const m of metrics) assert.ok(all.includes(m), `legend entry ${m}`);
  assert.ok(!all.includes("lost"));
});

Deno.test("toSvg(confusionMatrixHeatmap): n² cells, each count written once", async () => {
  const matrix = [[50, 2, 0], [3, 40, 5], [1, 4, 46]];
  const svg = await toSvg(confusionMatrixHeatmap(matrix, { labels: ["a", "b", "c"] }));
  assert.equal(markCount(svg, "rect"), 9);
  assert.equal(markCount(svg, "text"), 9);
  const sortNumbers = (xs: number[]) => [...xs].sort((p, q) => p - q);
  assert.deepEqual(sortNumbers(markTexts(svg).map(Number)), sortNumbers(matrix.flat()));
  const all = texts(svg);
  for (const label of ["a", "b", "c", "actual", "predicted"]) assert.ok(all.includes(label), label);
  // The darkest cells (above half the maximum) get white text.
  assert.equal(markGroups(svg, "text").join("").split('fill="white"').length - 1, 3);
});

Deno.test("toSvg(metricHistory): a line per run, step axis", async () => {
  const pts = (vals: number[]) =>
    vals.map((value, step) => ({ key: "loss", value, step, timestamp: step }));
  const svg = await toSvg(metricHistory([
    { runName: "a", points: pts([1, 0.5, 0.25]) },
    { runName: "b", points: pts([1, 0.8]) },
    { runName: "c", points: pts([0.9, 0.7, 0.6, 0.5]) },
  ]));
  assert.equal(markCount(svg, "line"), 3);
  assert.equal(markCount(svg, "symbol"), 9); // point overlay: one per logged value
  const all = texts(svg);
  assert.ok(all.includes("step"));
  assert.ok(all.includes("loss"));
});

Deno.test("toSvg(parallelCoordinates): a line per run, raw min and max written on each axis", async () => {
  const spec = parallelCoordinates(runs, {
    params: ["n_neighbors"],
    metrics: ["train_accuracy", "test_accuracy"],
  });
  const svg = await toSvg(spec);
  const complete = runs.filter((r) =>
    r.data.params.n_neighbors !== undefined && "train_accuracy" in r.data.metrics &&
    "test_accuracy" in r.data.metrics
  );
  assert.equal(markCount(svg, "line"), complete.length);
  const written = markTexts(svg).map(Number);
  const columns = [
    complete.map((r) => Number(r.data.params.n_neighbors)),
    complete.map((r) => r.data.metrics.train_accuracy!),
    complete.map((r) => r.data.metrics.test_accuracy!),
  ];
  for (const column of columns) {
    assert.ok(written.includes(Math.min(...column)), `min of ${column}`);
    assert.ok(written.includes(Math.max(...column)), `max of ${column}`);
  }
  const all = texts(svg);
  for (const name of ["n_neighbors", "train_accuracy", "test_accuracy"]) {
    assert.ok(all.includes(name), `axis label ${name}`);
  }
});

Deno.test("toSvg(trainVsTest): a point per run and one dashed diagonal", async () => {
  const svg = await toSvg(trainVsTest(runs));
  assert.equal(
    markCount(svg, "symbol"),
    runs.filter((r) => "test_accuracy" in r.data.metrics).length,
  );
  assert.equal((svg.match(/class="mark-rule role-mark/g) ?? []).length, 1);
  assert.match(svg, /class="mark-rule role-mark[^"]*"[^>]*><line [^>]*stroke-dasharray/);
  const all = texts(svg);
  assert.ok(all.includes("train_accuracy") && all.includes("test_accuracy"));
});

Deno.test("toSvg: scale, warnings and bad options", async () => {
  const spec = {
    data: { values: [{ a: 1, b: "x" }] },
    mark: "bar" as const,
    encoding: {
      x: { field: "a", type: "quantitative" as const },
      shape: { field: "b", type: "nominal" as const }, // bars have no shape: Vega-Lite warns
    },
  };
  const warnings: string[] = [];
  const svg1 = await toSvg(spec, { onWarning: (w) => warnings.push(w) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /shape/);
  const width = (svg: string) => Number(svg.match(/^<svg[^>]* width="([\d.]+)"/)![1]);
  const svg2 = await toSvg(spec, { scale: 2, onWarning: () => {} });
  assert.equal(width(svg2), 2 * width(svg1));
  await assert.rejects(toSvg(spec, { scale: 0 }), new RangeError(msg.badScale(0)));
});

Deno.test("toSvg leaves the spec untouched (Vega tags the data objects it reads)", async () => {
  const spec = {
    data: { values: [{ a: 1 }, { a: 2 }] },
    mark: "point" as const,
    encoding: { x: { field: "a", type: "quantitative" as const } },
  };
  const before = structuredClone(spec);
  const freeze = <T>(v: T): T => {
    if (typeof v === "object" && v !== null) Object.values(Object.freeze(v)).forEach(freeze);
    return v;
  };
  await toSvg(freeze(spec));
  assert.deepEqual(spec, before);
  assert.deepEqual(Object.getOwnPropertySymbols(spec.data.values[0]), []);
});

// ------------------------------------------------------------------ kept views

/** The SVG a new Vega view draws for `spec`, with nothing kept from earlier drawings. */
async function freshSvg(spec: unknown): Promise<string> {
  const vega = await import("npm:vega@5.33.1");
  const vl = await import("npm:vega-lite@5.23.0");
  const logger = vega.logger(vega.Error); // the warnings are toSvg's to give
  const compiled = vl.compile(structuredClone(spec) as never, { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Legend gradients are numbered by one counter per process: compare drawings without it. */
const sameDrawing = (svg: string) => svg.replace(/gradient_\d+/g, "gradient");

Deno.test("a chart drawn again with other data is the SVG a new view draws, for every builder", async () => {
  const varied = (i: number) =>
    runs.slice(0, 2 + (i % 4)).map((r, j) => ({
      ...r,
      info: { ...r.info, runName: `${r.info.runName}-${(i + j) % 3}` },
      data: {
        ...r.data,
        params: { ...r.data.params, max_depth: String(1 + ((i * j) % 5)) },
        metrics: Object.fromEntries(
          Object.entries(r.data.metrics).map(([k, v]) => [k, v - 0.01 * ((i + j) % 7)]),
        ),
      },
    }));
  const pts = (n: number, k: number) =>
    Array.from(
      { length: n },
      (_, step) => ({ key: "loss", value: 1 / (step + k), step, timestamp: 0 }),
    );
  const charts = (i: number) => [
    paramVsMetric(varied(i), { param: "n_neighbors", metric: "test_accuracy" }),
    paramVsMetric(varied(i), { param: "max_depth", metric: "test_accuracy", color: "model" }),
    groupedBars(varied(i), { metrics: ["train_accuracy", "test_accuracy"] }),
    confusionMatrixHeatmap([[50 + i, i], [3 * i, 40 - i]], { labels: ["0", "1"] }),
    confusionMatrixHeatmap(
      [[i, 2, 0], [3, 40, 5], [1, 4 + i, 46]].map((row) => row.map((v) => v * (i % 3))),
      { labels: ["a", "b", "c"], title: "three classes" },
    ),
    metricHistory([
      { runName: "a", points: pts(2 + i, 1) },
      ...(i % 2 ? [{ runName: `b${i}`, points: pts(3, i + 1) }] : []),
    ]),
    parallelCoordinates(varied(i), {
      params: ["n_neighbors"],
      metrics: ["train_accuracy", "test_accuracy"],
    }),
    trainVsTest(varied(i)),
  ];
  for (let i = 0; i < 6; i++) {
    for (const [c, spec] of charts(i).entries()) {
      assert.equal(
        sameDrawing(await toSvg(spec, { onWarning: () => {} })),
        sameDrawing(await freshSvg(spec)),
        `chart ${c}, data ${i}`,
      );
    }
  }
  // Drawn at once, each drawing of one chart keeps its own data.
  const specs = Array.from(
    { length: 5 },
    (_, i) => confusionMatrixHeatmap([[i, 2 * i], [7, 1]], { title: "at once" }),
  );
  const svgs = await Promise.all(specs.map((spec) => toSvg(spec)));
  for (const [i, spec] of specs.entries()) {
    assert.equal(sameDrawing(svgs[i]!), sameDrawing(await freshSvg(spec)), `at once ${i}`);
  }
});

Deno.test("a kept chart changes with everything but its values: title, encoding, scale", async () => {
  const spec = (title: string, field: string) => ({
    title,
    data: { values: [{ a: 1, b: 2 }, { a: 2, b: 1 }] },
    mark: "point" as const,
    encoding: { x: { field, type: "quantitative" as const } },
  });
  const first = await toSvg(spec("one", "a"));
  assert.ok(texts(first).includes("one"));
  const retitled = await toSvg(spec("two", "a"));
  assert.ok(texts(retitled).includes("two") && !texts(retitled).includes("one"));
  assert.ok(texts(await toSvg(spec("two", "b"))).includes("b"));
  const width = (svg: string) => Number(svg.match(/^<svg[^>]* width="([\d.]+)"/)![1]);
  assert.equal(width(await toSvg(spec("one", "a"), { scale: 3 })), 3 * width(first));
  // Values the view read before are not mixed into the next drawing.
  const few = { ...spec("one", "a"), data: { values: [{ a: 5 }] } };
  assert.equal(markCount(await toSvg(few), "symbol"), 1);
});

Deno.test("a spec drawn lately is not drawn again: same SVG, same warnings", async () => {
  const spec = {
    data: { values: [{ a: 1, b: "x" }, { a: 3, b: "y" }] },
    mark: "bar" as const,
    encoding: {
      x: { field: "a", type: "quantitative" as const },
      shape: { field: "b", type: "nominal" as const }, // bars have no shape: Vega-Lite warns
    },
  };
  const warnings: string[] = [];
  const first = await toSvg(spec, { onWarning: (w) => warnings.push(w) });
  const again = await toSvg(structuredClone(spec), { onWarning: (w) => warnings.push(w) });
  assert.equal(again, first);
  assert.equal(warnings.length, 2);
  assert.equal(warnings[1], warnings[0]);
  // Changed in place: drawn anew.
  spec.data.values[1]!.a = 30;
  const changed = await toSvg(spec, { onWarning: () => {} });
  assert.notEqual(changed, first);
  assert.equal(sameDrawing(changed), sameDrawing(await freshSvg(spec)));
  // Many other charts later, the first is drawn right again.
  for (let i = 0; i < 40; i++) {
    await toSvg({ ...spec, data: { values: [{ a: i, b: "z" }] } }, { onWarning: () => {} });
  }
  assert.equal(sameDrawing(await toSvg(spec, { onWarning: () => {} })), sameDrawing(changed));
});

Deno.test("specs whose JSON looks alike but whose values differ are drawn each as itself", async () => {
  const text = (values: unknown[]) => ({
    data: { values },
    mark: "text" as const,
    encoding: { text: { field: "t", type: "quantitative" as const, format: "~g" } },
  });
  // JSON writes NaN, ±Infinity and undefined as null, -0 as 0, and a Date as its ISO string.
  const lookalikes: unknown[][] = [
    [{ t: null }, { t: 0 }],
    [{ t: Infinity }, { t: -0 }],
    [{ t: NaN }, { t: 0 }],
    [{ t: undefined }, { t: 0 }],
    [{ t: new Date(0) }, { t: 0 }],
    [{ t: "1970-01-01T00:00:00.000Z" }, { t: 0 }],
  ];
  for (const values of lookalikes) {
    const spec = text(values);
    assert.equal(sameDrawing(await toSvg(spec)), sameDrawing(await freshSvg(spec)), String(values));
  }
});
