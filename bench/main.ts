/**
 * `npm run bench [-- <suite> ...]`: runs benchmark suites and writes `bench/results-<suite>.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ScenarioError } from "../simulator/scenario/load";
import { benchSuites } from "./registry";
import "./suites/index";

async function main(argv: string[]): Promise<number> {
  const all = benchSuites();
  const wanted = argv.filter((a) => !a.startsWith("-"));
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
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
