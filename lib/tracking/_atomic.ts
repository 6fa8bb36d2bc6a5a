/**
 * The file store's write primitives, safe with several processes writing into one store: a
 * staging folder on the store's own file system (so a rename or hard link moves a finished file
 * into place), a store-wide lock, files replaced by rename, files created once by hard link
 * (the first value wins), and lines appended with one `write` each.
 *
 * @module
 */

import * as fs from "node:fs";
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
      try {
        Deno.mkdirSync(this.dir, { recursive: true });
      } catch (e) {
        throw this.failure(e);
      }
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
      throw this.failure(e);
    }
  }

  /** An operating-system error while writing into the store, said as such (see writeFailure). */
  failure(e: unknown): Error {
    return writeFailure(`write to the store at ${dirname(this.dir)}`, e);
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
      throw this.failure(e);
    }
  }

  /** Copies a local file to `path` so that it appears whole (or not at all, on a full disk). */
  async copyInAsync(localPath: string, path: string): Promise<void> {
    const tmp = this.path();
    try {
      await Deno.copyFile(localPath, tmp);
      await Deno.rename(tmp, path);
    } catch (e) {
      removeQuietly(tmp);
      throw this.failure(e);
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
      throw this.failure(e);
    }
  }

  /**
   * Creates `path` holding `text` unless it exists (hard link from staging: the first writer
   * wins); returns null when created, else the text already there. A symbolic link at `path` is
   * never followed.
   */
  createOnce(path: string, text: string): string | null {
    const tmp = this.path();
    try {
      Deno.writeTextFileSync(tmp, text);
      Deno.linkSync(tmp, path);
      return null;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw this.failure(e);
      return readNoFollow(path) ?? "";
    } finally {
      removeQuietly(tmp);
    }
  }

  /**
   * Appends `text` to `path`, a file of lines, and returns the file's new size. A file that does
   * not exist yet appears with its first lines (written in staging and hard-linked into place),
   * so a reader never sees it empty; later lines are appended with one `write` (atomic for
   * `O_APPEND` files), never through a symbolic link. A failed append (a full disk) leaves the
   * file as it was and names the cause. A last line without its newline (left by a crash or by
   * another client) is cut off before appending, so lines never run together; `knownSize`, the
   * size this writer left the file at, spares that check when nobody else wrote since.
   */
  append(path: string, text: string, knownSize?: number): number {
    const bytes = new TextEncoder().encode(text);
    const size = sizeOf(path);
    let fd = size === null ? null : openNoFollow(path, fs.constants.O_RDWR | fs.constants.O_APPEND);
    if (fd === null) {
      const tmp = this.path();
      try {
        Deno.writeFileSync(tmp, bytes);
        Deno.linkSync(tmp, path);
        return bytes.length;
      } catch (e) {
        // Another writer created it first: append after its lines.
        if (!(e instanceof Deno.errors.AlreadyExists)) throw this.failure(e);
      } finally {
        removeQuietly(tmp);
      }
      fd = openNoFollow(path, fs.constants.O_RDWR | fs.constants.O_APPEND)!;
    }
    try {
      let before = size ?? fs.fstatSync(fd).size;
      if (before !== knownSize) before = cutPartialLine(path, fd, fs.fstatSync(fd).size);
      try {
        for (let n = 0; n < bytes.length;) n += fs.writeSync(fd, bytes, n);
      } catch (e) {
        // A write the disk could not hold whole may have reached the file in part: cut it off,
        // so the file is as it was and no partial line is left behind.
        if (fs.fstatSync(fd).size > before) fs.ftruncateSync(fd, before);
        throw e;
      }
      // A hint for the next append: it checks the end of the file only if the size moved on.
      return before + bytes.length;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Runs `fn` holding the store-wide lock (guarding experiment names and meta.yaml updates). */
  withLock<T>(fn: () => T): T {
    let file: Deno.FsFile;
    try {
      Deno.mkdirSync(this.dir, { recursive: true });
      file = Deno.openSync(join(this.dir, "store.lock"), { create: true, write: true });
    } catch (e) {
      throw this.failure(e);
    }
    try {
      file.lockSync(true);
      return fn();
    } finally {
      file.unlockSync();
      file.close();
    }
  }
}

/** The size of a file, without following a link; null when it does not exist. */
function sizeOf(path: string): number | null {
  try {
    return Deno.lstatSync(path).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

/** Opens `path` with `flags`, never through a symbolic link; null when it does not exist. */
function openNoFollow(path: string, flags: number): number | null {
  try {
    return fs.openSync(path, flags | fs.constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code === "ELOOP") throw linkRefused(path);
    throw e;
  }
}

function linkRefused(path: string): MlflowError {
  return new MlflowError(
    "INVALID_STATE",
    `${path} is a symbolic link; the store's files are never followed through links`,
  );
}

/**
 * The text of a file of the store, or null when it is missing (or is a folder). A symbolic
 * link is refused, never followed.
 *
 * @example
 * ```ts
 * import { readNoFollow } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * await Deno.symlink(`${dir}/a`, `${dir}/link`);
 * assert.equal(readNoFollow(`${dir}/a`), "x");
 * assert.equal(readNoFollow(`${dir}/missing`), null);
 * assert.throws(() => readNoFollow(`${dir}/link`), /symbolic link/);
 * ```
 */
export function readNoFollow(path: string): string | null {
  const fd = openNoFollow(path, fs.constants.O_RDONLY);
  if (fd === null) return null;
  try {
    return fs.readFileSync(fd, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "EISDIR") return null;
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Cuts a last line that lacks its newline off a file of lines (open as `fd`, `size` bytes long):
 * what a crash or another client's failed write left behind. Returns the size it leaves.
 */
function cutPartialLine(path: string, fd: number, size: number): number {
  if (size === 0) return 0;
  const tail = new Uint8Array(Math.min(size, 65536));
  let end = size;
  for (;;) {
    const start = Math.max(0, end - tail.length);
    const n = fs.readSync(fd, tail, 0, end - start, start);
    if (start + n === size && tail[n - 1] === 10) return size; // complete: ends with a newline
    const at = tail.subarray(0, n).lastIndexOf(10);
    if (at >= 0 || start === 0) {
      const keep = at >= 0 ? start + at + 1 : 0;
      console.warn(`Removed an unfinished last line (${size - keep} bytes) from ${path}`);
      fs.ftruncateSync(fd, keep);
      return keep;
    }
    end = start;
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
    const code = (e as { code?: string }).code;
    if (!(e instanceof Deno.errors.NotFound) && code !== "ENOENT") throw keyClash(kind, key, e);
  }
  // The folder for these keys is missing (`git clone` drops empty folders): make it, then write.
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
    return write(path);
  } catch (e) {
    throw keyClash(kind, key, e);
  }
}

const OS_WRITE_FAILURES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EFBIG"]);

/**
 * An error from the operating system while writing into a store (a full disk, a read-only or
 * forbidden folder) as an {@linkcode MlflowError} that says what could not be written and why;
 * any other error is returned as it is.
 *
 * @example
 * ```ts
 * import { writeFailure } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const full = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * assert.match(writeFailure("log metric 'loss'", full).message, /Cannot log metric 'loss': No space left/);
 * ```
 */
export function writeFailure(what: string, cause: unknown): Error {
  if (cause instanceof MlflowError) return cause;
  const code = (cause as { code?: string }).code ?? "";
  if (OS_WRITE_FAILURES.has(code) || cause instanceof Deno.errors.PermissionDenied) {
    const reason = (cause as Error).message.replace(/^E[A-Z]+: /, "");
    return new MlflowError("INTERNAL_ERROR", `Cannot ${what}: ${reason}`, { cause });
  }
  return cause as Error;
}

/**
 * Whether `e` is a write the operating system refused (a full disk, a read-only store), as
 * {@linkcode writeFailure} reports it.
 *
 * @example
 * ```ts
 * import { isWriteFailure, writeFailure } from "./_atomic.ts";
 * import assert from "node:assert/strict";
 *
 * const readOnly = Object.assign(new Error("Read-only file system (os error 30)"), { code: "EROFS" });
 * assert.equal(isWriteFailure(writeFailure("write", readOnly)), true);
 * assert.equal(isWriteFailure(new Error("other")), false);
 * ```
 */
export function isWriteFailure(e: unknown): boolean {
  if (!(e instanceof MlflowError)) return false;
  const cause = e.cause as { code?: string } | undefined;
  return OS_WRITE_FAILURES.has(cause?.code ?? "") || cause instanceof Deno.errors.PermissionDenied;
}

function keyClash(kind: string, key: string, cause: unknown): Error {
  if (cause instanceof MlflowError) return cause;
  const code = (cause as { code?: string }).code;
  if (
    cause instanceof Deno.errors.IsADirectory || cause instanceof Deno.errors.NotADirectory ||
    cause instanceof Deno.errors.AlreadyExists ||
    code === "EISDIR" || code === "ENOTDIR" || code === "EEXIST"
  ) {
    return invalid(
      `Cannot log ${kind} '${key}': it clashes with another key that is a prefix of it ` +
        `(or has it as a prefix), since keys with '/' are stored as folders`,
      cause,
    );
  }
  return writeFailure(`log ${kind} '${key}'`, cause);
}
