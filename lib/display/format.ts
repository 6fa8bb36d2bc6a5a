/**
 * Text for displays: HTML escaping, and metric values and times written compactly for cards,
 * tables and progress lines.
 *
 * @module
 */

/**
 * Escapes text for HTML: `&`, `<`, `>`, `"` and `'` become entities, so the result is safe
 * between tags and inside quoted attributes.
 *
 * @example A run name with markup
 * ```ts
 * import { escapeHtml } from "./format.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeHtml(`<b>"knn" & 'rf'</b>`), "&lt;b&gt;&quot;knn&quot; &amp; &#39;rf&#39;&lt;/b&gt;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * Formats a metric value compactly: integers in full, others rounded to 4 decimals, very small
 * or very large ones in exponent form with 3 decimals, NaN and ±∞ as words.
 *
 * @example Accuracies, counts and losses
 * ```ts
 * import { formatMetric } from "./format.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatMetric(0.912345), "0.9123");
 * assert.equal(formatMetric(250), "250");
 * assert.equal(formatMetric(0.00001234), "1.234e-5");
 * assert.equal(formatMetric(-Infinity), "−∞");
 * ```
 */
export function formatMetric(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
    ? String(Number(v.toFixed(4)))
    : v.toExponential(3);
}

/**
 * Formats a time in milliseconds since the epoch as `YYYY-MM-DD hh:mm:ss UTC`, and a missing
 * time (`null`) as "—".
 *
 * @example A run's start time
 * ```ts
 * import { formatTime } from "./format.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatTime(Date.UTC(2024, 4, 1, 9, 30)), "2024-05-01 09:30:00 UTC");
 * assert.equal(formatTime(null), "—");
 * ```
 */
export function formatTime(ms: number | null): string {
  return ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/**
 * A run's status as shown: its name, and `(stale)` after RUNNING when the run's process is gone.
 *
 * @example
 * ```ts
 * import { statusText } from "./format.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(statusText("FINISHED", false), "FINISHED");
 * assert.equal(statusText("RUNNING", true), "RUNNING (stale)");
 * ```
 */
export function statusText(status: string, stale: boolean): string {
  return stale && status === "RUNNING" ? "RUNNING (stale)" : status;
}
