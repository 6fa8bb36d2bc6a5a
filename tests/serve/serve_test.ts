// `deno task serve` against `mlflow models serve --env-manager local` on the same logged model
// (MLflow serving it through its python_function flavour), a k-neighbours model and a random
// forest: the same requests get the same predictions, status codes, error codes and messages.

import assert from "node:assert/strict";
import * as lib from "../../lib/mod.ts";
import { startDenoModelServer, startMlflowModelServer } from "../../harness/model_servers.ts";
import { type Answer, assertSameAnswer, send } from "./_compare.ts";
import { PAYLOADS, ROWS_100 } from "./_payloads.ts";

/** Requests where this server answers otherwise on purpose, and what each side answers. */
const DIFFERENT: Record<string, (mlflow: Answer, ours: Answer) => void> = {
  // MLflow's invocations() splits the missing header and fails: 500 from uvicorn.
  "no content type": (mlflow, ours) => {
    assert.equal(mlflow.status, 500);
    assert.equal(mlflow.body, "Internal Server Error");
    assert.equal(ours.status, 415);
    assert.match(ours.body, /supports the following content types: .*Got 'None'\./);
  },
  // MLflow also reads Parquet, which this server does not.
  "content type text/plain": (mlflow, ours) => {
    assert.equal(ours.status, 415);
    assert.equal(ours.body, mlflow.body.replace(", 'application/vnd.apache.parquet'", ""));
  },
};

const MODELS: [string, (X: number[][], y: number[]) => lib.Pipeline][] = [
  ["k-neighbours", (X, y) => lib.trainKNeighbors(X, y, { nNeighbors: 5, autolog: false })],
  [
    "a random forest",
    (X, y) => lib.trainRandomForest(X, y, { maxDepth: 10, nEstimators: 100, autolog: false }),
  ],
];

for (const [kind, train] of MODELS) {
  Deno.test(`deno task serve answers as mlflow models serve does on ${kind}, request for request`, async (t) => {
    const store = await Deno.makeTempDir({ prefix: "serve-" });
    lib.setTrackingUri(store);
    await lib.setExperiment("serve");
    const { XTrain, yTrain } = lib.seedDataset();
    const logged = await lib.withRun({}, () => lib.logModel(train(XTrain, yTrain)));
    const [mlflow, ours] = await Promise.all([
      startMlflowModelServer(logged.modelUri, { trackingUri: store }),
      startDenoModelServer(logged.modelUri, { trackingUri: store }),
    ]);
    const refused: string[] = [];
    try {
      for (const payload of PAYLOADS) {
        await t.step(payload.name, async () => {
          const [theirs, mine] = [await send(mlflow.url, payload), await send(ours.url, payload)];
          if (payload.path === undefined && theirs.status >= 400) refused.push(payload.name);
          const special = DIFFERENT[payload.name];
          if (special) special(theirs, mine);
          else assertSameAnswer(payload, theirs, mine);
        });
      }
      await t.step("the predictions are loadModel's", async () => {
        const answer = await send(
          ours.url,
          PAYLOADS.find((p) => p.name === "dataframe_split, 100 rows")!,
        );
        const expected = (await lib.loadModel(logged.modelUri)).predict(ROWS_100);
        assert.deepEqual(JSON.parse(answer.body).predictions, expected);
        assert.ok(new Set(expected).size === 2, "both classes among the predictions");
      });
      assert.ok(refused.length >= 30, `only ${refused.length} bad requests: ${refused}`);
    } finally {
      const [, stopped] = await Promise.all([mlflow.stop(), ours.stop()]);
      await Deno.remove(store, { recursive: true });
      assert.equal(stopped.code, 0, ours.output());
    }
  });
}
