import type { GatewayRoute } from "../../stacks/config/gateway";
import { isShadow, type RequestRecord } from "../metrics/records";
import { summarize, type ArmSummary } from "../stats/summary";
import { decideCanary, type CanaryDecision, type CanaryPolicy } from "./decision";

export interface CanaryEvaluation {
  stable: ArmSummary;
  canary: ArmSummary;
  decision: CanaryDecision;
}

/** Arms of the split that carry the route's ordinary traffic: the stable pool, or a blue-green slot. */
const STABLE_ARMS: ReadonlySet<string> = new Set(["stable", "blue", "green"]);

type Side = "stable" | "canary" | undefined;

/**
 * Splits a window's records into the canary and stable arms and decides. A record is judged in the
 * arm the canary split assigned it to (`arm`), not by the deployment that finally served it: with
 * `canary.failover` a stable request can fail over into the canary deployment, and counting it as
 * canary would judge the canary on traffic it was not given (and hide stable's failures). Every
 * backend call counts — including attempts the gateway retried elsewhere, so retries cannot hide
 * a failing canary; shadow copies and other arms (A/B variants) count for neither.
 *
 * Records that do not say their arm (older exports, sources that cannot tell) are attributed by
 * the serving deployment, which is exact only without failover. With `canary.failover` such
 * records cannot be told apart, so the verdict is hold with that reason rather than a guess.
 */
export function evaluateCanaryRecords(records: readonly RequestRecord[], route: GatewayRoute, policy: CanaryPolicy): CanaryEvaluation {
  const canaryDeployment = route.canary?.deployment;
  const stableDeployments = new Set(route.backends.map((b) => b.deployment).filter((d) => d !== canaryDeployment));
  const sideOf = (r: RequestRecord): Side => {
    if (r.arm !== undefined) return r.arm === "canary" ? "canary" : STABLE_ARMS.has(r.arm) ? "stable" : undefined;
    if (r.deployment === canaryDeployment) return "canary";
    return stableDeployments.has(r.deployment) ? "stable" : undefined;
  };
  const primary = records.filter((r) => !isShadow(r));
  const stable = summarize(primary.filter((r) => sideOf(r) === "stable"));
  const canary = summarize(primary.filter((r) => sideOf(r) === "canary"));
  const decision = decideCanary(stable, canary, policy);
  const unassigned = route.canary?.failover ? primary.filter((r) => r.arm === undefined).length : 0;
  if (unassigned === 0 || decision.verdict === "hold") return { stable, canary, decision };
  return {
    stable,
    canary,
    decision: {
      ...decision,
      verdict: "hold",
      reason: `${unassigned} of ${primary.length} records do not say which arm the canary split assigned them to (no arm field), and canary.failover lets stable requests be served by ${canaryDeployment}: by serving deployment the canary would be judged on stable's failovers; export the arm (the policy's aoai-target-label) with each record`,
    },
  };
}
