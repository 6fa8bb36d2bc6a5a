/**
 * MLflow's scoring protocol (`mlflow/pyfunc/scoring_server/__init__.py`) over a pipeline, as a
 * request handler: `GET /ping`, `/health` and `/version`, and `POST /invocations` taking JSON
 * (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) or CSV and answering
 * `{"predictions": […]}`. Inputs are checked against the signature `logModel` records (one
 * required `double` column per feature, `x0` … `x{n−1}`), and every refusal has the status,
 * `error_code` and message MLflow's server gives the same request for the same model.
 *
 * @module
 */

import { featureNames } from "../flavor/signature.ts";
import type { Pipeline } from "../models/pipeline.ts";
import { readCsv } from "./_csv.ts";
import {
  detailResponse,
  FORMATS,
  invalidInput,
  predictionError,
  REQUIRED_INPUT_FORMAT,
  SCORING_PROTOCOL_CHANGE_INFO,
  ScoringError,
  textResponse,
} from "./_errors.ts";
import {
  rowsFromFormat,
  rowsFromTable,
  rowsFromUnwrapped,
  type Signature,
  signatureOf,
} from "./_frame.ts";
import { type Json, parseJson, parseJsonWithIntegers, pyJson } from "./_json.ts";
import { pyBytesRepr, pyExceptionRepr, pyListRepr, pyRepr, pyTypeName } from "./_python.ts";

/**
 * The version of MLflow whose scoring protocol this server speaks; `GET /version` answers it,
 * as MLflow's server answers its own version.
 *
 * @example
 * ```ts
 * import { MLFLOW_PROTOCOL_VERSION } from "./scoring.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MLFLOW_PROTOCOL_VERSION, "3.17.2");
 * ```
 */
export const MLFLOW_PROTOCOL_VERSION = "3.17.2";

/** Options of {@linkcode scoringHandler}. */
export interface ScoringOptions {
  /**
   * The largest request body accepted, in bytes; a larger one is answered 413 without being
   * read (MLflow's server has no limit).
   * @default {67108864} (64 MiB)
   */
  maxBodyBytes?: number;
}

const CSV = "text/csv";
const JSON_TYPE = "application/json";
/** Input keys of MLflow's LLM formats, taken unwrapped (`serving_data_parser.py`). */
const LLM_KEYS = ["messages", "prompt", "input"];
/** How much of a body that is not JSON an error message quotes. */
const QUOTED_BYTES = 4096;

/** Where UTF-8 decoding fails, as Python's `UnicodeDecodeError` reports it. */
function utf8Failure(bytes: Uint8Array): { start: number; end: number; reason: string } | null {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf
      ? 2
      : b >= 0xe0 && b <= 0xef
      ? 3
      : b >= 0xf0 && b <= 0xf4
      ? 4
      : 0;
    if (length === 0) return { start: i, end: i + 1, reason: "invalid start byte" };
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length) {
        return { start: i, end: bytes.length, reason: "unexpected end of data" };
      }
      const c = bytes[i + k]!;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1 && b === 0xe0) lo = 0xa0;
      if (k === 1 && b === 0xed) hi = 0x9f;
      if (k === 1 && b === 0xf0) lo = 0x90;
      if (k === 1 && b === 0xf4) hi = 0x8f;
      if (c < lo || c > hi) return { start: i, end: i + k, reason: "invalid continuation byte" };
    }
    i += length;
  }
  return null;
}

function decodeError(bytes: Uint8Array): string {
  const failure = utf8Failure(bytes) ?? { start: 0, end: 1, reason: "invalid start byte" };
  return `UnicodeDecodeError('utf-8', ${pyBytesRepr(bytes)}, ${failure.start}, ${failure.end}, ` +
    `${pyRepr(failure.reason)})`;
}

