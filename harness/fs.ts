/**
 * File-system checks shared by the harness modules.
 *
 * @module
 */

/**
 * Whether a path exists. Only "not found" means `false`; any other error (e.g. a permission
 * denied on a parent folder) is thrown.
 *
 * @example
 * ```ts
 * import { exists } from "./fs.ts";
 *
 * console.log(await exists("/"), await exists("/no/such/path")); // true false
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
