/**
 * A progress bar for long loops: updated in place in a notebook, a line on a terminal.
 *
 * @module
 */

import { badDone, badTotal } from "./_messages.ts";
import { escapeHtml, formatMetric } from "./format.ts";
import { type DisplayFn, jupyterDisplay } from "./jupyter.ts";

/** Extra information shown after the bar: a text, or values shown as `key=value`. */
export type ProgressExtra = string | Readonly<Record<string, number | string>>;

/** Options of {@linkcode progress}. */
export interface ProgressOptions {
  /** The name shown before the bar. @default "progress" */
  label?: string;
  /**
   * Receives the terminal text instead of standard error; setting it selects the terminal form
   * even inside Jupyter. @default writes to `Deno.stderr` (outside Jupyter)
   */
  write?: (text: string) => void;
  /**
   * Whether the text goes to a terminal: then one line is rewritten in place (`\r`), otherwise
   * a new line is written at each tenth of the total and at the end.
   * @default whether standard error is a terminal (false when `write` is given)
   */
  tty?: boolean;
  /**
   * Sends the HTML bar to a notebook; setting it selects the notebook form.
   * @default `Deno.jupyter.display` inside Deno's Jupyter kernel
   */
  display?: DisplayFn;
  /** The clock, in milliseconds, for elapsed time and throttling. @default `performance.now` */
  now?: () => number;
  /** Least time between two redraws of the bar (the first and the last are always drawn). @default 100 */
  intervalMs?: number;
}

/** A progress tracker from {@linkcode progress}. */
export interface Progress {
  /** The count that means finished. */
  readonly total: number;
  /** The count reached so far. */
  readonly value: number;
  /** Sets the count reached (clamped to `total`) and, optionally, the extra text. */
  update(done: number, extra?: ProgressExtra): void;
  /** Adds `step` (default 1) to the count. */
  tick(step?: number, extra?: ProgressExtra): void;
  /**
   * Draws the final state (at the count reached, which may be short of `total` after a
   * `break`), ends the terminal line, and waits until every notebook update has been sent.
   */
  done(extra?: ProgressExtra): Promise<void>;
}

const BAR_WIDTH = 24;

function formatExtra(extra: ProgressExtra | undefined): string {
  if (extra === undefined) return "";
  if (typeof extra === "string") return extra;
  return Object.entries(extra)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatMetric(v) : v}`)
    .join(" ");
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60
    ? `${s.toFixed(1)}s`
    : `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/**
 * A progress bar for long loops (cross-validation folds, a hyperparameter grid). Inside Deno's
 * Jupyter kernel it is an HTML `<progress>` bar updated in place (`Deno.jupyter.display` with a
 * `display_id`, then `update: true`); elsewhere it is a text line on standard error, rewritten
 * in place on a terminal and written at each tenth of the total otherwise (logs, CI).
 *
 * Each state shows the label, the count, the percentage, the elapsed time, an estimate of the
 * time left, and the optional extra text. Redraws are at least `intervalMs` apart so a fast
 * loop does not flood the notebook; the first state and the final one are always drawn.
 *
 * @example Text form, captured
 * ```ts
 * import { progress } from "./progress.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const bar = progress(4, { label: "folds", write: (s) => lines.push(s), now: () => 0 });
 * for (let fold = 1; fold <= 4; fold++) bar.update(fold, { accuracy: 0.9 });
 * await bar.done();
 * assert.equal(lines.length, 4); // a line at each tenth reached: 25%, 50%, 75%, 100%
 * assert.equal(lines[3], "folds [########################] 4/4 100% 0.0s accuracy=0.9\n");
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (typeof total !== "number" || !Number.isFinite(total) || total <= 0) {
    throw new RangeError(badTotal(total));
  }
  const { label = "progress", now = () => performance.now(), intervalMs = 100 } = options;
  const display = options.write === undefined ? options.display ?? jupyterDisplay() : undefined;
  const write = options.write ??
    ((text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text)));
  const tty = options.tty ?? (options.write === undefined && Deno.stderr.isTerminal());

  const start = now();
  const displayId = `progress-${crypto.randomUUID()}`;
  let value = 0;
  let extra: ProgressExtra | undefined;
  let lastDraw = -Infinity;
  let drawn = 0; // how many states were drawn
  let lastTenth = -1;
  let lastLength = 0;
  let finished = false;
  let dirty = false; // changed since last drawn
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown;

  const state = () => {
    const fraction = value / total;
    const filled = Math.round(fraction * BAR_WIDTH);
    const elapsed = now() - start;
    const left = value > 0 && value < total
      ? ` eta ${seconds(elapsed * (total - value) / value)}`
      : "";
    const count = `${formatMetric(value)}/${formatMetric(total)}`;
    const percent = `${Math.floor(fraction * 100)}%`;
    const more = formatExtra(extra);
    return {
      text:
        `${label} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${count} ${percent} ` +
        `${seconds(elapsed)}${left}${more ? ` ${more}` : ""}`,
      html: `<div style="font-family:monospace;font-size:12px">` +
        `<span style="display:inline-block;min-width:6em">${escapeHtml(label)}</span> ` +
        `<progress value="${value}" max="${total}" style="width:240px;vertical-align:middle">` +
        `</progress> ${escapeHtml(`${count} ${percent} ${seconds(elapsed)}${left}`)}` +
        (more ? ` <span style="color:#555">${escapeHtml(more)}</span>` : "") + `</div>`,
    };
  };

  const draw = (final: boolean) => {
    const t = now();
    const tenth = Math.floor((value / total) * 10);
    if (final) {
      // The final state again, unless it is already showing (a terminal line still needs "\n").
      if (!dirty && drawn > 0 && !(tty && !display)) return;
    } else if (display || tty) {
      if (t - lastDraw < intervalMs) return;
    } else if (tenth <= lastTenth) {
      return;
    }
    const { text, html } = state();
    if (display) {
      const first = drawn === 0;
      pending = pending.then(() =>
        display({ "text/html": html, "text/plain": text }, {
          raw: true,
          update: !first,
          display_id: displayId,
        })
      ).catch((e) => {
        failure ??= e;
      });
    } else if (tty) {
      write(`\r${text}${" ".repeat(Math.max(0, lastLength - text.length))}${final ? "\n" : ""}`);
      lastLength = text.length;
    } else {
      write(`${text}\n`);
    }
    lastTenth = tenth;
    lastDraw = t;
    dirty = false;
    drawn++;
  };

  const set = (done: number, more: ProgressExtra | undefined) => {
    if (typeof done !== "number" || !Number.isFinite(done) || done < 0) {
      throw new RangeError(badDone(done));
    }
    value = Math.min(done, total);
    if (more !== undefined) extra = more;
    dirty = true;
    if (!finished) draw(false);
  };

  return {
    total,
    get value() {
      return value;
    },
    update(done, more) {
      set(done, more);
    },
    tick(step = 1, more) {
      set(value + step, more);
    },
    async done(more) {
      if (more !== undefined && !finished) {
        extra = more;
        dirty = true;
      }
      if (!finished) {
        finished = true;
        draw(true);
      }
      await pending;
      if (failure !== undefined) throw failure;
    },
  };
}
