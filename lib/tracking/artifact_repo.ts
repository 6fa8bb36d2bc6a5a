/**
 * Artifact repositories: where a run's or a logged model's files live, as a client reaches them
 * — a local folder ({@linkcode LocalArtifactRepository}, which never lets a path or a planted
 * symbolic link lead outside it) or a tracking server's artifact proxy
 * ({@linkcode HttpArtifactRepository}, `mlflow-artifacts:` URIs).
 *
 * @module
 */

import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { exists, walkFiles } from "../_internal/fs.ts";
import type { FileInfo } from "./entities.ts";
import { invalid, MlflowError, notFound } from "./errors.ts";
import type { HttpClient, RequestBody } from "./http.ts";
import { checkListedPath } from "./_listed_paths.ts";
import { listIn } from "./_rest_codec.ts";
import type { Staging } from "./_atomic.ts";
import type { Awaitable } from "./store.ts";
import { uriToPath } from "./uri.ts";
import { validateArtifactFile, validateArtifactPath } from "./validation.ts";

/**
 * Where a run's or a logged model's artifact files are written, read and listed. Paths are
 * `/`-separated and relative to the repository; every path is validated before use.
 */
export abstract class ArtifactRepository {
  /** Whose artifacts these are, for messages (e.g. `Run 1234…`). */
  readonly owner: string;

  /** A repository of `owner`'s artifacts. */
  constructor(owner: string) {
    this.owner = owner;
  }

  /** The repository's location, for messages. */
  abstract readonly location: string;
  /** Writes one file from memory. */
  protected abstract write(rel: string, content: string | Uint8Array): Promise<void>;
  /** Copies one local file to `rel`. */
  protected abstract copyFile(localPath: string, rel: string): Promise<void>;
  /** Copies the files `files` (relative to the local folder `localDir`) under the folder `rel`. */
  protected abstract copyFiles(localDir: string, files: string[], rel: string): Promise<void>;
  /** The bytes of one file; throws RESOURCE_DOES_NOT_EXIST when there is none. */
  protected abstract read(rel: string): Promise<Uint8Array>;
  /** One level of the folder `rel` (the root when empty), sorted by path. */
  protected abstract listFolder(rel: string): Promise<FileInfo[]>;

  /** Copies a local file into the folder `artifactPath` (the root when empty), keeping its name. */
  async logFile(localPath: string, artifactPath = ""): Promise<void> {
    await expectLocal(localPath, "file", "Cannot log artifact");
    const dir = validateArtifactPath(artifactPath);
    // The file's own name follows the artifact-name rule too, so what is logged can be read.
    const rel = validateArtifactFile(dir ? `${dir}/${basename(localPath)}` : basename(localPath));
    await this.copyFile(localPath, rel);
  }

  /** Copies a local folder's files under the folder `artifactPath` (the root when empty). */
  async logFolder(localDir: string, artifactPath = ""): Promise<void> {
    await expectLocal(localDir, "folder", "Cannot log artifacts");
    const dir = validateArtifactPath(artifactPath);
    let files: string[];
    try {
      // Links to files are copied as the files they lead to, as MLflow's log_artifacts does.
      files = walkFiles(localDir, { followLinks: true });
    } catch (e) {
      throw invalid(`Cannot log artifacts from ${localDir}: ${(e as Error).message}`, e);
    }
    // Every name is checked before anything is copied.
    for (const file of files) validateArtifactFile(dir ? `${dir}/${file}` : file);
    await this.copyFiles(localDir, files, dir);
  }

  /** Writes `content` as the file `artifactFile`. */
  async writeFile(artifactFile: string, content: string | Uint8Array): Promise<void> {
    await this.write(validateArtifactFile(artifactFile), content);
  }

