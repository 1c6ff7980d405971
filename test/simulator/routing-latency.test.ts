// routes.<r>.routing.avoidSlow on the deployed policy (designGateway → emulator) in front of simulated
// deployments: a region that answers every request, only 6 s late, trips no breaker; the measured
// response times move it behind its tier peers until a probe sees it answer at its usual speed again.
import { describe, expect, it } from "vitest";
import type { FaultWindow } from "../../simulator/azure/faults";
import { designedGateway, forwardedTo } from "./designed";

const keys = { auth: { subscriptionKeys: true } };
const threeRegions = ["eastus2", "swedencentral", "westus3"].map((region) => ({ deployment: "chat", region, capacity: 100 }));
const route = (routing?: Record<string, unknown>) => ({ strategy: "weighted", backends: [{ deployment: "chat" }], ...(routing ? { routing } : {}) });
/** swedencentral answers 6 s late from 20 s to 200 s. */
const slowSweden: FaultWindow[] = [{ fromMs: 20_000, toMs: 200_000, region: "swedencentral", fault: { kind: "latency", addMs: 6000 } }];

/** One request every 500 ms for 300 s; the regions each was forwarded to, by send time. */
async function run(routing?: Record<string, unknown>): Promise<Array<{ at: number; to: string[]; status: number }>> {
  const g = designedGateway({ ...keys, routes: { chat: route(routing) } }, threeRegions, { faults: slowSweden, seed: 11 });
  const times = Array.from({ length: 600 }, (_, i) => i * 500);
  const results = await g.callAt(times, () => ({ subscriptionId: "a" }));
  return results.map((r, i) => ({ at: times[i] as number, to: forwardedTo(r).map((t) => t.split("@")[1] as string), status: r.response.status }));
}

const share = (rows: Array<{ at: number; to: string[] }>, from: number, to: number, region: string): number => {
  const sent = rows.filter((r) => r.at >= from && r.at < to);
  return sent.filter((r) => r.to.includes(region)).length / sent.length;
};

