/**
 * The class behind {@linkcode Pipeline}, and the interface its classifier steps implement. Not
 * part of the public API.
 *
 * @module
 */

import { checkMatrix } from "../_internal/checks.ts";
import type { ModelKind, ModelParams } from "./params.ts";
import type { Pipeline, PipelineJSON } from "./pipeline.ts";
import type { StandardScaler } from "./scaler.ts";

/** A fitted classifier working on standardised rows, with labels encoded 0…k − 1. */
export interface ClassifierStep {
  /** Per-row probabilities of the encoded classes 0…k − 1. */
  probabilities(X: readonly (readonly number[])[], nClasses: number): number[][];
  /** The npm model's JSON, as plain data. */
  toJSON(): unknown;
}

/** What a {@linkcode FittedPipeline} is made of. */
export interface PipelineParts {
  kind: ModelKind;
  params: ModelParams;
  classes: readonly number[];
  nFeatures: number;
  scaler: StandardScaler;
  step: ClassifierStep;
}

/** A fitted scaler followed by a classifier step. */
export class FittedPipeline implements Pipeline {
  readonly kind: ModelKind;
  readonly params: Readonly<ModelParams>;
  readonly classes: readonly number[];
  readonly nFeatures: number;
  readonly scaler: StandardScaler;
  readonly #step: ClassifierStep;

  constructor(parts: PipelineParts) {
    this.kind = parts.kind;
    this.params = Object.freeze({ ...parts.params });
    this.classes = Object.freeze([...parts.classes]);
    this.nFeatures = parts.nFeatures;
    this.scaler = parts.scaler;
    this.#step = parts.step;
  }

  predictProba(X: readonly (readonly number[])[]): number[][] {
    checkMatrix(`predict with ${this.kind} pipeline`, X, this.nFeatures);
    return this.#step.probabilities(this.scaler.transform(X), this.classes.length);
  }

  predict(X: readonly (readonly number[])[]): number[] {
    return this.predictProba(X).map((row) => {
      let best = 0;
      for (let k = 1; k < row.length; k++) {
        if (row[k]! > row[best]!) best = k;
      }
      return this.classes[best]!;
    });
  }

  toJSON(): PipelineJSON {
    return {
      format: "deno-ml-pipeline",
      version: 1,
      kind: this.kind,
      params: { ...this.params },
      classes: [...this.classes],
      nFeatures: this.nFeatures,
      scaler: this.scaler.toJSON(),
      model: this.#step.toJSON(),
    };
  }
}

/** Maps labels to their index in `classes` (ascending). */
export function encodeLabels(y: readonly number[], classes: readonly number[]): number[] {
  const index = new Map(classes.map((label, k) => [label, k]));
  return y.map((label) => index.get(label)!);
}
