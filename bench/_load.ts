/**
 * A closed-loop HTTP load generator: `clients` loops each send one request, wait for the whole
 * answer, and send the next, for a fixed time; every answer is checked. The same generator
 * drives every server it is pointed at.
 *
 * @module
 */

/** One request to repeat. */
export interface LoadRequest {
  url: string;
  contentType: string;
  body: string;
  /** The answer every request must get (status 200 and this body). */
  expected: string;
}

/** What a load run measured. */
export interface LoadResult {
  /** Requests answered in the measured window. */
  requests: number;
  /** Requests per second over the measured window. */
  rps: number;
  /** Median latency, milliseconds. */
  p50: number;
  /** 99th-percentile latency, milliseconds. */
  p99: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Sends `request` from `clients` concurrent loops: `warmupMs` unmeasured, then `durationMs`
 * measured (requests that end inside the window count). Throws on any answer that is not the
 * expected one.
 */
export async function load(
  request: LoadRequest,
  clients: number,
  durationMs: number,
  warmupMs = 500,
): Promise<LoadResult> {
  const start = performance.now();
  const from = start + warmupMs;
  const until = from + durationMs;
  const latencies: number[] = [];
  const client = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= until) return;
      const r = await fetch(request.url, {
        method: "POST",
        headers: { "content-type": request.contentType },
        body: request.body,
      });
      const text = await r.text();
      const t1 = performance.now();
      if (r.status !== 200 || text !== request.expected) {
        throw new Error(`${request.url} answered ${r.status} ${text.slice(0, 200)}`);
      }
      if (t0 >= from && t1 <= until) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: sorted.length,
    rps: sorted.length / (durationMs / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}
