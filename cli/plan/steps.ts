/**
 * Plan steps: what `npm run plan -- <stack>` does with a finished offline plan (print tables, write
 * plan.json, and — added by other features — gateway policy XML, topology, compliance). Each step is
 * one file under `cli/plan/steps/` calling `definePlanStep`, registered by one import line in
 * `cli/plan/steps/index.ts`. The runner never changes when a step is added.
 */
import type { ConfigIssue } from "../../stacks/config/errors";
import type { OfflinePlan } from "./runner";

export interface PlanStepContext {
  /** The finished offline plan (resources, outputs, warnings, config). */
  readonly plan: OfflinePlan;
  /** Output folder of this stack, `out/<stack>/` (created before steps run). */
  readonly outDir: string;
  /** Writes one line to the console. */
  readonly print: (line?: string) => void;
  /**
   * Extra top-level sections for plan.json (e.g. `gateway`, `compliance`). Steps ordered before
   * `write-plan-json` (order 1000) may add keys; the core keys stack/resources/warnings are reserved.
   */
  readonly planJsonExtras: Record<string, unknown>;
  /**
   * Every warning of this plan: the fleet's (`plan.warnings`) plus those steps add (the gateway
   * design's). The `warnings` step prints them all and plan.json's `warnings` holds them all, so a CI
   * job reading either sees what a person reading the console sees.
   */
  readonly warnings: ConfigIssue[];
}

export interface PlanStepOutcome {
  /** Non-zero fails the plan command (e.g. 1 for a failed compliance check). The highest code wins. */
  readonly exitCode?: number;
}

/** What a step may check before the program runs: the plan's own input, not its result. */
export interface PlanStepInput {
  /** The stack being planned (its name, also when `--config` gives another YAML file). */
  readonly stack: string;
}

export interface PlanStep {
  /** Unique, kebab-case, shown on failure. */
  readonly name: string;
  /** Steps run in ascending order: tables ~10-90, artifacts ~100-900, write-plan-json 1000. */
  readonly order: number;
  /**
   * Validates the step's own input (e.g. the compliance step's pack config) before the program runs,
   * throwing `CliError` exit 2: a bad file then fails in a moment with nothing printed or written,
   * not after the whole plan and its tables and files.
   */
  check?(input: PlanStepInput): void;
  run(context: PlanStepContext): Promise<PlanStepOutcome | void> | PlanStepOutcome | void;
}

const steps = new Map<string, PlanStep>();

export function definePlanStep(step: PlanStep): PlanStep {
  if (steps.has(step.name)) throw new Error(`plan step "${step.name}" is defined twice`);
  steps.set(step.name, step);
  return step;
}

/** Registered steps in run order (ties broken by name). */
export function planSteps(): PlanStep[] {
  return [...steps.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/** `AOAI_FLEET_PLAN_TIMINGS=1`: the plan prints where its time went to stderr (README, "slow plans"). */
export const PLAN_TIMINGS_ENV = "AOAI_FLEET_PLAN_TIMINGS";

/** A point in the plan's run: wall clock and this process's CPU time (all threads), in ms. */
export interface PlanMark {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Now, as a PlanMark. */
export function planMark(): PlanMark {
  const cpu = process.cpuUsage();
  return { wallMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The process's start (wall and CPU both count from 0 there). */
export const PROCESS_START: PlanMark = { wallMs: 0, cpuMs: 0 };

/**
 * Prints `plan timing: <what> <ms> ms wall, <ms> ms CPU` to stderr when PLAN_TIMINGS_ENV is set.
 * CPU counts every thread of the process (garbage collection and compilation run beside the main
 * thread), which is why it can exceed the wall time.
 */
export function reportPlanTiming(what: string, since: PlanMark): void {
  if (process.env[PLAN_TIMINGS_ENV] !== "1") return;
  const now = planMark();
  process.stderr.write(`plan timing: ${what} ${Math.round(now.wallMs - since.wallMs)} ms wall, ${Math.round(now.cpuMs - since.cpuMs)} ms CPU\n`);
}

/** Runs every step's `check` (in run order) before the program; the first bad input throws. */
export function checkPlanSteps(input: PlanStepInput, only: readonly PlanStep[] = planSteps()): void {
  for (const step of only) step.check?.(input);
}

/** Runs every step; returns the highest exit code any step asked for (0 when none). */
export async function runPlanSteps(context: PlanStepContext, only: readonly PlanStep[] = planSteps()): Promise<number> {
  let exitCode = 0;
  for (const step of only) {
    const started = planMark();
    const outcome = await step.run(context);
    reportPlanTiming(`step ${step.name}`, started);
    if (outcome?.exitCode !== undefined) exitCode = Math.max(exitCode, outcome.exitCode);
  }
  return exitCode;
}
