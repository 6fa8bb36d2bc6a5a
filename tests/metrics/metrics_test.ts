// Every metric against scikit-learn on seeded random inputs and on edge cases (a class never
// predicted, a single class, probabilities of exactly 0 and 1, tied scores, multiclass
// averages), in one Python call: values equal to 1e-12, errors where scikit-learn raises.

import assert from "node:assert/strict";
import { createRandomSource, type RandomSource } from "../../lib/data/_random.ts";
import {
  accuracyScore,
  confusionMatrix,
  f1Score,
  type Label,
  logLoss,
  precisionScore,
  recallScore,
  rocAucScore,
} from "../../lib/metrics/mod.ts";
import { sklearn } from "../data/_sklearn.ts";

type Fn = "accuracy" | "precision" | "recall" | "f1" | "roc_auc" | "log_loss" | "confusion";

interface Case {
  fn: Fn;
  note: string;
  yTrue: Label[];
  yPred?: Label[];
  yScore?: number[];
  yProb?: number[] | number[][];
  average?: "binary" | "micro" | "macro" | "weighted";
  posLabel?: Label;
  zeroDivision?: "warn" | 0 | 1 | "nan";
  labels?: Label[];
  normalize?: boolean;
}

type Outcome = { value: number | number[][] } | { error: string };

function ours(c: Case): Outcome {
  try {
    const zeroDivision = c.zeroDivision === "nan" ? NaN : c.zeroDivision;
    const prf = { average: c.average, posLabel: c.posLabel, zeroDivision, labels: c.labels };
    switch (c.fn) {
      case "accuracy":
        return { value: accuracyScore(c.yTrue, c.yPred!, { normalize: c.normalize }) };
      case "precision":
        return { value: precisionScore(c.yTrue, c.yPred!, prf) };
      case "recall":
        return { value: recallScore(c.yTrue, c.yPred!, prf) };
      case "f1":
        return { value: f1Score(c.yTrue, c.yPred!, prf) };
      case "roc_auc":
        return { value: rocAucScore(c.yTrue, c.yScore!) };
      case "log_loss":
        return { value: logLoss(c.yTrue, c.yProb!, { labels: c.labels, normalize: c.normalize }) };
      case "confusion":
        return { value: confusionMatrix(c.yTrue, c.yPred!, { labels: c.labels }) };
    }
  } catch (e) {
    return { error: String(e) };
  }
}

const pick = <T>(rng: RandomSource, values: readonly T[]): T =>
  values[rng.integer(0, values.length - 1)]!;

/** Labels drawn from `classes`, and predictions that copy them with probability `agree`. */
function labelPair(
  rng: RandomSource,
  n: number,
  classes: readonly Label[],
  predClasses = classes,
  agree = 0.6,
) {
  const yTrue = Array.from({ length: n }, () => pick(rng, classes));
  const yPred = yTrue.map((
    t,
  ) => (rng.uniform() < agree && predClasses.includes(t) ? t : pick(rng, predClasses)));
  return { yTrue, yPred };
}

