// Spillover through a whole simulated run: the stack's `spillover` reaches the simulated PTU
// (loadStackSetup → buildWorld), the gateway sees the PTU answer 200, and the cost model bills the
// spilled tokens to the standard deployment. The benchmark's fleet has no spillover: its numbers
// are pinned to what they were before spillover was simulated.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ourSetup } from "../../bench/routing/fleet";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { formatSummary } from "../../simulator/report/console";
import { simulate } from "../../simulator/run/simulate";
import { validateScenario } from "../../simulator/scenario/load";
import { loadStackSetup } from "../../simulator/stack";

const setup = loadStackSetup("spillover", { configFile: join(__dirname, "fixtures", "Pulumi.spillover.yaml"), today: new Date("2026-11-23") });
const sized = { promptTokens: 400, maxTokens: 300, completionTokens: 200 };

describe("spillover from the stack config", () => {
  it("loadStackSetup gives the PTU's backends the plan's spillover target; the standard deployment has none", () => {
    expect(setup.backends.map((b) => [b.backendId, b.spillover ?? null])).toEqual([
      ["chat-std-eastus2", null],
      ["chat-ptu-eastus2", "chat-std"],
      ["chat-std-eastus2-resp", null],
      ["chat-ptu-eastus2-resp", "chat-std"],
    ]);
    expect(setup.routes.chat!.backendIds).toEqual(["chat-ptu-eastus2"]);
  });

  it("at 200% of the PTU the overflow is served by chat-std, which no route names: no client 429, the tokens billed pay-as-you-go at gpt-4.1 GlobalStandard", async () => {
    const scenario = validateScenario({ name: "spill", seed: 3, duration: "2m", load: [{ at: 0, percentOfCapacity: 200 }], request: sized }, "spill.yaml");
    const { run, summary } = await simulate(setup, scenario);
    expect([summary.requests, summary.successRate, summary.client429Rate, summary.backendAttemptsPerRequest]).toEqual([265, 1, 0, 1]);
    // Every request went to the PTU's backend; Azure answered 75 of them from chat-std.
    const spilled = run.requests.filter((r) => r.trace.attempts.at(-1)?.spilledTo === "chat-std");
    expect(spilled.length).toBe(75);
    expect(new Set(run.requests.flatMap((r) => r.trace.attempts.map((a) => a.backendId)))).toEqual(new Set(["chat-ptu-eastus2"]));
    const rows = Object.fromEntries(summary.backends.map(({ deployment, accepted, throttled, spilledOut, spilloverFailed, spilledIn }) => [deployment, { accepted, throttled, spilledOut, spilloverFailed, spilledIn }]));
    expect(rows).toEqual({
      "chat-std": { accepted: 75, throttled: 0, spilledOut: 0, spilloverFailed: 0, spilledIn: 75 },
      "chat-ptu": { accepted: 190, throttled: 75, spilledOut: 75, spilloverFailed: 0, spilledIn: 0 },
    });
    // 265 answers of 600 billed tokens; the 75 spilled ones at $0.002 / $0.008 per 1K in / out.
    expect(summary.cost.servedTokens).toBe(265 * 600);
    expect(summary.cost.paygTokenShare).toBe((75 * 600) / (265 * 600));
    expect(summary.cost.paygDollars).toBeCloseTo(75 * (0.4 * 0.002 + 0.2 * 0.008), 12);
    // The PTU worked off what it admitted (190 × 700 charged), not the spilled requests.
    const ptu = run.deployments.find((d) => d.spec.deployment === "chat-ptu")!;
    expect(ptu.stats.acceptedTokens).toBe(190 * 700);
    expect(summary.cost.ptuUtilization).toBeCloseTo((190 * 700 - ptu.utilisation.tokensAt(120_000)) / (45_000 * 2), 12);
    expect(summary.cost.ptuUtilization).toBeCloseTo(0.981054422591947, 12);
    const table = formatSummary(summary, "spill");
    expect(table).toContain("│ chat-std@eastus2 │ 300000    │ 300        │");
    expect(table).toMatch(/│ chat-ptu@eastus2 .*│ out 75 +│/);
    expect(table).toMatch(/│ chat-std@eastus2 .*│ in 75 +│/);
  });
});