  /** The bytes of the file `artifactFile`; RESOURCE_DOES_NOT_EXIST names the owner and file. */
  async readFile(artifactFile: string): Promise<Uint8Array> {
    const rel = validateArtifactFile(artifactFile);
    try {
      return await this.read(rel);
    } catch (e) {
      if (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") {
        throw notFound(`${this.owner} has no artifact file '${rel}'`);
      }
      throw e;
    }
  }

  /** One level of the folder `path` (the root when omitted), sorted by path. */
  async list(path?: string): Promise<FileInfo[]> {
    return await this.listFolder(path ? validateArtifactPath(path) : "");
  }
}

function byPath(a: FileInfo, b: FileInfo): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Every file under the folder `path` of a listing (a store's `listArtifacts`, a repository's
 * `list`), recursively.
 *
 * @example
 * ```ts
 * import { walkArtifacts } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * const tree: Record<string, { path: string; isDir: boolean }[]> = {
 *   "": [{ path: "a", isDir: true }, { path: "b.txt", isDir: false }],
 *   a: [{ path: "a/c.txt", isDir: false }],
 * };
 * const files = await walkArtifacts((p) => tree[p ?? ""] ?? []);
 * assert.deepEqual(files.map((f) => f.path), ["a/c.txt", "b.txt"]);
 * ```
 */
export async function walkArtifacts(
  list: (path?: string) => Awaitable<FileInfo[]>,
  path = "",
): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for (const f of await list(path)) {
    if (f.isDir) out.push(...await walkArtifacts(list, f.path));
    else out.push(f);
  }
  return out;
}

/**
 * Checks that a local file or folder to log exists, naming it in the error otherwise.
 *
 * @example
 * ```ts
 * import { expectLocal } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(() => expectLocal("/no/such/file", "file", "Cannot log artifact"), /no\/such/);
 * ```
 */
export async function expectLocal(
  path: string,
  kind: "file" | "folder",
  what: string,
): Promise<void> {
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw notFound(`${what}: ${kind} '${path}' does not exist`);
    }
    throw e;
  }
  if (kind === "file" ? !stat.isFile : !stat.isDirectory) {
    throw invalid(`${what}: '${path}' is not a ${kind}`);
  }
}

/**
 * The largest content (characters of a string, or bytes) a local artifact repository writes with
 * blocking calls: writing it takes well under a millisecond, less than handing the write to a
 * worker thread and back.
 */
export const SYNC_WRITE_LIMIT = 1 << 20;

/**
 * Artifacts in a local folder. Every path is resolved inside the folder: `..`, absolute paths
 * and symbolic links inside the folder that point elsewhere are refused. With a staging area,
 * files appear whole (written there, then renamed into place).
 *
 * @example
 * ```ts
 * import { LocalArtifactRepository } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * const repo = new LocalArtifactRepository(await Deno.makeTempDir());
 * await repo.writeFile("notes/a.txt", "hello");
 * assert.equal(new TextDecoder().decode(await repo.readFile("notes/a.txt")), "hello");
 * assert.deepEqual((await repo.list()).map((f) => f.path), ["notes"]);
 * assert.throws(() => repo.resolve("../x"), /'\.\.' is not allowed/);
 * ```
 */
export class LocalArtifactRepository extends ArtifactRepository {
  /** The folder. */
  readonly root: string;
  readonly #staging: Staging | undefined;

  /** `owner`'s artifacts in the folder `root`, written through `staging` when given. */
  constructor(root: string, options: { owner?: string; staging?: Staging } = {}) {
    super(options.owner ?? root);
    this.root = root;
    this.#staging = options.staging;
  }

  /** The folder, as a location. */
  override get location(): string {
    return this.root;
  }

