// The WebAssembly assembler behind the k-neighbours scan: every instruction it offers does what
// its name says (a wrong opcode can validate and compute something else).

import assert from "node:assert/strict";
import { assemble, I32, op, V128, type WasmFunction } from "../../lib/models/_wasm.ts";

function instantiate(
  fn: WasmFunction,
): { run: (...args: number[]) => number; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assemble([fn])), {
    env: { memory },
  });
  return { run: instance.exports[fn.export!] as (...args: number[]) => number, memory };
}

Deno.test("i32 instructions: arithmetic, comparisons, constants, stores", () => {
  const binary = [op.i32Add, op.i32Sub, op.i32Mul, op.i32And, op.i32Shl, op.i32LtU, op.i32LeS];
  const { run, memory } = instantiate({
    export: "f",
    params: [I32, I32],
    results: [],
    locals: [],
    body: binary.flatMap((instruction, i) => [
      op.i32Const(4 * i),
      op.localGet(0),
      op.localGet(1),
      instruction,
      op.i32Store(0),
    ]),
  });
  const view = new Int32Array(memory.buffer);
  for (const [a, b] of [[7, 3], [-5, 2], [3, -5], [2 ** 31 - 1, 1], [-1, -1], [0, 31]]) {
    run(a!, b!);
    const expected = [
      (a! + b!) | 0,
      (a! - b!) | 0,
      Math.imul(a!, b!),
      a! & b!,
      a! << b!,
      (a! >>> 0) < (b! >>> 0) ? 1 : 0,
      a! <= b! ? 1 : 0,
    ];
    assert.deepEqual([...view.subarray(0, binary.length)], expected, `${a}, ${b}`);
  }
});

Deno.test("i32x4 and v128 instructions", () => {
  // Inputs: a at 0, b at 16 (i32x4); results from 64 on, 16 bytes each.
  const vector = (instruction: number[]): number[][] => [
    op.localGet(0),
    op.v128Load(0),
    op.localGet(0),
    op.v128Load(16),
    instruction,
  ];
  const results: number[][][] = [
    vector(op.i32x4Add),
    vector(op.i32x4Sub),
    vector(op.i32x4MinS),
    vector(op.i32x4LeS),
    vector(op.i32x4DotI16x8S),
    vector(op.v128Or),
    [op.localGet(0), op.v128Load32Splat(20)],
    [op.localGet(1), op.i32x4Splat],
    [op.v128Zero],
  ];
  const { run, memory } = instantiate({
    export: "f",
    params: [I32, I32],
    results: [],
    locals: [V128],
    body: [
      ...results.flatMap((compute, i) => [
        op.i32Const(64 + 16 * i),
        ...compute,
        op.v128Store(0),
      ]),
      // Scalars from 256: lane 2 of a, any_true(a), any_true(zero).
      op.i32Const(256),
      op.localGet(0),
      op.v128Load(0),
      op.i32x4ExtractLane(2),
      op.i32Store(0),
      op.i32Const(256),
      op.localGet(0),
      op.v128Load(0),
      op.v128AnyTrue,
      op.i32Store(4),
      op.i32Const(256),
      op.v128Zero,
      op.localTee(2),
      op.v128AnyTrue,
      op.i32Store(8),
    ],
  });
  const i32 = new Int32Array(memory.buffer);
  const i16 = new Int16Array(memory.buffer);
  const a = [5, -7, 2 ** 31 - 1, 0];
  const b = [3, -7, -2, 65537];
  i32.set(a, 0);
  i32.set(b, 4);
  run(0, -42);
  const out = (i: number) => [...i32.subarray(16 + 4 * i, 20 + 4 * i)];
  assert.deepEqual(out(0), a.map((v, j) => (v + b[j]!) | 0));
  assert.deepEqual(out(1), a.map((v, j) => (v - b[j]!) | 0));
  assert.deepEqual(out(2), a.map((v, j) => Math.min(v, b[j]!)));
  assert.deepEqual(out(3), a.map((v, j) => (v <= b[j]! ? -1 : 0)));
  const dot = [0, 1, 2, 3].map((j) =>
    i16[2 * j]! * i16[8 + 2 * j]! + i16[2 * j + 1]! * i16[8 + 2 * j + 1]!
  );
  assert.deepEqual(out(4), dot);
  assert.deepEqual(out(5), a.map((v, j) => v | b[j]!));
  assert.deepEqual(out(6), [b[1], b[1], b[1], b[1]]);
  assert.deepEqual(out(7), [-42, -42, -42, -42]);
  assert.deepEqual(out(8), [0, 0, 0, 0]);
  assert.deepEqual([...i32.subarray(64, 67)], [a[2], 1, 0]);
});

Deno.test("control: a loop with br_if, an if block", () => {
  // f(n) = Σ_{i=1..n} (i if i is odd … always added) + 100 when n ≤ 3: exercises loop, if, tee.
  const { run } = instantiate({
    export: "f",
    params: [I32],
    results: [I32],
    locals: [I32, I32],
    body: [
      op.i32Const(0),
      op.localSet(1),
      op.i32Const(0),
      op.localSet(2),
      op.loop,
      op.localGet(2),
      op.i32Const(1),
      op.i32Add,
      op.localTee(2),
      op.localGet(1),
      op.i32Add,
      op.localSet(1),
      op.localGet(2),
      op.localGet(0),
      op.i32LtU,
      op.brIf(0),
      op.end,
      op.localGet(0),
      op.i32Const(3),
      op.i32LeS,
      op.if,
      op.localGet(1),
      op.i32Const(100),
      op.i32Add,
      op.localSet(1),
      op.end,
      op.localGet(1),
    ],
  });
  assert.equal(run(1), 101);
  assert.equal(run(3), 106);
  assert.equal(run(10), 55);
});