describe("avoidSlow: a slow-but-alive member is moved behind its peers", () => {
  it("the design has one twin pool per member sharing a tier, with that member alone in the next tier", () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    const twins = g.design.pools.filter((p) => p.id.includes("-avoid-"));
    expect(twins.map((p) => p.id)).toEqual(["chat-stable-avoid-chat-eastus2", "chat-stable-avoid-chat-swedencentral", "chat-stable-avoid-chat-westus3"]);
    const avoidSweden = twins[1]!;
    expect(avoidSweden.members).toEqual([
      // The stable pool's 34/33 split among the remaining peers, rescaled to 100.
      { backendId: "chat-eastus2", priority: 1, weight: 51 },
      { backendId: "chat-westus3", priority: 1, weight: 49 },
      { backendId: "chat-swedencentral", priority: 2, weight: 100 },
    ]);
    // The measurement reads the member's average and its tier's from the cache after a 2xx.
    // One block for every avoiding route: the route's record names the twin pool to use.
    expect(g.design.apiPolicy.xml).toContain('<cache-lookup-value key="@(&quot;aoai-slow|&quot; + context.Variables.GetValueOrDefault&lt;string&gt;(&quot;aoai-route&quot;, &quot;&quot;))" variable-name="aoai-slow" default-value=""/>');
    expect(g.design.apiPolicy.xml).toContain("aoai-lat|member|");
  });

  it("by default: within a second of the first slow answer, the slow region gets only the probes (2%) while it is slow", async () => {
    const rows = await run();
    expect(rows.every((r) => r.status === 200)).toBe(true);
    // Before the fault: an even three-way split.
    expect(share(rows, 0, 20_000, "swedencentral")).toBeGreaterThan(0.2);
    // Its first slow answer (sent at ≥ 20 s) arrives 6.1 s later; from then on only probes reach it.
    const slowPhase = share(rows, 30_000, 200_000, "swedencentral");
    expect(slowPhase).toBeLessThan(0.03);
    expect(share(rows, 30_000, 200_000, "eastus2") + share(rows, 30_000, 200_000, "westus3")).toBeGreaterThan(0.97);
  });

  it("a probe that sees the region answer at its usual speed again ends the avoidance", async () => {
    const rows = await run({ avoidSlow: { probePercent: 20 } });
    // While slow: the 20% probes keep the normal pool, a third of them reach swedencentral.
    const slowPhase = share(rows, 30_000, 200_000, "swedencentral");
    expect(slowPhase).toBeGreaterThan(0.02);
    expect(slowPhase).toBeLessThan(0.12);
    // After 200 s it answers fast again: the first probe to it (within seconds at 20%) clears the record.
    expect(share(rows, 230_000, 300_000, "swedencentral")).toBeGreaterThan(0.2);
  });

  it("enabled: false leaves the pool as it is: the slow region keeps its third of the traffic", async () => {
    const rows = await run({ avoidSlow: { enabled: false } });
    expect(share(rows, 30_000, 200_000, "swedencentral")).toBeGreaterThan(0.25);
    const g = designedGateway({ ...keys, routes: { chat: route({ avoidSlow: { enabled: false } }) } }, threeRegions);
    expect(g.design.pools.map((p) => p.id)).toEqual(["chat-stable", "chat-stable-resp"]);
    expect(g.design.apiPolicy.xml).not.toContain("aoai-slow");
  });

  it("a member alone in its tier (a PTU ahead of pay-as-you-go) is never measured or moved", () => {
    const priority = { strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }] };
    const g = designedGateway({ ...keys, routes: { chat: priority } }, [{ deployment: "chat-ptu", region: "eastus2", capacity: 100 }, ...threeRegions]);
    const twins = g.design.pools.filter((p) => p.id.includes("-avoid-")).map((p) => p.id);
    expect(twins).toEqual(["chat-stable-avoid-chat-eastus2", "chat-stable-avoid-chat-swedencentral", "chat-stable-avoid-chat-westus3"]);
    for (const twin of g.design.pools.filter((p) => p.id.includes("-avoid-"))) expect(twin.members[0]).toEqual({ backendId: "chat-ptu-eastus2", priority: 1, weight: 100 });
  });

  describe("a tier wider than twinsPerTier: twins move runs of members", () => {
    const sixRegions = ["eastus", "eastus2", "swedencentral", "westus", "westus3", "francecentral"].map((region) => ({ deployment: "chat", region, capacity: 100 }));
    const runs = { avoidSlow: { twinsPerTier: 3, probePercent: 20 } };
    async function runSix(routing: Record<string, unknown>): Promise<Array<{ at: number; to: string[]; status: number }>> {
      const g = designedGateway({ ...keys, routes: { chat: route(routing) } }, sixRegions, { faults: slowSweden, seed: 11 });
      const times = Array.from({ length: 600 }, (_, i) => i * 500);
      const results = await g.callAt(times, () => ({ subscriptionId: "a" }));
      return results.map((r, i) => ({ at: times[i] as number, to: forwardedTo(r).map((t) => t.split("@")[1] as string), status: r.response.status }));
    }

    it("six members in runs of two: three twins, each with one run behind the other four", () => {
      const g = designedGateway({ ...keys, routes: { chat: route(runs) } }, sixRegions);
      const twins = g.design.pools.filter((p) => p.id.includes("-avoid-"));
      expect(twins.map((p) => p.id)).toEqual(["chat-stable-avoid-tier1-run1", "chat-stable-avoid-tier1-run2", "chat-stable-avoid-tier1-run3"]);
      // The stable pool lists the members by region name; swedencentral's run-mate is francecentral.
      expect(twins[1]!.members).toEqual([
        { backendId: "chat-eastus", priority: 1, weight: 26 },
        { backendId: "chat-eastus2", priority: 1, weight: 26 },
        { backendId: "chat-westus", priority: 1, weight: 24 },
        { backendId: "chat-westus3", priority: 1, weight: 24 },
        { backendId: "chat-francecentral", priority: 2, weight: 50 },
        { backendId: "chat-swedencentral", priority: 2, weight: 50 },
      ]);
      // Which member was slow is recorded too, so a run-mate's answer is not taken for a probe.
      expect(g.design.apiPolicy.xml).toContain("aoai-slow-member|");
    });

    it("the slow member's run is avoided; its fast run-mate's probe answers do not end it, the slow member's recovery does", async () => {
      const rows = await runSix(runs);
      expect(rows.every((r) => r.status === 200)).toBe(true);
      expect(share(rows, 0, 20_000, "swedencentral")).toBeGreaterThan(0.08);
      // While slow: only the 20% probes keep the normal pool, where each member has a sixth of them
      // (about 3%). Were a run-mate's fast answer taken for the slow member's, each would end the
      // avoidance until the next slow answer: 8% each (measured without the member record).
      expect(share(rows, 30_000, 200_000, "swedencentral")).toBeLessThan(0.05);
      expect(share(rows, 30_000, 200_000, "francecentral")).toBeLessThan(0.05);
      expect(share(rows, 30_000, 200_000, "francecentral")).toBeGreaterThan(0);
      // After 200 s swedencentral answers fast again: its first probe clears the record.
      expect(share(rows, 230_000, 300_000, "swedencentral")).toBeGreaterThan(0.08);
      expect(share(rows, 230_000, 300_000, "francecentral")).toBeGreaterThan(0.08);
    });

    it("with twinsPerTier 6 (a twin per member) the same fleet avoids only the slow member", async () => {
      const rows = await runSix({ avoidSlow: { twinsPerTier: 6, probePercent: 20 } });
      expect(share(rows, 30_000, 200_000, "swedencentral")).toBeLessThan(0.08);
      // francecentral is a peer like any other: about a fifth of the traffic.
      expect(share(rows, 30_000, 200_000, "francecentral")).toBeGreaterThan(0.12);
    });
  });
});
