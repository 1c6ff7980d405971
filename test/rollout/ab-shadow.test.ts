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
  it("finds the real difference significant per caller, with per-request figures beside", async () => {
    const records = await simulate("ab-difference", 600);
    expect(records.filter((r) => r.role === "primary").every((r) => /^caller-\d+$/.test(r.caller ?? ""))).toBe(true);
    const report = abReport(records, "prompt-v2");
    expect(report.variants.map((v) => [v.variant, v.deployments])).toEqual([["a", ["chat"]], ["b", ["chat-v2"]]]);
    expect(report.variants.every((v) => v.callers !== undefined && v.callers > 20 && v.callers < v.requests)).toBe(true);
    const byMetric = Object.fromEntries(report.comparisons.map((c) => [c.metric, c]));
    for (const c of report.comparisons) expect(c.basis).toBe("caller");
    expect(byMetric["outcome resolved"]!.significant).toBe(true);
    expect(byMetric["outcome resolved"]!.perCaller!.result!.ciLow).toBeGreaterThan(0);
    expect(byMetric["outcome resolved"]!.perRequest.test).toBe("two-proportion z");
    expect(byMetric["outcome resolved"]!.perRequest.significant).toBe(true);
    expect(byMetric["latency ms"]!.significant).toBe(true);
    expect(byMetric["latency ms"]!.perCaller!.result!.ciHigh).toBeLessThan(0);
    expect(byMetric["success rate"]!.significant).toBe(false);
    expect(byMetric["tokens/request"]!.significant).toBe(false);
    expect(report.conclusion).toMatch(/^significant at 95% per caller: latency ms \(b − a = -\d+, p < 0\.0001\); outcome resolved \(b − a = 0\.\d{4}, p (< 0\.0001|= 0\.\d{4})\)$/);
  });

  it("finds no difference between equal variants", async () => {
    const report = abReport(await simulate("ab-equal", 600), "prompt-v2");
    expect(report.comparisons.map((c) => [c.metric, c.significant])).toEqual([
      ["success rate", false],
      ["latency ms", false],
      ["tokens/request", false],
      ["outcome resolved", false],
    ]);
    // No request failed: per caller every rate is 1 (no variance, no difference: p = 1); per request too few events for the z-test.
    expect(report.comparisons[0]!.perCaller!.result!.pValue).toBe(1);
    expect(report.comparisons[0]!.perRequest.tooSmall).toBe("about 0.0 expected events in the smaller variant, need 5 for the z-test");
    expect(report.conclusion).toBe("no significant difference at 95% per caller");
  });

  it("says when the sample is too small to conclude", async () => {
    const report = abReport(await simulate("ab-difference", 5), "prompt-v2");
    expect(report.comparisons.every((c) => c.perCaller?.tooSmall !== undefined && !c.significant)).toBe(true);
    expect(report.conclusion).toMatch(/^sample too small to conclude per caller: \d+ callers in the smaller variant, need 20$/);
  });
});

describe("A/B report on exports", () => {
  const base = { timestamp: "2026-01-01T00:00:00Z", route: "chat-ab", experiment: "prompt-v2", promptTokens: 100, completionTokens: 40 };

  it("reports a variant that always fails (0%) against one that always succeeds (100%), per caller and per request", () => {
    const records = Array.from({ length: 400 }, (_, i) => ({
      ...base,
      variant: i % 2 === 0 ? "a" : "b",
      deployment: i % 2 === 0 ? "chat" : "chat-v2",
      status: i % 2 === 0 ? 200 : 500,
      latencyMs: 500 + (i % 7) * 10,
      caller: `c${(i % 2) * 100 + (i % 60)}`,
    }));
    const report = abReport(records, "prompt-v2");
    expect(report.variants.map((v) => [v.variant, v.successRate, v.callers, v.latencyMeanMs === undefined])).toEqual([
      ["a", 1, 30, false],
      ["b", 0, 30, true],
    ]);
    const [success, latency] = report.comparisons;
    expect(success!.significant).toBe(true);
    expect(success!.perCaller!.result).toMatchObject({ difference: -1, pValue: 0 });
    expect(success!.perRequest.result!.difference).toBe(-1);
    expect(success!.perRequest.result!.pValue).toBeLessThan(1e-12);
    expect(latency!.perCaller!.tooSmall).toBe("0 callers in the smaller variant, need 20");
    expect(report.conclusion).toBe("significant at 95% per caller: success rate (b − a = -1.00, p < 0.0001)");
  });

  it("without caller ids, decides per request and says that this overstates significance", () => {
    const records = Array.from({ length: 300 }, (_, i) => ({ ...base, variant: i % 2 === 0 ? "a" : "b", deployment: "chat", status: i % 2 === 0 || i % 10 !== 1 ? 200 : 500, latencyMs: 500 }));
    const report = abReport(records, "prompt-v2");
    expect(report.variants.every((v) => v.callers === undefined)).toBe(true);
    expect(report.comparisons.every((c) => c.basis === "request" && c.perCaller === undefined)).toBe(true);
    expect(report.conclusion).toMatch(/per request \(the records carry no caller id, so requests are treated as independent, which overstates significance\)/);
  });

  it("a few heavy callers: per request looks significant, per caller it is not", () => {
    // Variant b's failures all come from 2 of its 25 callers; per request 30 of 250 failed vs 10 of 250.
    const records = [
      ...Array.from({ length: 250 }, (_, i) => ({ ...base, variant: "a", deployment: "chat", caller: `a${i % 25}`, status: i % 25 === 0 ? 500 : 200, latencyMs: 500 })),
      ...Array.from({ length: 250 }, (_, i) => ({ ...base, variant: "b", deployment: "chat", caller: `b${i % 25}`, status: i % 25 < 3 ? 500 : 200, latencyMs: 500 })),
    ];
    const [success] = abReport(records, "prompt-v2").comparisons;
    expect(success!.perRequest.significant).toBe(true);
    expect(success!.perCaller!.significant).toBe(false);
    expect(success!.significant).toBe(false);
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
