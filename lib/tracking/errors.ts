/**
 * The one error class of the tracking API, with MLflow's error codes.
 *
 * @module
 */

/**
 * MLflow's error codes (`mlflow/protos/databricks.proto`) that the tracking API raises; the
 * later ones come from tracking servers.
 *
 * @example Telling a refusal from a missing run
 * ```ts
 * import { ERROR_CODES, MlflowError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new MlflowError("RESOURCE_DOES_NOT_EXIST", "Run 'abc' not found");
 * assert.ok(ERROR_CODES.includes(error.code));
 * assert.notEqual(error.code, "INVALID_PARAMETER_VALUE");
 * ```
 */
export const ERROR_CODES = [
  "INVALID_PARAMETER_VALUE",
  "RESOURCE_DOES_NOT_EXIST",
  "RESOURCE_ALREADY_EXISTS",
  "INVALID_STATE",
  "INTERNAL_ERROR",
  "BAD_REQUEST",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "ENDPOINT_NOT_FOUND",
  "REQUEST_LIMIT_EXCEEDED",
  "TEMPORARILY_UNAVAILABLE",
] as const;

/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/**
 * A tracking condition a caller may want to catch: bad input, an unknown run or experiment, a
 * run in the wrong state, or a malformed store. `code` mirrors MLflow's error code; a failure
 * underneath (an OS error, a YAML error) is kept in `cause`.
 *
 * @example Catching an unknown run
 * ```ts
 * import { MlflowError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const err = new MlflowError("RESOURCE_DOES_NOT_EXIST", "Run 'abc' not found");
 * assert.ok(err instanceof Error);
 * assert.equal(err.code, "RESOURCE_DOES_NOT_EXIST");
 * ```
 */
export class MlflowError extends Error {
  /** MLflow's error code for this condition. */
  readonly code: ErrorCode;

  /** The HTTP status a tracking server answered with, when the error came from one. */
  readonly httpStatus?: number;

  /** Makes an error with MLflow's `code` and a message naming what was wrong. */
  constructor(
    code: ErrorCode,
    message: string,
    options?: ErrorOptions & { httpStatus?: number },
  ) {
    super(message, options);
    this.name = "MlflowError";
    this.code = code;
    if (options?.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/** Shorthand for an `INVALID_PARAMETER_VALUE` error. */
export function invalid(message: string, cause?: unknown): MlflowError {
  return new MlflowError("INVALID_PARAMETER_VALUE", message, cause ? { cause } : undefined);
}

/** Shorthand for a `RESOURCE_DOES_NOT_EXIST` error. */
export function notFound(message: string): MlflowError {
  return new MlflowError("RESOURCE_DOES_NOT_EXIST", message);
}
