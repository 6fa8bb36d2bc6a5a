/**
 * Reading a paged answer to the end: MLflow's searches, metric histories and artifact listings
 * come a page at a time, each page naming the token of the next. A server that names a token it
 * already gave would be followed forever; the reading stops there with an error instead.
 *
 * @module
 */

import { MlflowError } from "./errors.ts";

/** One page of an answer. */
export interface Page<T> {
  /** The items on this page. */
  items: T[];
  /** The token that asks for the next page; empty or missing on the last. */
  nextPageToken?: string | undefined;
}

/**
 * Every item of a paged answer, up to `limit`: calls `fetchPage` with the previous page's token
 * (none for the first) and how many items are still wanted, until a page has no next token or
 * the limit is reached. A token met a second time is an INTERNAL_ERROR naming `what` (the
 * endpoint and server) and the token.
 *
 * @example Five items, two a page
 * ```ts
 * import { collectPages } from "./paging.ts";
 * import assert from "node:assert/strict";
 *
 * const all = [1, 2, 3, 4, 5];
 * const pages = (token: string | undefined, want: number) => {
 *   const from = Number(token ?? 0);
 *   const to = from + Math.min(2, want);
 *   return Promise.resolve({
 *     items: all.slice(from, to),
 *     nextPageToken: to < all.length ? String(to) : undefined,
 *   });
 * };
 * assert.deepEqual(await collectPages(pages), [1, 2, 3, 4, 5]);
 * assert.deepEqual(await collectPages(pages, 3), [1, 2, 3]);
 * ```
 *
 * @example A server repeating its token
 * ```ts
 * import { collectPages } from "./paging.ts";
 * import assert from "node:assert/strict";
 *
 * const loop = () => Promise.resolve({ items: [1], nextPageToken: "same" });
 * await assert.rejects(() => collectPages(loop, Infinity, "POST /runs/search"), /a second time/);
 * ```
 */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined, wanted: number) => Promise<Page<T>>,
  limit = Infinity,
  what = "a paged answer",
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token, limit - out.length);
    for (const item of page.items) out.push(item);
    token = page.nextPageToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) {
        const shown = token.length > 60 ? `${token.slice(0, 60)}…` : token;
        throw new MlflowError(
          "INTERNAL_ERROR",
          `${what}: page ${seen.size + 1} named the page token '${shown}' a second time; ` +
            `stopped reading after ${out.length} items instead of going round forever`,
        );
      }
      seen.add(token);
    }
  } while (token && out.length < limit);
  return out;
}
