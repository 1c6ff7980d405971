// One benchmark cell: a scenario × strategy × seed simulation reduced to the numbers the benchmark
// reports. Pure function of its arguments (seeded, virtual clock), so cells can run in any process.
import * as path from "node:path";
import { loadScenarioFile } from "../../simulator/scenario/load";
import { simulate } from "../../simulator/run/simulate";
import type { SimSetup } from "../../simulator/stack";
import type { RoutingConfig } from "../../stacks/config/gateway-routing";
import { BASELINES } from "./baselines/index";
import { ourSetup } from "./fleet";

export const ROUTING_SCENARIOS = [
  "steady-70",
  "steady-90",
  "steady-100",
  "steady-100-sdk-retries",
  "region-down-90",
  "region-down-90-surviving",
  "region-unreachable-90-surviving",
  "primary-429-storm",
  "primary-429-storm-surviving",
  "primary-429-storm-sdk-retries",
  "slow-region-70",
  "mixed-sizes-cost",
  "canary-10",
] as const;

export const STRATEGIES = ["ours", ...BASELINES.map((b) => b.key)] as const;
export type StrategyKey = (typeof STRATEGIES)[number];

/** Seeds per scenario: the scenario's own seed and the next four. */
export const SEEDS_PER_SCENARIO = 5;

/** Numbers one run yields (null: not applicable, e.g. no fault, no canary, no PTU). */
export interface CellMetrics {
  goodputRatio: number;
  clientErrorRate: number;
  client429Rate: number;
  client5xxRate: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  p99AddedMs: number;
  paygCostPerMillionTokens: number;
  totalCostPerMillionTokens: number;
  ptuUtilization: number | null;
  paygTokenShare: number;
  /** Fault windows in the scenario (0: nothing to fail over from). */
  faults: number;
  failoverSeconds: number | null;
  recoverSeconds: number | null;
  backendCallsPerRequest: number;
  clientCallsPerRequest: number;
  canaryShare: number | null;
  stickyViolations: number | null;
  requests: number;
  unanswered: number;
  duplicated: number;
}

export function setupFor(strategy: StrategyKey, scenario: string, routing: RoutingConfig = {}): SimSetup {
  if (strategy === "ours") return ourSetup(scenario === "canary-10", routing);
  const baseline = BASELINES.find((b) => b.key === strategy);
  if (!baseline) throw new Error(`unknown strategy ${strategy}`);
  return baseline.setup();
}

export async function runCell(scenarioName: string, strategy: StrategyKey, seedOffset: number): Promise<{ metrics: CellMetrics; wallMs: number; seed: number }> {
  const scenario = loadScenarioFile(path.resolve(__dirname, "..", "..", "scenarios", `${scenarioName}.yaml`));
  const seed = scenario.seed + seedOffset;
  // The scenario's `strategy` options apply to ours only: baselines run as their sources configure them.
  const sim = await simulate(setupFor(strategy, scenarioName, scenario.strategy), scenario, { seed });
  const s = sim.summary;
  const fault = s.faults[0];
  const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);
  return {
    seed,
    wallMs: s.wallMs,
    metrics: {
      goodputRatio: s.goodputRatio,
      clientErrorRate: s.clientErrorRate,
      client429Rate: s.client429Rate,
      client5xxRate: s.client5xxRate,
      p50LatencyMs: s.latencyP50Ms,
      p99LatencyMs: s.latencyP99Ms,
      p99AddedMs: s.p99AddedMs,
      paygCostPerMillionTokens: s.cost.paygCostPerMillionTokens,
      totalCostPerMillionTokens: s.cost.totalCostPerMillionTokens,
      ptuUtilization: s.cost.ptuUtilization,
      paygTokenShare: s.cost.paygTokenShare,
      faults: s.faults.length,
      failoverSeconds: fault ? secs(fault.failoverMs) : null,
      recoverSeconds: fault ? secs(fault.recoverMs) : null,
      backendCallsPerRequest: s.backendAttemptsPerRequest,
      clientCallsPerRequest: s.clientCallsPerRequest,
      canaryShare: s.canaryShare,
      stickyViolations: s.stickyViolations,
      requests: s.requests,
      unanswered: s.unanswered,
      duplicated: s.duplicated,
    },
  };
}