function buildCases(): Case[] {
  const rng = createRandomSource(2024);
  const cases: Case[] = [];
  const averages = ["binary", "micro", "macro", "weighted"] as const;
  const zeroDivisions = [undefined, 0, 1, "nan"] as const;
  const prfFns = ["precision", "recall", "f1"] as const;

  // Binary 0/1, sizes from 1 to 60, including skewed draws where a class may be missing.
  for (let i = 0; i < 40; i++) {
    const n = i < 5 ? i + 1 : rng.integer(2, 60);
    const classes = i % 7 === 0 ? [0] : [0, 1];
    const predClasses = i % 5 === 0 ? [0] : [0, 1];
    const { yTrue, yPred } = labelPair(rng, n, classes, predClasses, rng.uniform());
    cases.push({ fn: "accuracy", note: "binary", yTrue, yPred });
    cases.push({ fn: "accuracy", note: "binary count", yTrue, yPred, normalize: false });
    cases.push({ fn: "confusion", note: "binary", yTrue, yPred });
    for (const fn of prfFns) {
      for (const average of averages) {
        cases.push({
          fn,
          note: `binary ${average}`,
          yTrue,
          yPred,
          average,
          zeroDivision: pick(rng, zeroDivisions),
        });
      }
    }
  }
  // Binary with other labels: posLabel present, absent (an error), strings.
  for (
    const [classes, posLabel] of [[[2, 5], 5], [[2, 5], undefined], [[-1, 1], undefined], [[
      "no",
      "yes",
    ], "yes"]] as const
  ) {
    const { yTrue, yPred } = labelPair(rng, 30, classes);
    for (const fn of prfFns) {
      cases.push({ fn, note: `labels ${classes} pos ${posLabel}`, yTrue, yPred, posLabel });
    }
  }
  // Everything one class: precision of the positive class divides by zero.
  for (const zeroDivision of zeroDivisions) {
    for (const fn of prfFns) {
      cases.push({ fn, note: "all zero", yTrue: [0, 0, 0], yPred: [0, 0, 0], zeroDivision });
      cases.push({
        fn,
        note: "all zero macro",
        yTrue: [0, 0, 0],
        yPred: [0, 0, 0],
        average: "macro",
        zeroDivision,
      });
      cases.push({ fn, note: "never predicted", yTrue: [0, 1, 1], yPred: [0, 0, 0], zeroDivision });
    }
  }
  // Multiclass: 3 to 5 classes, a class never predicted, a class only predicted, label subsets.
  for (let i = 0; i < 30; i++) {
    const k = rng.integer(3, 5);
    const classes = Array.from({ length: k }, (_, c) => c);
    const predClasses = i % 3 === 0
      ? classes.slice(0, k - 1)
      : i % 3 === 1
      ? [...classes, k]
      : classes;
    const { yTrue, yPred } = labelPair(rng, rng.integer(5, 80), classes, predClasses, 0.5);
    cases.push({ fn: "accuracy", note: "multiclass", yTrue, yPred });
    cases.push({ fn: "confusion", note: "multiclass", yTrue, yPred });
    cases.push({
      fn: "confusion",
      note: "multiclass reversed labels",
      yTrue,
      yPred,
      labels: [...classes].reverse(),
    });
    cases.push({
      fn: "confusion",
      note: "multiclass label subset",
      yTrue,
      yPred,
      labels: [2, 0, 9],
    });
    for (const fn of prfFns) {
      for (const average of averages) {
        cases.push({
          fn,
          note: `multiclass ${average}`,
          yTrue,
          yPred,
          average,
          zeroDivision: pick(rng, zeroDivisions),
        });
      }
      cases.push({
        fn,
        note: "multiclass labels",
        yTrue,
        yPred,
        average: "macro",
        labels: [0, 2, 7],
      });
      cases.push({
        fn,
        note: "multiclass labels weighted",
        yTrue,
        yPred,
        average: "weighted",
        labels: [1, 2],
      });
    }
  }
  {
    const { yTrue, yPred } = labelPair(rng, 40, ["cat", "dog", "emu"]);
    for (const fn of prfFns) {
      cases.push({ fn, note: "strings macro", yTrue, yPred, average: "macro" });
    }
    cases.push({ fn: "confusion", note: "strings", yTrue, yPred });
    cases.push({ fn: "confusion", note: "no label in yTrue", yTrue, yPred, labels: ["fox"] });
  }

  // ROC AUC: continuous scores, rounded scores (ties), integer scores, all tied, perfect, reversed.
  for (let i = 0; i < 40; i++) {
    const n = rng.integer(2, 100);
    const classes: Label[] = i % 4 === 0 ? [3, 7] : i % 4 === 1 ? ["neg", "pos"] : [0, 1];
    const yTrue = Array.from({ length: n }, () => pick(rng, classes));
    if (new Set(yTrue).size < 2) yTrue[0] = classes[0]!, yTrue[1] = classes[1]!;
    const positive = (label: Label) => label === classes[1];
    const raw = yTrue.map((t) => rng.uniform() + (positive(t) ? 0.3 : 0));
    const decimals = i % 3;
    const yScore = decimals === 0
      ? raw
      : raw.map((s) => Math.round(s * 10 ** (decimals - 1)) / 10 ** (decimals - 1));
    cases.push({ fn: "roc_auc", note: `scores rounded ${decimals}`, yTrue, yScore });
  }
  const yBin = [0, 1, 0, 1, 1, 0, 1, 0];
  cases.push({ fn: "roc_auc", note: "all tied", yTrue: yBin, yScore: yBin.map(() => 0.5) });
  cases.push({
    fn: "roc_auc",
    note: "perfect",
    yTrue: yBin,
    yScore: yBin.map((t, i) => t + i / 100),
  });
  cases.push({
    fn: "roc_auc",
    note: "reversed",
    yTrue: yBin,
    yScore: yBin.map((t, i) => -t + i / 100),
  });
  cases.push({
    fn: "roc_auc",
    note: "integer scores",
    yTrue: yBin,
    yScore: [0, 3, 1, 1, 2, 0, 3, 2],
  });
  cases.push({
    fn: "roc_auc",
    note: "three classes",
    yTrue: [0, 1, 2, 1],
    yScore: [0.1, 0.2, 0.3, 0.4],
  });

  // Log loss: positive-class probabilities with exact 0 and 1 and near-edge values.
  const edges = [0, 1, 1e-20, 1 - 1e-17, Number.EPSILON, 1 - Number.EPSILON, 0.5];
  for (let i = 0; i < 25; i++) {
    const n = rng.integer(2, 60);
    const classes: Label[] = i % 5 === 0 ? ["a", "b"] : [0, 1];
    const yTrue = Array.from({ length: n }, () => pick(rng, classes));
    if (new Set(yTrue).size < 2) yTrue[0] = classes[0]!, yTrue[1] = classes[1]!;
    const yProb = yTrue.map(() => (rng.uniform() < 0.2 ? pick(rng, edges) : rng.uniform()));
    cases.push({
      fn: "log_loss",
      note: "binary",
      yTrue,
      yProb,
      normalize: i % 4 === 0 ? false : undefined,
    });
  }
  // Per-class rows, some with exact zeros and ones, for 2 to 4 classes.
  for (let i = 0; i < 25; i++) {
    const k = rng.integer(2, 4);
    const n = rng.integer(k, 50);
    const yTrue = Array.from({ length: n }, (_, r) => (r < k ? r : rng.integer(0, k - 1)));
    const yProb = yTrue.map(() => {
      if (rng.uniform() < 0.15) {
        const row = new Array<number>(k).fill(0);
        row[rng.integer(0, k - 1)] = 1;
        return row;
      }
      const raw = Array.from({ length: k }, () => (rng.uniform() < 0.1 ? 0 : rng.uniform()));
      const total = raw.reduce((a, b) => a + b, 0) || 1;
      return raw.map((v) => v / total);
    });
    cases.push({ fn: "log_loss", note: `${k} classes`, yTrue, yProb });
  }
  cases.push({
    fn: "log_loss",
    note: "one class with labels",
    yTrue: [1, 1, 1],
    yProb: [[0.1, 0.8, 0.1], [0, 1, 0], [0.5, 0, 0.5]],
    labels: [0, 1, 2],
  });
  cases.push({
    fn: "log_loss",
    note: "one class 1-D with labels",
    yTrue: [0, 0],
    yProb: [0.3, 1],
    labels: [0, 1],
  });
  cases.push({
    fn: "log_loss",
    note: "rows not summing to 1",
    yTrue: [0, 1, 1],
    yProb: [[0.2, 0.2], [0.5, 0.9], [0.1, 0.3]],
  });
  cases.push({ fn: "log_loss", note: "one class", yTrue: [1, 1, 1], yProb: [0.2, 0.8, 0.9] });
  cases.push({ fn: "log_loss", note: "above 1", yTrue: [0, 1], yProb: [0.2, 1.2] });
  cases.push({ fn: "log_loss", note: "below 0", yTrue: [0, 1], yProb: [[1.2, -0.2], [0.5, 0.5]] });
  cases.push({ fn: "log_loss", note: "column mismatch", yTrue: [0, 1, 2], yProb: [0.2, 0.5, 0.9] });
  cases.push({
    fn: "log_loss",
    note: "label outside labels",
    yTrue: [0, 3],
    yProb: [0.2, 0.5],
    labels: [0, 1],
  });
  return cases;
}

