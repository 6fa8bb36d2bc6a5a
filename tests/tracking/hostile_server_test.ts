// The server client against servers that misbehave — small fake servers on 127.0.0.1, each
// answering what its case needs: artifact listings that try to leave the destination, error
// bodies that echo the Authorization header, answers of the wrong shape, answers that stall,
// page tokens that repeat, and a port nobody listens on. Each error must be an MlflowError
// naming the endpoint and server, nothing may be written outside the destination, and no secret
// may show anywhere, in any encoding.

import assert from "node:assert/strict";
import { join } from "node:path";
import * as mlflow from "../../lib/mod.ts";
import { MlflowError } from "../../lib/mod.ts";
import { openStore, RestStore } from "../../lib/tracking/mod.ts";
import { HttpArtifactRepository } from "../../lib/tracking/artifact_repo.ts";
import { HttpClient } from "../../lib/tracking/http.ts";
import { freePort } from "../../harness/net.ts";
import { fakeServer, json, RUN_ID, runAnswer, snapshot, stalledAnswer } from "./_fake_server.ts";

const ONCE = { maxRetries: 0 };
const MODEL_ID = `m-${"a".repeat(32)}`;

/** A folder with a destination two levels down, and a snapshot of it taken now. */
async function sandbox(): Promise<{ parent: string; dst: string; before: Map<string, string> }> {
  const parent = await Deno.makeTempDir({ prefix: "hostile-" });
  await Deno.mkdir(join(parent, "one", "two"), { recursive: true });
  await Deno.writeTextFile(join(parent, "one", "keep.txt"), "untouched");
  return { parent, dst: join(parent, "one", "two", "dst"), before: snapshot(parent) };
}

Deno.test({
  name:
    "artifact listings that leave the folder or the destination are refused; nothing is written",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    let tree: Record<string, unknown[]> = {};
    await using server = fakeServer((_req, url) => {
      const p = url.pathname;
      if (p.endsWith("/mlflow/runs/get")) return json(runAnswer());
      if (p.endsWith("/mlflow/artifacts/list")) {
        return json({ files: tree[url.searchParams.get("path") ?? ""] ?? [] });
      }
      if (p.endsWith(`/logged-models/${MODEL_ID}`)) {
        return json({
          model: {
            info: {
              model_id: MODEL_ID,
              experiment_id: "0",
              artifact_uri: `mlflow-artifacts:/0/models/${MODEL_ID}/artifacts`,
            },
          },
        });
      }
      if (p === "/api/2.0/mlflow-artifacts/artifacts") {
        return json({ files: tree[`proxy:${url.searchParams.get("path")}`] ?? [] });
      }
      if (p.startsWith("/api/2.0/mlflow-artifacts/artifacts/")) return new Response("payload");
      return json({ error_code: "ENDPOINT_NOT_FOUND", message: p }, 404);
    });
    const store = new RestStore(server.url, ONCE);
    const file = (path: string) => ({ path, is_dir: false, file_size: 7 });

    const cases: [string, string, Record<string, unknown[]>, RegExp][] = [
      [
        "'..' two levels up",
        "",
        { "": [file("ok.txt"), file("../../x.txt")] },
        /'\.\.\/\.\.\/x\.txt'.*'\.\.'/,
      ],
      ["an absolute path", "", { "": [file("/tmp/abs-hostile.txt")] }, /absolute/],
      ["a backslash", "", { "": [file("a\\..\\..\\b.txt")] }, /'\\'/],
      ["a '#'", "", { "": [file("a#b.txt")] }, /'#'/],
      ["a NUL", "", { "": [file("a\u0000b.txt")] }, /'a\\u0000b\.txt'.*NUL/],
      ["a newline", "", { "": [file("a\nb.txt")] }, /'a\\nb\.txt'.*newline/],
      [
        "a file outside the folder asked for",
        "sub",
        { sub: [file("other/x.txt")] },
        /not inside the folder 'sub'/,
      ],
      ["a folder named '..'", "", { "": [{ path: "..", is_dir: true }] }, /'\.\.'/],
      ["'..' deeper down", "", {
        "": [{ path: "d", is_dir: true }],
        d: [file("d/../../../x.txt")],
      }, /'d\/\.\.\/\.\.\/\.\.\/x\.txt'/],
    ];
    for (const [name, ask, listing, pattern] of cases) {
      await t.step(name, async () => {
        tree = listing;
        const { parent, dst, before } = await sandbox();
        await assert.rejects(
          () => store.downloadArtifacts(RUN_ID, ask, dst),
          (e: unknown) => {
            assert.ok(e instanceof MlflowError, String(e));
            assert.equal(e.code, "INVALID_PARAMETER_VALUE");
            assert.match(e.message, pattern);
            assert.ok(e.message.includes(server.url), e.message);
            return true;
          },
        );
        assert.deepEqual(snapshot(parent), before, "something was written");
      });
    }

    await t.step("a link planted in the destination is not followed", async () => {
      const { parent, dst } = await sandbox();
      const elsewhere = await Deno.makeTempDir({ prefix: "hostile-elsewhere-" });
      await Deno.mkdir(dst);
      await Deno.symlink(elsewhere, join(dst, "link"));
      const before = snapshot(parent);
      tree = { "": [{ path: "link", is_dir: true }], link: [file("link/x.txt")] };
      await assert.rejects(
        () => store.downloadArtifacts(RUN_ID, "", dst),
        (e: unknown) => e instanceof MlflowError && /'link\/x\.txt'.*symbolic link/.test(e.message),
      );
      assert.deepEqual(snapshot(parent), before);
      assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
    });

    await t.step(
      "a safe listing downloads, and listings of the proxy are checked too",
      async () => {
        const { dst } = await sandbox();
        tree = {
          "": [file("a.txt"), { path: "d", is_dir: true }],
          d: [file("d/b.txt")],
          [`proxy:0/models/${MODEL_ID}/artifacts`]: [file("MLmodel"), file("../../x.txt")],
        };
        assert.equal(await store.downloadArtifacts(RUN_ID, "", dst), dst);
        assert.equal(await Deno.readTextFile(join(dst, "d", "b.txt")), "payload");
        const local = await store.downloadArtifacts(RUN_ID, "d", dst);
        assert.equal(local, join(dst, "d"));
        await assert.rejects(
          () => store.listLoggedModelArtifacts(MODEL_ID),
          (e: unknown) =>
            e instanceof MlflowError && /'\.\.\/\.\.\/x\.txt'/.test(e.message) &&
            e.message.includes(server.url),
        );
      },
    );
  },
});

