// Found by QA: `npm run simulate -- dev --scenario scenarios/canary-10.yaml` reported "offered load /
// aggregate capacity 91.2%" beside 69% client 429s. The load was 91% of dev's token limits but three
// times its request limits (gpt-4.1-mini: 1 RPM per 1K TPM), and the report only knew tokens. It also
// billed dev's tokens at $0.00: gpt-4.1-mini had no default price, and only a "no price for" line
// said so. The report now shows offered load against both limits and each member's RPM, the shipped
// stacks' models have default prices, and unpriced tokens are counted.
import { describe, expect, it } from "vitest";
import { ourSetup } from "../../bench/routing/fleet";
import { paygPrice, DEFAULT_COST } from "../../simulator/cost/prices";
import { formatSummary } from "../../simulator/report/console";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";
import { loadStackSetup } from "../../simulator/stack";

const TODAY = new Date("2026-11-23");

// 90% of dev's 100K TPM in 300-token requests: 300 requests a minute against 2 × 50 RPM.
const smallRequests = validateScenario(
  { name: "small-requests", seed: 5, duration: "60s", route: "chat", load: [{ at: 0, percentOfCapacity: 90 }], request: { promptTokens: 150, maxTokens: 150, completionTokens: 100 } },
  "small-requests.yaml",
);

describe("simulate report: request limits", () => {
  it("shows offered load against the route's token and request limits, and each member's RPM", async () => {
    const { run, summary } = await simulate(loadStackSetup("dev", { today: TODAY }), smallRequests);
    expect(summary.capacityTpm).toBe(100_000);
    expect(summary.capacityRpm).toBe(100);
    expect(summary.backends.map((b) => [`${b.deployment}@${b.region}`, b.capacityTpm, b.capacityRpm])).toEqual([
      ["chat@eastus2", 50_000, 50],
      ["chat@swedencentral", 50_000, 50],
    ]);
    expect(summary.offeredRequestRatio).toBe(run.requests.length / 100);
    expect(summary.offeredRequestRatio).toBeGreaterThan(2.5);
    expect(summary.offeredRatio).toBeLessThan(1);
    const text = formatSummary(summary, "dev · small-requests");
    const offered = `${(summary.offeredRatio * 100).toFixed(1)}% of 100000 TPM, ${(summary.offeredRequestRatio! * 100).toFixed(1)}% of 100 RPM; requests are the tighter limit`;
    expect(text).toContain(`│ offered load / aggregate capacity          │ ${offered} │`);
    expect(text).toContain("│ backend            │ TPM limit │ RPM limit │ utilization │");
    expect(text).toMatch(/│ chat@eastus2 +│ 50000 +│ 50 +│/);
  });

  it("leaves requests out where a member is provisioned (no request limit) and says so per member", async () => {
    const scenario = validateScenario({ name: "ptu", seed: 2, duration: "30s", load: [{ at: 0, percentOfCapacity: 50 }], request: { promptTokens: 400, maxTokens: 300, completionTokens: 200 } }, "ptu.yaml");
    const { summary } = await simulate(ourSetup(false), scenario);
    expect(summary.capacityRpm).toBeNull();
    expect(summary.offeredRequestRatio).toBeNull();
    expect(summary.backends.find((b) => b.deployment === "chat-ptu")?.capacityRpm).toBeNull();
    expect(summary.backends.find((b) => b.deployment === "chat-std")?.capacityRpm).toBe(600);
    const text = formatSummary(summary, "bench · ptu");
    expect(text).toContain(`│ offered load / aggregate capacity          │ ${(summary.offeredRatio * 100).toFixed(1)}% of ${summary.capacityTpm} TPM `);
    expect(text).not.toContain(" RPM;");
    expect(text).toMatch(/│ chat-ptu@eastus2 +│ 125000 +│ none \(PTU\) +│/);
  });
});

describe("simulate report: prices", () => {
  it("prices the shipped stacks' models, Data Zone and regional Standard 10% above Global", () => {
    expect(paygPrice(DEFAULT_COST, "gpt-4.1-mini", "GlobalStandard")).toEqual({ inputPer1K: 0.0004, outputPer1K: 0.0016 });
    expect(paygPrice(DEFAULT_COST, "gpt-4.1-mini", "DataZoneStandard")).toEqual({ inputPer1K: 0.00044, outputPer1K: 0.00176 });
    expect(paygPrice(DEFAULT_COST, "gpt-4.1", "Standard")).toEqual({ inputPer1K: 0.0022, outputPer1K: 0.0088 });
    expect(paygPrice(DEFAULT_COST, "gpt-5.4", "GlobalStandard")).toEqual({ inputPer1K: 0.0025, outputPer1K: 0.015 });
    expect(paygPrice(DEFAULT_COST, "gpt-5.4-mini", "GlobalStandard")).toEqual({ inputPer1K: 0.00075, outputPer1K: 0.0045 });
    expect(paygPrice(DEFAULT_COST, "text-embedding-3-small", "GlobalStandard")).toEqual({ inputPer1K: 0.00002, outputPer1K: 0 });
    expect(paygPrice(DEFAULT_COST, "text-embedding-3-large", "GlobalStandard")).toEqual({ inputPer1K: 0.00013, outputPer1K: 0 });
    // The benchmark's gpt-4o figures are the ones its results were measured with.
    expect(paygPrice(DEFAULT_COST, "gpt-4o", "DataZoneStandard")).toEqual({ inputPer1K: 0.00275, outputPer1K: 0.011 });
  });

  it("bills dev's gpt-4.1-mini tokens at its list price", async () => {
    const { run, summary } = await simulate(loadStackSetup("dev", { today: TODAY }), smallRequests);
    const served = run.requests.filter((r) => r.usage);
    expect(served.length).toBeGreaterThan(0);
    expect(summary.cost.unpriced).toEqual([]);
    expect(summary.cost.unpricedTokens).toBe(0);
    expect(summary.cost.paygDollars).toBeCloseTo(served.length * (0.15 * 0.0004 + 0.1 * 0.0016), 9);
    expect(formatSummary(summary, "dev").includes("no price for")).toBe(false);
  });

  it("counts the tokens of a model with no price and says where a price goes", async () => {
    const setup = ourSetup(false);
    const unknown = { ...setup, backends: setup.backends.map((b) => (b.deployment === "chat-std" ? { ...b, model: "gpt-unpriced" } : b)) };
    const scenario = validateScenario({ name: "spill", seed: 3, duration: "60s", load: [{ at: 0, percentOfCapacity: 150 }], request: { promptTokens: 400, maxTokens: 300, completionTokens: 200 } }, "spill.yaml");
    const { run, summary } = await simulate(unknown, scenario);
    const onStd = run.requests.filter((r) => r.usage && r.trace.attempts[r.trace.attempts.length - 1]!.backendId.startsWith("chat-std"));
    expect(onStd.length).toBeGreaterThan(0);
    expect(summary.cost.unpriced).toEqual(["gpt-unpriced/GlobalStandard"]);
    expect(summary.cost.unpricedTokens).toBe(onStd.length * 600);
    expect(summary.cost.paygDollars).toBe(0);
    const share = ((100 * summary.cost.unpricedTokens) / summary.cost.servedTokens).toFixed(1);
    expect(formatSummary(summary, "bench")).toContain(`│ no price for                               │ gpt-unpriced/GlobalStandard: ${share}% of the tokens served are in no dollar figure (set one under the scenario's cost.prices)`);
  });
});
