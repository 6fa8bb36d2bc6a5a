/**
 * Creates or refreshes the project's Python environment (`.venv`, from the pinned
 * `requirements.txt`); the `test` and `bench` tasks run it first. See `harness/python.ts`.
 *
 * Usage: `deno run -A tools/python.ts ensure`
 *
 * @module
 */

import { ensureVenv } from "../harness/python.ts";

const [command] = Deno.args;
if (command === "ensure") {
  await ensureVenv();
} else {
  console.error("usage: deno run -A tools/python.ts ensure");
  Deno.exit(2);
}