Deno.test("metrics equal scikit-learn's to 1e-12 and fail where it fails", async () => {
  const cases = buildCases();
  const theirs = await sklearn<Outcome[]>(
    "sklearn_metrics.py",
    cases,
  );
  let values = 0;
  let errors = 0;
  cases.forEach((c, i) => {
    const mine = ours(c);
    const reference = theirs[i]!;
    const label = `${c.fn} (${c.note}) case ${i}: ours ${JSON.stringify(mine)}, scikit-learn ${
      JSON.stringify(reference)
    }`;
    if ("error" in reference) {
      assert.ok("error" in mine, label);
      assert.match(mine.error, /^(RangeError|TypeError): Cannot /, label);
      errors++;
      return;
    }
    assert.ok("value" in mine, label);
    if (Array.isArray(reference.value)) {
      assert.deepEqual(mine.value, reference.value, label);
    } else {
      const [a, b] = [mine.value as number, reference.value];
      assert.ok(Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) <= 1e-12, label);
    }
    values++;
  });
  console.log(`${values} values and ${errors} errors compared`);
  assert.ok(values > 500 && errors >= 10);
});

Deno.test("rocAucScore throws on a single class, where scikit-learn 1.9 warns and returns NaN", async () => {
  const [value] = await sklearn<number[]>(
    "sklearn_roc_auc.py",
    { y: [1, 1, 1], s: [0.2, 0.4, 0.9] },
  );
  assert.ok(Number.isNaN(value));
  assert.throws(
    () => rocAucScore([1, 1, 1], [0.2, 0.4, 0.9]),
    /^RangeError: Cannot compute ROC AUC: yTrue must hold exactly two classes, current value has 1 \(\[1\]\)$/,
  );
});