const BOM_FREE = new TextDecoder("utf-8", { fatal: true });
const WITH_BOM = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function quoteBody(bytes: Uint8Array): string {
  return bytes.length <= QUOTED_BYTES
    ? pyBytesRepr(bytes)
    : `${pyBytesRepr(bytes.subarray(0, QUOTED_BYTES))}… (${bytes.length} bytes)`;
}

/** `_decode_json_input`: the request's JSON object, or MLflow's refusal. */
function decodeJson(body: Uint8Array): { value: Record<string, Json>; text: string } {
  const invalidJson = (error: string) =>
    invalidInput(
      `Ensure that input is a valid JSON formatted string. Error: '${error}'\nInput: \n${
        quoteBody(body)
      }\n`,
    );
  let text: string;
  try {
    text = BOM_FREE.decode(body);
  } catch {
    throw invalidJson(decodeError(body));
  }
  let value: Json;
  try {
    value = parseJson(text);
  } catch (e) {
    throw invalidJson(pyExceptionRepr("JSONDecodeError", (e as Error).message));
  }
  if (Array.isArray(value)) throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received a list.`);
  if (value === null || typeof value !== "object") {
    const integer = /^\s*-?\d+\s*$/.test(text);
    throw invalidInput(
      `${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${pyTypeName(value, integer)}.`,
    );
  }
  return { value, text };
}

function predictionsOf(model: Pipeline, rows: number[][]): number[] {
  try {
    return model.predict(rows);
  } catch (e) {
    throw predictionError(e);
  }
}

function jsonAnswer(value: unknown): Response {
  return new Response(pyJson(value), { headers: { "content-type": JSON_TYPE } });
}

/** `invocations()`: the answer to a `POST /invocations` with this content type and body. */
function invocations(
  model: Pipeline,
  signature: Signature,
  contentType: string | null,
  body: Uint8Array,
): Response {
  const types = `Types: ${pyListRepr([CSV, JSON_TYPE])}`;
  if (contentType === null) {
    // MLflow's server fails on a missing header (it splits None) and answers 500.
    return textResponse(
      415,
      `This predictor only supports the following content types: ${types}. Got 'None'.`,
    );
  }
  const [mime, ...pairs] = contentType.split(";").map((part) => part.trim());
  const parameters = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    parameters.set(at < 0 ? pair : pair.slice(0, at), at < 0 ? "" : pair.slice(at + 1));
  }
  if ((parameters.get("charset") ?? "utf-8").toLowerCase() !== "utf-8") {
    return textResponse(415, "The scoring server only supports UTF-8");
  }
  const unexpected = [...parameters.keys()].filter((key) => key !== "charset");
  if (unexpected.length > 0) {
    return textResponse(
      415,
      `Unrecognized content type parameters: ${
        unexpected.join(", ")
      }. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  if (mime === CSV) {
    let text: string;
    try {
      text = WITH_BOM.decode(body);
    } catch {
      throw invalidInput(
        "Ensure that input is a valid UTF-8 encoded string. Error: " +
          `'${decodeError(body)}'`,
      );
    }
    const rows = rowsFromTable(readCsv(text, signature.names), signature);
    return jsonAnswer({ predictions: predictionsOf(model, rows) });
  }
  if (mime === JSON_TYPE) {
    const { value, text } = decodeJson(body);
    const keys = Object.keys(value);
    if (keys.some((key) => LLM_KEYS.includes(key))) {
      const unwrapped = parseJsonWithIntegers(text) as Record<string, unknown>;
      return jsonAnswer(predictionsOf(model, rowsFromUnwrapped(unwrapped, signature)));
    }
    const formats = keys.filter((key) => (FORMATS as readonly string[]).includes(key));
    if (formats.length !== 1) {
      throw new ScoringError(
        400,
        "BAD_REQUEST",
        "INVALID_PARAMETER_VALUE",
        "KAM00",
        `${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: ${
          pyListRepr(formats)
        }. ${SCORING_PROTOCOL_CHANGE_INFO}`,
      );
    }
    // `params` are accepted and ignored: the model takes none (MLflow warns and drops them).
    const rows = rowsFromFormat(formats[0]!, value[formats[0]!]!, signature);
    return jsonAnswer({ predictions: predictionsOf(model, rows) });
  }
  return textResponse(
    415,
    `This predictor only supports the following content types: ${types}. Got '${contentType}'.`,
  );
}

/** Reads a request body, or answers 413 when it is larger than `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Uint8Array | Response> {
  const tooLarge = (size: string) =>
    new ScoringError(
      413,
      "REQUEST_LIMIT_EXCEEDED",
      undefined,
      undefined,
      `Request body of ${size} exceeds the server's limit of ${limit} bytes`,
    ).toResponse();
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(`${declared} bytes`);
  }
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(`more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

const ROUTES: Record<string, string> = {
  "/ping": "GET",
  "/health": "GET",
  "/version": "GET",
  "/invocations": "POST",
};

/**
 * A request handler speaking MLflow's scoring protocol for `model` (for `Deno.serve`, or any
 * code that has a `Request`). It never throws: every failure is an answer.
 *
 * @example Score two rows sent as `dataframe_split`
 * ```ts
 * import { scoringHandler } from "./scoring.ts";
 * import { trainKNeighbors } from "../models/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const model = trainKNeighbors([[0, 0], [0, 1], [5, 5], [5, 6]], [0, 0, 1, 1], {
 *   nNeighbors: 1,
 *   autolog: false,
 * });
 * const handle = scoringHandler(model);
 * const answer = await handle(
 *   new Request("http://localhost/invocations", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify({ dataframe_split: { columns: ["x0", "x1"], data: [[0, 0], [5, 5]] } }),
 *   }),
 * );
 * assert.equal(await answer.text(), '{"predictions": [0, 1]}');
 *
 * const refused = await handle(
 *   new Request("http://localhost/invocations", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: JSON.stringify({ inputs: { x0: [1] } }),
 *   }),
 * );
 * assert.equal(refused.status, 400);
 * assert.equal((await refused.json()).error_code, "INVALID_PARAMETER_VALUE");
 * ```
 */
export function scoringHandler(
  model: Pipeline,
  options: ScoringOptions = {},
): (request: Request) => Promise<Response> {
  const { maxBodyBytes = 64 * 1024 * 1024 } = options;
  if (!(maxBodyBytes >= 0)) {
    throw new RangeError(
      `Cannot serve model: maxBodyBytes must be a non-negative number, current value is ${maxBodyBytes}`,
    );
  }
  const signature = signatureOf(featureNames(model.nFeatures));
  return async (request) => {
    try {
      const url = new URL(request.url);
      const path = url.pathname;
      const method = ROUTES[path];
      if (method === undefined) {
        const trimmed = path.replace(/\/+$/, "");
        if (trimmed !== path && ROUTES[trimmed] !== undefined) {
          await request.body?.cancel().catch(() => {});
          url.pathname = trimmed;
          return new Response(null, { status: 307, headers: { location: url.href } });
        }
        await request.body?.cancel().catch(() => {});
        return detailResponse(404, "Not Found");
      }
      if (request.method !== method) {
        await request.body?.cancel().catch(() => {});
        return detailResponse(405, "Method Not Allowed", method);
      }
      if (path === "/version") {
        return new Response(MLFLOW_PROTOCOL_VERSION, { headers: { "content-type": JSON_TYPE } });
      }
      if (method === "GET") return new Response("\n", { headers: { "content-type": JSON_TYPE } });
      const body = await readBody(request, maxBodyBytes);
      if (body instanceof Response) return body;
      return invocations(model, signature, request.headers.get("content-type"), body);
    } catch (e) {
      if (e instanceof ScoringError) return e.toResponse();
      return new ScoringError(
        500,
        "INTERNAL_ERROR",
        "CLIENT_INTERNAL_ERROR",
        "XXM00",
        `Cannot answer the request: ${(e as Error)?.message ?? String(e)}`,
      ).toResponse();
    }
  };
}
