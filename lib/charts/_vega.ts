/**
 * Loads `vega` and `vega-lite` on first use, so importing the charts area costs nothing until a
 * chart is rendered, and without the `punycode` deprecation warning vega's Node build triggers
 * (through `node-fetch`) on import.
 *
 * @module
 */

import process from "node:process";

type Vega = typeof import("npm:vega@5.33.1");
type VegaLite = typeof import("npm:vega-lite@5.23.0");

let loading: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

/** The `vega` and `vega-lite` modules, imported once. */
export function loadVega(): Promise<{ vega: Vega; vl: VegaLite }> {
  loading ??= (async () => {
    // Node's flag (not in @types/node's `Process`): while set, deprecation warnings are dropped.
    const flags = process as unknown as { noDeprecation?: boolean };
    const previous = flags.noDeprecation;
    flags.noDeprecation = true;
    try {
      const [vega, vl] = await Promise.all([
        import("npm:vega@5.33.1"),
        import("npm:vega-lite@5.23.0"),
      ]);
      return { vega, vl };
    } finally {
      flags.noDeprecation = previous;
    }
  })();
  return loading;
}
