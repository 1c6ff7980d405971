import { describe, expect, it } from "vitest";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";
import { loadStackSetup } from "../../simulator/stack";
import { demoStackWith } from "../rollout/support";

// Found by exploratory QA: `npm run simulate` on a stack whose canary is not sticky printed
// "sticky callers that switched side: 216 of 500", as if stickiness were broken, although a caller of
// a non-sticky canary changes side by design. The count is kept for sticky canaries only.
const stackWithCanary = (canary: string): string => demoStackWith({ canary });

const scenario = validateScenario(
  { name: "split", seed: 3, duration: "30s", route: "chat", load: [{ at: 0, requestsPerSecond: 4 }], callers: { count: 6 }, request: { promptTokens: 100, maxTokens: 50, completionTokens: 20 } },
  "split.yaml",
);

describe("simulate: sticky-caller count", () => {
  it("is absent (null) for a canary that is not sticky", async () => {
    const setup = loadStackSetup("demo", { configFile: stackWithCanary("{ deployment: chat-next, percent: 50 }"), today: new Date("2026-11-23") });
    expect(setup.routes.chat?.sides).toEqual({ canaryDeployment: "chat-next", canaryPercent: 50, canarySticky: false });
    const { summary } = await simulate(setup, scenario);
    expect(summary.canaryShare).toBeGreaterThan(0);
    expect(summary.stickyCallers).toBeNull();
    expect(summary.stickyViolations).toBeNull();
  });

  it("counts the callers of a sticky canary: 6 callers, none switched side", async () => {
    const setup = loadStackSetup("demo", { configFile: stackWithCanary("{ deployment: chat-next, percent: 50, sticky: true }"), today: new Date("2026-11-23") });
    expect(setup.routes.chat?.sides).toEqual({ canaryDeployment: "chat-next", canaryPercent: 50, canarySticky: true });
    const { summary } = await simulate(setup, scenario);
    expect(summary.stickyCallers).toBe(6);
    expect(summary.stickyViolations).toBe(0);
  });
});
