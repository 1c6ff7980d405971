/**
 * `npm run bench [-- <suite> ...]`: runs benchmark suites and writes `bench/results-<suite>.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import { ScenarioError } from "../simulator/scenario/load";
import { BenchFailure, benchSuites } from "./registry";
import "./suites/index";

/** Parses the command line; undefined when commander already answered (--help) or refused the arguments. */
function parseArgs(argv: string[]): { suites: string[] } | { exitCode: number } {
  const names = benchSuites().map((s) => `${s.name} (${s.description})`);
  const program = new Command("npm run bench --")
    .argument("[suites...]", "suites to run (default: all)")
    .description(`Run benchmark suites; each writes bench/results-<suite>.json (routing also bench/results.json and the table in docs/simulator.md and README.md).\nSuites:\n  ${names.join("\n  ")}`)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
  return { suites: program.args };
}

async function main(argv: string[]): Promise<number> {
  const all = benchSuites();
  const parsed = parseArgs(argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const wanted = parsed.suites;
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown suite(s) ${unknown.join(", ")}; suites: ${all.map((s) => s.name).join(", ")}\n`);
    return 2;
  }
  const selected = wanted.length === 0 ? all : all.filter((s) => wanted.includes(s.name));
  for (const suite of selected) {
    const print = (line: string) => process.stdout.write(`[${suite.name}] ${line}\n`);
    print(suite.description);
    const result = await suite.run(print);
    const file = path.join(__dirname, `results-${suite.name}.json`);
    fs.writeFileSync(file, `${JSON.stringify({ suite: suite.name, description: suite.description, measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`);
    print(`wrote ${path.relative(process.cwd(), file)}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A bad scenario file is bad input (exit 2, one message per problem as <file>: <path>: <message>).
    if (error instanceof ScenarioError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof BenchFailure) {
      process.stderr.write(`bench failed: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
