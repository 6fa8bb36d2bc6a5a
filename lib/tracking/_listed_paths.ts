/**
 * Artifact paths a tracking server lists, checked before anything is written, as MLflow checks
 * them (`validate_path_is_safe`, `validate_path_within_directory` in `mlflow/utils/uri.py`): a
 * listed path must be relative, inside the folder that was listed, free of `..`, `\`, `#`, NUL
 * and newlines — and once joined with a download's destination, still inside it, symbolic links
 * included.
 *
 * @module
 */

import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { MlflowError } from "./errors.ts";

/** A path for a message: control characters escaped, long ones cut. */
function shown(path: string): string {
  // deno-lint-ignore no-control-regex
  const escaped = path.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

function refuse(path: string, source: string, why: string): MlflowError {
  return new MlflowError(
    "INVALID_PARAMETER_VALUE",
    `Refused the artifact path '${shown(path)}' listed by ${source}: ${why}`,
  );
}

/**
 * Checks one path of a server's artifact listing of the folder `folder` (`""` for the root) and
 * returns it normalized (`a/./b` → `a/b`); `source` names the server and request for the error,
 * an INVALID_PARAMETER_VALUE that names the path. The folder itself passes (a listing of a file
 * may name the file); the caller leaves it out.
 *
 * @example A listing that tries to leave the folder
 * ```ts
 * import { checkListedPath } from "./_listed_paths.ts";
 * import assert from "node:assert/strict";
 *
 * const source = "the server http://127.0.0.1:5000";
 * assert.equal(checkListedPath("dir/a.txt", "dir", source), "dir/a.txt");
 * assert.throws(() => checkListedPath("../../x.txt", "", source), /'\.\.\/\.\.\/x\.txt'.*'\.\.'/);
 * assert.throws(() => checkListedPath("other/a.txt", "dir", source), /not inside the folder 'dir'/);
 * assert.throws(() => checkListedPath("/etc/passwd", "", source), /absolute/);
 * ```
 */
export function checkListedPath(path: unknown, folder: string, source: string): string {
  if (typeof path !== "string") {
    throw new MlflowError(
      "INVALID_PARAMETER_VALUE",
      `Refused an artifact listing from ${source}: a path is ${
        path === null ? "null" : typeof path
      }, not a string`,
    );
  }
  if (/[\0\n\r#\\]/.test(path)) {
    throw refuse(path, source, "it contains a NUL, newline, '#' or '\\'");
  }
  if (path.startsWith("/") || /^[a-zA-Z]:/.test(path) || isAbsolute(path)) {
    throw refuse(path, source, "it is absolute");
  }
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw refuse(path, source, "it contains '..'");
  const clean = parts.join("/");
  if (clean === "") throw refuse(path, source, "it is empty");
  if (folder !== "" && clean !== folder && !clean.startsWith(`${folder}/`)) {
    throw refuse(path, source, `it is not inside the folder '${shown(folder)}' that was listed`);
  }
  return clean;
}

function inside(root: string, target: string): boolean {
  const back = relative(root, target);
  return back === "" || (!back.startsWith(`..${sep}`) && back !== ".." && !isAbsolute(back));
}

/**
 * The local path of `rel` under the download folder `dst`, refused (INVALID_PARAMETER_VALUE
 * naming the path and `source`) when it would lie outside `dst`.
 *
 * @example
 * ```ts
 * import { destinationPath } from "./_listed_paths.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(destinationPath("/tmp/d", "a/b.txt", "a server"), "/tmp/d/a/b.txt");
 * assert.throws(() => destinationPath("/tmp/d", "../x.txt", "a server"), /outside the destination/);
 * ```
 */
export function destinationPath(dst: string, rel: string, source: string): string {
  const root = resolve(dst);
  const target = resolve(root, rel);
  if (!inside(root, target) || target === root) {
    throw refuse(rel, source, `it leads outside the destination '${dst}'`);
  }
  return target;
}

/**
 * Where each file of a download goes, every target checked with {@linkcode destinationPath}
 * before anything is written: `files` are the listed files under `rel` (none when `rel` is a
 * single file), `dst` the download folder; `root` is the path the download returns.
 *
 * @example A folder and a single file
 * ```ts
 * import { planDownload } from "./_listed_paths.ts";
 * import assert from "node:assert/strict";
 *
 * const folder = planDownload(["d/a.txt", "d/e/b.txt"], "d", "/tmp/x", "a server");
 * assert.equal(folder.root, "/tmp/x/d");
 * assert.deepEqual(folder.plan.map((p) => p.target), ["/tmp/x/d/a.txt", "/tmp/x/d/e/b.txt"]);
 * const file = planDownload([], "d/a.txt", "/tmp/x", "a server");
 * assert.deepEqual([file.single, file.root], [true, "/tmp/x/a.txt"]);
 * ```
 */
export function planDownload(
  files: string[],
  rel: string,
  dst: string,
  source: string,
): { root: string; single: boolean; plan: { path: string; target: string }[] } {
  const single = files.length === 0 && rel !== ""; // a single file, or nothing at all
  const base = rel ? basename(rel) : "";
  const root = base ? join(dst, base) : dst;
  const plan = single
    ? [{ path: rel, target: destinationPath(dst, base, source) }]
    : files.map((path) => {
      const inside = rel ? path.slice(rel.length + 1) : path;
      return { path, target: destinationPath(dst, base ? `${base}/${inside}` : inside, source) };
    });
  return { root, single, plan };
}

/**
 * Makes the folders a download's file goes into, one level at a time, and checks that none of
 * them, nor the file, is a symbolic link leading outside `dst`; returns the file's path.
 *
 * @example A planted link is not followed
 * ```ts
 * import { prepareTarget } from "./_listed_paths.ts";
 * import assert from "node:assert/strict";
 *
 * const dst = await Deno.makeTempDir();
 * const elsewhere = await Deno.makeTempDir();
 * await Deno.symlink(elsewhere, `${dst}/out`);
 * assert.equal(await prepareTarget(dst, `${dst}/in/a.txt`, "a server"), `${dst}/in/a.txt`);
 * await assert.rejects(() => prepareTarget(dst, `${dst}/out/b/a.txt`, "a server"), /symbolic link/);
 * assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
 * ```
 */
export async function prepareTarget(dst: string, target: string, source: string): Promise<string> {
  const root = resolve(dst);
  const realRoot = await Deno.realPath(root);
  const parts = relative(root, resolve(target)).split(sep);
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const stat = await Deno.lstat(at).catch(() => null);
    if (stat?.isSymlink) {
      const real = await Deno.realPath(at).catch(() => null);
      if (real === null || !inside(realRoot, real)) {
        throw refuse(
          relative(root, resolve(target)),
          source,
          `it resolves outside the destination '${dst}' through a symbolic link`,
        );
      }
    } else if (stat === null && i < parts.length - 1) {
      await Deno.mkdir(at).catch((e) => {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      });
    }
  }
  return target;
}
