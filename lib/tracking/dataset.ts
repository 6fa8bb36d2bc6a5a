/**
 * Datasets as MLflow records them: {@linkcode numpyDataset} describes rows of numbers (and their
 * labels) as MLflow's `mlflow.data.from_numpy` does — the same digest, schema and profile, so a
 * dataset logged here and the same arrays logged from Python MLflow are one dataset — and
 * `logInput` records that a run used it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Dataset } from "./entities.ts";
import { contextTags } from "./context.ts";

/** Elements of each array that go into a digest (MLflow's `MAX_ROWS`). */
const DIGEST_ELEMENTS = 10_000;

/** Python's `json.dumps` text of a value: `", "` and `": "` between items, keys in order given. */
function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${
      Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(", ")
    }}`;
  }
  return JSON.stringify(value);
}

/** The high 32 bits of the 64-bit product of two unsigned 32-bit integers. */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0 + (low >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

// pandas' `hash_array` mixing (splitmix64's finaliser), on a 64-bit value held as two 32-bit
// halves: v ^= v >> 30; v *= 0xbf58476d1ce4e5b9; v ^= v >> 27; v *= 0x94d049bb133111eb;
// v ^= v >> 31 (mod 2^64).
const M1_HI = 0xbf58476d, M1_LO = 0x1ce4e5b9, M2_HI = 0x94d049bb, M2_LO = 0x133111eb;

/** Mixes the 64-bit value `hi`·2³² + `lo` and writes it little-endian at `offset` of `out`. */
function mixInto(out: DataView, offset: number, hi: number, lo: number): void {
  lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0;
  hi = (hi ^ (hi >>> 30)) >>> 0;
  hi = (Math.imul(hi, M1_LO) + Math.imul(lo, M1_HI) + mulHigh(lo, M1_LO)) >>> 0;
  lo = Math.imul(lo, M1_LO) >>> 0;
  lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
  hi = (hi ^ (hi >>> 27)) >>> 0;
  hi = (Math.imul(hi, M2_LO) + Math.imul(lo, M2_HI) + mulHigh(lo, M2_LO)) >>> 0;
  lo = Math.imul(lo, M2_LO) >>> 0;
  lo = (lo ^ ((lo >>> 31) | (hi << 1))) >>> 0;
  hi = (hi ^ (hi >>> 31)) >>> 0;
  out.setUint32(offset, lo, true);
  out.setUint32(offset + 4, hi, true);
}

/**
 * The digest part of one array: its first elements hashed, then its shape. Each element is
 * taken as numpy holds it — float64 bits (NaN of any sign or payload, and -0, canonical as
 * pandas makes them), or an int64 for integer labels — and mixed.
 */
function digestPart(flat: readonly number[], shape: number[], integer: boolean): Uint8Array {
  const n = Math.min(flat.length, DIGEST_ELEMENTS);
  const out = new DataView(new ArrayBuffer(8 * (n + shape.length)));
  const scratch = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < n; i++) {
    const value = flat[i]!;
    if (integer) {
      // Two's complement of an integral double, as BigInt.asUintN(64, BigInt(value)) gives.
      mixInto(out, 8 * i, Math.floor(value / 4294967296) >>> 0, value >>> 0);
    } else {
      scratch.setFloat64(0, Number.isNaN(value) ? NaN : value === 0 ? 0 : value, true);
      mixInto(out, 8 * i, scratch.getUint32(4, true), scratch.getUint32(0, true));
    }
  }
  shape.forEach((d, i) => out.setBigInt64(8 * (n + i), BigInt(d), true));
  return new Uint8Array(out.buffer);
}

function tensorSpec(dtype: string, shape: number[]): string {
  return pyJson([{ type: "tensor", "tensor-spec": { dtype, shape } }]);
}

/** Options of {@linkcode numpyDataset}. */
export interface NumpyDatasetOptions {
  /** The dataset's name, e.g. `"seed-train"`. */
  name: string;
  /**
   * Where it came from, as MLflow's code source records it (`{"tags": {...}}`).
   * @default the notebook or script running, as its `mlflow.source.*` tags say
   */
  source?: Record<string, string>;
}

/**
 * Rows of numbers (and, optionally, their labels) as the dataset MLflow's
 * `mlflow.data.from_numpy(features, targets)` makes of them: the same 8-character digest (of the
 * first 10,000 values and the shapes), the same tensor schema and profile, and a code source.
 * Features are float64; labels are int64 when they are all integers, float64 otherwise.
 *
 * @example The dataset of a small training set
 * ```ts
 * import { numpyDataset } from "./dataset.ts";
 * import assert from "node:assert/strict";
 *
 * const X = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]];
 * const ds = numpyDataset(X, [0, 1, 0, 1], { name: "seed-train", source: { "mlflow.source.name": "x.ipynb" } });
 * assert.equal(ds.digest, "929378ba"); // what Python MLflow computes for these arrays
 * assert.equal(ds.sourceType, "code");
 * assert.equal(JSON.parse(ds.profile!).features_shape.join(), "4,3");
 * ```
 */
export function numpyDataset(
  features: readonly (readonly number[])[],
  targets: readonly number[] | undefined,
  options: NumpyDatasetOptions,
): Dataset {
  const rows = features.length;
  const cols = features[0]?.length ?? 0;
  if (features.some((r) => r.length !== cols)) {
    throw new RangeError(
      `Cannot describe dataset '${options.name}': every row needs ${cols} values`,
    );
  }
  if (targets && targets.length !== rows) {
    throw new RangeError(
      `Cannot describe dataset '${options.name}': ${rows} rows but ${targets.length} targets`,
    );
  }
  const flat = features.flat();
  const integerTargets = targets?.every((t) => Number.isInteger(t)) ?? true;
  const hash = createHash("md5").update(digestPart(flat, [rows, cols], false));
  if (targets) hash.update(digestPart(targets, [rows], integerTargets));
  const targetType = integerTargets ? "int64" : "float64";
  const schema = {
    features: tensorSpec("float64", [-1, cols]),
    targets: targets ? tensorSpec(targetType, [-1]) : null,
  };
  const profile: Record<string, unknown> = {
    features_shape: [rows, cols],
    features_size: rows * cols,
    features_nbytes: rows * cols * 8,
  };
  if (targets) {
    Object.assign(profile, {
      targets_shape: [rows],
      targets_size: rows,
      targets_nbytes: rows * 8,
    });
  }
  let source = options.source;
  if (!source) {
    const tags = contextTags();
    source = Object.fromEntries(
      Object.entries(tags).filter(([k]) => k.startsWith("mlflow.source.") || k === "mlflow.user"),
    );
  }
  return {
    name: options.name,
    digest: hash.digest("hex").slice(0, 8),
    sourceType: "code",
    source: pyJson({ tags: source }),
    schema: pyJson({ mlflow_tensorspec: schema }),
    profile: pyJson(profile),
  };
}
