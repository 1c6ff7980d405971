import { describe, expect, it } from "vitest";
import { evaluateCanaryRecords } from "../../rollout/canary/evaluate";
import type { CanaryPolicy } from "../../rollout/canary/decision";
import type { RequestRecord } from "../../rollout/metrics/records";
import { rolloutSimScenarioSchema } from "../../rollout/metrics/simScenario";
import { SimulatorMetricSource } from "../../rollout/metrics/simulatorSource";
import { readStackText, validatedGateway } from "../../rollout/stackfile/stackFile";
import type { GatewayRoute } from "../../stacks/config/gateway";
import { demoStackWith } from "./support";

// Found by QA: with `canary.failover`, the canary deployment is the stable pool's last tier, and
// stable requests that failed over into it were counted as canary traffic (attribution by the
// deployment that served). The canary was judged on traffic the split never gave it, and stable's
// failures were hidden. Records now carry the arm the split assigned (`arm`) and are judged by it.

const BREAKER_10S = "{ failures: 1, interval: PT10S, trip: PT10S, acceptRetryAfter: true }";
const policy: CanaryPolicy = { maxErrorRateIncreasePoints: 2, maxP95LatencyRatio: 1.5, minSamplesPerSide: 10 };

const route = (failover: boolean): GatewayRoute =>
  ({ strategy: "priority", backends: [{ deployment: "chat", priority: 1 }], canary: { deployment: "chat-next", percent: 20, sticky: true, failover } }) as GatewayRoute;

/**
 * The demo stack's chat route with this canary behind a 10-s breaker, simulated for 60 s (seed 7,
 * 5 requests/s, 200 callers) with these per-deployment faults: the records, counted by
 * `role deployment status arm`, and the canary evaluation of the route as the stack file declares it.
 */
async function simulatedCanary(canary: string, deployments: Record<string, { errorRate: number }>, label: string) {
  const file = demoStackWith({ canary, circuitBreaker: BREAKER_10S });
  const scenario = rolloutSimScenarioSchema.parse({ seed: 7, requestsPerSecond: 5, callers: 200, deployments });
  const window = await new SimulatorMetricSource(scenario, label, file).simulate("chat", 60, {});
  const ev = evaluateCanaryRecords(window, validatedGateway(readStackText(file), file).routes.chat as GatewayRoute, policy);
  return { counts: recordCounts(window), ev };
}

/** Records counted by `role deployment status arm`. */
function recordCounts(window: readonly RequestRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of window) {
    const key = `${r.role} ${r.deployment} ${r.status} ${r.arm}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function records(count: number, fields: Partial<RequestRecord>): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}Z`, route: "chat", deployment: "chat", status: 200, latencyMs: 1000, promptTokens: 0, completionTokens: 0, ...fields,
  }));
}

describe("canary evaluation: attribution by assignment", () => {
  // 20 canary-assigned answers (all fine), 20 stable answers served by chat (fine), 20 stable
  // requests whose chat attempts failed (500, hidden retries) and that chat-next then answered.
  const window = [
    ...records(20, { deployment: "chat-next", arm: "canary" }),
    ...records(20, { arm: "stable" }),
    ...records(20, { status: 500, role: "retried", arm: "stable" }),
    ...records(20, { deployment: "chat-next", arm: "stable" }),
  ];

  it("counts stable requests that failed over into the canary deployment as stable", () => {
    const ev = evaluateCanaryRecords(window, route(true), policy);
    expect([ev.stable.requests, ev.stable.failures, ev.canary.requests, ev.canary.failures]).toEqual([60, 20, 20, 0]);
    expect(ev.decision.verdict).toBe("promote");
    expect(ev.decision.errorRateDeltaPoints).toBe(-33.333333333);
  });

  it("holds, naming why, when records lack the arm and failover makes the deployment ambiguous", () => {
    const unlabelled = window.map(({ arm: _arm, ...rest }) => rest);
    const ev = evaluateCanaryRecords(unlabelled, route(true), policy);
    expect([ev.stable.requests, ev.canary.requests]).toEqual([40, 40]);
    expect(ev.decision.verdict).toBe("hold");
    expect(ev.decision.reason).toBe(
      "80 of 80 records do not say which arm the canary split assigned them to (no arm field), and canary.failover lets stable requests be served by chat-next: by serving deployment the canary would be judged on stable's failovers; export the arm (the policy's aoai-target-label) with each record",
    );
    // Without failover the serving deployment is the assignment: unlabelled records decide as before.
    expect(evaluateCanaryRecords(unlabelled, route(false), policy).decision.verdict).toBe("promote");
  });
});

describe("simulator source: records carry the split's assignment", () => {
  it("stable requests failing over into chat-next are stable records, and the canary is judged on its own 65", async () => {
    // The demo stack with a 20% sticky canary that stable may fail over into, and a breaker so
    // APIM's priority failover reaches the last tier (it does only when the tiers above tripped).
    const { counts, ev } = await simulatedCanary("{ deployment: chat-next, percent: 20, sticky: true, failover: true }", { chat: { errorRate: 0.3 } }, "failover");
    expect(counts).toEqual({
      "retried chat 500 stable": 15,
      "primary chat 200 stable": 30,
      "primary chat-next 200 stable": 217,
      "primary chat-next 200 canary": 65,
    });
    // By serving deployment the canary had 282 requests (65 + 217 of stable's) and stable 45.
    expect([ev.stable.requests, ev.stable.failures, ev.canary.requests, ev.canary.failures]).toEqual([262, 15, 65, 0]);
  });

  it("without failover every request also carries its arm (the policy logs it on every canary route), so the gateway's own answers stay in their arm", async () => {
    // A canary that fails every call, behind a breaker: once its pool trips, the gateway answers the
    // canary's requests itself (no backend URL in APIM's log; only the arm record says whose they were).
    const { counts, ev } = await simulatedCanary("{ deployment: chat-next, percent: 20, sticky: true }", { "chat-next": { errorRate: 1 } }, "no-failover");
    // 51 of the canary's 65 requests were the gateway's own 429 (its pool tripped), logged with their arm.
    expect(counts).toEqual({
      "primary chat 200 stable": 247,
      "primary chat-next 429 canary": 51,
      "primary chat-next 500 canary": 14,
      "retried chat-next 500 canary": 6,
    });
    // Evaluate counts the hidden retries too, as in the failover case above (65 + 6).
    expect([ev.stable.requests, ev.stable.failures, ev.canary.requests, ev.canary.failures]).toEqual([247, 0, 71, 71]);
  });
});