  /** The absolute path of `rel` inside the folder, refusing anything that escapes it. */
  resolve(rel: string): string {
    const clean = validateArtifactPath(rel);
    const root = this.root;
    const target = clean ? join(root, clean) : root;
    const back = relative(root, target);
    if (back.startsWith("..") || isAbsolute(back)) {
      throw invalid(`Invalid artifact path '${rel}': it leaves the artifact folder`);
    }
    // Refuse symlinks inside the artifact folder that point elsewhere.
    for (let probe = target; probe.length > root.length; probe = dirname(probe)) {
      if (!exists(probe)) continue;
      const real = Deno.realPathSync(probe);
      const realRoot = Deno.realPathSync(root);
      if (real !== realRoot && !real.startsWith(realRoot + "/")) {
        throw invalid(`Invalid artifact path '${rel}': it resolves outside the run`);
      }
      break;
    }
    return target;
  }

  /**
   * Copies the file or folder `rel` into the folder `dst` (created if needed) and returns the
   * copy's path, as MLflow's `download_artifacts` does.
   */
  async download(rel: string, dst: string): Promise<string> {
    const source = this.resolve(rel);
    const target = join(dst, basename(source));
    const stat = await Deno.stat(source).catch(() => null);
    if (!stat) throw notFound(`${this.owner} has no artifact '${rel}'`);
    if (stat.isFile) {
      await Deno.mkdir(dst, { recursive: true });
      await Deno.copyFile(source, target);
    } else {
      await copyTree(source, target);
    }
    return target;
  }

  /**
   * Writes one file (whole, when the repository has a staging area). Content of up to
   * {@linkcode SYNC_WRITE_LIMIT} is written without leaving the event loop (a chart, an
   * `MLmodel`: the same steps, without a round trip to a worker thread for each), larger content
   * through asynchronous writes that do not block it.
   */
  protected override async write(rel: string, content: string | Uint8Array): Promise<void> {
    const target = this.resolve(rel);
    if (content.length <= SYNC_WRITE_LIMIT) {
      Deno.mkdirSync(dirname(target), { recursive: true });
      if (this.#staging) this.#staging.replace(target, content);
      else if (typeof content === "string") Deno.writeTextFileSync(target, content);
      else Deno.writeFileSync(target, content);
      return;
    }
    await Deno.mkdir(dirname(target), { recursive: true });
    if (this.#staging) await this.#staging.replaceAsync(target, content);
    else if (typeof content === "string") await Deno.writeTextFile(target, content);
    else await Deno.writeFile(target, content);
  }

  /** Copies a local file to `rel`. */
  protected override async copyFile(localPath: string, rel: string): Promise<void> {
    const target = this.resolve(rel);
    await Deno.mkdir(dirname(target), { recursive: true });
    if (this.#staging) await this.#staging.copyInAsync(localPath, target);
    else await Deno.copyFile(localPath, target);
  }

  /** Copies local files under `rel` (which is created even when there are none). */
  protected override async copyFiles(
    localDir: string,
    files: string[],
    rel: string,
  ): Promise<void> {
    for (const file of files) {
      await this.copyFile(join(localDir, file), rel ? `${rel}/${file}` : file);
    }
    await Deno.mkdir(this.resolve(rel), { recursive: true });
  }

  /** The bytes of one file. */
  protected override async read(rel: string): Promise<Uint8Array> {
    try {
      return await Deno.readFile(this.resolve(rel));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
        throw notFound(`No artifact file '${rel}'`);
      }
      throw e;
    }
  }

  protected override listFolder(rel: string): Promise<FileInfo[]> {
    return Promise.resolve(this.listNow(rel));
  }

  /** One level of the folder `path` (the root when omitted), sorted by path, without waiting. */
  listNow(path?: string): FileInfo[] {
    const rel = path ? validateArtifactPath(path) : "";
    const dir = this.resolve(rel);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
        return [];
      }
      throw e;
    }
    const out: FileInfo[] = [];
    for (const e of entries) {
      const full = join(dir, e.name);
      const at = relative(this.root, full).split("\\").join("/");
      if (e.isDirectory) out.push({ path: at, isDir: true });
      else out.push({ path: at, isDir: false, fileSize: Deno.statSync(full).size });
    }
    return out.sort(byPath);
  }
}

