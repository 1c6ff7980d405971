import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canaryStart } from "../../rollout/canary/actions";
import { defaultCanaryPolicy } from "../../rollout/canary/decision";
import { canaryRun } from "../../rollout/canary/run";
import { loadRolloutScenario } from "../../rollout/metrics/simScenario";
import { SimulatorMetricSource } from "../../rollout/metrics/simulatorSource";
import { readRouteState } from "../../rollout/state";
import { FIXTURE, tempStack } from "./support";

function simSource(name: string, stack: ReturnType<typeof tempStack>): SimulatorMetricSource {
  return new SimulatorMetricSource(loadRolloutScenario(name).scenario, name, stack.file);
}

const canaryLine = (text: string): string | undefined => text.split("\n").find((l) => l.includes("canary: {"));

describe("canary end to end on the simulator (offline)", () => {
  it("steps a healthy canary 5 → 25 → 50 → 100 and promotes it", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 5, sticky: true }");
    const result = await canaryRun(stack.ctx, "chat", { source: simSource("healthy", stack), policy: defaultCanaryPolicy, windowSeconds: 300, maxEvaluations: 20 });
    expect(result.outcome).toBe("promoted");
    expect(result.finalPercent).toBe(100);
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 100, sticky: true }");
    const state = readRouteState(stack.dir, "demo", "chat");
    expect(state.canary?.status).toBe("promoted");
    const percents = state.history.flatMap((h) => h.changes.filter((c) => c.path.endsWith("canary.percent")).map((c) => c.to));
    expect(percents).toEqual([5, 25, 50, 100]);
    // Only the percent changed: every other byte of the stack file is the fixture's.
    expect(stack.read()).toBe(readFileSync(FIXTURE, "utf8").replace("canary: { deployment: chat-next, percent: 0,", "canary: { deployment: chat-next, percent: 100,"));
  });

  it("rolls back a canary whose error rate is 5 points above stable to 0%", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    const result = await canaryRun(stack.ctx, "chat", { source: simSource("canary-errors", stack), policy: defaultCanaryPolicy, windowSeconds: 300, maxEvaluations: 20 });
    expect(result.outcome).toBe("rolled-back");
    expect(result.finalPercent).toBe(0);
    expect(result.reason).toMatch(/^canary error rate \d+\.\d\d% vs stable \d+\.\d\d% \(\+\d+\.\d\d points > 2 allowed\)$/);
    expect(canaryLine(stack.read())).toBe("        canary: { deployment: chat-next, percent: 0, sticky: true }");
    expect(stack.read()).toBe(readFileSync(FIXTURE, "utf8"));
    expect(readRouteState(stack.dir, "demo", "chat").canary?.status).toBe("rolled-back");
  });

  it("rolls back a canary that is as reliable but much slower, on the p95 ratio", async () => {
    const stack = tempStack();
    await canaryStart(stack.ctx, "chat", "chat-next");
    const result = await canaryRun(stack.ctx, "chat", { source: simSource("canary-slow", stack), policy: defaultCanaryPolicy, windowSeconds: 300, maxEvaluations: 20 });
    expect(result.outcome).toBe("rolled-back");
    expect(result.reason).toMatch(/^canary p95 \d+ ms vs stable \d+ ms \(×\d\.\d\d\) > ×1\.5 allowed$/);
    expect(stack.read()).toBe(readFileSync(FIXTURE, "utf8"));
  });
});
