// `npm run simulate -- <stack> [--scenario <file>]`: loads the stack's gateway design, runs the
// scenario on a virtual clock and reports to the console and out/<stack>/sim/<scenario>/.
import { join, relative } from "node:path";
import { checkScenarioForSetup } from "../../simulator/scenario/bind";
import { ScenarioError, loadScenarioFile } from "../../simulator/scenario/load";
import { simulate } from "../../simulator/run/simulate";
import { formatSummary } from "../../simulator/report/console";
import { writeSimulationReport } from "../../simulator/report/files";
import { loadStackSetup } from "../../simulator/stack";
import { UnsupportedPolicyError } from "../../simulator/emulator/errors";
import { configIssuesOf, formatIssues } from "../../stacks/config/errors";
import { ensureOutDir } from "../out-dir";
import { CliError } from "../registry";

export async function simulateCommand(stack: string, options: { scenario: string; out: string; config?: string }): Promise<number> {
  let setup;
  let scenario;
  try {
    setup = loadStackSetup(stack, options.config ? { configFile: options.config } : {});
    scenario = loadScenarioFile(options.scenario);
    checkScenarioForSetup(scenario, setup, options.scenario);
  } catch (error) {
    const issues = configIssuesOf(error);
    if (issues) throw new CliError(formatIssues(issues), 2);
    if (error instanceof ScenarioError || error instanceof UnsupportedPolicyError) throw new CliError(error.message, 2);
    throw error;
  }
  process.stdout.write(`Simulating ${scenario.name} (${scenario.duration / 60_000} min, seed ${scenario.seed}) against stack ${stack}'s generated gateway policy…\n`);
  let sim;
  try {
    sim = await simulate(setup, scenario);
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof UnsupportedPolicyError) throw new CliError(error.message, 2);
    throw error;
  }
  process.stdout.write(formatSummary(sim.summary, `${stack} · ${scenario.name}`));
  const dir = join(options.out, stack, "sim", scenario.name);
  ensureOutDir(dir, options.out);
  const files = await writeSimulationReport(dir, sim, stack);
  process.stdout.write(`Wrote ${files.map((f) => relative(process.cwd(), f)).join(", ")}\n`);
  if (sim.summary.unanswered > 0 || sim.summary.duplicated > 0) {
    process.stderr.write(`BUG: ${sim.summary.unanswered} requests unanswered, ${sim.summary.duplicated} answered twice.\n`);
    return 1;
  }
  return 0;
}
