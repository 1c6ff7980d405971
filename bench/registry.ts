/**
 * Benchmark suites. One file per suite under `bench/suites/`, registered by one import line in
 * `bench/suites/index.ts`. `npm run bench` runs every suite; `npm run bench -- <name>` runs one.
 * Each suite writes `bench/results-<name>.json` and prints what it measured.
 */

export interface BenchSuite {
  /** Name used on the command line, e.g. `plan`. */
  readonly name: string;
  /** One line: what is measured and why. */
  readonly description: string;
  /** Runs the suite; returns the JSON written to `bench/results-<name>.json`. */
  run(print: (line: string) => void): Promise<Record<string, unknown>>;
}

const suites = new Map<string, BenchSuite>();

export function defineBenchSuite(suite: BenchSuite): BenchSuite {
  if (suites.has(suite.name)) throw new Error(`bench suite "${suite.name}" is defined twice`);
  suites.set(suite.name, suite);
  return suite;
}

export function benchSuites(): BenchSuite[] {
  return [...suites.values()];
}

/**
 * A suite that cannot measure what it is for (a case that does not run) says why in one message;
 * `npm run bench` prints it without a stack trace, exits 1 and leaves that suite's results file as it was.
 */
export class BenchFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchFailure";
  }
}
