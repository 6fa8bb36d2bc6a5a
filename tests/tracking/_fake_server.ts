// Small fake tracking servers on 127.0.0.1 for the hostile-server tests: each answers what its
// case needs, records what it saw, and is closed by `await using`.

import { join } from "node:path";

/** One request a fake server saw. */
export interface FakeSeen {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | null;
}

/** A running fake server. */
export interface FakeServer extends AsyncDisposable {
  url: string;
  seen: FakeSeen[];
  count(path: string): number;
}

/** Starts a server answering every request with `handler`. */
export function fakeServer(
  handler: (req: Request, url: URL) => Response | Promise<Response>,
): FakeServer {
  const seen: FakeSeen[] = [];
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      seen.push({
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.get("authorization"),
      });
      if (req.body) await req.body.cancel().catch(() => {});
      return await handler(req, url);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    count: (path) => seen.filter((s) => s.path.includes(path)).length,
    [Symbol.asyncDispose]: async () => {
      controller.abort();
      await server.finished;
    },
  };
}

/** A JSON answer. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** A run id the fake servers use. */
export const RUN_ID = "0123456789abcdef0123456789abcdef";

/** MLflow's answer to `runs/get` for {@linkcode RUN_ID}, its artifacts behind the proxy. */
export function runAnswer(): unknown {
  return {
    run: {
      info: {
        run_id: RUN_ID,
        experiment_id: "0",
        status: "FINISHED",
        start_time: 1,
        artifact_uri: `mlflow-artifacts:/0/${RUN_ID}/artifacts`,
        lifecycle_stage: "active",
      },
      data: {},
    },
  };
}

/** An answer whose headers come at once and whose body stops after `head` (closed after 20 s). */
export function stalledAnswer(head: string): Response {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(head));
        timer = setTimeout(() => c.close(), 20_000);
      },
      cancel() {
        clearTimeout(timer);
      },
    }),
    { headers: { "content-type": "application/json" } },
  );
}

/** Every entry under `root` (links as links, not followed) with the content of each file. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymlink) out.set(r, `-> ${Deno.readLinkSync(p)}`);
      else if (e.isDirectory) {
        out.set(`${r}/`, "");
        walk(p, r);
      } else out.set(r, Deno.readTextFileSync(p));
    }
  };
  walk(root, "");
  return out;
}
