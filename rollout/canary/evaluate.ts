import type { GatewayRoute } from "../../stacks/config/gateway";
import { isShadow, type RequestRecord } from "../metrics/records";
import { summarize, type ArmSummary } from "../stats/summary";
import { decideCanary, type CanaryDecision, type CanaryPolicy } from "./decision";

export interface CanaryEvaluation {
  stable: ArmSummary;
  canary: ArmSummary;
  decision: CanaryDecision;
}

/**
 * Splits a window's records into the canary (calls to the canary deployment) and stable (calls to
 * one of the route's backends) and decides. Every backend call counts — including attempts the
 * gateway retried elsewhere, so retries cannot hide a failing canary; shadow copies and other arms
 * (A/B variants, slots) count for neither.
 */
export function evaluateCanaryRecords(records: readonly RequestRecord[], route: GatewayRoute, policy: CanaryPolicy): CanaryEvaluation {
  const canaryDeployment = route.canary?.deployment;
  const stableDeployments = new Set(route.backends.map((b) => b.deployment).filter((d) => d !== canaryDeployment));
  const primary = records.filter((r) => !isShadow(r));
  const stable = summarize(primary.filter((r) => stableDeployments.has(r.deployment)));
  const canary = summarize(primary.filter((r) => r.deployment === canaryDeployment));
  return { stable, canary, decision: decideCanary(stable, canary, policy) };
}