/** Copies every file under `from` to the same place under `to` (created even when empty). */
async function copyTree(from: string, to: string): Promise<void> {
  for (const file of walkFiles(from)) {
    await Deno.mkdir(dirname(join(to, file)), { recursive: true });
    await Deno.copyFile(join(from, file), join(to, file));
  }
  await Deno.mkdir(to, { recursive: true });
}

function encodePath(rel: string): string {
  return rel.split("/").map(encodeURIComponent).join("/");
}

/**
 * Artifacts behind a tracking server's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`),
 * or any URL that takes PUT and GET of files. Files are streamed both ways, never held whole in
 * memory (but by {@linkcode ArtifactRepository.readFile}); every name the proxy lists is checked
 * before it is used.
 *
 * @example Against a server (needs one running)
 * ```ts ignore
 * import { HttpArtifactRepository } from "./artifact_repo.ts";
 * import { HttpClient } from "./http.ts";
 *
 * const http = new HttpClient("http://127.0.0.1:5000");
 * const repo = new HttpArtifactRepository(http, `${http.uri}/api/2.0/mlflow-artifacts/artifacts/1/x`, "1/x");
 * await repo.writeFile("a.txt", "hello");
 * await repo.download("a.txt", "/tmp/a.txt");
 * ```
 */
export class HttpArtifactRepository extends ArtifactRepository {
  readonly #http: HttpClient;
  readonly #url: string;
  readonly #proxyPath: string | null;

  /**
   * `owner`'s files under `url`; `proxyPath` is the same folder as a path of the server's
   * artifact proxy, which is what listing needs (null when the URL is not the proxy's).
   */
  constructor(http: HttpClient, url: string, proxyPath: string | null, owner = url) {
    super(owner);
    this.#http = http;
    this.#url = url.replace(/\/+$/, "");
    this.#proxyPath = proxyPath;
  }

  /** The URL of the folder, as a location. */
  override get location(): string {
    return this.#url;
  }

