// routes.<r>.routing.waitBudgetSeconds on the deployed policy (designGateway → emulator) in front of
// simulated deployments: when every member is out (each breaker open for its Retry-After), the
// request waits for the earliest reopening within the budget instead of being answered 429 at once.
import { describe, expect, it } from "vitest";
import type { FaultWindow } from "../../simulator/azure/faults";
import { designedGateway, forwardedTo } from "./designed";

const keys = { auth: { subscriptionKeys: true } };
const twoRegions = ["eastus2", "swedencentral"].map((region) => ({ deployment: "chat", region, capacity: 100 }));
const route = (routing?: Record<string, unknown>) => ({ strategy: "weighted", backends: [{ deployment: "chat" }], ...(routing ? { routing } : {}) });
/** Both regions answer 429 during the first second: eastus2 with Retry-After 3 s, swedencentral 30 s. */
const throttled: FaultWindow[] = [
  { fromMs: 0, toMs: 1000, region: "eastus2", fault: { kind: "throttle", retryAfterSeconds: 3 } },
  { fromMs: 0, toMs: 1000, region: "swedencentral", fault: { kind: "throttle", retryAfterSeconds: 30 } },
];

async function oneRequest(routing?: Record<string, unknown>) {
  const g = designedGateway({ ...keys, routes: { chat: route(routing) } }, twoRegions, { faults: throttled });
  const r = await g.call({ subscriptionId: "a" });
  return { r, doneAt: g.clock.now(), to: forwardedTo(r) };
}

describe("waitBudgetSeconds: wait for the earliest reopening within a budget", () => {
  it("by default (10 s): both members throttled, the request waits until eastus2 reopens (3 s) and is answered there", async () => {
    const { r, doneAt, to } = await oneRequest();
    expect(r.response.status).toBe(200);
    // Both 429s, then the exhausted pool (no backend reached: four forwards, three sent), then eastus2 after the wait.
    expect(r.trace.forwards).toBe(4);
    expect(to).toHaveLength(3);
    expect(to[2]).toBe("chat@eastus2");
    // Waited whole seconds until eastus2's reopening (its 429 came back at 1 ms, Retry-After 3 s).
    expect(doneAt).toBeGreaterThanOrEqual(3000);
    expect(doneAt).toBeLessThan(4200);
  });

  it("0: no waiting; after one retry the last member's own 429 is passed on at once", async () => {
    const { r, doneAt, to } = await oneRequest({ waitBudgetSeconds: 0 });
    expect(r.response.status).toBe(429);
    expect(to).toHaveLength(2);
    expect(["3", "30"]).toContain(r.response.headers["retry-after"]);
    expect(doneAt).toBeLessThan(1000);
  });

  it("a budget shorter than the earliest reopening (2 s < 3 s) does not wait: Azure's 429 is passed on", async () => {
    const { r, doneAt } = await oneRequest({ waitBudgetSeconds: 2 });
    expect(r.response.status).toBe(429);
    expect(doneAt).toBeLessThan(1000);
  });
});
