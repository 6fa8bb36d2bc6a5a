// RandomState against numpy.random.RandomState from the project's venv: for 50 seeds, 10,000
// values of every method, bit for bit (compared as SHA-256 digests of the float64 values; a
// mismatch is then shown value by value), alone and interleaved on one generator, and the state
// they leave behind.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { RandomState } from "../../lib/data/mod.ts";
import { sklearn } from "./_sklearn.ts";

type Call = [name: string, args: unknown[], kwargs: Record<string, unknown>];

const SEEDS = [
  0,
  1,
  2,
  5,
  42,
  123,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  ...Array.from({ length: 41 }, (_, i) => 1000 + 7919 * i),
];
const N = 10_000;
const P5 = [0.1, 0.2, 0.3, 0.15, 0.25];
const P100 = Array.from({ length: 100 }, (_, i) => (i + 1) / 5050);

/** Each method on a fresh generator: 10,000 values. */
const ALONE: Record<string, Call[]> = {
  randomSample: [["random_sample", [N], {}]],
  rand: [["rand", [100, 100], {}]],
  uniform: [["uniform", [-3, 5, N], {}]],
  standardNormal: [["standard_normal", [N], {}]],
  randn: [["randn", [100, 100], {}]],
  normal: [["normal", [2, 3, N], {}]],
  randint: [["randint", [0, 10, N], {}]],
  randintWide: [["randint", [-5, 2 ** 40, N], {}]],
  randintFull32: [["randint", [0, 2 ** 32, N], {}]],
  shuffle: [["shuffle", [N], {}]],
  permutation: [["permutation", [N], {}]],
  choiceReplace: [["choice", [1000, N], {}]],
  choiceNoReplace: [["choice", [N, N], { replace: false }]],
  choiceP: [["choice", [5, N], { p: P5 }]],
  choicePNoReplace: [["choice", [100, 100], { replace: false, p: P100 }]],
};

/** Every method in turn on one generator (the cached normal deviate carried across), twice. */
const MIXED: Call[] = [
  ["standard_normal", [3], {}],
  ["random_sample", [5], {}],
  ["normal", [1, 2, 7], {}],
  ["randint", [7, 100], {}],
  ["uniform", [0, 1, 3], {}],
  ["randn", [1], {}],
  ["permutation", [50], {}],
  ["choice", [10, 4], { replace: false }],
  ["standard_normal", [1], {}],
  ["choice", [5, 6], { p: P5 }],
  ["randint", [0, 2 ** 35, 4], {}],
  ["state", [], {}],
];

const CALLS: Record<string, Call[]> = { ...ALONE, mixed: [...MIXED, ...MIXED] };

/** Our side of one call, flattened. */
function run(rs: RandomState, call: Call): number[] {
  return [draw(rs, call)].flat(3) as number[];
}

function draw(rs: RandomState, [name, args, kwargs]: Call): number | number[] | number[][] {
  const a = args as number[];
  switch (name) {
    case "random_sample":
      return rs.randomSample(a[0]!);
    case "rand":
      return rs.rand(a[0]!, a[1]!);
    case "uniform":
      return rs.uniform(a[0], a[1], a[2]!);
    case "standard_normal":
      return rs.standardNormal(a[0]!);
    case "randn":
      return a.length === 1 ? rs.randn(a[0]!) : rs.randn(a[0]!, a[1]!);
    case "normal":
      return rs.normal(a[0], a[1], a[2]!);
    case "randint":
      return rs.randint(a[0]!, a[1], a[2]!);
    case "shuffle": {
      const items = Array.from({ length: a[0]! }, (_, i) => i);
      rs.shuffle(items);
      return items;
    }
    case "permutation":
      return rs.permutation(a[0]!);
    case "choice":
      return rs.choice(a[0]!, a[1]!, kwargs as { replace?: boolean; p?: number[] });
    case "state": {
      const { key, pos, hasGauss, gauss } = rs.getState();
      return [...key, pos, hasGauss ? 1 : 0, gauss];
    }
  }
  throw new Error(`unknown call ${name}`);
}

function digest(values: readonly number[]): [string, number] {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  return [createHash("sha256").update(bytes).digest("hex"), values.length];
}