  #fileUrl(rel: string): string {
    return `${this.#url}/${encodePath(rel)}`;
  }

  /** Runs `fn`, turning a 404 into RESOURCE_DOES_NOT_EXIST naming the owner and the file. */
  async #named<T>(rel: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof MlflowError && e.code === "RESOURCE_DOES_NOT_EXIST") {
        throw notFound(`${this.owner} has no artifact file '${rel}' on ${this.#http.uri}`);
      }
      throw e;
    }
  }

  /** Uploads one file from memory. */
  protected override async write(rel: string, content: string | Uint8Array): Promise<void> {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await this.#put(rel, bytes);
  }

  async #put(rel: string, body: RequestBody): Promise<void> {
    await this.#http.request("PUT", this.#fileUrl(rel), {
      body,
      contentType: "application/octet-stream",
      read: async (res) => void await res.body?.cancel(),
    });
  }

  /**
   * Uploads the file `artifactFile` from the stream `open` returns, without holding it in
   * memory; `open` is called again for each attempt.
   */
  async upload(
    artifactFile: string,
    open: () => Promise<ReadableStream<Uint8Array>>,
  ): Promise<void> {
    await this.#put(validateArtifactFile(artifactFile), open);
  }

  /** Uploads a local file to `rel`, streamed. */
  protected override async copyFile(localPath: string, rel: string): Promise<void> {
    await this.#put(rel, async () => (await Deno.open(localPath)).readable);
  }

  /** Uploads local files under `rel`, four at a time. */
  protected override async copyFiles(
    localDir: string,
    files: string[],
    rel: string,
  ): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++]!;
        await this.copyFile(join(localDir, file), rel ? `${rel}/${file}` : file);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Downloads one file into memory. */
  protected override async read(rel: string): Promise<Uint8Array> {
    return await this.#http.request("GET", this.#fileUrl(rel));
  }

  /**
   * Downloads the file `artifactFile` into the local file `target` (replaced), streamed; a
   * download that breaks off is started again.
   */
  async download(artifactFile: string, target: string): Promise<void> {
    const rel = validateArtifactFile(artifactFile);
    await this.#named(rel, () =>
      this.#http.request("GET", this.#fileUrl(rel), {
        progress: () => Deno.stat(target).then((s) => s.size),
        read: async (res) => {
          const file = await Deno.open(target, { write: true, create: true, truncate: true });
          if (res.body) await res.body.pipeTo(file.writable);
          else file.close();
        },
      }));
  }

  /** The file `artifactFile` as a stream of its bytes. */
  async open(artifactFile: string): Promise<ReadableStream<Uint8Array>> {
    const rel = validateArtifactFile(artifactFile);
    return await this.#named(rel, () => this.#http.open(this.#fileUrl(rel)));
  }

  /** One level of a folder, through the artifact proxy's listing, each name checked. */
  protected override async listFolder(rel: string): Promise<FileInfo[]> {
    if (this.#proxyPath === null) {
      throw invalid(`Cannot list artifacts at ${this.#url}: only the server's proxy lists them`);
    }
    const path = [this.#proxyPath, rel].filter((p) => p !== "").join("/");
    const where = `GET /api/2.0/mlflow-artifacts/artifacts?path=${path} on ${this.#http.uri}`;
    const text = await this.#http.request(
      "GET",
      `${this.#http.uri}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(path)}`,
      { read: (res) => res.text() },
    );
    const source = `${where} (${this.owner})`;
    const check = (path: unknown, folder: string) => {
      try {
        return checkListedPath(path, folder, source);
      } catch (e) {
        throw this.#http.scrubError(e); // the path may quote anything the server likes
      }
    };
    return listIn(this.#http.parseJson(where, text), "files", where).map((f): FileInfo => {
      // The proxy lists names; a path is accepted when it is safe, and its last part used.
      const name = basename(check(f.path, ""));
      const p = check(rel ? `${rel}/${name}` : name, rel);
      return f.is_dir === true
        ? { path: p, isDir: true }
        : { path: p, isDir: false, fileSize: Number(f.file_size ?? 0) };
    }).sort(byPath);
  }
}

/**
 * A file of any repository as a stream of its bytes: downloaded from a server, or a plain open
 * of a local file; RESOURCE_DOES_NOT_EXIST names the owner and the file.
 *
 * @example
 * ```ts
 * import { LocalArtifactRepository, openArtifactFile } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * const repo = new LocalArtifactRepository(await Deno.makeTempDir(), { owner: "Run 1" });
 * await repo.writeFile("a.txt", "hello");
 * assert.equal(await new Response(await openArtifactFile(repo, "a.txt")).text(), "hello");
 * await assert.rejects(() => openArtifactFile(repo, "b.txt"), /Run 1 has no artifact file 'b.txt'/);
 * ```
 */
export async function openArtifactFile(
  repo: ArtifactRepository,
  artifactFile: string,
): Promise<ReadableStream<Uint8Array>> {
  if (repo instanceof HttpArtifactRepository) return await repo.open(artifactFile);
  if (!(repo instanceof LocalArtifactRepository)) {
    throw invalid(`Cannot stream the artifacts of ${repo.owner} at ${repo.location}`);
  }
  const rel = validateArtifactFile(artifactFile);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(repo.resolve(rel));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw notFound(`${repo.owner} has no artifact file '${rel}'`);
    }
    throw e;
  }
  if (!(await file.stat()).isFile) {
    file.close();
    throw notFound(`${repo.owner} has no artifact file '${rel}' (it is a folder)`);
  }
  return file.readable;
}

/**
 * Writes the file `artifactFile` of any repository from a stream (`open` is called again when
 * an upload is retried), never holding it whole in memory.
 *
 * @example
 * ```ts
 * import { LocalArtifactRepository, uploadArtifactFile } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * const repo = new LocalArtifactRepository(await Deno.makeTempDir());
 * await uploadArtifactFile(repo, "d/a.txt", () => Promise.resolve(new Blob(["hi"]).stream()));
 * assert.equal(new TextDecoder().decode(await repo.readFile("d/a.txt")), "hi");
 * ```
 */
