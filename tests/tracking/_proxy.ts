// A recording proxy in front of a real MLflow server: it forwards every request, notes what
// the client sent (path, Authorization header), and can answer the next few matching requests
// with an error instead — to see retries, batching and authentication from the wire.

/** One request the proxy saw. */
export interface Seen {
  method: string;
  path: string;
  query: string;
  authorization: string | null;
  body: string;
}

/**
 * An injected failure: the next `times` requests whose path includes `path`. With `afterForward`
 * the request reaches the server first and only its answer is replaced (a lost response).
 */
export interface Failure {
  path: string;
  times: number;
  status: number;
  body?: string;
  retryAfter?: number;
  afterForward?: boolean;
}

/** A running proxy. */
export interface Proxy extends AsyncDisposable {
  url: string;
  seen: Seen[];
  fail(f: Failure): void;
  count(path: string): number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` on a free loopback port. */
export function startProxy(target: string): Proxy {
  const seen: Seen[] = [];
  const failures: Failure[] = [];
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const raw = req.body ? new Uint8Array(await req.arrayBuffer()) : null;
      const body = raw ? new TextDecoder().decode(raw) : "";
      seen.push({
        method: req.method,
        path: url.pathname,
        query: url.search,
        authorization: req.headers.get("authorization"),
        body,
      });
      const f = failures.find((f) => f.times > 0 && url.pathname.includes(f.path));
      if (f) {
        f.times--;
        if (f.afterForward) {
          await (await forward(req, url, raw)).arrayBuffer();
        }
        const headers = new Headers({ "content-type": "application/json" });
        if (f.retryAfter !== undefined) headers.set("retry-after", String(f.retryAfter));
        return new Response(
          f.body ?? JSON.stringify({ error_code: "TEMPORARILY_UNAVAILABLE", message: "busy" }),
          { status: f.status, headers },
        );
      }
      const res = await forward(req, url, raw);
      return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
    },
  );
  function forward(req: Request, url: URL, raw: Uint8Array | null): Promise<Response> {
    const headers = new Headers(req.headers);
    headers.delete("host");
    return fetch(target + url.pathname + url.search, {
      method: req.method,
      headers,
      ...(raw ? { body: raw as BodyInit } : {}),
    });
  }
  const close = async () => {
    controller.abort();
    await server.finished;
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    fail: (f) => failures.push({ ...f }),
    count: (path) => seen.filter((s) => s.path.includes(path)).length,
    close,
    [Symbol.asyncDispose]: close,
  };
}
