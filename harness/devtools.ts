/**
 * A page in headless Chromium driven over the Chrome DevTools Protocol, for what a screenshot
 * from the command line cannot do: wait for something to appear, click it, then look. Chromium
 * is Debian's (installed on first use, see `browser.ts`), with a fresh profile each time.
 *
 * @module
 */

import { chromiumFlags, ensureChromium } from "./browser.ts";
import { freePort, waitForHttp } from "./net.ts";

/**
 * A page open in headless Chromium.
 *
 * @example The page's title
 * ```ts ignore
 * import { type DevtoolsPage, withPage } from "./devtools.ts";
 *
 * await withPage("file:///tmp/report.html", {}, async (page: DevtoolsPage) => {
 *   console.log(await page.evaluate<string>("document.title"));
 * });
 * ```
 */
export interface DevtoolsPage {
  /** Evaluates a JavaScript expression in the page (awaiting a Promise) and returns its value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Waits until `expression` is truthy in the page; throws after `timeoutMs`. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** Saves a PNG of the page's viewport. */
  screenshot(png: string): Promise<void>;
}

/**
 * Options of {@linkcode withPage}.
 *
 * @example A wide, short window
 * ```ts
 * import type { PageOptions } from "./devtools.ts";
 *
 * const wide: PageOptions = { width: 1600, height: 720 };
 * ```
 */
export interface PageOptions {
  /** Viewport width in CSS pixels. @default 1600 */
  width?: number;
  /** Viewport height in CSS pixels. @default 1000 */
  height?: number;
}

interface Reply {
  id?: number;
  result?: { result?: { value?: unknown }; exceptionDetails?: unknown; data?: string };
  error?: { message: string };
}

/**
 * Opens `url` in headless Chromium, hands the page to `use`, and closes Chromium afterwards.
 *
 * @example Click a button, then take a screenshot
 * ```ts ignore
 * import { withPage } from "./devtools.ts";
 *
 * await withPage("http://127.0.0.1:5000/#/experiments/1", {}, async (page) => {
 *   await page.waitFor(`document.querySelector("button.expand")`);
 *   await page.evaluate(`document.querySelector("button.expand").click()`);
 *   await page.screenshot("/tmp/expanded.png");
 * });
 * ```
 */
export async function withPage<T>(
  url: string,
  options: PageOptions,
  use: (page: DevtoolsPage) => Promise<T>,
): Promise<T> {
  const { width = 1600, height = 1000 } = options;
  const chromium = await ensureChromium();
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const port = freePort();
  const browser = new Deno.Command(chromium, {
    args: [
      ...chromiumFlags(profile, width, height),
      `--remote-debugging-port=${port}`,
      "--remote-allow-origins=*",
      url,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let socket: WebSocket | undefined;
  try {
    const list = await (await waitForHttp(`http://127.0.0.1:${port}/json/list`, 30_000)).json();
    const target = (list as { type: string; webSocketDebuggerUrl: string }[])
      .find((t) => t.type === "page");
    if (!target) throw new Error("Chromium opened no page");
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    socket = ws;
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("cannot reach Chromium's DevTools"));
    });
    let next = 0;
    const waiting = new Map<number, (reply: Reply) => void>();
    ws.onmessage = (event) => {
      const reply = JSON.parse(String(event.data)) as Reply;
      if (reply.id !== undefined) waiting.get(reply.id)?.(reply);
    };
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Reply["result"]>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, (reply) => {
          waiting.delete(id);
          if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
          else resolve(reply.result);
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    const evaluate = async <V>(expression: string): Promise<V> => {
      const result = await send("Runtime.evaluate", {
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (result?.exceptionDetails) {
        throw new Error(`${expression}: ${JSON.stringify(result.exceptionDetails)}`);
      }
      return result?.result?.value as V;
    };
    const page: DevtoolsPage = {
      evaluate: evaluate,
      async waitFor(expression, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        while (!(await evaluate(`Boolean(${expression})`))) {
          if (Date.now() > deadline) {
            throw new Error(`Not seen within ${timeoutMs} ms: ${expression}`);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      async screenshot(png) {
        const shot = await send("Page.captureScreenshot", { format: "png" });
        const bytes = Uint8Array.from(atob(shot?.data ?? ""), (c) => c.charCodeAt(0));
        await Deno.writeFile(png, bytes);
      },
    };
    await send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return await use(page);
  } finally {
    socket?.close();
    try {
      browser.kill("SIGTERM");
    } catch { /* already gone */ }
    await browser.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
