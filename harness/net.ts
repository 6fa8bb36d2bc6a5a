/**
 * Loopback networking for the programs the harness starts: a free port to start them on, and
 * waiting until they answer over HTTP.
 *
 * @module
 */

/**
 * A free TCP port on 127.0.0.1 (asked of the OS, then released, so another program may take it
 * before the caller does; good enough for one machine's tests).
 *
 * @example
 * ```ts
 * import { freePort } from "./net.ts";
 *
 * const port = freePort();
 * const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, () => new Response());
 * await server.shutdown();
 * ```
 */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/**
 * Polls `url` (every 300 ms) until it answers 2xx and returns that response, whose body the
 * caller reads or cancels; throws after `timeoutMs`.
 *
 * @example
 * ```ts
 * import { freePort, waitForHttp } from "./net.ts";
 *
 * const port = freePort();
 * const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, () => new Response("up"));
 * const response = await waitForHttp(`http://127.0.0.1:${port}/health`, 10_000);
 * console.log(await response.text()); // "up"
 * await server.shutdown();
 * ```
 */
export async function waitForHttp(
  url: string,
  timeoutMs = 60_000,
  init?: RequestInit,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.ok) return r;
      await r.body?.cancel();
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
