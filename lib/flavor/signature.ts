/**
 * The model signature `logModel` records: one required `double` column per feature, named as
 * scikit-learn names the features of an array (`x0`, `x1`, …), and the predicted class labels as
 * an `int64` tensor. MLflow checks inputs against it before a `python_function` model predicts,
 * and `deno task serve` checks them the same way.
 *
 * @module
 */

/**
 * The column names of a model with `nFeatures` features: `x0` … `x{nFeatures − 1}`.
 *
 * @example
 * ```ts
 * import { featureNames } from "./signature.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(featureNames(3), ["x0", "x1", "x2"]);
 * ```
 */
export function featureNames(nFeatures: number): string[] {
  if (!Number.isSafeInteger(nFeatures) || nFeatures < 1) {
    throw new RangeError(
      `Cannot name features: nFeatures must be a positive integer, current value is ${nFeatures}`,
    );
  }
  return Array.from({ length: nFeatures }, (_, j) => `x${j}`);
}

/** A signature as `MLmodel` stores it: JSON texts of MLflow's schema dictionaries. */
export interface SignatureText {
  /** The input columns, e.g. `[{"type": "double", "name": "x0", "required": true}, …]`. */
  inputs: string;
  /** The output tensor: `[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]`. */
  outputs: string;
  /** No inference parameters. */
  params: null;
}

/**
 * The signature of a model with `nFeatures` features, spelled as MLflow writes it (its
 * `Schema.to_json()`: `json.dumps` with `", "` and `": "` separators).
 *
 * @example
 * ```ts
 * import { modelSignature } from "./signature.ts";
 * import assert from "node:assert/strict";
 *
 * const { inputs } = modelSignature(2);
 * assert.equal(
 *   inputs,
 *   '[{"type": "double", "name": "x0", "required": true}, {"type": "double", "name": "x1", "required": true}]',
 * );
 * ```
 */
export function modelSignature(nFeatures: number): SignatureText {
  const columns = featureNames(nFeatures)
    .map((name) => `{"type": "double", "name": ${JSON.stringify(name)}, "required": true}`);
  return {
    inputs: `[${columns.join(", ")}]`,
    outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]',
    params: null,
  };
}
