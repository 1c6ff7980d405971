// Responses creates and follow-ups on pools that mix deployment names: how the groups are formed and
// ordered, how many attempts they get, and which names a follow-up may use on the owner's account.
import { describe, expect, it } from "vitest";
import { planPools, type PoolDefinition, type RouteSpec } from "../../gateway-policy/index";
import { groupRetryCount, groupWalks, responsesGroups, responsesPools } from "../../gateway-policy/strategies/responses";
import { ownerAlternatives } from "../../gateway-policy/strategies/responses-followup";
import { inventory } from "./support/fixtures";

const summary = (pools: PoolDefinition[]) => pools.map((p) => [p.poolId, p.family, p.members.map((m) => `${m.backendId}@${m.priority}/${m.weight}`)]);

describe("groups of a pool that mixes deployment names", () => {
  it("priority route: one account twin pool per name, best tier first, members keep priority and weight", () => {
    const route: RouteSpec = { name: "chat", strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }] };
    const [stable] = planPools(route, inventory);
    expect(summary(responsesGroups(stable!))).toEqual([
      ["chat-stable-chat-ptu-resp", "account", ["chat-ptu-eastus2-resp@1/67", "chat-ptu-swedencentral-resp@1/33"]],
      ["chat-stable-chat-resp", "account", ["chat-eastus-resp@2/33", "chat-francecentral-resp@2/45", "chat-westus3-resp@2/22"]],
    ]);
    // The pool's 4 retries plus one per group after the first; APIM's ceiling is 50.
    expect(groupRetryCount(route, stable!, 2)).toBe(5);
    expect(groupRetryCount({ ...route, retryCount: 50 }, stable!, 2)).toBe(50);
  });

  it("names that share a tier: larger summed weight in that tier first, then by name", () => {
    const route: RouteSpec = { name: "mix", strategy: "weighted", backends: [{ deployment: "chat", weight: 30 }, { deployment: "chat-eval", weight: 70 }] };
    const [stable] = planPools(route, inventory);
    expect(responsesGroups(stable!).map((g) => g.poolId)).toEqual(["mix-stable-chat-eval-resp", "mix-stable-chat-resp"]);
    const even: RouteSpec = { ...route, backends: [{ deployment: "chat-eval", weight: 50 }, { deployment: "chat", weight: 50 }] };
    expect(responsesGroups(planPools(even, inventory)[0]!).map((g) => g.poolId)).toEqual(["mix-stable-chat-resp", "mix-stable-chat-eval-resp"]);
  });

  it("walks: one when a single name holds the first tier; one per first-tier name, drawn by weight, when names share it", () => {
    const priority: RouteSpec = { name: "chat", strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }] };
    const one = groupWalks(planPools(priority, inventory)[0]!);
    expect(one.weights).toEqual([100]);
    expect(one.walks.map((w) => w.map((g) => g.poolId))).toEqual([["chat-stable-chat-ptu-resp", "chat-stable-chat-resp"]]);
    // chat-eval and chat share tier 1 (70/30); chat-ptu follows in tier 2 on every walk.
    const shared: RouteSpec = { name: "mix", strategy: "priority", backends: [{ deployment: "chat", priority: 1, weight: 30 }, { deployment: "chat-eval", priority: 1, weight: 70 }, { deployment: "chat-ptu", priority: 2 }] };
    const two = groupWalks(planPools(shared, inventory)[0]!);
    expect(two.weights).toEqual([70, 30]);
    expect(two.walks.map((w) => w.map((g) => g.poolId))).toEqual([
      ["mix-stable-chat-eval-resp", "mix-stable-chat-resp", "mix-stable-chat-ptu-resp"],
      ["mix-stable-chat-resp", "mix-stable-chat-eval-resp", "mix-stable-chat-ptu-resp"],
    ]);
  });

  it("single-named pools keep their one twin; mixed pools get groups (and no twin of the whole pool is deployed)", () => {
    const route: RouteSpec = { name: "chat", strategy: "priority", backends: [{ deployment: "chat-ptu" }, { deployment: "chat" }], canary: { deployment: "chat-next", percent: 5 } };
    expect(responsesPools(planPools(route, inventory)).map((p) => p.poolId)).toEqual(["chat-stable-chat-ptu-resp", "chat-stable-chat-resp", "chat-canary-resp"]);
  });
});

describe("names a follow-up may use on the owner's account", () => {
  it("only accounts holding two or more of the pool's names, in the pool's order", () => {
    // chat-ptu (eastus2, swedencentral) then chat-next (eastus2, swedencentral) then chat (eastus, westus3, francecentral).
    const route: RouteSpec = { name: "chat", strategy: "priority", backends: [{ deployment: "chat-ptu" }, { deployment: "chat-next" }, { deployment: "chat" }] };
    expect(ownerAlternatives([{ route, pools: planPools(route, inventory) }], inventory)).toEqual([
      { poolId: "chat-stable", authority: "contoso-eus2.openai.azure.com:443", names: ["chat-ptu", "chat-next"] },
      { poolId: "chat-stable", authority: "contoso-swc.openai.azure.com:443", names: ["chat-ptu", "chat-next"] },
    ]);
    const apart: RouteSpec = { name: "chat", strategy: "priority", backends: [{ deployment: "chat-ptu" }, { deployment: "chat" }] };
    expect(ownerAlternatives([{ route: apart, pools: planPools(apart, inventory) }], inventory)).toEqual([]);
  });
});
