// Sending one request to two scoring servers and comparing what they answer.

import assert from "node:assert/strict";
import type { Payload } from "./_payloads.ts";

/** What a server answered. */
export interface Answer {
  status: number;
  /** The media type, without parameters. */
  type: string;
  body: string;
  location: string | null;
  allow: string | null;
}

/** Sends `payload` to the server at `base`. */
export async function send(base: string, payload: Payload): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (payload.contentType !== undefined) headers["content-type"] = payload.contentType;
  const r = await fetch(base + (payload.path ?? "/invocations"), {
    method: payload.method ?? "POST",
    headers,
    body: payload.body,
    redirect: payload.manual ? "manual" : "follow",
  });
  return {
    status: r.status,
    type: (r.headers.get("content-type") ?? "").split(";")[0]!.trim(),
    body: await r.text(),
    location: r.headers.get("location"),
    allow: r.headers.get("allow"),
  };
}

/** Python prints sets (and the extra columns it found, from a set) in its hash order. */
export function normalize(message: string): string {
  const sortItems = (items: string) => items.split(", ").sort().join(", ");
  return message
    .replace(/\{('[^{}]*')\}/g, (_, items: string) => `{${sortItems(items)}}`)
    .replace(
      /extra inputs: \[([^\]]*)\]/g,
      (_, items: string) => `extra inputs: [${sortItems(items)}]`,
    );
}

function part(message: string, mode: Payload["message"]): string {
  if (mode === "tail") return message.slice(message.lastIndexOf("Error: "));
  if (mode === "prefix") return message.slice(0, message.indexOf("Error: "));
  return message;
}

/** Asserts that two answers agree as far as `payload` says they must. */
export function assertSameAnswer(payload: Payload, mlflow: Answer, ours: Answer): void {
  const what = `${payload.name}: MLflow ${mlflow.status} ${mlflow.body.slice(0, 300)}\n` +
    `ours ${ours.status} ${ours.body.slice(0, 300)}`;
  assert.equal(ours.status, mlflow.status, what);
  assert.equal(ours.type, mlflow.type, what);
  assert.equal(ours.allow, mlflow.allow, what);
  if (mlflow.location !== null) {
    assert.equal(new URL(ours.location!).pathname, new URL(mlflow.location).pathname, what);
  }
  if (mlflow.type !== "application/json" || payload.method === "GET" && mlflow.status === 200) {
    assert.equal(ours.body, mlflow.body, what);
    return;
  }
  const theirs = JSON.parse(mlflow.body);
  const mine = JSON.parse(ours.body);
  if (mlflow.status === 200) {
    assert.deepEqual(mine, theirs, what);
    return;
  }
  if (!("error_code" in theirs)) {
    assert.deepEqual(mine, theirs, what);
    return;
  }
  assert.deepEqual(Object.keys(mine), Object.keys(theirs), what);
  for (const key of ["error_code", "sqlstate", "error_class"]) {
    assert.equal(mine[key], theirs[key], `${what}\n(${key})`);
  }
  assert.equal(
    normalize(part(mine.message, payload.message)),
    normalize(part(theirs.message, payload.message)),
    what,
  );
}
