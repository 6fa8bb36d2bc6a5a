/**
 * Reading a paged answer to the end: MLflow's searches, metric histories and artifact listings
 * come a page at a time, each page naming the token of the next.
 *
 * @module
 */

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
 * the limit is reached.
 *
 * @example
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
 */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined, wanted: number) => Promise<Page<T>>,
  limit = Infinity,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token, limit - out.length);
    for (const item of page.items) out.push(item);
    token = page.nextPageToken || undefined;
  } while (token && out.length < limit);
  return out;
}
