// routes.<r>.routing.spill on the deployed policy (designGateway → emulator) in front of simulated
// deployments: once the first tier (the PTU) has been throttled, large prompts go to pay-as-you-go
// first for the hold, short requests keep the PTU; afterwards everything is PTU-first again.
import { describe, expect, it } from "vitest";
import type { FaultWindow } from "../../simulator/azure/faults";
import { designedGateway, forwardedTo } from "./designed";

const keys = { auth: { subscriptionKeys: true } };
const fleet = [
  { deployment: "chat-ptu", region: "eastus2", capacity: 300 },
  { deployment: "chat", region: "eastus2", capacity: 300 },
  { deployment: "chat", region: "swedencentral", capacity: 300 },
];
const route = (routing?: Record<string, unknown>) => ({ strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }], ...(routing ? { routing } : {}) });
/** The PTU answers 429 with Retry-After 2 s during the first second. */
const ptuFull: FaultWindow[] = [{ fromMs: 0, toMs: 1000, deployment: "chat-ptu", fault: { kind: "throttle", retryAfterSeconds: 2 } }];
/** About 5,000 prompt tokens by the service's estimate (characters ÷ 4). */
const large = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(20_000) }], max_tokens: 100 });
const small = JSON.stringify({ messages: [{ role: "user", content: "x".repeat(400) }], max_tokens: 100 });

async function timeline(routing?: Record<string, unknown>) {
  const g = designedGateway({ ...keys, routes: { chat: route(routing) } }, fleet, { faults: ptuFull });
  // 0 s: a short request meets the full PTU (429, its breaker opens for 2 s) and spills.
  // 3.5 s: the PTU reopened about 1.4 s ago (its 429 came back at 0.1 s), within the 10 s hold.
  // 20 s: the hold is over.
  const sends = [
    { at: 0, body: small },
    { at: 3500, body: large },
    { at: 3600, body: small },
    { at: 20_000, body: large },
  ];
  const results = await g.callAt(sends.map((s) => s.at), (i) => ({ subscriptionId: "a", body: sends[i]!.body }));
  return { g, to: results.map((r) => forwardedTo(r)), status: results.map((r) => r.response.status) };
}

describe("spill: PTU-first, large prompts spill first", () => {
  it("the design has the stable pool's twin with the first two tiers swapped", () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, fleet);
    expect(g.design.pools.find((p) => p.id === "chat-stable-spill")?.members).toEqual([
      { backendId: "chat-eastus2", priority: 1, weight: 50 },
      { backendId: "chat-swedencentral", priority: 1, weight: 50 },
      { backendId: "chat-ptu-eastus2", priority: 2, weight: 100 },
    ]);
    // The size test reads the body's length with preserveContent: 4,000 tokens (the default) × 4 characters.
    expect(g.design.apiPolicy.xml).toContain("context.Request.Body?.As&lt;string&gt;(preserveContent: true)?.Length ?? 0) &gt;= 16000");
  });

  it("by default: during the hold after a PTU 429 a large prompt goes straight to pay-as-you-go, a short one to the PTU; after it, PTU first again", async () => {
    const { to, status } = await timeline();
    expect(status).toEqual([200, 200, 200, 200]);
    expect(to[0]![0]).toBe("chat-ptu@eastus2");
    expect(to[0]).toHaveLength(2);
    expect(to[1]).toHaveLength(1);
    expect(to[1]![0]).toMatch(/^chat@(eastus2|swedencentral)$/);
    expect(to[2]).toEqual(["chat-ptu@eastus2"]);
    expect(to[3]).toEqual(["chat-ptu@eastus2"]);
  });

  it("on a gateway that has seen no throttling (no records yet), large prompts take the PTU from its first moment", async () => {
    // The policy reads a missing record as 0 (year 1 in APIM's DateTime ticks): long before any hold.
    const g = designedGateway({ ...keys, routes: { chat: route() } }, fleet);
    const results = await g.callAt([0, 10, 2000], () => ({ subscriptionId: "a", body: large }));
    expect(results.map((r) => forwardedTo(r))).toEqual([["chat-ptu@eastus2"], ["chat-ptu@eastus2"], ["chat-ptu@eastus2"]]);
  });

  it("enabled: false: a large prompt takes the PTU as soon as it reopens", async () => {
    const { to } = await timeline({ spill: { enabled: false } });
    expect(to[1]).toEqual(["chat-ptu@eastus2"]);
  });

  it("largePromptTokens sets what counts as large: at 10,000 tokens the 5,000-token prompt stays on the PTU", async () => {
    const { to } = await timeline({ spill: { largePromptTokens: 10_000 } });
    expect(to[1]).toEqual(["chat-ptu@eastus2"]);
  });

  it("holdSeconds sets how long after the reopening: with 1 s the PTU (reopened 1.4 s before) takes the large prompt", async () => {
    const { to } = await timeline({ spill: { holdSeconds: 1 } });
    expect(to[1]).toEqual(["chat-ptu@eastus2"]);
  });

  it("a spilled request that meets an exhausted pool is told the earliest reopening of the stable pool's members", async () => {
    // Everything answers 429 during the first second: the PTU with Retry-After 2 s, pay-as-you-go 3 s.
    const faults: FaultWindow[] = [
      { fromMs: 0, toMs: 1000, deployment: "chat-ptu", fault: { kind: "throttle", retryAfterSeconds: 2 } },
      { fromMs: 0, toMs: 1000, deployment: "chat", fault: { kind: "throttle", retryAfterSeconds: 3 } },
    ];
    const g = designedGateway({ ...keys, routes: { chat: route({ waitBudgetSeconds: 0 }) } }, fleet, { faults });
    const [first, spilled] = await g.callAt([0, 500], (i) => ({ subscriptionId: "a", body: i === 0 ? small : large }));
    expect(first!.response.status).toBe(429);
    expect(forwardedTo(first!)).toHaveLength(3);
    // The large request takes the spill twin (every member tripped): the answer is the PTU's reopening
    // (its 429 came back at 1 ms: free at ~2,001 ms, 1.5 s after this request), not a trip duration.
    expect(spilled!.response.status).toBe(429);
    expect(forwardedTo(spilled!)).toEqual([]);
    const waitMs = Number(spilled!.response.headers["retry-after-ms"]);
    expect(waitMs).toBeGreaterThan(1400);
    expect(waitMs).toBeLessThanOrEqual(1600);
  });

  it("a route with one tier has no spill pool", () => {
    const g = designedGateway({ ...keys, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } } }, fleet);
    expect(g.design.pools.map((p) => p.id)).not.toContain("chat-stable-spill");
  });
});