Deno.test("metrics reject malformed input with clear errors", () => {
  assert.throws(() => accuracyScore([], []), /Cannot compute accuracy: yTrue must not be empty/);
  assert.throws(
    () => accuracyScore([0, 1], [0]),
    /yPred must have one entry per entry of yTrue \(2\), current value has 1/,
  );
  assert.throws(
    () => accuracyScore([0, 0.5], [0, 1]),
    /yTrue must hold class labels \(integers or strings\), current value has 0.5/,
  );
  assert.throws(
    () => accuracyScore<Label>([0, "a"], [0, 1]),
    /must not mix number and string labels/,
  );
  assert.throws(
    () => f1Score([0, 1], [0, 1], { zeroDivision: 0.5 }),
    /zeroDivision must be "warn", 0, 1 or NaN, current value is 0.5/,
  );
  assert.throws(
    () => f1Score([0, 1], [0, 1], { average: "samples" as never }),
    /average must be one of/,
  );
  assert.throws(
    () => rocAucScore([0, 1], [0.5, NaN]),
    /yScore\[1\] must be finite, current value is NaN/,
  );
  assert.throws(
    () => logLoss([0, 1], [0.5, NaN]),
    /yProb\[1\] must be a probability in \[0, 1\], current value is NaN/,
  );
  assert.throws(
    () => logLoss([0, 1], [[0.5, 0.5], 0.5] as unknown as number[][]),
    /all numbers or all rows of equal length/,
  );
});