describe("spillover behind the local gateway (npm run gateway)", () => {
  let gateway: RunningGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it("a caller of the PTU-only route is served by chat-std while the PTU throttles, and sees Azure's spillover headers", async () => {
    const g = await startGateway(setup, { latency: { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, completionTokens: 5, subscriptionKeys: ["k"] });
    gateway = g;
    const ptu = g.world!.deployments.find((d) => d.spec.deployment === "chat-ptu")!;
    ptu.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "throttle", retryAfterSeconds: 30 } });
    const call = () =>
      fetch(`${g.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
        method: "POST",
        headers: { "content-type": "application/json", "api-key": "k" },
        body: JSON.stringify({ messages: [{ role: "user", content: "hello" }], max_tokens: 5 }),
      });
    for (let i = 0; i < 2; i++) {
      const r = await call();
      await r.json();
      expect([r.status, r.headers.get("x-ms-deployment-name"), r.headers.get("x-ms-spillover-from-chat-ptu")]).toEqual([200, "chat-std", "chat-ptu"]);
    }
    // The gateway saw 200s from its PTU backend: its breaker stayed closed, so the PTU was tried both times.
    expect([ptu.stats.throttled, ptu.stats.spilledOut]).toEqual([2, 2]);
    expect(g.stats.internalErrors).toBe(0);
  });
});

describe("the routing benchmark's fleet (no spillover) is unchanged", () => {
  // Captured from the same runs before spillover was simulated (commit ce17411); the PTU rows'
  // utilization since then follows the summary's worked-off definition.
  const scenarios = [
    { name: "over", seed: 7, duration: "90s", load: [{ at: 0, percentOfCapacity: 130 }], request: sized },
    {
      name: "faults",
      seed: 8,
      duration: "90s",
      load: [{ at: 0, percentOfCapacity: 60 }],
      request: sized,
      faults: [
        { at: "10s", for: "30s", deployment: "chat-ptu", kind: "errors", rate: 0.5, status: 503 },
        { at: "50s", for: "20s", deployment: "chat-ptu", kind: "throttle", retryAfterSeconds: 5 },
      ],
    },
  ];
  const before = {
    over: {
      numbers: [1205, 0.8804979253112033, 0.11950207468879669, 3352.6283599186136, 12932.29946433076, 1.3759336099585062, 9046],
      cost: { servedTokens: 636600, paygTokenShare: 0.5673892554194157, paygDollars: 1.8059999999999716, ptuDollars: 0.4452054794520548, paygCostPerMillionTokens: 2.8369462770970335, totalCostPerMillionTokens: 3.5362951295193623, ptuUtilization: 0.9989887777076708, unpriced: [], unpricedTokens: 0 },
      backends: [
        // The PTU row's utilization is the summary's worked-off figure as of the run's end
        // (ptu-utilization.test.ts); it read 1.7136 (every admitted token), then 1.0501 (worked off
        // by the gateway's last retry after the end) before.
        ["chat-ptu@eastus2", 0.9989887777076708, 459, 112, 0],
        ["chat-std@eastus2", 0.9193333333333333, 197, 22, 0],
        ["chat-std@swedencentral", 0.9193333333333333, 197, 308, 0],
        ["chat-std@westus3", 0.9706666666666667, 208, 155, 0],
      ],
    },
    faults: {
      numbers: [498, 1, 0, 2877.6221617156407, 5771.314536745118, 1.002008032128514, 1996],
      cost: { servedTokens: 298800, paygTokenShare: 0.6566265060240963, paygDollars: 0.9810000000000008, ptuDollars: 0.4452054794520548, paygCostPerMillionTokens: 3.2831325301204846, totalCostPerMillionTokens: 4.7731107076708685, ptuUtilization: 0.48297707298650466, unpriced: [], unpricedTokens: 0 },
      backends: [
        ["chat-ptu@eastus2", 0.48297707298650466, 171, 0, 1],
        ["chat-std@eastus2", 0.5553333333333333, 119, 0, 0],
        ["chat-std@swedencentral", 0.4666666666666667, 100, 0, 0],
        ["chat-std@westus3", 0.504, 108, 0, 0],
      ],
    },
  };

  it.each(scenarios)("ourSetup, $name: the same numbers as before", async (raw) => {
    const { summary: s } = await simulate(ourSetup(false), validateScenario(raw, `${raw.name}.yaml`));
    const want = before[raw.name as keyof typeof before];
    expect([s.requests, s.successRate, s.client429Rate, s.latencyP50Ms, s.latencyP99Ms, s.backendAttemptsPerRequest, s.events]).toEqual(want.numbers);
    expect(s.cost).toEqual(want.cost);
    expect(s.backends.map((b) => [`${b.deployment}@${b.region}`, b.utilization, b.accepted, b.throttled, b.serverErrors])).toEqual(want.backends);
    expect(s.backends.every((b) => b.spilledOut === 0 && b.spilledIn === 0 && b.refused === 0)).toBe(true);
  });
});