Deno.test({
  name: "credentials never show: echoed Authorization headers, mistyped URIs, retry lines",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const user = "alice";
    const password = "p@ss w/rd:5ecr3t";
    const token = "tok/5ecr3t+value=";
    // Every form a secret could be echoed in.
    const forms = (s: string) => [s, encodeURIComponent(s), btoa(s), btoa(s).replace(/=+$/, "")];
    const secrets = [
      ...forms(password),
      ...forms(token),
      ...forms(`${user}:${password}`),
      encodeURIComponent(btoa(`${user}:${password}`)),
    ];
    await using server = fakeServer((req, url) => {
      const auth = req.headers.get("authorization") ?? "";
      const decoded = auth.startsWith("Basic ") ? atob(auth.slice(6)) : auth;
      const echo = `${auth} | ${encodeURIComponent(auth)} | ${decoded} | ` +
        `${encodeURIComponent(decoded)} | ${auth.replace(/=+$/, "")}`;
      const p = url.pathname;
      if (p.endsWith("/runs/get")) {
        return json({ error_code: "INVALID_PARAMETER_VALUE", message: `bad header ${echo}` }, 400);
      }
      if (p.endsWith("/experiments/get")) {
        return new Response(`overloaded: ${echo}`, { status: 503 });
      }
      if (p.endsWith("/metrics/get-history")) {
        return new Response(`<html><body>Who are you? ${echo}</body></html>`, { status: 401 });
      }
      if (p.endsWith("/runs/search")) return new Response(`not json: ${echo}`);
      if (p.endsWith("/artifacts/list")) return json({ files: [{ path: `../${auth}/x.txt` }] });
      if (p.endsWith("/experiments/search")) return json({ next_page_token: auth });
      return json({ echo }, 200);
    });
    const stores = [
      new RestStore(server.url, { username: user, password }),
      new RestStore(server.url.replace("//", `//${user}:${encodeURIComponent(password)}@`)),
      new RestStore(server.url, { token }),
    ];
    const lines: string[] = [];
    const texts: string[] = [];
    const { parent, dst, before } = await sandbox();
    const original = console.error;
    console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    try {
      for (const base of stores) {
        const store = base.withOptions({ maxRetries: 1, backoffFactor: 0, backoffJitter: 0 });
        const attempts: (() => Promise<unknown>)[] = [
          () => store.getRun(RUN_ID),
          () => store.getExperiment("1"),
          () => store.getMetricHistory(RUN_ID, "m"),
          () => store.searchRuns({ experimentIds: ["0"] }),
          () => store.createExperiment("e"), // 200 without an experiment id
          () => store.listArtifacts(RUN_ID), // a path quoting the header
          () => store.downloadArtifacts(RUN_ID, "", dst),
          () => store.searchExperiments(), // the header as a page token, twice
        ];
        for (const attempt of attempts) {
          const e = await attempt().then(() => assert.fail("expected an error"), (e) => e);
          assert.ok(e instanceof MlflowError, String(e));
          texts.push(String(e), e.stack ?? "", JSON.stringify(e), String(e.cause));
        }
      }
    } finally {
      console.error = original;
    }
    assert.ok(
      lines.length >= 3 && lines.every((l) => l.startsWith("MLflow server ")),
      lines.join("\n"),
    );
    assert.ok(texts.some((t) => t.includes("bad header")), "the server's message is kept");
    assert.ok(texts.some((t) => /a second time/.test(t)) && texts.some((t) => /'\.\.'/.test(t)));
    assert.deepEqual(snapshot(parent), before);
    for (const text of [...texts, ...lines]) {
      for (const s of secrets) assert.ok(!text.includes(s), `'${s}' in: ${text}`);
    }

    // A short password is replaced where it stands alone, not inside words.
    const short = new HttpClient("http://alice:pw@127.0.0.1:5000");
    assert.equal(
      short.scrub(`bad pw for alice:pw (${btoa("alice:pw")}), upward`),
      "bad *** for *** (***), upward",
    );

    // A mistyped URI is not echoed past its scheme and host, whichever way it is given.
    const typo = "http://alice:pw-5ecr3t/oops@127.0.0.1:5000";
    for (
      const open of [
        () => new RestStore(typo),
        () => openStore(typo),
        () => mlflow.setTrackingUri(typo),
      ]
    ) {
      assert.throws(open, (e: unknown) => {
        assert.ok(e instanceof MlflowError);
        const text = `${e.message}\n${e.stack}`;
        assert.ok(!text.includes("pw-5ecr3t") && !text.includes("alice"), text);
        assert.match(e.message, /'http:\/\/\*\*\*@127\.0\.0\.1:5000'/);
        return true;
      });
    }
  },
});

