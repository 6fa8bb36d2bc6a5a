/**
 * Headless Chromium (Debian's `chromium`) for looking at what people see: reports and the MLflow
 * UI. Installed with apt on first use when missing (the tests run as root on CI).
 *
 * @module
 */

import { exists } from "./fs.ts";

const CHROMIUM = "/usr/bin/chromium";

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (out.code !== 0) {
    throw new Error(
      `Cannot install Chromium: '${cmd} ${args.join(" ")}' exited ${out.code}: ${
        new TextDecoder().decode(out.stderr).slice(-2000)
      }`,
    );
  }
}

/**
 * Makes sure Debian's Chromium is installed (apt-get as root) and returns its path.
 *
 * @example
 * ```ts ignore
 * import { ensureChromium } from "./browser.ts";
 *
 * const chromium = await ensureChromium(); // "/usr/bin/chromium"
 * ```
 */
export async function ensureChromium(): Promise<string> {
  if (await exists(CHROMIUM)) return CHROMIUM;
  console.error("Installing Debian's chromium (first use) …");
  await run("apt-get", ["update", "-qq"]);
  await run("apt-get", ["install", "-y", "-qq", "chromium"]);
  return CHROMIUM;
}

/**
 * Headless Chromium's flags here: a fresh profile in `profile`, no GPU, and no background
 * networking (this machine's closed network refuses it); with `budgetMs`, a virtual-time budget
 * for pages that are dumped or shot rather than driven.
 *
 * @example
 * ```ts
 * import { chromiumFlags } from "./browser.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(chromiumFlags("/tmp/p", 800, 600).includes("--window-size=800,600"));
 * assert.ok(chromiumFlags("/tmp/p", 800, 600, 5000).includes("--virtual-time-budget=5000"));
 * ```
 */
export function chromiumFlags(
  profile: string,
  width: number,
  height: number,
  budgetMs?: number,
): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`,
    ...(budgetMs === undefined ? [] : [`--virtual-time-budget=${budgetMs}`]),
  ];
}

/**
 * The page's DOM after its scripts ran for `budgetMs` of page time (Chromium's `--dump-dom`).
 *
 * @example
 * ```ts ignore
 * import { dumpDom } from "./browser.ts";
 *
 * const html = await dumpDom("http://127.0.0.1:5000/#/experiments/0/runs", { budgetMs: 15_000 });
 * console.log(html.includes(">knn-5<"));
 * ```
 */
export async function dumpDom(url: string, options: ScreenshotOptions = {}): Promise<string> {
  const { width = 1280, height = 1600, budgetMs = 10_000 } = options;
  const chromium = await ensureChromium();
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  try {
    const out = await new Deno.Command(chromium, {
      args: [...chromiumFlags(profile, width, height, budgetMs), "--dump-dom", url],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * Options of {@linkcode screenshot} and {@linkcode dumpDom}.
 *
 * @example
 * ```ts ignore
 * import { screenshot, type ScreenshotOptions } from "./browser.ts";
 *
 * const wide: ScreenshotOptions = { width: 1600, height: 1000, budgetMs: 15_000 };
 * await screenshot("http://127.0.0.1:5000/", "/tmp/ui.png", wide);
 * ```
 */
export interface ScreenshotOptions {
  /** Window width in CSS pixels. @default 1280 */
  width?: number;
  /** Window height in CSS pixels. @default 1600 */
  height?: number;
  /** Milliseconds of page time to let scripts and network settle. @default 10000 */
  budgetMs?: number;
}

/**
 * Saves a PNG screenshot of `url` (a `file:` or loopback `http:` address) taken by headless
 * Chromium with a fresh profile and no background networking.
 *
 * @example
 * ```ts ignore
 * import { screenshot } from "./browser.ts";
 *
 * await screenshot("file:///tmp/reports/compare_runs.html", "/tmp/report.png", { height: 2400 });
 * ```
 */
export async function screenshot(
  url: string,
  png: string,
  options: ScreenshotOptions = {},
): Promise<void> {
  const { width = 1280, height = 1600, budgetMs = 10_000 } = options;
  const chromium = await ensureChromium();
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  try {
    const out = await new Deno.Command(chromium, {
      args: [
        ...chromiumFlags(profile, width, height, budgetMs),
        `--screenshot=${png}`,
        url,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0 || !(await exists(png))) {
      throw new Error(
        `Chromium could not screenshot ${url}: ${
          new TextDecoder().decode(out.stderr).slice(-2000)
        }`,
      );
    }
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
