/**
 * `deno task demo`: the whole story on a fresh clone. Logs k-neighbours and random-forest runs
 * over a small hyperparameter grid into `mlruns/` (one sweep per family), executes the notebooks
 * with Jupyter (each training notebook logs one more run; the last draws the comparisons), writes
 * the HTML reports, and ends with the best run of each family, the number of runs, and where the
 * reports are. Running it again reuses the grid's runs logged with the same code and data (only
 * the sweeps' parents and the notebooks' runs are added).
 *
 * Options: `--quick` (a smaller grid), `--no-reports` (skip Jupyter), `--reports <dir>` (where
 * the reports go; `reports/` by default).
 *
 * @module
 */

import { relative } from "node:path";
import { parseArgs } from "node:util";
import * as ml from "../lib/mod.ts";
import { isServerUri } from "../lib/tracking/mod.ts";
import { listNotebooks, renderReport, REPORTS_DIR } from "../harness/jupyter.ts";
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
console.log(`Tracking into ${ml.getTrackingUri()}`);
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
const runs = await ml.runGrid(points, { data, label: "training grid", skipExisting: true });
const reused = runs.reused.length;
console.log(
  `Logged ${runs.length - reused} runs in ${runs.parents.length} sweeps${
    reused ? ` (${reused} more reused, logged earlier with the same code and data)` : ""
  } in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const reports: string[] = [];
if (!values["no-reports"]) {
  for (const notebook of listNotebooks()) {
    const t = performance.now();
    const report = await renderReport(notebook, { outDir: values.reports });
    reports.push(report);
    console.log(
      `Executed ${relative(REPO_ROOT, notebook)} → ${relative(REPO_ROOT, report)} (${
        ((performance.now() - t) / 1000).toFixed(1)
      } s)`,
    );
  }
  const stakeholder = await renderReport(`${REPO_ROOT}/notebooks/compare_runs.ipynb`, {
    noInput: true,
    outDir: `${values.reports}/summary`,
  });
  reports.push(stakeholder);
  console.log(`Code-free summary → ${relative(REPO_ROOT, stakeholder)}`);
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
