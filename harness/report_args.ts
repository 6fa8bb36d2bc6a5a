/**
 * The command line of `deno task report`, with papermill's `-p` for parameters.
 *
 * @module
 */

/**
 * How to call `deno task report`.
 *
 * @example Print it
 * ```ts
 * import { REPORT_USAGE } from "./report_args.ts";
 *
 * console.log(REPORT_USAGE);
 * ```
 */
export const REPORT_USAGE = `Usage: deno task report [notebook…] [options]

Executes notebooks with Jupyter and the Deno kernel into HTML reports (reports/<name>.html) and
executed notebooks (reports/<name>.ipynb), attached to the runs each execution logs.
Without notebooks: the project's notebooks, in order.

Options:
  -p, --parameter NAME=VALUE   inject a parameter after the cell tagged "parameters" (also
                               -p NAME VALUE); VALUE is JSON if it parses, else a string.
                               A list (-p k=1,3,5, or -p repeated) runs one execution per
                               combination, nested under one parent run.
  --grid FILE                  a JSON file of lists, {"name": [values…]}; -p overrides it
  --no-input                   leave the code out of the reports
  --output-dir DIR             where reports go (default: reports/)
  --metric NAME                the metric that picks a sweep's best run (default: test_accuracy)
  --lower-is-better            a lower value of the metric is better
  --timeout SECONDS            how long a cell may run (default: 600)
  -h, --help                   this text`;

/**
 * What `deno task report`'s command line asks for.
 *
 * @example One parameter, a code-free report
 * ```ts
 * import type { ReportArgs } from "./report_args.ts";
 *
 * const args: ReportArgs = {
 *   notebooks: ["notebooks/train_kneighbors.ipynb"],
 *   parameters: [["nNeighbors", "7"]],
 *   noInput: true,
 *   lowerIsBetter: false,
 *   help: false,
 * };
 * ```
 */
export interface ReportArgs {
  /** The notebooks given (none: the project's). */
  notebooks: string[];
  /** `-p` parameters, in order: name and the text given. */
  parameters: [string, string][];
  /** The grid file, if given. */
  grid?: string;
  /** `--no-input`. */
  noInput: boolean;
  /** `--output-dir`. */
  outDir?: string;
  /** `--metric`. */
  metric?: string;
  /** `--lower-is-better`. */
  lowerIsBetter: boolean;
  /** `--timeout`, in seconds. */
  timeout?: number;
  /** `-h`/`--help`. */
  help: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Parses `deno task report`'s arguments; throws an error saying what is wrong with them.
 * `-p name=value` and papermill's `-p name value` both give a parameter.
 *
 * @example Parameters in both forms, and options
 * ```ts
 * import { parseReportArgs } from "./report_args.ts";
 * import assert from "node:assert/strict";
 *
 * const args = parseReportArgs([
 *   "notebooks/train_random_forest.ipynb", "-p", "maxDepth=2,3", "-p", "nEstimators", "10",
 *   "--no-input", "--output-dir=/tmp/reports",
 * ]);
 * assert.deepEqual(args.notebooks, ["notebooks/train_random_forest.ipynb"]);
 * assert.deepEqual(args.parameters, [["maxDepth", "2,3"], ["nEstimators", "10"]]);
 * assert.equal(args.outDir, "/tmp/reports");
 * assert.throws(() => parseReportArgs(["-p", "7"]), /-p needs a parameter name/);
 * assert.throws(() => parseReportArgs(["--verbose"]), /Unknown option --verbose/);
 * ```
 */
export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const out: ReportArgs = {
    notebooks: [],
    parameters: [],
    noInput: false,
    lowerIsBetter: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const [flag, inline] = arg.startsWith("--") && eq > 0
      ? [arg.slice(0, eq), arg.slice(eq + 1)]
      : [arg, undefined];
    const value = (what: string): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs ${what}`);
      return next;
    };
    switch (flag) {
      case "-p":
      case "--parameter":
      case "--parameters": {
        const given = value("NAME=VALUE");
        const at = given.indexOf("=");
        const name = at >= 0 ? given.slice(0, at) : given;
        if (!IDENTIFIER.test(name)) {
          throw new Error(`${flag} needs a parameter name (an identifier), got '${name}'`);
        }
        out.parameters.push([name, at >= 0 ? given.slice(at + 1) : value(`a value for ${name}`)]);
        break;
      }
      case "--grid":
        out.grid = value("a file");
        break;
      case "--no-input":
        out.noInput = true;
        break;
      case "--output-dir":
        out.outDir = value("a folder");
        break;
      case "--metric":
        out.metric = value("a metric name");
        break;
      case "--lower-is-better":
        out.lowerIsBetter = true;
        break;
      case "--timeout": {
        const text = value("seconds");
        const seconds = Number(text);
        if (!Number.isInteger(seconds) || seconds <= 0) {
          throw new Error(`--timeout needs a whole number of seconds, got '${text}'`);
        }
        out.timeout = seconds;
        break;
      }
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        if (arg.startsWith("-")) throw new Error(`Unknown option ${flag}`);
        out.notebooks.push(arg);
    }
  }
  return out;
}
