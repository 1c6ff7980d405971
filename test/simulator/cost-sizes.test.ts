// Request-size distributions and the cost model.
import { describe, expect, it } from "vitest";
import { ourSetup } from "../../bench/routing/fleet";
import { DEFAULT_COST, paygPrice, ptuHourlyRate } from "../../simulator/cost/prices";
import { Rng } from "../../simulator/rng";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";
import { SizeModel } from "../../simulator/scenario/sizes";

describe("request sizes", () => {
  it("draws a mix in its weights, and the model answers each class with its completion length", () => {
    const mix = new SizeModel({ distribution: "mix", classes: [{ weight: 3, promptTokens: 100, maxTokens: 100, completionTokens: 60 }, { weight: 1, promptTokens: 4000, maxTokens: 1000, completionTokens: 700 }] });
    const rng = new Rng(1);
    const draws = Array.from({ length: 20_000 }, () => mix.draw(rng));
    const large = draws.filter((d) => d.promptTokens === 4000).length / draws.length;
    expect(large).toBeGreaterThan(0.24);
    expect(large).toBeLessThan(0.26);
    expect(mix.completionFor({ promptTokens: 4000, maxTokens: 1000 })).toBe(700);
    expect(mix.completionFor({ promptTokens: 100, maxTokens: 100 })).toBe(60);
    // Mean charge: 0.75 × 200 + 0.25 × 5,000.
    expect(mix.meanCharged("chat", rng)).toBe(1400);
    expect(mix.meanCharged("embeddings", rng)).toBe(0.75 * 100 + 0.25 * 4000);
  });

  it("clamps log-normal draws into [min, max] and derives completion from max_tokens", () => {
    const ln = new SizeModel({ distribution: "lognormal", promptTokens: { median: 1000, sigma: 1, min: 50, max: 8000 }, maxTokens: { median: 500, sigma: 0, min: 1, max: 500 }, completionRatio: 0.5 });
    const rng = new Rng(2);
    const draws = Array.from({ length: 5000 }, () => ln.draw(rng));
    expect(Math.min(...draws.map((d) => d.promptTokens))).toBeGreaterThanOrEqual(50);
    expect(Math.max(...draws.map((d) => d.promptTokens))).toBe(8000);
    expect(new Set(draws.map((d) => d.maxTokens))).toEqual(new Set([500]));
    expect(ln.completionFor({ promptTokens: 1, maxTokens: 500 })).toBe(250);
  });
});

describe("cost model", () => {
  it("prices pay-as-you-go per 1K tokens and PTUs per hour under the chosen billing, with overrides", () => {
    expect(paygPrice(DEFAULT_COST, "gpt-4o", "GlobalStandard")).toEqual({ inputPer1K: 0.0025, outputPer1K: 0.01 });
    expect(paygPrice(DEFAULT_COST, "unknown-model", "GlobalStandard")).toBeUndefined();
    expect(ptuHourlyRate({ ptuBilling: "hourly", prices: [] }, "gpt-4o", "GlobalProvisionedManaged")).toBe(1);
    expect(ptuHourlyRate({ ptuBilling: "monthly", prices: [] }, "gpt-4o", "GlobalProvisionedManaged")).toBeCloseTo(260 / 730, 12);
    expect(ptuHourlyRate({ ptuBilling: "yearly", prices: [{ model: "*", sku: "ProvisionedManaged", perPtuYear: 8760 }] }, "gpt-4o", "ProvisionedManaged")).toBe(1);
    expect(paygPrice({ ptuBilling: "monthly", prices: [{ model: "gpt-4o", sku: "GlobalStandard", outputPer1K: 0.02 }] }, "gpt-4o", "GlobalStandard")).toEqual({ inputPer1K: 0.0025, outputPer1K: 0.02 });
  });

  it("bills what each deployment served: PAYG tokens at list price, the PTU for the run whatever it served", async () => {
    const scenario = validateScenario(
      { name: "cost", seed: 4, duration: "2m", load: [{ at: 0, percentOfCapacity: 60 }], request: { promptTokens: 400, maxTokens: 300, completionTokens: 200 }, cost: { ptuBilling: "hourly" } },
      "cost.yaml",
    );
    const { run, summary } = await simulate(ourSetup(false), scenario);
    const c = summary.cost;
    const served = run.requests.filter((r) => r.usage);
    expect(c.servedTokens).toBe(served.length * 600);
    const payg = served.filter((r) => !r.trace.attempts[r.trace.attempts.length - 1]!.backendId.startsWith("chat-ptu"));
    expect(c.paygTokenShare).toBeCloseTo((payg.length * 600) / c.servedTokens, 12);
    expect(c.paygDollars).toBeCloseTo(payg.length * (0.4 * 0.0025 + 0.2 * 0.01), 9);
    // 50 PTU (ProvisionedManaged, regional) at $2 per PTU-hour for 2 minutes.
    expect(c.ptuDollars).toBeCloseTo(50 * 2 * (2 / 60), 9);
    expect(c.paygCostPerMillionTokens).toBeCloseTo((c.paygDollars / c.servedTokens) * 1e6, 9);
    expect(c.ptuUtilization).toBeGreaterThan(0.9);
    expect(c.ptuUtilization).toBeLessThanOrEqual(1);
    expect(c.unpriced).toEqual([]);
  });
});
