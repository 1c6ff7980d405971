/**
 * `plan <stack>`: steps' input checks → offline plan → plan steps → exit code (0 valid, 2 invalid config, or a step's code).
 */
import * as path from "node:path";
import { FleetConfigError } from "../../stacks/config/errors";
import { ensureOutDir } from "../out-dir";
import { CliError } from "../registry";
import { todayOption } from "../today";
import { runOfflinePlan } from "./runner";
import { REPO_ROOT } from "./stack-config";
import { checkPlanSteps, planMark, PROCESS_START, reportPlanTiming, runPlanSteps } from "./steps";
import "./steps/index";

export interface PlanCommandOptions {
  /** Plan this YAML file instead of `Pulumi.<stack>.yaml`. */
  readonly config?: string;
  /** Output root; `<out>/<stack>/plan.json`. */
  readonly out?: string;
  /** YYYY-MM-DD to use as today for retirement checks. */
  readonly today?: string;
}

export async function planCommand(stack: string, options: PlanCommandOptions, print: (line?: string) => void = (l = "") => process.stdout.write(`${l}\n`)): Promise<number> {
  const today = todayOption(options.today);
  let plan;
  const started = planMark();
  reportPlanTiming("start (process up, modules loaded)", PROCESS_START);
  // The steps' own inputs (the pack config) first: a typo there should not cost a whole plan.
  checkPlanSteps({ stack });
  try {
    plan = await runOfflinePlan(stack, { ...(options.config ? { configFile: path.resolve(options.config) } : {}), ...(today ? { today } : {}) });
  } catch (error) {
    if (error instanceof FleetConfigError) {
      throw new CliError(`${error.message}\nNothing was planned or created. Fix the config and run the plan again.`, 2);
    }
    throw error;
  }
  reportPlanTiming("program under the mocks", started);
  const outRoot = options.out ?? path.join(REPO_ROOT, "out");
  const outDir = path.join(path.resolve(outRoot), stack);
  ensureOutDir(outDir, outRoot);
  return runPlanSteps({ plan, outDir, print, planJsonExtras: {}, warnings: [...plan.warnings] });
}
