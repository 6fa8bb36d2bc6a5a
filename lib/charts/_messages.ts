/**
 * Every user-facing message of the charts area, in one place, so tests can assert them exactly.
 *
 * @module
 */

import { showAsString } from "../_internal/show.ts";

/** Thrown by `confusionMatrixHeatmap` for an empty matrix. */
export const EMPTY_MATRIX = "Cannot plot a confusion matrix: the matrix is empty";

/** Thrown by `confusionMatrixHeatmap` for a matrix that is not square. */
export function notSquare(row: number, length: number, size: number): string {
  return `Cannot plot a confusion matrix: row ${row} has ${length} cells, expected ${size}`;
}

/** Thrown by `confusionMatrixHeatmap` for a cell that is not a count. */
export function badCount(row: number, column: number, value: unknown): string {
  return `Cannot plot a confusion matrix: cell [${row}][${column}] must be a finite number >= 0, ` +
    `current value is ${showAsString(value)}`;
}

/** Thrown by `confusionMatrixHeatmap` when labels do not match the matrix. */
export function badLabels(count: number, size: number): string {
  return `Cannot plot a confusion matrix: ${size} classes need ${size} distinct labels, ` +
    `current value has ${count}`;
}

/** Thrown by builders when a list option that needs entries has none. */
export function emptyList(option: string): string {
  return `Cannot build the chart: option "${option}" needs at least one name, current value is []`;
}

/** Thrown by builders when a name option is not a non-empty string. */
export function badName(option: string, value: unknown): string {
  return `Cannot build the chart: option "${option}" must be a non-empty string, current value ` +
    `is ${showAsString(value)}`;
}

/** Thrown by `groupedBars` for plain rows without `groupBy`. */
export const PLAIN_ROWS_NEED_GROUP_BY =
  'Cannot group plain rows: option "groupBy" is not set (runs group by run name by default)';

/** Thrown by `saveChart` for a bad artifact name. */
export function badArtifactName(name: unknown): string {
  return `Cannot save the chart: name must be a non-empty artifact path without an extension ` +
    `such as "charts/accuracy", current value is ${showAsString(name)}`;
}

/** Thrown by `toSvg` for a bad scale factor. */
export function badScale(scale: unknown): string {
  return `Cannot render the chart: scale must be a positive finite number, current value is ${
    showAsString(scale)
  }`;
}
