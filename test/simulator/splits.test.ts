// Blue-green and A/B selection of the real generated policy (gateway design → XML → emulator).
import { describe, expect, it } from "vitest";
import { designGateway, type InventoryEntry } from "../../components/gateway/design";
import { INFERENCE_OPERATIONS } from "../../gateway-policy/operations";
import { abBucket, variantForBucket } from "../../gateway-policy/index";
import { VirtualClock } from "../../simulator/clock";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import { Rng } from "../../simulator/rng";
import { breakerFromConfig } from "../../simulator/stack";
import { buildWorld, type WorldBackend } from "../../simulator/world";
import { parseGatewayConfig } from "../../stacks/config/gateway";
import { armOfTraceMessage } from "../../rollout/metrics/records";
import { designedGateway } from "./designed";
import { chatRequest } from "./support";

const account = (r: string) => `https://t-${r}.openai.azure.com/openai`;
const BACKENDS: WorldBackend[] = [
  { backendId: "chat-eastus2", deployment: "chat", region: "eastus2", model: "gpt-4o", capacity: 1000, tpm: 1_000_000, rpm: 6000, url: `${account("eastus2")}/deployments/chat` },
  { backendId: "chat-next-eastus2", deployment: "chat-next", region: "eastus2", model: "gpt-4o", capacity: 1000, tpm: 1_000_000, rpm: 6000, url: `${account("eastus2")}/deployments/chat-next` },
];
const BREAKER = { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true };

function gatewayFor(route: Record<string, unknown>, namedValueOverrides: Record<string, string> = {}) {
  // Smoke tests may steer (subscription "smoke"); the variant is reported with expose.target.
  const config = parseGatewayConfig({
    sku: "StandardV2", capacity: 1, publisher: { name: "t", email: "t@example.com" }, auth: { subscriptionKeys: true }, circuitBreaker: BREAKER,
    overrides: { subscriptionIds: ["smoke"] }, expose: { target: true }, routes: { chat: route },
  });
  const inventory: InventoryEntry[] = BACKENDS.map((b) => ({ deployment: b.deployment, region: b.region, capacity: b.capacity, tokensPerMinute: b.tpm, sku: "GlobalStandard", embeddings: false, accountOpenAiUrl: account(b.region) }));
  const design = designGateway(config, inventory);
  const clock = new VirtualClock();
  const rng = new Rng(3);
  // The design's Singles: each deployment backend, plus the Responses API's account twin where a pool uses one.
  const backends = design.singles.map((single) => {
    const b = BACKENDS.find((x) => x.deployment === single.deployment && x.region === single.region)!;
    return single.family === "account" ? { ...b, backendId: single.id, url: account(b.region), family: "account" as const } : b;
  });
  const world = buildWorld({ backends, pools: design.pools.map((p) => ({ poolId: p.id, members: p.members.map((m) => ({ backendId: m.backendId, priority: m.priority, weight: m.weight })) })), breaker: breakerFromConfig(BREAKER), clock, rng, latency: { baseMs: 10, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 } });
  const namedValues = new Map([...design.namedValues.map((v) => [v.id, v.value] as [string, string]), ...Object.entries(namedValueOverrides)]);
  const emulator = new PolicyEmulator({ policyXml: design.apiPolicy.xml, backends: world.registry, upstreams: world.directory, namedValues, clock, rng: rng.fork("gw"), apiPath: "openai", region: "eastus2", operations: INFERENCE_OPERATIONS });
  const served = async (subscription: string, headers: Record<string, string> = {}) => {
    const request = chatRequest("chat");
    const p = emulator.handle({ request: { ...request, headers: { ...request.headers, ...headers } }, caller: { subscriptionId: subscription, userId: "", ip: "10.0.0.1" } });
    await clock.run();
    const r = await p;
    expect(r.response.status).toBe(200);
    return { deployment: /\/deployments\/([^/]+)\//.exec(new URL(r.trace.attempts[0]!.url).pathname)![1], headers: r.response.headers };
  };
  /** The `trace` messages the policy logged for one request (deployment path, or v1 with the route in `model`). */
  const traced = async (surface: "deployment" | "v1"): Promise<string[]> => {
    const base = chatRequest("chat");
    const request = surface === "deployment" ? base : { ...base, path: "/openai/v1/chat/completions", query: {}, body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 10 }) };
    const p = emulator.handle({ request, caller: { subscriptionId: "s1", userId: "", ip: "10.0.0.1" } });
    await clock.run();
    const r = await p;
    expect(r.response.status).toBe(200);
    return r.trace.logs.map((log) => log.message);
  };
  return { design, served, traced };
}

