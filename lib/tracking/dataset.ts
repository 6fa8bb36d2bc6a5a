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
const MASK = (1n << 64n) - 1n;

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

/** pandas' `hash_array` mixing of one 64-bit value. */
function mix(v: bigint): bigint {
  v ^= v >> 30n;
  v = (v * 0xbf58476d1ce4e5b9n) & MASK;
  v ^= v >> 27n;
  v = (v * 0x94d049bb133111ebn) & MASK;
  v ^= v >> 31n;
  return v;
}

/** The 64 bits of an element as numpy holds it (float64, or int64 for labels), canonical. */
function bits(value: number, integer: boolean, view: DataView): bigint {
  if (integer) return BigInt.asUintN(64, BigInt(value));
  // NaN of any sign or payload, and -0, hash as pandas canonicalizes them.
  view.setFloat64(0, Number.isNaN(value) ? NaN : value === 0 ? 0 : value, true);
  return view.getBigUint64(0, true);
}

/** The digest part of one array: its first elements hashed, then its shape. */
function digestPart(flat: readonly number[], shape: number[], integer: boolean): Uint8Array {
  const n = Math.min(flat.length, DIGEST_ELEMENTS);
  const out = new DataView(new ArrayBuffer(8 * (n + shape.length)));
  const scratch = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < n; i++) out.setBigUint64(8 * i, mix(bits(flat[i]!, integer, scratch)), true);
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