export async function uploadArtifactFile(
  repo: ArtifactRepository,
  artifactFile: string,
  open: () => Promise<ReadableStream<Uint8Array>>,
): Promise<void> {
  if (repo instanceof HttpArtifactRepository) return await repo.upload(artifactFile, open);
  if (!(repo instanceof LocalArtifactRepository)) {
    throw invalid(`Cannot write the artifacts of ${repo.owner} at ${repo.location}`);
  }
  const target = repo.resolve(validateArtifactFile(artifactFile));
  await Deno.mkdir(dirname(target), { recursive: true });
  const file = await Deno.open(target, { write: true, create: true, truncate: true });
  await (await open()).pipeTo(file.writable);
}

/**
 * Copies the file `artifactFile` of any repository to the local file `target`, streamed.
 *
 * @example
 * ```ts
 * import { LocalArtifactRepository, saveArtifactFile } from "./artifact_repo.ts";
 * import assert from "node:assert/strict";
 *
 * const repo = new LocalArtifactRepository(await Deno.makeTempDir());
 * await repo.writeFile("a.txt", "hello");
 * const target = `${await Deno.makeTempDir()}/copy.txt`;
 * await saveArtifactFile(repo, "a.txt", target);
 * assert.equal(await Deno.readTextFile(target), "hello");
 * ```
 */
export async function saveArtifactFile(
  repo: ArtifactRepository,
  artifactFile: string,
  target: string,
): Promise<void> {
  if (repo instanceof HttpArtifactRepository) return await repo.download(artifactFile, target);
  const source = await openArtifactFile(repo, artifactFile);
  const file = await Deno.open(target, { write: true, create: true, truncate: true });
  await source.pipeTo(file.writable);
}

/**
 * The repository behind an artifact URI a tracking server handed out: its artifact proxy for
 * `mlflow-artifacts:` URIs, a URL for `http(s):`, a folder for `file:` (a shared artifact root).
 * Other schemes (`s3:`, `gs:`, …) are refused, naming the remedy.
 *
 * @example
 * ```ts
 * import { artifactRepository, LocalArtifactRepository } from "./artifact_repo.ts";
 * import { HttpClient } from "./http.ts";
 * import assert from "node:assert/strict";
 *
 * const http = new HttpClient("http://127.0.0.1:5000");
 * assert.equal(
 *   artifactRepository("mlflow-artifacts:/1/abc/artifacts", http).location,
 *   "http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts",
 * );
 * assert.ok(artifactRepository("file:///tmp/a", http) instanceof LocalArtifactRepository);
 * assert.throws(() => artifactRepository("s3://bucket/x", http), /--serve-artifacts/);
 * ```
 */
export function artifactRepository(
  uri: string,
  http: HttpClient,
  owner = uri,
): ArtifactRepository {
  const proxied = /^mlflow-artifacts:(?:\/\/([^/]+))?\/?(.*)$/.exec(uri);
  if (proxied) {
    const host = proxied[1];
    const base = host ? `${new URL(http.uri).protocol}//${host}` : http.uri;
    const path = proxied[2]!.replace(/\/+$/, "");
    return new HttpArtifactRepository(
      http,
      `${base}/api/2.0/mlflow-artifacts/artifacts/${path}`,
      host ? null : path,
      owner,
    );
  }
  if (/^https?:\/\//i.test(uri)) return new HttpArtifactRepository(http, uri, null, owner);
  if (uri.startsWith("file:") || uri.startsWith("/")) {
    return new LocalArtifactRepository(uriToPath(uri), { owner });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1] ?? uri;
  throw invalid(
    `Artifact location '${uri}' uses '${scheme}:', which this client cannot reach; start the ` +
      `server with --serve-artifacts so artifacts go through it (mlflow-artifacts:)`,
  );
}
