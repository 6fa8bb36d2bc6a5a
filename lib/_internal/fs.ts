/**
 * Small file-system helpers shared across the library: whether a path exists, reading a file
 * that may be missing, listing a folder's subfolders, and the one walker of a folder tree. Not
 * part of the public API.
 *
 * @module
 */

import { join } from "node:path";

function isMissing(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
}

/**
 * Whether `path` exists (a missing path, or a path through a file, is false; other errors are
 * thrown).
 *
 * @example
 * ```ts
 * import { exists } from "./fs.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(exists(dir), true);
 * assert.equal(exists(`${dir}/missing`), false);
 * ```
 */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/**
 * The text of a file, or null when it (or a folder on its path) is missing or it is a folder.
 *
 * @example
 * ```ts
 * import { readTextIfExists } from "./fs.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "x");
 * assert.equal(readTextIfExists(`${dir}/a.txt`), "x");
 * assert.equal(readTextIfExists(`${dir}/b.txt`), null);
 * assert.equal(readTextIfExists(dir), null);
 * ```
 */
export function readTextIfExists(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (isMissing(e) || e instanceof Deno.errors.IsADirectory) return null;
    throw e;
  }
}

/**
 * Names of the subfolders of `path` (none when it is missing), in the order the system lists
 * them.
 *
 * @example
 * ```ts
 * import { listDirs } from "./fs.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/a`);
 * await Deno.writeTextFile(`${dir}/b.txt`, "");
 * assert.deepEqual(listDirs(dir), ["a"]);
 * assert.deepEqual(listDirs(`${dir}/missing`), []);
 * ```
 */
export function listDirs(path: string): string[] {
  try {
    const out: string[] = [];
    for (const e of Deno.readDirSync(path)) if (e.isDirectory) out.push(e.name);
    return out;
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/**
 * Every file under `dir`, as `/`-separated paths relative to it (none if it is missing), in
 * the order the system lists them. Symbolic links are not followed.
 *
 * @example
 * ```ts
 * import { walkFiles } from "./fs.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/a`);
 * await Deno.writeTextFile(`${dir}/a/b.txt`, "x");
 * assert.deepEqual(walkFiles(dir), ["a/b.txt"]);
 * assert.deepEqual(walkFiles(`${dir}/missing`), []);
 * ```
 */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (abs: string, prefix: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(abs)];
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory) visit(join(abs, e.name), rel);
      else if (e.isFile) out.push(rel);
    }
  };
  visit(dir, "");
  return out;
}
