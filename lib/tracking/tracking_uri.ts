/**
 * Where the fluent API records runs: the tracking URI (set, or from `MLFLOW_TRACKING_URI`, or
 * the project's `mlruns/`), the store serving it, and the experiment made active on it.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { exists } from "../_internal/fs.ts";
import type { TrackingStore } from "./store.ts";
import { openStore } from "./store_factory.ts";
import { isServerUri, uriToPath } from "./uri.ts";

let trackingUri: string | undefined;
let activeExperimentId: string | undefined;
const stores = new Map<string, TrackingStore>();
let resolvedDefault: { key: string; path: string } | undefined;

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The store used when nothing is set: `MLFLOW_TRACKING_URI`, else the `mlruns/` of the project
 * the process runs in — the nearest `mlruns/` upwards, stopping at the project's root (the first
 * folder holding `deno.json` or `.git`), whose `mlruns/` it is otherwise — so a notebook started
 * in `notebooks/` logs into the repository's top-level `mlruns/`.
 */
function defaultTrackingUri(): string {
  const env = Deno.env.get("MLFLOW_TRACKING_URI");
  if (env) return isServerUri(env) ? env : uriToPath(env);
  const cwd = Deno.cwd();
  // Every logging call asks; walk the folders only when the current folder changed.
  if (resolvedDefault?.key === cwd) return resolvedDefault.path;
  resolvedDefault = { key: cwd, path: findProjectStore(cwd) };
  return resolvedDefault.path;
}

function findProjectStore(cwd: string): string {
  for (let dir = cwd;; dir = dirname(dir)) {
    if (isDir(join(dir, "mlruns"))) return join(dir, "mlruns");
    // The project's root ends the search: a store further up belongs to something else.
    if (exists(join(dir, ".git")) || exists(join(dir, "deno.json"))) return join(dir, "mlruns");
    if (dirname(dir) === dir) return join(cwd, "mlruns");
  }
}

/**
 * Sets where runs are recorded: a folder path (relative to the current folder), a `file:` URI,
 * or an MLflow tracking server's `http(s)://` URL (then every call goes through its REST API).
 * The active experiment is forgotten.
 *
 * @example
 * ```ts
 * import { getTrackingUri, setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * setTrackingUri(dir);
 * assert.equal(getTrackingUri(), `file://${dir}`);
 * ```
 */
export function setTrackingUri(uri: string): void {
  if (isServerUri(uri)) openStore(uri); // refuses a malformed URL now
  trackingUri = isServerUri(uri) ? uri : "file://" + uriToPath(uri);
  activeExperimentId = undefined;
}

/**
 * The current tracking URI: a `file:` URI of an absolute path, or a server's URL (without any
 * credentials it was given).
 *
 * @example
 * ```ts
 * import { getTrackingUri, setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri("http://alice:secret@127.0.0.1:5000");
 * assert.equal(getTrackingUri(), "http://127.0.0.1:5000");
 * ```
 */
export function getTrackingUri(): string {
  return getStore().uri;
}

/**
 * The current tracking URI as it was given (a server's credentials included, when its URL holds
 * them), for opening the model registry beside the tracking store. Not for messages.
 *
 * @example
 * ```ts
 * import { givenTrackingUri, setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri("http://alice:secret@127.0.0.1:5000");
 * assert.equal(givenTrackingUri(), "http://alice:secret@127.0.0.1:5000");
 * setTrackingUri(await Deno.makeTempDir());
 * ```
 */
export function givenTrackingUri(): string {
  return trackingUri ?? defaultTrackingUri();
}

/**
 * The store behind the current tracking URI (one per URI, kept for the process).
 *
 * @example
 * ```ts
 * import { getStore, setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * const store = getStore();
 * const run = await store.createRun({ experimentId: "0" });
 * assert.equal((await store.getRun(run.info.runId)).info.status, "RUNNING");
 * ```
 */
export function getStore(): TrackingStore {
  const uri = givenTrackingUri();
  let store = stores.get(uri);
  if (!store) {
    store = openStore(uri);
    stores.set(uri, store);
  }
  return store;
}

/** The experiment `setExperiment` made active on the current tracking URI, if any. */
export function activeExperiment(): string | undefined {
  return activeExperimentId;
}

/** Makes an experiment (by id) the active one on the current tracking URI. */
export function setActiveExperiment(id: string): void {
  activeExperimentId = id;
}
