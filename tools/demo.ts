/**
 * `deno task demo`: the whole story on a fresh clone. Logs k-neighbours and random-forest runs
 * over a small hyperparameter grid into `mlruns/` (one sweep per family), executes the notebooks
 * with Jupyter (each training notebook logs one more run; the last draws the comparisons) —
 * their kernels start while the grid trains, and notebooks that do not need each other's runs
 * execute at once —, writes the HTML reports, and ends with the best run of each family, the number of runs, and where the
 * reports are. Running it again reuses the grid's runs logged with the same code and data (only
 * the sweeps' parents and the notebooks' runs are added).
 *
 * Options: `--quick` (a smaller grid), `--no-reports` (skip Jupyter), `--reports <dir>` (where
 * the reports go; `reports/` by default).
 *
 * @module
 */

import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import * as ml from "../lib/mod.ts";
import { isServerUri } from "../lib/tracking/mod.ts";
import { listNotebooks, REPORTS_DIR, startNotebooks } from "../harness/jupyter.ts";
import { REPO_ROOT } from "../harness/python.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    "no-reports": { type: "boolean", default: false },
    reports: { type: "string", default: REPORTS_DIR },
  },
});

const t0 = performance.now();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
console.log(`Tracking into ${ml.getTrackingUri()}`);

// The notebooks' kernels start while the grid trains; the training notebooks run once the grid
// is logged (they compare their run with it), the comparison once they are done too. The data
// notebook needs no runs: it runs at once. The comparison is executed once and written twice:
// with its code, and code-free for stakeholders.
const outDir = values.reports;
const reportOf = (name: string) => join(outDir, `${name}.html`);
const summary = join(outDir, "summary", "compare_runs.html");
const notebooks = values["no-reports"] ? null : await startNotebooks(
  listNotebooks().map((notebook) => {
    const name = basename(notebook, ".ipynb");
    const training = name.startsWith("train_");
    return {
      notebook,
      exports: name === "compare_runs"
        ? [{ html: reportOf(name) }, { html: summary, noInput: true }]
        : [{ html: reportOf(name) }],
      after: name === "compare_runs"
        ? ["grid", "train_kneighbors", "train_random_forest"]
        : training
        ? ["grid"]
        : [],
    };
  }),
  {
    onFinished: (r) => {
      if (r.error !== null) return;
      const phases = Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(1)} s`);
      console.log(
        `Executed ${relative(REPO_ROOT, r.notebook)} → ${
          r.html.map((h) => relative(REPO_ROOT, h)).join(", ")
        } (${phases.join(", ")}; done ${r.seconds.toFixed(1)} s after the start)`,
      );
    },
  },
);

const points = values.quick
  ? ml.grid({ nNeighbors: [3, 5], maxDepth: [3], nEstimators: [20] })
  : ml.grid({
    nNeighbors: [1, 3, 5, 9, 15, 25],
    maxDepth: [2, 3, 5, 10],
    nEstimators: [10, 20, 100],
  });
const data = ml.seedDataset();
// A point already logged with the same code and data (an earlier demo) is reused, not trained
// again: running the demo twice does not duplicate the grid.
let runs: Awaited<ReturnType<typeof ml.runGrid>>;
try {
  runs = await ml.runGrid(points, { data, label: "training grid", skipExisting: true });
} catch (e) {
  notebooks?.closeGates();
  await notebooks?.finished.catch(() => {});
  throw e;
}
notebooks?.release("grid");
const reused = runs.reused.length;
console.log(
  `Logged ${runs.length - reused} runs in ${runs.parents.length} sweeps${
    reused ? ` (${reused} more reused, logged earlier with the same code and data)` : ""
  } in ${seconds(t0)}`,
);

const reports: string[] = [];
if (notebooks !== null) {
  const results = await notebooks.finished;
  const failed = results.find((r) => r.error !== null);
  if (failed) {
    throw new Error(`Executing ${relative(REPO_ROOT, failed.notebook)} failed:\n${failed.error}`);
  }
  for (const notebook of listNotebooks()) reports.push(reportOf(basename(notebook, ".ipynb")));
  reports.push(summary);
  console.log(`Code-free summary → ${relative(REPO_ROOT, summary)}`);
  console.log(`Notebooks executed and reports written in ${seconds(t0)}`);
}

console.log("\nBest run of each family (by test accuracy):");
let total = 0;
for (const family of Object.values(ml.EXPERIMENTS)) {
  const all = await ml.searchRuns({ experimentNames: [family], maxResults: 50000 });
  total += all.length;
  const [best] = await ml.searchRuns({
    experimentNames: [family],
    filter: "attributes.status = 'FINISHED' and tags.`sweep.runs` IS NULL",
    orderBy: ["metrics.test_accuracy DESC", "metrics.test_roc_auc DESC"],
    maxResults: 1,
  });
  if (!best) continue;
  const params = Object.entries(best.data.params)
    .filter(([k]) => ["n_neighbors", "max_depth", "n_estimators"].includes(k))
    .map(([k, v]) => `${k}=${v}`).join(" ");
  const m = best.data.metrics;
  console.log(
    `  ${family.padEnd(14)} ${best.info.runName.padEnd(12)} ${params.padEnd(28)} test_accuracy=${
      m.test_accuracy?.toFixed(3)
    } train_accuracy=${m.train_accuracy?.toFixed(3)} (run ${best.info.runId})`,
  );
}
console.log(`\n${total} runs in ${ml.getTrackingUri()}`);
if (reports.length) {
  console.log(`Reports (open offline in a browser):`);
  for (const r of reports) console.log(`  ${relative(REPO_ROOT, r)}`);
}
console.log(
  isServerUri(ml.getTrackingUri())
    ? `Browse every run in MLflow's UI: ${ml.getTrackingUri()}`
    : "Browse every run in MLflow's own UI: npx -y deno@2.9.6 task ui",
);
