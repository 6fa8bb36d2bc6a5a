// The code's layers hold: each area of lib/ imports only from the areas below it (the README's
// "How the code is laid out"), nothing asks a store which class it is, and tests and benches
// use the harness, not the command-line scripts.

import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The areas each area of lib/ may import at run time. */
const ALLOWED: Record<string, string[]> = {
  _internal: [],
  display: ["_internal"],
  data: ["_internal"],
  metrics: ["_internal"],
  models: ["_internal"],
  tracking: ["_internal", "display"],
  charts: ["_internal", "display", "tracking"],
  flavor: ["_internal", "tracking", "models"],
  serve: ["_internal", "tracking", "models", "flavor"],
  experiment: ["_internal", "display", "data", "metrics", "models", "tracking", "charts", "flavor"],
};
/** Type-only imports allowed beyond those: entity types are the shared vocabulary. */
const TYPES_ALLOWED: Record<string, string[]> = { display: ["tracking/entities.ts"] };

function files(dir: string, ending = ".ts"): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...files(path, ending));
    else if (e.name.endsWith(ending)) out.push(path);
  }
  return out;
}

/** The import statements of a file (doc-comment examples left out). */
function imports(text: string): { spec: string; typeOnly: boolean }[] {
  const code = text.split("\n").filter((line) => !/^\s*\*/.test(line)).join("\n");
  return [...code.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gms)]
    .map((m) => ({ spec: m[3]!, typeOnly: m[2] !== undefined }));
}

Deno.test("each area of lib/ imports only the areas below it", () => {
  const found: string[] = [];
  for (const area of Object.keys(ALLOWED)) {
    for (const file of files(join(ROOT, "lib", area))) {
      for (const { spec, typeOnly } of imports(Deno.readTextFileSync(file))) {
        if (!spec.startsWith(".")) continue;
        const target = relative(join(ROOT, "lib"), join(dirname(file), spec));
        const targetArea = target.split("/")[0]!;
        if (targetArea === area || ALLOWED[area]!.includes(targetArea)) continue;
        if (typeOnly && (TYPES_ALLOWED[area] ?? []).includes(target)) continue;
        found.push(`${relative(ROOT, file)} imports ${target}`);
      }
    }
  }
  assert.deepEqual(found, []);
});

Deno.test("the layer check sees a wrong import (it is not vacuous)", () => {
  const sample =
    'import { logModel } from "../flavor/mod.ts";\n * import { x } from "../data/mod.ts";';
  assert.deepEqual(imports(sample), [{ spec: "../flavor/mod.ts", typeOnly: false }]);
});

Deno.test("only the store factory asks which class a store is", () => {
  const asking = files(join(ROOT, "lib"))
    .filter((f) => /instanceof\s+(FileStore|RestStore)\b/.test(Deno.readTextFileSync(f)))
    .map((f) => relative(ROOT, f));
  assert.deepEqual(asking, []);
});

Deno.test("tests and benchmarks import no command-line script from tools/", () => {
  const found: string[] = [];
  for (const dir of ["tests", "bench"]) {
    for (const file of files(join(ROOT, dir))) {
      for (const { spec } of imports(Deno.readTextFileSync(file))) {
        if (/(^|\/)tools\//.test(spec)) found.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(found, []);
});
