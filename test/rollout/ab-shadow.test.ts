import { describe, expect, it } from "vitest";
import { abReport } from "../../rollout/ab/report";
import { loadRolloutScenario } from "../../rollout/metrics/simScenario";
import { SimulatorMetricSource } from "../../rollout/metrics/simulatorSource";
import { shadowReport } from "../../rollout/shadow/report";
import { FIXTURE } from "./support";

async function simulate(scenario: string, seconds: number): ReturnType<SimulatorMetricSource["fetch"]> {
  const source = new SimulatorMetricSource(loadRolloutScenario(scenario).scenario, scenario, FIXTURE);
  return source.fetch({ stack: "demo", route: "chat-ab", windowSeconds: seconds });
}

describe("A/B report on simulated experiments (fixed seeds)", () => {
  it("finds the real difference significant", async () => {
    const report = abReport(await simulate("ab-difference", 600), "prompt-v2");
    expect(report.variants.map((v) => [v.variant, v.deployments])).toEqual([["a", ["chat"]], ["b", ["chat-v2"]]]);
    const byMetric = Object.fromEntries(report.comparisons.map((c) => [c.metric, c]));
    expect(byMetric["outcome resolved"]!.significant).toBe(true);
    expect(byMetric["outcome resolved"]!.result!.ciLow).toBeGreaterThan(0);
    expect(byMetric["latency ms"]!.significant).toBe(true);
    expect(byMetric["latency ms"]!.result!.ciHigh).toBeLessThan(0);
    expect(byMetric["success rate"]!.significant).toBe(false);
    expect(byMetric["tokens/request"]!.significant).toBe(false);
    expect(report.conclusion).toMatch(/^significant at 95%: latency ms \(b − a = -\d+, p = <0\.0001\); outcome resolved \(b − a = 0\.\d{4}, p = <0\.0001\)$/);
  });

  it("finds no difference between equal variants", async () => {
    const report = abReport(await simulate("ab-equal", 600), "prompt-v2");
    expect(report.comparisons.map((c) => [c.metric, c.significant])).toEqual([
      ["success rate", false],
      ["latency ms", false],
      ["tokens/request", false],
      ["outcome resolved", false],
    ]);
    // No request failed in either variant: too few events for the z-test's normal approximation.
    expect(report.comparisons[0]!.tooSmall).toBe("about 0.0 expected events in the smaller variant, need 5 for the z-test");
    expect(report.conclusion).toBe("no significant difference at 95%; too small to test: success rate");
  });

  it("says when the sample is too small to conclude", async () => {
    const report = abReport(await simulate("ab-difference", 5), "prompt-v2");
    expect(report.comparisons.every((c) => c.tooSmall !== undefined && !c.significant)).toBe(true);
    expect(report.conclusion).toMatch(/^sample too small to conclude: \d+ samples in the smaller variant, need 100$/);
  });
});

describe("shadow report", () => {
  it("pairs primaries with their shadows by correlation id", async () => {
    const records = await simulate("ab-equal", 300);
    const report = shadowReport(records);
    const shadows = records.filter((r) => r.role === "shadow");
    expect(report.pairs).toBe(shadows.length);
    expect(report.orphanShadows).toBe(0);
    expect(report.shadowDeployments).toEqual(["chat-next"]);
    expect(report.primaryDeployments).toEqual(["chat", "chat-v2"]);
    // chat-next runs gpt-4o like chat, chat-v2 runs gpt-4o-mini: only copies of chat's answers match.
    const servedByChat = records.filter((r) => r.role === "primary" && r.deployment === "chat" && shadows.some((s) => s.correlationId === r.correlationId)).length;
    expect(report.comparablePairs).toBe(shadows.length);
    expect(report.matchRate).toBe(servedByChat / shadows.length);
    expect(report.matchRate).toBeGreaterThan(0.3);
    expect(report.matchRate).toBeLessThan(0.7);
    expect(report.shadow.requests).toBe(report.primary.requests);
  });

  it("computes match rate, error rate and orphans from hand-made records", () => {
    const base = { timestamp: "2026-01-01T00:00:00Z", route: "r", promptTokens: 10, completionTokens: 5 };
    const report = shadowReport([
      { ...base, deployment: "p", status: 200, latencyMs: 100, correlationId: "1", responseHash: "x" },
      { ...base, deployment: "s", status: 200, latencyMs: 150, correlationId: "1", responseHash: "x", role: "shadow" },
      { ...base, deployment: "p", status: 200, latencyMs: 100, correlationId: "2", responseHash: "x" },
      { ...base, deployment: "s", status: 200, latencyMs: 130, correlationId: "2", responseHash: "y", role: "shadow" },
      { ...base, deployment: "p", status: 200, latencyMs: 100, correlationId: "3", responseHash: "x" },
      { ...base, deployment: "s", status: 500, latencyMs: 20, correlationId: "3", role: "shadow" },
      { ...base, deployment: "s", status: 200, latencyMs: 20, correlationId: "9", role: "shadow" },
      { ...base, deployment: "p", status: 200, latencyMs: 100, correlationId: "4" },
    ]);
    expect(report.pairs).toBe(3);
    expect(report.orphanShadows).toBe(1);
    expect(report.comparablePairs).toBe(2);
    expect(report.matchRate).toBe(0.5);
    expect(report.shadow.errorRate).toBeCloseTo(1 / 3, 12);
    expect(report.primary.errorRate).toBe(0);
    expect(report.latencyDeltaMeanMs).toBe(40);
  });
});