describe("the canary's assignment record", () => {
  // Found in review: rollout's Azure query found a route's requests by URL only, so a canary judged
  // from Log Analytics never saw v1-surface traffic (`/openai/v1/...`, the route in the body). The
  // record now names the route, on both surfaces, and the query matches on it (rollout/metrics).
  it("names the arm and the route on both surfaces, and rollout reads the arm from either form", async () => {
    const gateway = gatewayFor({ strategy: "priority", backends: [{ deployment: "chat" }], canary: { deployment: "chat-next", percent: 100 } });
    expect(await gateway.traced("deployment")).toEqual(["aoai-arm=canary aoai-route=chat"]);
    expect(await gateway.traced("v1")).toEqual(["aoai-arm=canary aoai-route=chat"]);
    expect(armOfTraceMessage("aoai-arm=canary aoai-route=chat")).toBe("canary");
    // Records logged before the route was added.
    expect(armOfTraceMessage("aoai-arm=stable")).toBe("stable");
    expect([armOfTraceMessage("aoai-arm=stable aoai-route="), armOfTraceMessage("aoai-arm=canary route=chat"), armOfTraceMessage("something else")]).toEqual([undefined, undefined, undefined]);
  });
});

describe("blue-green and A/B in the generated policy", () => {
  it("serves the active slot from the named value, switches with a one-value update, and reaches the inactive slot by an allowed caller's header", async () => {
    const route = { strategy: "priority", backends: [{ deployment: "chat" }], blueGreen: { blue: "chat", green: "chat-next", active: "blue" } };
    const blue = gatewayFor(route);
    expect(blue.design.namedValues.map((v) => `${v.id}=${v.value}`)).toEqual(["chat-active-slot=blue"]);
    expect((await blue.served("s1")).deployment).toBe("chat");
    expect((await blue.served("smoke", { "x-aoai-slot": "green" })).deployment).toBe("chat-next");
    // Anyone else's slot header is ignored (and counted).
    expect((await blue.served("s1", { "x-aoai-slot": "green" })).deployment).toBe("chat");
    const green = gatewayFor(route, { "chat-active-slot": "green" });
    expect((await green.served("s1")).deployment).toBe("chat-next");
  });

  it("assigns each caller the variant its SHA-256 bucket gives in TypeScript, and reports it in a header", async () => {
    const route = { strategy: "priority", backends: [{ deployment: "chat" }], abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 30 }, b: { deployment: "chat-next", percent: 70 } } } };
    const g = gatewayFor(route);
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 300; i++) {
      const subscription = `sub-${i}`;
      const { deployment, headers } = await g.served(subscription);
      // The policy's caller id is the subscription id when callers use subscription keys.
      const expected = variantForBucket([{ name: "a", percent: 30 }, { name: "b", percent: 70 }], abBucket("prompt-v2", subscription));
      expect(headers["x-aoai-variant"]).toBe(expected);
      expect(deployment).toBe(expected === "a" ? "chat" : "chat-next");
      counts[expected]!++;
    }
    expect(counts.a! + counts.b!).toBe(300);
    expect(counts.a).toBeGreaterThan(60);
    expect(counts.a).toBeLessThan(120);
  });

  it("reports a variant only where there is one: a route without an A/B test sends no x-aoai-variant header", async () => {
    const ab = { strategy: "priority", backends: [{ deployment: "chat" }], abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-next", percent: 50 } } } };
    const g = designedGateway({ auth: { subscriptionKeys: true }, expose: { target: true }, routes: { chat: ab, plain: { strategy: "priority", backends: [{ deployment: "chat" }] } } }, [
      { deployment: "chat", region: "eastus2", capacity: 100 },
      { deployment: "chat-next", region: "eastus2", capacity: 100 },
    ]);
    const plain = await g.call({ subscriptionId: "s1", path: "/openai/deployments/plain/chat/completions" });
    expect(plain.response.status).toBe(200);
    expect(plain.response.headers["x-aoai-route"]).toBe("plain");
    expect(Object.keys(plain.response.headers)).not.toContain("x-aoai-variant");
    const assigned = await g.call({ subscriptionId: "s1" });
    expect(["a", "b"]).toContain(assigned.response.headers["x-aoai-variant"]);
  });
});
