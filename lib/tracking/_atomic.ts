/**
 * The file store's write primitives, safe with several processes writing into one store: a
 * staging folder on the store's own file system (so a rename or hard link moves a finished file
 * into place), a store-wide lock, files replaced by rename, files created once by hard link
 * (the first value wins), and lines appended with one `write` each.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { exists } from "../_internal/fs.ts";
import { invalid, MlflowError } from "./errors.ts";

/**
 * A store's staging folder: fresh temporary paths beside the store's files (never listed by
 * MLflow's readers, whose names end in `.trash`), atomic replacement, and the store-wide lock.
 *
 * @example
 * ```ts
 * import { Staging } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * const staging = new Staging(`${root}/.staging.trash`);
 * staging.replace(`${root}/a.txt`, "one");
 * staging.replace(`${root}/a.txt`, "two");
 * assert.equal(Deno.readTextFileSync(`${root}/a.txt`), "two");
 * assert.equal(staging.withLock(() => 42), 42);
 * ```
 */
export class Staging {
  /** The staging folder. */
  readonly dir: string;
  #ready = false;

  /** Staging in `dir` (created on first use). */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** A fresh path in the staging folder: build something there, then rename it into place. */
  path(): string {
    if (!this.#ready) {
      Deno.mkdirSync(this.dir, { recursive: true });
      this.#ready = true;
    }
    return join(this.dir, `${randomBytes(8).toString("hex")}.tmp`);
  }

  /**
   * Builds a folder in staging (`fill` writes its contents), then renames it to `target`, so no
   * reader sees it half-built; false, leaving nothing behind, when `target` already exists.
   */
  publish(target: string, fill: (dir: string) => void): boolean {
    const stage = this.path();
    try {
      Deno.mkdirSync(stage);
      fill(stage);
      if (exists(target)) {
        Deno.removeSync(stage, { recursive: true });
        return false;
      }
      Deno.renameSync(stage, target);
      return true;
    } catch (e) {
      try {
        Deno.removeSync(stage, { recursive: true });
      } catch { /* nothing was made */ }
      if (e instanceof Deno.errors.AlreadyExists || (e as { code?: string }).code === "ENOTEMPTY") {
        return false;
      }
      throw e;
    }
  }

  /** Replaces (or creates) a file atomically: written in staging, then renamed over `path`. */
  replace(path: string, content: string | Uint8Array): void {
    const tmp = this.path();
    try {
      if (typeof content === "string") Deno.writeTextFileSync(tmp, content);
      else Deno.writeFileSync(tmp, content);
      Deno.renameSync(tmp, path);
    } catch (e) {
      removeQuietly(tmp);
      throw e;
    }
  }

  /** {@linkcode Staging.replace} without blocking: for artifact files, which may be large. */
  async replaceAsync(path: string, content: string | Uint8Array): Promise<void> {
    const tmp = this.path();
    try {
      if (typeof content === "string") await Deno.writeTextFile(tmp, content);
      else await Deno.writeFile(tmp, content);
      await Deno.rename(tmp, path);
    } catch (e) {
      removeQuietly(tmp);
      throw e;
    }
  }

  /**
   * Creates `path` holding `text` unless it exists (hard link from staging: the first writer
   * wins); returns null when created, else the text already there.
   */
  createOnce(path: string, text: string): string | null {
    const tmp = this.path();
    Deno.writeTextFileSync(tmp, text);
    try {
      Deno.linkSync(tmp, path);
      return null;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      return Deno.readTextFileSync(path);
    } finally {
      Deno.removeSync(tmp);
    }
  }

  /**
   * Appends `text` to `path` with one `write` (atomic for `O_APPEND` files). A file that does
   * not exist yet appears with its first lines (written in staging and hard-linked into place),
   * so a reader never sees it empty.
   */
  append(path: string, text: string): void {
    const bytes = new TextEncoder().encode(text);
    let file = openAppend(path);
    if (!file) {
      const tmp = this.path();
      Deno.writeFileSync(tmp, bytes);
      try {
        Deno.linkSync(tmp, path);
        return;
      } catch (e) {
        // Another writer created it first: append after its lines.
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      } finally {
        Deno.removeSync(tmp);
      }
      file = openAppend(path)!;
    }
    try {
      const n = file.writeSync(bytes);
      if (n !== bytes.length) {
        throw new MlflowError("INTERNAL_ERROR", `Short write to ${path}`);
      }
    } finally {
      file.close();
    }
  }

  /** Runs `fn` holding the store-wide lock (guarding experiment names and meta.yaml updates). */
  withLock<T>(fn: () => T): T {
    Deno.mkdirSync(this.dir, { recursive: true });
    const file = Deno.openSync(join(this.dir, "store.lock"), { create: true, write: true });
    try {
      file.lockSync(true);
      return fn();
    } finally {
      file.unlockSync();
      file.close();
    }
  }
}

function openAppend(path: string): Deno.FsFile | null {
  try {
    return Deno.openSync(path, { append: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* already gone */ }
}

/**
 * Runs a write of the key `key` (a metric, param or tag, stored as a file under `base`, with
 * `/` in a key making folders), creating the folders it needs; a clash between a key and
 * another that is its prefix becomes an `INVALID_PARAMETER_VALUE` naming the key.
 *
 * @example
 * ```ts
 * import { writeKeyFile } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const base = await Deno.makeTempDir();
 * writeKeyFile("tag", base, "a/b", (path) => Deno.writeTextFileSync(path, "x"));
 * assert.throws(
 *   () => writeKeyFile("tag", base, "a", (path) => Deno.writeTextFileSync(path, "y")),
 *   /clashes with another key/,
 * );
 * ```
 */
export function writeKeyFile<T>(
  kind: "metric" | "param" | "tag",
  base: string,
  key: string,
  write: (path: string) => T,
): T {
  const path = join(base, key);
  try {
    if (key.includes("/")) Deno.mkdirSync(dirname(path), { recursive: true });
    return write(path);
  } catch (e) {
    throw keyClash(kind, key, e);
  }
}

function keyClash(kind: string, key: string, cause: unknown): Error {
  if (cause instanceof MlflowError) return cause;
  if (
    cause instanceof Deno.errors.IsADirectory || cause instanceof Deno.errors.NotADirectory ||
    cause instanceof Deno.errors.AlreadyExists
  ) {
    return invalid(
      `Cannot log ${kind} '${key}': it clashes with another key that is a prefix of it ` +
        `(or has it as a prefix), since keys with '/' are stored as folders`,
      cause,
    );
  }
  return cause as Error;
}
