/**
 * Label checks shared by the metrics. Not part of the public API.
 *
 * @module
 */

import { type Label, sortLabels, uniqueLabels } from "../_internal/checks.ts";
import { show } from "../_internal/show.ts";

export type { Label };

/**
 * Checks one label array: non-empty, integers or strings (not mixed), and returns its distinct
 * labels in ascending order.
 */
export function checkLabels<L extends Label>(what: string, name: string, labels: unknown): L[] {
  const unique = uniqueLabels<L>(what, name, labels);
  if (unique.length === 0) {
    throw new RangeError(`Cannot ${what}: ${name} must not be empty, current value is []`);
  }
  for (const label of unique) {
    if (typeof label === "number" && !Number.isInteger(label)) {
      throw new TypeError(
        `Cannot ${what}: ${name} must hold class labels (integers or strings), current value has ${label}`,
      );
    }
  }
  return unique;
}

/**
 * Checks true and predicted labels: same non-zero length, same label type. Returns the distinct
 * labels of both, in ascending order.
 */
export function checkLabelPair<L extends Label>(
  what: string,
  yTrue: readonly L[],
  yPred: readonly L[],
  predName = "yPred",
): L[] {
  const trueLabels = checkLabels<L>(what, "yTrue", yTrue);
  const predLabels = checkLabels<L>(what, predName, yPred);
  if (yPred.length !== yTrue.length) {
    throw new RangeError(
      `Cannot ${what}: ${predName} must have one entry per entry of yTrue (${yTrue.length}), current value has ${yPred.length}`,
    );
  }
  if (typeof trueLabels[0] !== typeof predLabels[0]) {
    throw new TypeError(
      `Cannot ${what}: yTrue and ${predName} must hold the same type of labels, current value is ${
        show(trueLabels[0])
      } and ${show(predLabels[0])}`,
    );
  }
  return sortLabels([...new Set<L>([...trueLabels, ...predLabels])]);
}
