// How the A/B report prints numbers: p-values in sentences, confidence intervals, infinite statistics.
import { describe, expect, it } from "vitest";
import type { AbReport, Comparison } from "../../rollout/ab/report";
import { renderAbReport } from "../../rollout/render/tables";

const variant = (name: string, deployment: string): AbReport["variants"][number] => ({
  variant: name,
  deployments: [deployment],
  requests: 600,
  callers: 60,
  successRate: 1,
  latencyMeanMs: 800,
  latencyP95Ms: 1200,
  tokensMean: 140,
  outcomes: {},
});

/** A latency comparison decided per caller, with the per-request Welch test beside. */
function latency(perCaller: { difference: number; ciLow: number; ciHigh: number; statistic: number; pValue: number }, perRequestP: number): Comparison {
  return {
    metric: "latency ms",
    baseline: "a",
    variant: "b",
    perCaller: { test: "Welch t", n: [60, 60], result: { ...perCaller, degreesOfFreedom: 117.6 }, significant: perCaller.pValue < 0.05 },
    perRequest: { test: "Welch t", n: [600, 600], result: { difference: -98.4, ciLow: -120, ciHigh: -76.8, statistic: -8.9, pValue: perRequestP, degreesOfFreedom: 1190 }, significant: perRequestP < 0.05 },
    significant: perCaller.pValue < 0.05,
    basis: "caller",
  };
}

function report(comparison: Comparison, conclusion: string): AbReport {
  return { experiment: "prompt-v2", confidence: 0.95, baseline: "a", variants: [variant("a", "chat"), variant("b", "chat-v2")], comparisons: [comparison], conclusion };
}

/** The row of the tests table that starts with `metric`, cells trimmed. */
function row(text: string, metric: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith(`│ ${metric}`));
  if (!line) throw new Error(`no row ${metric} in\n${text}`);
  return line.split("│").slice(1, -1).map((cell) => cell.trim());
}

describe("A/B report numbers (found by QA)", () => {
  it("both bounds of an interval get the same decimals: [-144.03, -61.41], not [-144, -61.41]", () => {
    const text = renderAbReport(report(latency({ difference: -102.7, ciLow: -144.03, ciHigh: -61.41, statistic: -4.87, pValue: 0.00003 }, 0.0123), ""));
    expect(row(text, "latency ms")).toEqual(["latency ms (b − a)", "60 / 60", "-103", "[-144.03, -61.41]", "-4.87 (df 118)", "<0.0001", "significant", "Welch t, -98.40, p = 0.0123"]);
  });

  it("bounds on either side of zero keep the finer decimals, so a bound near zero still shows its sign", () => {
    const text = renderAbReport(report(latency({ difference: 64.6, ciLow: -0.0371, ciHigh: 129.3, statistic: 1.98, pValue: 0.0502 }, 0.00001), ""));
    expect(row(text, "latency ms").slice(2, 8)).toEqual(["64.60", "[-0.0371, 129.3000]", "1.98 (df 118)", "0.0502", "not significant", "Welch t, -98.40, p < 0.0001"]);
  });

  it("an infinite statistic uses the same minus sign as every other number in the report", () => {
    const text = renderAbReport(report(latency({ difference: -50, ciLow: -50, ciHigh: -50, statistic: Number.NEGATIVE_INFINITY, pValue: 0 }, 0), ""));
    expect(row(text, "latency ms").slice(2, 5)).toEqual(["-50.00", "[-50.00, -50.00]", "-∞ (no variance) (df 118)"]);
  });
});
