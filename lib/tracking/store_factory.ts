/**
 * The one place that knows which store serves a tracking or registry URI: an MLflow tracking
 * server for `http(s)://` URLs ({@linkcode RestStore}, {@linkcode RestRegistry}), a local file
 * store for folders and `file:` URIs ({@linkcode FileStore}, {@linkcode FileRegistry}).
 * Everything else speaks to the {@linkcode TrackingStore} and {@linkcode RegistryStore}
 * contracts.
 *
 * @module
 */

import { exists, listDirs } from "../_internal/fs.ts";
import { notFound } from "./errors.ts";
import { FileRegistry } from "./file_registry.ts";
import { FileStore } from "./file_store.ts";
import type { RestOptions } from "./http.ts";
import type { RegistryStore } from "./registry_store.ts";
import { RestRegistry } from "./rest_registry.ts";
import { RestStore } from "./rest_store.ts";
import type { TrackingStore } from "./store.ts";
import { isServerUri, uriToPath } from "./uri.ts";

/** Options of {@linkcode openStore}. */
export interface OpenStoreOptions {
  /**
   * Refuse a local folder that holds no MLflow store yet (no experiment's `meta.yaml`, no
   * `.trash`), instead of creating one there on first write. @default false
   */
  mustExist?: boolean;
  /** How to talk to a tracking server. @default from MLflow's environment variables */
  rest?: RestOptions;
}

/** Whether a folder holds an MLflow file store (an experiment's meta.yaml, or `.trash`). */
function holdsStore(root: string): boolean {
  return exists(`${root}/.trash`) ||
    listDirs(root).some((name) => exists(`${root}/${name}/meta.yaml`));
}

/**
 * The store for a tracking URI: a server's URL, a `file:` URI or a folder path.
 *
 * @example
 * ```ts
 * import { openStore } from "./store_factory.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(openStore(dir).uri, `file://${dir}`);
 * assert.equal(openStore("http://127.0.0.1:5000/").uri, "http://127.0.0.1:5000");
 * assert.throws(() => openStore(`${dir}/none`, { mustExist: true }), /No MLflow store at/);
 * ```
 */
export function openStore(uri: string, options: OpenStoreOptions = {}): TrackingStore {
  if (isServerUri(uri)) return new RestStore(uri, options.rest);
  const root = uriToPath(uri);
  if (options.mustExist && !holdsStore(root)) {
    throw notFound(`No MLflow store at ${root}`);
  }
  return new FileStore(root);
}

/** Options of {@linkcode openRegistry}. */
export interface OpenRegistryOptions {
  /**
   * The tracking store whose logged models a local registry's versions register (MLflow asks
   * the tracking URI's store). @default a FileStore on the registry's own folder
   */
  tracking?: TrackingStore;
  /** How to talk to a tracking server. @default from MLflow's environment variables */
  rest?: RestOptions;
}

/**
 * The model registry for a registry URI: a server's URL (its `registered-models/*` and
 * `model-versions/*` endpoints) or a local store's folder (its `models/` folder).
 *
 * @example
 * ```ts
 * import { openRegistry } from "./store_factory.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(openRegistry(dir).uri, `file://${dir}`);
 * assert.equal(openRegistry("http://127.0.0.1:5000/").uri, "http://127.0.0.1:5000");
 * ```
 */
export function openRegistry(uri: string, options: OpenRegistryOptions = {}): RegistryStore {
  if (isServerUri(uri)) return new RestRegistry(uri, options.rest);
  return new FileRegistry(uriToPath(uri), options.tracking ? { tracking: options.tracking } : {});
}