Deno.test("RandomState gives NumPy's values, bit for bit, for every method and 50 seeds", async () => {
  const theirs = await sklearn<Record<string, [string, number][][]>>("numpy_random_state.py", {
    seeds: SEEDS,
    calls: CALLS,
  });
  const mismatches: string[] = [];
  let compared = 0;
  for (const [label, calls] of Object.entries(CALLS)) {
    SEEDS.forEach((seed, s) => {
      const rs = new RandomState(seed);
      calls.forEach((call, c) => {
        const ours = digest(run(rs, call));
        const reference = theirs[label]![s]![c]!;
        compared += ours[1];
        if (ours[0] !== reference[0] || ours[1] !== reference[1]) {
          mismatches.push(`${label} seed ${seed} call ${c} (${call[0]})`);
        }
      });
    });
  }
  if (mismatches.length > 0) {
    // Show the first mismatch value by value.
    const [label, , seedText, , callText] = mismatches[0]!.split(" ");
    const seed = Number(seedText);
    const detail = await sklearn<Record<string, number[][][]>>("numpy_random_state.py", {
      seeds: [seed],
      calls: { [label!]: CALLS[label!]! },
      values: true,
    });
    const rs = new RandomState(seed);
    const results = CALLS[label!]!.map((call) => run(rs, call));
    const c = Number(callText);
    const i = results[c]!.findIndex((v, i) => !Object.is(v, detail[label!]![0]![c]![i]));
    assert.fail(
      `${mismatches.length} mismatches, first ${mismatches[0]}: at ${i} ours ${
        results[c]![i]
      }, NumPy ${detail[label!]![0]![c]![i]}`,
    );
  }
  console.log(`${compared.toLocaleString("en-US")} values identical to NumPy's`);
  assert.ok(compared >= 50 * 14 * N);
});

Deno.test("RandomState seeds an array as NumPy does (init_by_array)", async () => {
  const theirs = await sklearn<Record<string, number[][][]>>("numpy_random_state.py", {
    seeds: [[1, 2, 3], [4294967295], [0, 0, 0, 0, 123456789]],
    calls: { mixed: MIXED },
    values: true,
  });
  for (const [s, seed] of [[1, 2, 3], [4294967295], [0, 0, 0, 0, 123456789]].entries()) {
    const rs = new RandomState(seed);
    assert.deepEqual(MIXED.map((call) => run(rs, call)), theirs.mixed![s]);
  }
});

Deno.test("RandomState resumes from a saved state, the cached normal deviate included", () => {
  const rs = new RandomState(2024);
  rs.standardNormal(5); // an odd count leaves a deviate cached
  const saved = rs.getState();
  assert.equal(saved.hasGauss, true);
  const first = [rs.randn(3), rs.randint(0, 1000, 5), rs.permutation(10)];
  const other = new RandomState(1);
  other.setState(saved);
  assert.deepEqual([other.randn(3), other.randint(0, 1000, 5), other.permutation(10)], first);
  // The saved state is a copy: drawing more does not change it.
  rs.setState(saved);
  assert.deepEqual([rs.randn(3), rs.randint(0, 1000, 5), rs.permutation(10)], first);
  // Reseeding clears the cache, as NumPy's seed does.
  rs.seed(2024);
  assert.equal(rs.getState().hasGauss, false);
  assert.deepEqual(rs.getState().key, new RandomState(2024).getState().key);
});

Deno.test("RandomState draws nothing for an empty range and takes shapes in C order", () => {
  const a = new RandomState(9);
  const b = new RandomState(9);
  assert.deepEqual(a.randint(4, 5, 3), [4, 4, 4]);
  assert.deepEqual(a.randomSample(2), b.randomSample(2)); // the randint drew nothing
  const m = new RandomState(3).randomSample([2, 3, 2]);
  assert.deepEqual(m.flat(2), new RandomState(3).randomSample(12));
  assert.equal(typeof new RandomState(3).choice(["a", "b"]), "string");
  assert.deepEqual(new RandomState(3).permutation([]), []);
});

Deno.test("RandomState rejects bad seeds, bounds, states and probabilities with clear errors", () => {
  for (const seed of [-1, 2 ** 32, 1.5, [], [2 ** 32]] as unknown as number[]) {
    assert.throws(() => new RandomState(seed), /Cannot seed the random state: the seed must be/);
  }
  const rs = new RandomState(0);
  assert.throws(() => rs.randint(5, 5), /low and high must be safe integers with low < high/);
  assert.throws(() => rs.randint(0, 2 ** 60), /safe integers/);
  assert.throws(() => rs.uniform(-Infinity, 0), /high - low must be finite/);
  assert.throws(() => rs.normal(0, -1), /scale finite and non-negative/);
  assert.throws(() => rs.randomSample(-1), /size must hold non-negative integers/);
  assert.throws(() => rs.choice(3, 5, { replace: false }), /at most the population \(3\)/);
  assert.throws(() => rs.choice(3, 2, { p: [0.5, 0.5] }), /p must have one entry per item \(3\)/);
  assert.throws(() => rs.choice(2, 2, { p: [0.5, 0.6] }), /p must sum to 1/);
  assert.throws(() => rs.choice(2, 2, { p: [1.5, -0.5] }), /p must be non-negative/);
  assert.throws(
    () => rs.choice(3, 2, { replace: false, p: [1, 0, 0] }),
    /at least as many non-zero entries as the sample \(2\), current value has 1/,
  );
  assert.throws(() => rs.choice(0, 1), /population must not be empty/);
  assert.throws(
    () => rs.setState({ key: [1, 2], pos: 0, hasGauss: false, gauss: 0 }),
    /key must hold 624 integers/,
  );
  assert.throws(
    () => rs.setState({ ...rs.getState(), pos: 625 }),
    /pos must be an integer in \[0, 624\]/,
  );
});
