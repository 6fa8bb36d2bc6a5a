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

/** Options of {@linkcode walkFiles}. */
export interface WalkOptions {
  /**
   * Follow symbolic links: a link to a file counts as that file, a link to a folder is walked
   * (each real folder once), and a link that leads nowhere is an error naming it. Without it,
   * links are passed over. @default false
   */
  followLinks?: boolean;
}

/**
 * Every file under `dir`, as `/`-separated paths relative to it (none if it is missing), in
 * the order the system lists them.
 *
 * @example
 * ```ts
 * import { walkFiles } from "./fs.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/a`);
 * await Deno.writeTextFile(`${dir}/a/b.txt`, "x");
 * await Deno.symlink(`${dir}/a/b.txt`, `${dir}/link.txt`);
 * assert.deepEqual(walkFiles(dir), ["a/b.txt"]);
 * assert.deepEqual(walkFiles(dir, { followLinks: true }).sort(), ["a/b.txt", "link.txt"]);
 * assert.deepEqual(walkFiles(`${dir}/missing`), []);
 * ```
 */
export function walkFiles(dir: string, options: WalkOptions = {}): string[] {
  const { followLinks = false } = options;
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (abs: string, prefix: string) => {
    if (followLinks) {
      let real: string;
      try {
        real = Deno.realPathSync(abs);
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      if (seen.has(real)) return; // a link back up the tree
      seen.add(real);
    }
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(abs)];
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      let { isDirectory, isFile } = e;
      if (e.isSymlink && followLinks) {
        let target: Deno.FileInfo;
        try {
          target = Deno.statSync(join(abs, e.name));
        } catch (cause) {
          if (!isMissing(cause)) throw cause;
          throw new Error(`${join(abs, e.name)} is a symbolic link to nothing`, { cause });
        }
        ({ isDirectory, isFile } = target);
      }
      if (isDirectory) visit(join(abs, e.name), rel);
      else if (isFile) out.push(rel);
    }
  };
  visit(dir, "");
  return out;
}
