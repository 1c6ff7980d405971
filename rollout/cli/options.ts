import { resolve } from "node:path";
import { defaultApplier } from "../apply/applier";
import type { CanaryPolicy } from "../canary/decision";
import { defaultCanaryPolicy } from "../canary/decision";
import type { RolloutContext } from "../engine";
import { RolloutError } from "../errors";
import { AzureMonitorMetricSource } from "../metrics/azureMonitorSource";
import { FileMetricSource } from "../metrics/fileSource";
import { loadRolloutScenario } from "../metrics/simScenario";
import { SimulatorMetricSource } from "../metrics/simulatorSource";
import type { MetricSource } from "../metrics/source";

/** Options every rollout command accepts. */
export interface CommonOptions {
  dir: string;
}

/** Options of commands that change config (and so can apply it). */
export interface ChangeOptions extends CommonOptions {
  /** `--apply`: apply or fail (exit 3 when the pulumi CLI or Azure credentials are missing). */
  apply?: boolean;
}

/** Options of commands that read metrics. */
export interface SourceOptions extends CommonOptions {
  source: string;
  scenario: string;
  workspace?: string;
  window: string;
}

/** Context of a command that changes config: `--apply` decides whether a missing environment is an error. */
export function contextFor(stack: string, options: ChangeOptions, log: (line: string) => void): RolloutContext {
  return { dir: resolve(options.dir), stack, applier: defaultApplier(log, undefined, options.apply === true), now: () => new Date(), log };
}

/**
 * Context of a command that changes no config (status, evaluate, smoke, reports): it has no
 * `--apply` and never looks for the pulumi CLI or credentials; an apply would be a bug.
 */
export function readOnlyContextFor(stack: string, options: CommonOptions, log: (line: string) => void): RolloutContext {
  const applier = {
    apply: async (): Promise<never> => {
      throw new Error(`a read-only rollout command tried to apply stack ${stack}`);
    },
  };
  return { dir: resolve(options.dir), stack, applier, now: () => new Date(), log };
}

/** `--source sim | file:<path> | azure`. */
export function metricSourceFor(options: SourceOptions, stackFile: string): MetricSource {
  if (options.source === "sim") {
    const { name, scenario, file: scenarioFile } = loadRolloutScenario(options.scenario);
    return new SimulatorMetricSource(scenario, name, stackFile, scenarioFile);
  }
  if (options.source.startsWith("file:")) return new FileMetricSource(resolve(options.source.slice("file:".length)));
  if (options.source === "azure") return AzureMonitorMetricSource.create(options.workspace ?? process.env.AOAI_FLEET_LOG_WORKSPACE_ID);
  throw new RolloutError(`--source ${options.source}: unknown source; use sim, file:<path.json|csv> or azure`, 2);
}

export function number(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new RolloutError(`${name} ${text}: expected a number between ${min} and ${max}`, 2);
  }
  return value;
}

export function integer(name: string, text: string, min: number, max: number): number {
  const value = number(name, text, min, max);
  if (!Number.isInteger(value)) throw new RolloutError(`${name} ${text}: expected a whole number between ${min} and ${max}`, 2);
  return value;
}

export interface PolicyOptions {
  maxErrorPoints?: string;
  maxP95Ratio?: string;
  minSamples?: string;
}

export function canaryPolicyFrom(options: PolicyOptions): CanaryPolicy {
  return {
    maxErrorRateIncreasePoints: options.maxErrorPoints === undefined ? defaultCanaryPolicy.maxErrorRateIncreasePoints : number("--max-error-points", options.maxErrorPoints, 0, 100),
    maxP95LatencyRatio: options.maxP95Ratio === undefined ? defaultCanaryPolicy.maxP95LatencyRatio : number("--max-p95-ratio", options.maxP95Ratio, 1, 100),
    minSamplesPerSide: options.minSamples === undefined ? defaultCanaryPolicy.minSamplesPerSide : integer("--min-samples", options.minSamples, 1, 10_000_000),
  };
}

export function windowSeconds(options: SourceOptions): number {
  return integer("--window", options.window, 1, 7 * 24 * 3600);
}
