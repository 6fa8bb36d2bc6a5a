/**
 * Where the model registry is: as in MLflow, the registry URI defaults to the tracking URI (a
 * local store's `models/` folder, or the tracking server), unless `MLFLOW_REGISTRY_URI` or
 * {@linkcode setRegistryUri} names another place.
 *
 * @module
 */

import type { RegistryStore } from "./registry_store.ts";
import { openRegistry } from "./store_factory.ts";
import { getStore, givenTrackingUri } from "./tracking_uri.ts";
import { isServerUri, uriToPath } from "./uri.ts";

let registryUri: string | undefined;
const registries = new Map<string, RegistryStore>();

function normalize(uri: string): string {
  return isServerUri(uri) ? uri : "file://" + uriToPath(uri);
}

/**
 * Sets where registered models are kept: a folder, a `file:` URI or a tracking server's URL;
 * `null` goes back to the default (`MLFLOW_REGISTRY_URI`, else the tracking URI).
 *
 * @example
 * ```ts
 * import { getRegistryUri, setRegistryUri } from "./registry_uri.ts";
 * import { setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * setTrackingUri(dir);
 * setRegistryUri("http://127.0.0.1:5000");
 * assert.equal(getRegistryUri(), "http://127.0.0.1:5000");
 * setRegistryUri(null);
 * assert.equal(getRegistryUri(), `file://${dir}`);
 * ```
 */
export function setRegistryUri(uri: string | null): void {
  if (uri !== null && isServerUri(uri)) openRegistry(uri); // refuses a malformed URL now
  registryUri = uri === null ? undefined : normalize(uri);
}

/**
 * The registry in use (one per registry and tracking URI, kept for the process): the one
 * {@linkcode setRegistryUri} set, else `MLFLOW_REGISTRY_URI`'s, else the tracking URI's. A
 * local registry finds the logged models its versions register in the tracking store.
 *
 * @example The tracking store's registry by default
 * ```ts
 * import { getRegistry } from "./registry_uri.ts";
 * import { getTrackingUri, setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * setTrackingUri(await Deno.makeTempDir());
 * assert.equal(getRegistry().uri, getTrackingUri());
 * ```
 */
export function getRegistry(): RegistryStore {
  const tracking = getStore();
  const env = Deno.env.get("MLFLOW_REGISTRY_URI");
  // The tracking URI as given: a server's registry is reached with the same credentials.
  const uri = registryUri ?? (env ? normalize(env) : normalize(givenTrackingUri()));
  const key = `${uri}\n${givenTrackingUri()}`;
  let registry = registries.get(key);
  if (!registry) {
    registry = openRegistry(uri, { tracking });
    registries.set(key, registry);
  }
  return registry;
}

/**
 * The registry URI in use: a `file:` URI of an absolute path, or a server's URL (without any
 * credentials it was given).
 *
 * @example
 * ```ts
 * import { getRegistryUri } from "./registry_uri.ts";
 * import { setTrackingUri } from "./tracking_uri.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * setTrackingUri(dir);
 * assert.equal(getRegistryUri(), `file://${dir}`);
 * ```
 */
export function getRegistryUri(): string {
  return getRegistry().uri;
}