Deno.test({
  name: "answers of the wrong shape are MlflowErrors naming the endpoint, never TypeErrors",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    let answer: () => Response = () => json({});
    await using server = fakeServer(() => answer());
    const store = new RestStore(server.url, ONCE);
    const cases: [string, () => Response, () => Promise<unknown>, RegExp][] = [
      ["{}", () => json({}), () => store.getRun(RUN_ID), /GET \/runs\/get on .*: 'run' is missing/],
      ['{"run": null}', () => json({ run: null }), () => store.getRun(RUN_ID), /'run' is null/],
      [
        "a run without info",
        () => json({ run: { info: null } }),
        () => store.getRun(RUN_ID),
        /'run\.info' is null/,
      ],
      [
        "a run without an id",
        () => json({ run: { info: { experiment_id: "0" } } }),
        () => store.getRun(RUN_ID),
        /'run\.info\.run_id' is missing/,
      ],
      [
        "no experiment id",
        () => json({}),
        () => store.createExperiment("e"),
        /POST \/experiments\/create on .*'experiment_id' is missing/,
      ],
      [
        "a null in a list",
        () => json({ runs: [null] }),
        () => store.searchRuns({ experimentIds: ["0"] }),
        /POST \/runs\/search on .*'runs\[0\]' is null/,
      ],
      [
        "a list for an object",
        () => json([]),
        () => store.getExperiment("1"),
        /GET \/experiments\/get: the server at .* answered \[\], not a JSON object/,
      ],
      ["null", () => new Response("null"), () => store.getExperiment("1"), /not a JSON object/],
      ["text", () => new Response("<html>"), () => store.getExperiment("1"), /did not answer JSON/],
      [
        "a numeric page token",
        () => json({ metrics: [], next_page_token: 5 }),
        () => store.getMetricHistory(RUN_ID, "m"),
        /'next_page_token' is a number/,
      ],
      [
        "a string for a list",
        () => json({ experiments: "x" }),
        () => store.searchExperiments(),
        /'experiments' is a string/,
      ],
      [
        "a model without an id",
        () => json({ model: { info: {} } }),
        () => store.getLoggedModel(MODEL_ID),
        /'model\.info\.model_id' is missing/,
      ],
    ];
    for (const [name, make, call, pattern] of cases) {
      await t.step(name, async () => {
        answer = make;
        await assert.rejects(call, (e: unknown) => {
          assert.ok(e instanceof MlflowError, `${name}: ${e}`);
          assert.equal(e.code, "INTERNAL_ERROR");
          assert.match(e.message, pattern);
          assert.ok(e.message.includes(server.url), e.message);
          return true;
        });
      });
    }
    await t.step("a listed path that is not a string", async () => {
      answer = () => json({ files: [{ path: 7 }] });
      await assert.rejects(
        () => store.listArtifacts(RUN_ID),
        (e: unknown) => e instanceof MlflowError && /a path is number/.test(e.message),
      );
    });
  },
});

