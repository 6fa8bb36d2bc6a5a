/**
 * The errors of MLflow's scoring server, in its shape: an HTTP status and a JSON body with
 * `error_code`, `message`, `sqlstate` and `error_class` (and `stack_trace` where MLflow sends
 * one), as `MlflowException.serialize_as_json()` writes them. Not part of the public API.
 *
 * @module
 */

import { pyJson } from "./_json.ts";

/**
 * A refusal of a scoring request, answered in MLflow's error shape.
 *
 * @example
 * ```ts
 * import { invalidInput } from "./_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const response = invalidInput("Dataframe split format must be a dictionary. Got list.").toResponse();
 * assert.equal(response.status, 400);
 * assert.equal(
 *   await response.text(),
 *   '{"error_code": "BAD_REQUEST", "message": "Invalid input. Dataframe split format must be a ' +
 *     'dictionary. Got list.", "sqlstate": "KAM00", "error_class": "INVALID_PARAMETER_VALUE"}',
 * );
 * ```
 */
export class ScoringError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** MLflow's error code, e.g. `BAD_REQUEST`. */
  readonly errorCode: string;
  /** MLflow's SQLSTATE class of the error, e.g. `KAM00` (none for some codes). */
  readonly sqlstate: string | undefined;
  /** MLflow's error class, e.g. `INVALID_PARAMETER_VALUE` (none for some codes). */
  readonly errorClass: string | undefined;
  /** What failed underneath, where MLflow sends a traceback. */
  readonly stackTrace: string | undefined;

  constructor(
    status: number,
    errorCode: string,
    errorClass: string | undefined,
    sqlstate: string | undefined,
    message: string,
    stackTrace?: string,
  ) {
    super(message);
    this.name = "ScoringError";
    this.status = status;
    this.errorCode = errorCode;
    this.errorClass = errorClass;
    this.sqlstate = sqlstate;
    this.stackTrace = stackTrace;
  }

  /** The response MLflow's server sends for this error. */
  toResponse(): Response {
    const body: Record<string, string> = { error_code: this.errorCode, message: this.message };
    if (this.sqlstate !== undefined) body.sqlstate = this.sqlstate;
    if (this.errorClass !== undefined) body.error_class = this.errorClass;
    if (this.stackTrace !== undefined) body.stack_trace = this.stackTrace;
    return new Response(pyJson(body), {
      status: this.status,
      headers: { "content-type": "application/json" },
    });
  }
}

/** `MlflowException(message, BAD_REQUEST)`: 400. */
export function badRequest(message: string, stackTrace?: string): ScoringError {
  return new ScoringError(
    400,
    "BAD_REQUEST",
    "INVALID_PARAMETER_VALUE",
    "KAM00",
    message,
    stackTrace,
  );
}

/** `MlflowInvalidInputException(message)`: 400 `BAD_REQUEST`, "Invalid input. …". */
export function invalidInput(message: string): ScoringError {
  return badRequest(`Invalid input. ${message}`);
}

/**
 * A failure of MLflow's schema enforcement (`_enforce_schema`, re-raised by `PyFuncModel.predict`
 * and the server): 400 `INVALID_PARAMETER_VALUE`, class `SCHEMA_ENFORCEMENT_FAILED`.
 *
 * @example
 * ```ts
 * import { schemaError } from "./_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = schemaError("1 rows x 1 columns ['a']", "['x0': double (required)]", "Model is missing inputs ['x0'].");
 * assert.equal(e.errorCode, "INVALID_PARAMETER_VALUE");
 * assert.match(e.message, /with schema '\['x0': double \(required\)\]'\. Error: Model is missing/);
 * ```
 */
export function schemaError(data: string, schema: string, reason: string): ScoringError {
  return new ScoringError(
    400,
    "INVALID_PARAMETER_VALUE",
    "SCHEMA_ENFORCEMENT_FAILED",
    "KAM01",
    `Failed to predict data '${data}'. \nError: Failed to enforce schema of data '${data}' ` +
      `with schema '${schema}'. Error: ${reason}`,
  );
}

/**
 * The model itself failed on the input: what MLflow answers for any exception of `predict`.
 *
 * @example
 * ```ts
 * import { predictionError } from "./_errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = predictionError(new RangeError("X[0][0] must be finite"));
 * assert.equal(e.errorCode, "BAD_REQUEST");
 * assert.equal(e.stackTrace, "RangeError: X[0][0] must be finite");
 * ```
 */
export function predictionError(cause: unknown): ScoringError {
  const e = cause instanceof Error ? cause : new Error(String(cause));
  return badRequest(
    "Encountered an unexpected error while evaluating the model. Verify that the serialized " +
      "input Dataframe is compatible with the model for inference.",
    `${e.name}: ${e.message}`,
  );
}

/** A plain-text answer (MLflow's 415s). */
export function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** FastAPI's answer for an unknown path or a wrong method: `{"detail": …}`. */
export function detailResponse(status: number, detail: string, allow?: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (allow) headers.allow = allow;
  return new Response(JSON.stringify({ detail }), { status, headers });
}

/** MLflow's notice appended to format errors. */
export const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are" +
  " seeing this error, you are likely using an outdated scoring request format. To resolve the" +
  " error, either update your request format or adjust your MLflow Model's requirements file to" +
  " specify an older version of MLflow (for example, change the 'mlflow' requirement specifier" +
  " to 'mlflow==1.30.0'). If you are making a request using the MLflow client" +
  " (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in" +
  " order to use the new request format. For more information about the updated MLflow" +
  " Model scoring protocol in MLflow 2.0, see" +
  " https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

/** The JSON input keys, in the order this server names them. */
export const FORMATS = ["dataframe_split", "dataframe_records", "instances", "inputs"] as const;

/** MLflow's statement of the JSON input format. */
export const REQUIRED_INPUT_FORMAT =
  "The input must be a JSON dictionary with exactly one of the input fields " +
  `{${FORMATS.map((f) => `'${f}'`).join(", ")}}`;
