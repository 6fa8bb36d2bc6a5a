/**
 * Fused multiply-add, a·b + c rounded once, for the places where NumPy's compiled code (glibc's
 * `log`, OpenBLAS's `dgemm` kernels) uses the processor's FMA instruction and plain JavaScript
 * arithmetic (two roundings) would differ in the last bit. Not part of the public API.
 *
 * @module
 */

/** 2²⁷ + 1: Veltkamp's constant, splitting a double into two halves of 26 bits. */
const SPLITTER = 134217729;

/**
 * a·b + c with a single rounding, emulated in double arithmetic: Dekker's exact product a·b =
 * p + e, Knuth's exact sum p + c = s + t, then s + (t + e). The result is the correctly rounded
 * value except when t + e is itself inexact and the final sum falls within 2⁻⁵³ of an ulp of a
 * rounding boundary — far rarer than the differences it removes. Overflowing or non-finite
 * inputs fall back to `a * b + c`.
 *
 * Costs about 20 floating-point operations.
 *
 * @example Where one rounding differs from two
 * ```ts
 * import { fma } from "./_fma.ts";
 * import assert from "node:assert/strict";
 *
 * const a = 1 + 2 ** -30;
 * assert.equal(a * a - 1, 2 ** -29); // the 2⁻⁶⁰ term is lost in the product
 * assert.equal(fma(a, a, -1), 2 ** -29 + 2 ** -60);
 * ```
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  const result = s + (err + e);
  // Non-finite intermediates (overflow in the split) make NaN; then two roundings must do.
  return result === result ? result : p + c;
}