Deno.test({
  name: "answers that stall are timeouts: retried, then reported naming the endpoint",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    let release = () => {};
    const hung = new Promise<void>((r) => release = r);
    let downloads = 0;
    await using server = fakeServer(async (_req, url) => {
      const p = url.pathname;
      if (p.endsWith("/runs/get") && url.searchParams.get("run_id") === RUN_ID) {
        return stalledAnswer('{"run": {"info": ');
      }
      if (p.endsWith("/runs/get")) {
        await hung; // no headers at all
        return json({});
      }
      if (p.endsWith("/artifacts/list")) return json({});
      if (p.endsWith("/artifacts/0/x/artifacts/big.bin")) {
        // The first download stalls half-way; the second is whole.
        return ++downloads === 1
          ? stalledAnswer("0123456789")
          : new Response("0123456789abcdefghij");
      }
      if (p.endsWith("/artifacts/0/x/artifacts/slow.bin")) return stalledAnswer("01234");
      if (p.endsWith("/artifacts/0/x/artifacts/hang.bin")) {
        await hung; // takes the upload, never answers
        return json({});
      }
      return json({ error_code: "ENDPOINT_NOT_FOUND", message: p }, 404);
    });
    const lines: string[] = [];
    const quick = {
      timeout: 0.3,
      maxRetries: 1,
      backoffFactor: 0,
      backoffJitter: 0,
      onRetry: (l: string) => lines.push(l),
    };
    const store = new RestStore(server.url, quick);
    try {
      await t.step("a body that stops after its headers", async () => {
        await assert.rejects(() => store.getRun(RUN_ID), (e: unknown) => {
          assert.ok(e instanceof MlflowError, String(e));
          assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
          assert.match(
            e.message,
            /GET \/runs\/get on http:\/\/127\.0\.0\.1:\d+: the answer stalled after its headers \(no data for 0\.3 s\) \(after 2 attempts\)/,
          );
          return true;
        });
        assert.equal(server.count("/runs/get"), 2);
        assert.match(
          lines[0]!,
          /^MLflow server http:\/\/127\.0\.0\.1:\d+ not answering \(GET \/runs\/get: the answer stalled/,
        );
      });

      await t.step("no answer at all", async () => {
        await assert.rejects(
          () => store.getRun("f".repeat(32)),
          (e: unknown) =>
            e instanceof MlflowError && e.code === "TEMPORARILY_UNAVAILABLE" &&
            /GET \/runs\/get on .*: no answer within 0\.3 s \(after 2 attempts\)/.test(e.message),
        );
      });

      await t.step("a download that stalls half-way is started again, whole", async () => {
        const dst = await Deno.makeTempDir();
        const http = new HttpClient(server.url, { ...quick, maxRetries: 2 });
        const repo = new HttpArtifactRepository(
          http,
          `${server.url}/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts`,
          "0/x/artifacts",
        );
        await repo.download("big.bin", join(dst, "big.bin"));
        assert.equal(await Deno.readTextFile(join(dst, "big.bin")), "0123456789abcdefghij");
        assert.equal(downloads, 2);
        // Read as a stream, a stall errors the stream with the endpoint named.
        const stream = await repo.open("slow.bin");
        await assert.rejects(
          () => new Response(stream).text(),
          (e: unknown) =>
            e instanceof MlflowError && e.code === "TEMPORARILY_UNAVAILABLE" &&
            /GET \/api\/2\.0\/mlflow-artifacts\/artifacts\/0\/x\/artifacts\/slow\.bin on .*stalled/
              .test(e.message),
        );
        // An upload nobody answers, from a file (sent natively) and from any other stream.
        const local = join(dst, "local.bin");
        await Deno.writeFile(local, new Uint8Array(1 << 20));
        const sources = [
          async () => (await Deno.open(local)).readable,
          () => Promise.resolve(new Blob(["not a file"]).stream()),
        ];
        for (const open of sources) {
          await assert.rejects(
            () => repo.upload("hang.bin", open),
            (e: unknown) =>
              e instanceof MlflowError && e.code === "TEMPORARILY_UNAVAILABLE" &&
              /PUT .*hang\.bin on .*: no answer within 0\.3 s \(after 3 attempts\)/.test(e.message),
          );
        }
        assert.equal(server.count("hang.bin"), 6);
      });
    } finally {
      release();
    }
  },
});

