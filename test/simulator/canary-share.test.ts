import { describe, expect, it } from "vitest";
import { NAMES } from "../../gateway-policy/strategies/edge";
import { formatSummary } from "../../simulator/report/console";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";
import { loadStackSetup } from "../../simulator/stack";
import { demoStackWith } from "../rollout/support";

// Found by QA: `npm run simulate`'s "canary share" was (requests whose first backend call went to
// the canary deployment) ÷ (all requests). Requests the gateway answered 429 itself (an exhausted
// pool: no backend call) were in the denominator only, though the split had assigned them, some to
// the canary; and a stable request failing over into the canary would have counted as canary.
// The share is now canary-assigned ÷ assigned to any arm, by the policy's own assignment label.

// A breaker makes the gateway answer an exhausted pool's 429 itself, without a backend call.
const demoWithCanary = (): string =>
  demoStackWith({ canary: "{ deployment: chat-next, percent: 20, sticky: true }", circuitBreaker: "{ failures: 1, interval: PT1M, trip: PT1M, acceptRetryAfter: true }" });

// Three times the route's capacity: both pools run dry and the gateway answers many requests 429.
const overload = validateScenario(
  { name: "overload", seed: 3, duration: "60s", route: "chat", load: [{ at: 0, percentOfCapacity: 300 }], callers: { count: 500 }, request: { promptTokens: 1000, maxTokens: 500, completionTokens: 200 } },
  "overload.yaml",
);

describe("simulate: canary share", () => {
  it("is canary-assigned ÷ assigned to an arm, exhausted answers counted on the arm the split chose", async () => {
    const setup = loadStackSetup("demo", { configFile: demoWithCanary(), today: new Date("2026-11-23") });
    const { run, summary } = await simulate(setup, overload);
    const gateway429 = run.requests.filter((r) => r.status === 429 && r.trace.attempts.length === 0);
    // The exhaustion answers were assigned before the pool was found exhausted: 158 stable, 17 canary.
    expect(gateway429.map((r) => r.trace.variables[NAMES.labelVar]).sort().join(",")).toBe(`${"canary,".repeat(17)}${"stable,".repeat(158).slice(0, -1)}`);
    expect(summary.requests).toBe(407);
    // Before: 71 requests reached chat-next first ÷ 407 = 17.44%, short of the 20% split by the canary's 429s.
    expect(summary.canaryShare).toBe(88 / 407);
    expect([summary.canaryAssigned, summary.splitAssigned]).toEqual([88, 407]);
    expect(summary.stickyViolations).toBe(0);
    expect(formatSummary(summary, "demo · overload")).toContain("│ canary share                               │ 21.62% (88 of 407 requests the split assigned to an arm)");
  });
});
