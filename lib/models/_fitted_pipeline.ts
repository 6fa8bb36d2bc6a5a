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
  /**
   * For an ensemble of trees: each tree's vote (an encoded class) for each row, row-major
   * (`votes[row * trees + tree]`); {@linkcode ClassifierStep.probabilities} are their shares.
   */
  treeVotes?(X: readonly (readonly number[])[]): TreeVotes;
  /** The npm model's JSON, as plain data (a fresh copy on every call). */
  toJSON(): unknown;
  /** `JSON.stringify` of {@linkcode ClassifierStep.toJSON}. */
  toJSONText(): string;
}

/** Each tree's vote for each row (see {@linkcode ClassifierStep.treeVotes}). */
export interface TreeVotes {
  /** Encoded classes, `votes[row * trees + tree]`. */
  votes: Int32Array;
  /** The number of trees. */
  trees: number;
}

/** The shares of the trees' votes per row: the probabilities of a forest. */
export function voteShares({ votes, trees }: TreeVotes, nClasses: number): number[][] {
  const rows = trees === 0 ? 0 : votes.length / trees;
  const out = new Array<number[]>(rows);
  for (let r = 0; r < rows; r++) {
    const counts = new Array<number>(nClasses).fill(0);
    for (let t = 0; t < trees; t++) counts[votes[r * trees + t]!]! += 1;
    out[r] = counts.map((count) => count / trees);
  }
  return out;
}

/** What the classifier made of some rows, kept for the next call with the same rows. */
interface Scored {
  /** The rows (held weakly: a kept result never keeps the caller's data alive). */
  rows: WeakRef<readonly (readonly number[])[]>;
  /** The rows' values when they were scored, then the scaler's mean and scale. */
  values: Float64Array;
  probabilities: number[][];
  votes: TreeVotes | null;
  labels: number[] | null;
}

/** How many sets of rows a pipeline keeps the predictions of. */
const KEPT_SCORES = 4;

/**
 * The most values (rows × features) a set of rows may hold for its predictions to be kept: a
 * kept result holds a copy of the rows, so a large batch (a scoring request, a whole file) is
 * predicted and forgotten rather than kept alive twice.
 */
const KEPT_VALUES = 1 << 18;

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
  #scored: Scored[] = [];

  constructor(parts: PipelineParts) {
    this.kind = parts.kind;
    this.params = Object.freeze({ ...parts.params });
    this.classes = Object.freeze([...parts.classes]);
    this.nFeatures = parts.nFeatures;
    this.scaler = parts.scaler;
    this.#step = parts.step;
  }

  /**
   * The classifier's work on `X`: computed once, then reused while the same array is asked
   * about again holding the same values (and the scaler has the same statistics), so a run
   * that scores its test rows for several metrics and a chart predicts them once. Reused only
   * after checking every value, so rows changed in place are scored again.
   */
  #score(X: readonly (readonly number[])[]): Scored {
    const kept = this.#scored.find((s) => s.rows.deref() === X && this.#unchanged(X, s.values));
    if (kept) return kept;
    checkMatrix(`predict with ${this.kind} pipeline`, X, this.nFeatures);
    const scaled = this.scaler.transform(X);
    const votes = this.#step.treeVotes?.(scaled) ?? null;
    const probabilities = votes === null
      ? this.#step.probabilities(scaled, this.classes.length)
      : voteShares(votes, this.classes.length);
    const values = X.length * this.nFeatures <= KEPT_VALUES
      ? this.#snapshot(X)
      : new Float64Array(0); // never matches: not kept
    const scored: Scored = { rows: new WeakRef(X), values, probabilities, votes, labels: null };
    if (values.length === 0) return scored;
    this.#scored = [scored, ...this.#scored.filter((s) => s.rows.deref() !== X)].slice(
      0,
      KEPT_SCORES,
    );
    return scored;
  }

  /** The rows' values, then the scaler's mean and scale, in one array. */
  #snapshot(X: readonly (readonly number[])[]): Float64Array {
    const d = this.nFeatures;
    const out = new Float64Array(X.length * d + 2 * d);
    X.forEach((row, i) => out.set(row, i * d));
    out.set(this.scaler.mean!, X.length * d);
    out.set(this.scaler.scale!, X.length * d + d);
    return out;
  }

  #unchanged(X: readonly (readonly number[])[], values: Float64Array): boolean {
    const d = this.nFeatures;
    if (values.length !== X.length * d + 2 * d) return false;
    let k = 0;
    for (const row of X) {
      if (!Array.isArray(row) || row.length !== d) return false;
      for (let j = 0; j < d; j++) if (row[j] !== values[k++]) return false;
    }
    const { mean, scale } = this.scaler;
    if (mean === undefined || scale === undefined) return false;
    for (let j = 0; j < d; j++) if (mean[j] !== values[k++]) return false;
    for (let j = 0; j < d; j++) if (scale[j] !== values[k++]) return false;
    return true;
  }

  predictProba(X: readonly (readonly number[])[]): number[][] {
    return this.#score(X).probabilities.map((row) => [...row]);
  }

  predict(X: readonly (readonly number[])[]): number[] {
    const scored = this.#score(X);
    scored.labels ??= scored.probabilities.map((row) => {
      let best = 0;
      for (let k = 1; k < row.length; k++) {
        if (row[k]! > row[best]!) best = k;
      }
      return this.classes[best]!;
    });
    return [...scored.labels];
  }

  /**
   * For a forest, each tree's predicted class (a label of {@linkcode classes}) for each row of
   * `X` (rows × trees); null for a model that is not an ensemble of trees.
   */
  treeVotes(X: readonly (readonly number[])[]): number[][] | null {
    const { votes } = this.#score(X);
    if (votes === null) return null;
    const rows = votes.trees === 0 ? X.length : votes.votes.length / votes.trees;
    return Array.from({ length: rows }, (_, r) =>
      Array.from(
        votes.votes.subarray(r * votes.trees, (r + 1) * votes.trees),
        (c) => this.classes[c]!,
      ));
  }

  /**
   * `JSON.stringify(this.toJSON())`, with the classifier's part written once (a fitted
   * classifier does not change; the scaler can be refitted, so its part is written each time).
   */
  toJSONText(): string {
    return `${JSON.stringify(this.#head()).slice(0, -1)},"model":${this.#step.toJSONText()}}`;
  }

  /** {@linkcode toJSON} without the classifier's part. */
  #head(): Omit<PipelineJSON, "model"> {
    return {
      format: "deno-ml-pipeline",
      version: 1,
      kind: this.kind,
      params: { ...this.params },
      classes: [...this.classes],
      nFeatures: this.nFeatures,
      scaler: this.scaler.toJSON(),
    };
  }

  toJSON(): PipelineJSON {
    return { ...this.#head(), model: this.#step.toJSON() };
  }
}

/** Maps labels to their index in `classes` (ascending). */
export function encodeLabels(y: readonly number[], classes: readonly number[]): number[] {
  const index = new Map(classes.map((label, k) => [label, k]));
  return y.map((label) => index.get(label)!);
}
