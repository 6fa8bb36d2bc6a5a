/**
 * Run names for runs started without one: `<adjective>-<noun>-<number>`, as MLflow makes them.
 *
 * @module
 */

const ADJECTIVES = (
  "bold brave bright calm clever crisp eager fair gentle glad keen lucky merry nimble proud quick " +
  "quiet sharp sunny swift tidy vivid warm wise zesty"
).split(" ");
const NOUNS = (
  "ant bass bear crane deer dove finch fox gull hare hawk heron lark lynx mole newt otter owl " +
  "panda robin seal slug toad wolf wren"
).split(" ");

/**
 * A random `<adjective>-<noun>-<number>` run name, as MLflow makes when none is given.
 *
 * @example
 * ```ts
 * import { generateRunName } from "./run_names.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(generateRunName(), /^[a-z]+-[a-z]+-\d{1,3}$/);
 * ```
 */
export function generateRunName(): string {
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1000)}`;
}
