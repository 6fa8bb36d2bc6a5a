/**
 * `deno task lab` as a supervisor: JupyterLab with the Deno kernel in a process group of its
 * own, one line saying where to open it, and on Ctrl-C (or SIGTERM) a clean stop of the server
 * and of every kernel it started — a Deno kernel left behind holds about 200 MB.
 *
 * @module
 */

import { join } from "node:path";
import { ensureKernel, JUPYTER_DIR, labCommand } from "./jupyter.ts";
import { waitForHttp } from "./net.ts";
import { markerEnv, reap, signalProcess, within } from "./processes.ts";
import { ensureVenv } from "./python.ts";

/** Options of {@linkcode runLab}. */
export interface LabOptions {
  /** The port JupyterLab listens on (127.0.0.1). @default 8888 */
  port?: number;
  /** More `jupyter lab` flags, passed through (e.g. `--no-browser`). @default none */
  args?: string[];
  /** Where the one "open this URL" line goes. @default console.log */
  announce?: (line: string) => void;
}

/**
 * The marker every process of the lab on `port` carries (JupyterLab and its kernels), so that
 * they can be found and stopped together.
 *
 * @example
 * ```ts
 * import { labMarker } from "./jupyter_lab.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(labMarker(8888), "jupyter-lab:8888");
 * ```
 */
export function labMarker(port: number): string {
  return `jupyter-lab:${port}`;
}

/**
 * Runs JupyterLab until it exits or this process is told to stop (SIGINT, SIGTERM), then stops
 * it and its kernels; resolves with the exit code to end with. Its own output goes to
 * `.jupyter/lab.log`; what to open is announced once, with the token in the address.
 *
 * @example
 * ```ts ignore
 * import { runLab } from "./jupyter_lab.ts";
 *
 * Deno.exit(await runLab({ port: 8888, args: ["--no-browser"] }));
 * ```
 */
export async function runLab(options: LabOptions = {}): Promise<number> {
  const { port = 8888, args: extra = [], announce = console.log } = options;
  await ensureVenv();
  const env = await ensureKernel();
  const token = crypto.randomUUID().replaceAll("-", "");
  const [cmd, ...args] = labCommand(port, !extra.includes("--no-browser"));
  const log = await Deno.open(join(JUPYTER_DIR, "lab.log"), {
    create: true,
    write: true,
    truncate: true,
  });
  const marker = labMarker(port);
  const lab = new Deno.Command(cmd!, {
    args: [...args, ...extra.filter((a) => a !== "--no-browser")],
    env: { ...env, JUPYTER_TOKEN: token, ...markerEnv(marker) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true, // its own process group: the terminal's Ctrl-C reaches this supervisor only
  }).spawn();
  const copied = Promise.all([
    lab.stdout.pipeTo(log.writable, { preventClose: true }),
    lab.stderr.pipeTo(log.writable),
  ])
    .catch(() => {});

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    signalProcess(-lab.pid, "SIGTERM"); // JupyterLab shuts its kernels down on SIGTERM
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, stop);
  try {
    const url = `http://127.0.0.1:${port}`;
    const up = await Promise.race([
      waitForHttp(`${url}/api/status?token=${token}`, 120_000).then((r) => r.body?.cancel()),
      lab.status,
    ]);
    if (up === undefined && !stopping) {
      announce(`JupyterLab: ${url}/lab?token=${token} (Ctrl-C stops it and its kernels)`);
    }
    const status = await lab.status;
    return stopping ? 0 : status.code;
  } finally {
    for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(sig, stop);
    if (!(await within(lab.status, 15_000))) signalProcess(-lab.pid, "SIGKILL");
    await reap(marker); // kernels that outlived the server
    await within(copied, 2_000);
  }
}
