/**
 * Tracking and artifact URIs: `file:` URIs and plain paths of local stores, `http(s)://` URLs of
 * tracking servers.
 *
 * @module
 */

import { resolve } from "node:path";
import { invalid } from "./errors.ts";

/**
 * Whether a tracking URI names an MLflow tracking server (`http:` or `https:`).
 *
 * @example
 * ```ts
 * import { isServerUri } from "./uri.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isServerUri("http://127.0.0.1:5000"));
 * assert.ok(!isServerUri("file:///tmp/mlruns"));
 * ```
 */
export function isServerUri(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

/**
 * The absolute path a `file:` URI or a plain path (relative to the current folder) names; any
 * other scheme is refused.
 *
 * @example
 * ```ts
 * import { uriToPath } from "./uri.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(uriToPath("file:///tmp/my%20runs"), "/tmp/my runs");
 * assert.equal(uriToPath("/tmp/mlruns"), "/tmp/mlruns");
 * assert.throws(() => uriToPath("s3://bucket/runs"), /only file: URIs and paths/);
 * ```
 */
export function uriToPath(uri: string): string {
  if (uri.startsWith("file:")) {
    const url = new URL(uri.startsWith("file://") ? uri : `file://${uri.slice(5)}`);
    return decodeURIComponent(url.pathname);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    throw invalid(`Unsupported tracking or artifact URI '${uri}': only file: URIs and paths`);
  }
  return resolve(uri);
}

/**
 * A `file:` URI for an absolute path.
 *
 * @example
 * ```ts
 * import { pathToUri } from "./uri.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pathToUri("/tmp/my runs"), "file:///tmp/my%20runs");
 * ```
 */
export function pathToUri(path: string): string {
  return "file://" + path.split("/").map(encodeURIComponent).join("/");
}
