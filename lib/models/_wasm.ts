/**
 * A small WebAssembly assembler: the instructions the k-neighbours scan uses, as byte arrays, and
 * a function that lays out a module importing one memory (`env.memory`). It lets the scan's
 * kernel be written, read and reviewed as TypeScript, with no binary file or build step. Not part
 * of the public API.
 *
 * Encodings follow the WebAssembly 2.0 specification (binary format, "Instructions"): control
 * `0x02`–`0x10`, locals `0x20`–`0x22`, memory `0x28`–`0x36`, numeric `0x41`–`0xaa`, and the
 * fixed-width SIMD instructions behind the prefix `0xfd`.
 *
 * @example A function adding two i32 vectors
 * ```ts
 * import { assemble, I32, op } from "./_wasm.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = assemble([{
 *   export: "add4",
 *   params: [I32, I32],
 *   results: [],
 *   locals: [],
 *   body: [
 *     op.localGet(0),
 *     op.localGet(0), op.v128Load(0),
 *     op.localGet(1), op.v128Load(0),
 *     op.i32x4Add,
 *     op.v128Store(0),
 *   ],
 * }]);
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const add4 = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
 *   .exports.add4 as (a: number, b: number) => void;
 * const view = new Int32Array(memory.buffer);
 * view.set([1, 2, 3, 4, 10, 20, 30, 40]);
 * add4(0, 16);
 * assert.deepEqual([...view.subarray(0, 4)], [11, 22, 33, 44]);
 * ```
 *
 * @module
 */

/** Value type `i32`. */
export const I32 = 0x7f;
/** Value type `v128`. */
export const V128 = 0x7b;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A memory immediate: alignment (log2 of bytes) and a constant byte offset. */
function memarg(alignLog2: number, offset: number): number[] {
  return [...uleb(alignLog2), ...uleb(offset)];
}

function simd(code: number, ...immediates: number[]): number[] {
  return [0xfd, ...uleb(code), ...immediates];
}

/** Instructions, each as its bytes; functions for those with immediates. */
export const op = {
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  localGet: (index: number): number[] => [0x20, ...uleb(index)],
  localSet: (index: number): number[] => [0x21, ...uleb(index)],
  localTee: (index: number): number[] => [0x22, ...uleb(index)],
  i32Store: (offset: number): number[] => [0x36, ...memarg(2, offset)],
  i32Const: (value: number): number[] => [0x41, ...sleb(value)],
  i32LtU: [0x49],
  i32LeS: [0x4c],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  v128Load: (offset: number): number[] => simd(0x00, ...memarg(4, offset)),
  v128Load32Splat: (offset: number): number[] => simd(0x09, ...memarg(2, offset)),
  v128Store: (offset: number): number[] => simd(0x0b, ...memarg(4, offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  i32x4Splat: simd(0x11),
  i32x4ExtractLane: (lane: number): number[] => simd(0x1b, lane),
  i32x4LeS: simd(0x3d),
  v128Or: simd(0x50),
  v128AnyTrue: simd(0x53),
  i32x4Add: simd(0xae),
  i32x4Sub: simd(0xb1),
  i32x4MinS: simd(0xb6),
  i32x4DotI16x8S: simd(0xba),
};

/** One function of a module. */
export interface WasmFunction {
  /** Exported under this name when set. */
  export?: string;
  /** Parameter types. */
  params: number[];
  /** Result types. */
  results: number[];
  /** Types of the locals after the parameters. */
  locals: number[];
  /** Instructions; the final `end` is added. */
  body: number[][];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...new TextEncoder().encode(text)];
}

/**
 * The bytes of a module whose functions are `functions` (function `i` has type `i`), importing
 * a memory as `env.memory` (at least one page).
 */
export function assemble(functions: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.results.map((t) => [t])),
  ]);
  const codes = functions.map((f) => {
    const runs: [number, number][] = [];
    for (const type of f.locals) {
      const last = runs.at(-1);
      if (last !== undefined && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    const body = [
      ...vector(runs.map(([count, type]) => [...uleb(count), type])),
      ...f.body.flat(),
      ...op.end,
    ];
    return [...uleb(body.length), ...body];
  });
  const exports = functions.flatMap((f, i) =>
    f.export === undefined ? [] : [[...name(f.export), 0x00, ...uleb(i)]]
  );
  const memoryImport = [...name("env"), ...name("memory"), 0x02, 0x00, 0x01];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(exports)),
    ...section(10, vector(codes)),
  ]);
}
