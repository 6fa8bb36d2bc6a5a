/** Progress bars: plain text lines off a terminal, one rewritten line on a terminal, in-place HTML in Jupyter. */

import assert from "node:assert/strict";
import { type DisplayOptions, type HtmlBundle, progress } from "../../lib/display/mod.ts";
import * as msg from "../../lib/display/_messages.ts";

/** A clock that advances `step` ms at each reading. */
function clock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

const percent = (line: string) => Number(line.match(/ (\d+)% /)![1]);

Deno.test("progress off a terminal: a line at each tenth reached, then the final one", async () => {
  const out: string[] = [];
  const total = 37;
  const bar = progress(total, { label: "grid", write: (s) => out.push(s), now: clock(5) });
  for (let i = 1; i <= total; i++) bar.update(i, { fold: i });
  await bar.done();
  assert.ok(out.length >= 10 && out.length <= 11, `${out.length} lines`);
  for (const line of out) {
    assert.ok(line.endsWith("\n") && !line.includes("\r"), JSON.stringify(line));
    assert.ok(line.startsWith("grid ["));
  }
  const tenths = out.map((l) => Math.floor(percent(l) / 10));
  assert.deepEqual(
    tenths,
    [...new Set(tenths)].sort((a, b) => a - b),
    "one line per tenth, in order",
  );
  assert.match(
    out.at(-1)!,
    new RegExp(`^grid \\[#{24}\\] ${total}/${total} 100% \\d+\\.\\ds fold=${total}\\n$`),
  );
  assert.match(out[1]!, / eta \d+\.\ds /);
});

Deno.test("progress on a terminal: one line rewritten with \\r, throttled, ended by a newline", async () => {
  const out: string[] = [];
  const bar = progress(10, {
    label: "cv",
    write: (s) => out.push(s),
    tty: true,
    now: clock(30),
    intervalMs: 100,
  });
  for (let i = 1; i <= 10; i++) bar.tick(1, i === 5 ? "a long extra text here" : "x");
  await bar.done();
  assert.ok(out.length > 1 && out.length < 11, `${out.length} writes for 10 updates`);
  assert.ok(out.every((s) => s.startsWith("\r")));
  assert.ok(out.slice(0, -1).every((s) => !s.includes("\n")));
  assert.ok(out.at(-1)!.endsWith("\n"));
  assert.match(out.at(-1)!, /^\rcv \[#+\] 10\/10 100% /);
  // Each write covers what the one before left visible (a shorter line is padded with spaces).
  const body = (s: string) => s.replace(/^\r/, "").replace(/\n$/, "");
  for (let i = 1; i < out.length; i++) {
    assert.ok(body(out[i]!).length >= body(out[i - 1]!).trimEnd().length, `write ${i}`);
  }
  assert.ok(out.some((s) => / {3,}$/.test(body(s))), "some line was padded");
});

Deno.test("progress in Jupyter: one display_id, shown once then updated in place", async () => {
  const calls: { bundle: HtmlBundle; options: DisplayOptions }[] = [];
  const display = (bundle: HtmlBundle, options: DisplayOptions) => {
    calls.push({ bundle, options });
    return new Promise<void>((resolve) => setTimeout(resolve, 1));
  };
  const bar = progress(4, { label: "<fit>", display, now: clock(200) });
  for (let i = 1; i <= 4; i++) bar.update(i, { loss: 1 / i });
  await bar.done();
  assert.equal(calls.length, 4);
  assert.deepEqual(calls.map((c) => c.options.update), [false, true, true, true]);
  assert.ok(calls.every((c) => c.options.raw === true));
  const ids = new Set(calls.map((c) => c.options.display_id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0]!, /^progress-/);
  calls.forEach((c, i) => {
    assert.deepEqual(Object.keys(c.bundle).sort(), ["text/html", "text/plain"]);
    assert.match(c.bundle["text/html"], new RegExp(`<progress value="${i + 1}" max="4"`));
    assert.match(c.bundle["text/html"], /&lt;fit&gt;/);
    assert.match(c.bundle["text/plain"], new RegExp(`^<fit> \\[#*-*\\] ${i + 1}/4 `));
  });
  assert.match(calls[2]!.bundle["text/plain"], /loss=0\.3333$/);
  // A second tracker gets its own display.
  const other = progress(1, { display, now: clock(200) });
  other.update(1);
  await other.done();
  assert.notEqual(calls.at(-1)!.options.display_id, calls[0]!.options.display_id);
});

Deno.test("progress in Jupyter: fast updates are throttled, the final state always sent", async () => {
  const calls: HtmlBundle[] = [];
  const bar = progress(1000, {
    display: (bundle) => (calls.push(bundle), Promise.resolve()),
    now: clock(1),
    intervalMs: 100,
  });
  for (let i = 1; i <= 1000; i++) bar.update(i);
  await bar.done();
  assert.ok(calls.length >= 5 && calls.length <= 12, `${calls.length} displays`);
  assert.match(calls.at(-1)!["text/html"], /<progress value="1000" max="1000"/);
});

Deno.test("progress: done() after a break shows where it stopped; failures surface in done()", async () => {
  const out: string[] = [];
  const bar = progress(100, { write: (s) => out.push(s), now: clock(1) });
  bar.update(42);
  await bar.done();
  assert.match(out.at(-1)!, / 42\/100 42% /);
  assert.equal(bar.value, 42);

  const failing = progress(2, {
    display: () => Promise.reject(new Error("kernel gone")),
    now: clock(500),
  });
  failing.update(1);
  await assert.rejects(failing.done(), /kernel gone/);
});

Deno.test("progress: bad totals and counts throw; counts past the total are clamped", () => {
  for (const total of [0, -1, NaN, Infinity]) {
    assert.throws(() => progress(total, { write: () => {} }), new RangeError(msg.badTotal(total)));
  }
  const bar = progress(3, { write: () => {} });
  assert.throws(() => bar.update(-1), new RangeError(msg.badDone(-1)));
  assert.throws(() => bar.update(NaN), new RangeError(msg.badDone(NaN)));
  bar.update(5);
  assert.equal(bar.value, 3);
  assert.equal(bar.total, 3);
});
