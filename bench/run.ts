/**
 * `deno task bench`: runs every benchmark module under `bench/` (files named `*_bench.ts` that
 * export `run(): Promise<BenchRow[]>`), each against its reference in the same run, prints one
 * Markdown table and writes it to `bench/results/latest.md`.
 *
 * Pass names to run a subset: `deno task bench tracking`.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchRow, toMarkdown } from "./_table.ts";

const here = dirname(fileURLToPath(import.meta.url));
const only = Deno.args;
const files = [...Deno.readDirSync(here)]
  .map((e) => e.name)
  .filter((n) => n.endsWith("_bench.ts"))
  .filter((n) => only.length === 0 || only.some((o) => n.startsWith(o)))
  .sort();

const rows: BenchRow[] = [];
for (const file of files) {
  console.error(`bench: ${file} …`);
  const mod = await import(pathToFileURL(join(here, file)).href) as { run(): Promise<BenchRow[]> };
  rows.push(...await mod.run());
}
const table = toMarkdown(rows);
console.log(table);
await Deno.mkdir(join(here, "results"), { recursive: true });
await Deno.writeTextFile(join(here, "results", "latest.md"), table + "\n");