Deno.test({
  name: "a server repeating a page token is not followed round and round",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using server = fakeServer((_req, url) => {
      const p = url.pathname;
      if (p.endsWith("/runs/search")) {
        return json({ runs: [(runAnswer() as { run: unknown }).run], next_page_token: "again" });
      }
      if (p.endsWith("/experiments/search")) {
        return json({ experiments: [{ experiment_id: "1", name: "e" }], next_page_token: "t1" });
      }
      if (p.endsWith("/artifacts/list")) {
        const token = url.searchParams.get("page_token");
        return json({
          files: [{ path: `f${token ?? 0}.txt`, is_dir: false, file_size: 1 }],
          next_page_token: token === "2" ? "1" : String(Number(token ?? 0) + 1),
        });
      }
      return json({ error_code: "ENDPOINT_NOT_FOUND", message: p }, 404);
    });
    const store = new RestStore(server.url, ONCE);
    await assert.rejects(
      () => store.searchRuns({ experimentIds: ["0"] }),
      (e: unknown) =>
        e instanceof MlflowError && e.code === "INTERNAL_ERROR" &&
        /POST \/runs\/search on http:\/\/127\.0\.0\.1:\d+: page 2 named the page token 'again' a second time/
          .test(e.message),
    );
    assert.equal(server.count("/runs/search"), 2);
    await assert.rejects(() => store.searchExperiments(), /'t1' a second time/);
    await assert.rejects(
      () => store.listArtifacts(RUN_ID),
      /page 3 named the page token '1' a second time/,
    );
    assert.equal(server.count("/artifacts/list"), 3);
  },
});

Deno.test({
  name: "a dead server: one line per retry on stderr, then the error, secrets scrubbed",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const port = freePort(); // nobody listens there
    const dir = await Deno.makeTempDir();
    const script = join(dir, "dead.ts");
    const lib = new URL("../../lib/tracking/mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { RestStore } from "${lib}";\n` +
        `try { await new RestStore(Deno.args[0]).getRun("${RUN_ID}"); }\n` +
        `catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, `http://alice:pw-5ecr3t@127.0.0.1:${port}`],
      env: {
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: "2",
        MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: "0.1",
        MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: "0",
        MLFLOW_HTTP_REQUEST_TIMEOUT: "5",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    const stdout = new TextDecoder().decode(out.stdout);
    const server = `http://127.0.0.1:${port}`;
    assert.deepEqual(stderr.trim().split("\n"), [
      `MLflow server ${server} unreachable (GET /runs/get: connection refused); retrying in 0.1 s (attempt 2 of 3)`,
      `MLflow server ${server} unreachable (GET /runs/get: connection refused); retrying in 0.2 s (attempt 3 of 3)`,
    ]);
    const result = JSON.parse(stdout) as { code: string; message: string };
    assert.equal(result.code, "TEMPORARILY_UNAVAILABLE");
    assert.equal(
      result.message,
      `GET /runs/get on ${server}: connection refused (after 3 attempts)`,
    );
    assert.ok(!`${stderr}${stdout}`.includes("pw-5ecr3t"));
    assert.ok(!`${stderr}${stdout}`.includes(btoa("alice:pw-5ecr3t").replace(/=+$/, "")));
  },
});
