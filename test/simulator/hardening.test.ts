// Gateway hardening (issue 12), one behaviour per block, each run on the policy `pulumi up` deploys
// (designGateway → emulator with the shadow relay) in front of simulated deployments. Every test fails
// on the previous policy: spoofed overrides were honoured, ?api-key= reached Azure, Entra callers
// shared one bucket, 404s consumed tokens, shadows lost api-version and bypassed breakers, and a slow
// completion tripped its member and was re-sent.
import { describe, expect, it } from "vitest";
import { emulatedManagedIdentityToken } from "../../simulator/emulator/guards";
import { FleetConfigError } from "../../stacks/config/errors";
import { API_APP, designedGateway, forwardedTo, TENANT } from "./designed";

const keys = { auth: { subscriptionKeys: true } };
const entra = (extra: Record<string, unknown> = {}) => ({ auth: { entra: { tenantId: TENANT, audiences: [`api://${API_APP}`], ...extra } } });
const MI = `Bearer ${emulatedManagedIdentityToken("https://cognitiveservices.azure.com")}`;
const weighted = (deployment: string) => ({ strategy: "weighted", backends: [{ deployment }] });
const stable = [{ deployment: "chat", region: "eastus2", capacity: 100 }];

describe("steering overrides", () => {
  const route = { ...weighted("chat"), canary: { deployment: "chat-next", percent: 0 } };
  const fleet = [...stable, { deployment: "chat-next", region: "eastus2", capacity: 100 }];

  it("ignores and counts a spoofed override from a caller who is not allowed; honours an allowed one; never forwards the header", async () => {
    const g = designedGateway({ ...entra(), overrides: { roles: ["AI.Tester"] }, routes: { chat: route } }, fleet);
    const spoofed = await g.call({ claims: { oid: "user-1" }, headers: { "x-aoai-canary": "canary" } });
    expect(spoofed.response.status).toBe(200);
    expect(forwardedTo(spoofed)).toEqual(["chat@eastus2"]);
    expect(g.emulator.customMetrics).toEqual([{ name: "aoai-ignored-override", namespace: "aoai-fleet", value: 1, dimensions: { "API ID": "azure-openai", Route: "chat", Header: "x-aoai-canary" } }]);
    const tester = await g.call({ claims: { oid: "tester-1", roles: ["AI.Reader", "AI.Tester"] }, headers: { "x-aoai-canary": "canary" } });
    expect(forwardedTo(tester)).toEqual(["chat-next@eastus2"]);
    expect(g.emulator.customMetrics).toHaveLength(1);
    for (const request of g.arrived) expect(request.headers).not.toHaveProperty("x-aoai-canary");
  });

  it("are off when no one is allowed: every override is ignored and counted", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route } }, fleet);
    const r = await g.call({ subscriptionId: "anyone", headers: { "x-aoai-canary": "canary", "x-aoai-slot": "green" } });
    expect(forwardedTo(r)).toEqual(["chat@eastus2"]);
    expect(g.emulator.customMetrics.map((m) => m.dimensions.Header)).toEqual(["x-aoai-canary", "x-aoai-slot"]);
  });
});

describe("credentials", () => {
  it("an ?api-key= (and the api-key, subscription-key and Authorization headers) never reaches the upstream, on the primary and the shadow path", async () => {
    const g = designedGateway(
      { ...keys, routes: { chat: { ...weighted("chat"), shadow: { deployment: "chat-eval", percent: 100 } } } },
      [...stable, { deployment: "chat-eval", region: "eastus2", capacity: 100 }],
    );
    const r = await g.call({
      subscriptionId: "team-a",
      query: { "api-version": "2024-10-21", "api-key": "client-secret", "subscription-key": "client-secret" },
      headers: { "api-key": "client-secret", "ocp-apim-subscription-key": "client-secret", authorization: "Bearer client-token" },
    });
    expect(r.response.status).toBe(200);
    const deployments = g.arrived.map((a) => /\/deployments\/([^/]+)\//.exec(a.path)![1]).sort();
    expect(deployments).toEqual(["chat", "chat-eval"]);
    for (const a of g.arrived) {
      expect(a.query).toEqual({ "api-version": "2024-10-21" });
      expect(JSON.stringify(a)).not.toContain("client-secret");
      expect(a.headers.authorization).toBe(MI);
      expect(a.headers).not.toHaveProperty("api-key");
      expect(a.headers).not.toHaveProperty("ocp-apim-subscription-key");
    }
  });
});

describe("token limits", () => {
  // 400 characters ≈ 100 prompt tokens charged on the way in, 50 completion tokens after: 150 per call.
  const limited = (extra: Record<string, unknown> = {}) => designedGateway({ ...entra(), limits: { tokensPerMinute: 300, ...extra }, routes: { chat: weighted("chat") } }, stable);

  it("gives two Entra users separate buckets by default (oid), and an app-only token its own (azp)", async () => {
    const g = limited();
    const claims: Array<Record<string, string>> = [{ oid: "user-a" }, { oid: "user-a" }, { oid: "user-a" }, { oid: "user-b" }, { azp: "0b6e6f4e-3c2d-4a1b-8e9f-1a2b3c4d5e6f" }];
    const rs = await g.callAt([0, 1000, 2000, 3000, 4000], (i) => ({ claims: claims[i]! }));
    expect(rs.map((r) => r.response.status)).toEqual([200, 200, 429, 200, 200]);
    expect(rs[2]!.response.headers["retry-after"]).toBeDefined();
    // Learn: remaining tokens "after each policy execution" = 300 − the 100-token prompt estimate charged in
    // inbound; the 50 completion tokens charged after the response are not in it.
    expect(rs[0]!.response.headers["x-aoai-tokens-remaining"]).toBe("200");
    // Azure's own x-ratelimit-* headers pass through with Azure's meaning.
    expect(rs[0]!.response.headers["x-ratelimit-remaining-tokens"]).toBeDefined();
  });

  it("a request to a route that does not exist gets 404 and consumes nothing", async () => {
    const g = limited();
    const missing = await g.callAt([0, 100, 200, 300, 400], () => ({ claims: { oid: "user-a" }, path: "/openai/deployments/gpt-5/chat/completions" }));
    expect(missing.map((r) => r.response.status)).toEqual([404, 404, 404, 404, 404]);
    const served = await g.callAt([1000, 2000], () => ({ claims: { oid: "user-a" } }));
    expect(served.map((r) => r.response.status)).toEqual([200, 200]);
  });

  it("token-quota per consumer answers 403 once the period's tokens are spent, and frees at the next period", async () => {
    const g = designedGateway({ ...keys, limits: { tokenQuota: 300, tokenQuotaPeriod: "Daily" }, routes: { chat: weighted("chat") } }, stable);
    const rs = await g.callAt([0, 60_000, 120_000, 86_400_000], () => ({ subscriptionId: "team-a" }));
    expect(rs.map((r) => r.response.status)).toEqual([200, 200, 403, 200]);
    // At the second call's policy execution: 300 − 150 (first call) − 100 (its own prompt estimate).
    expect(rs[1]!.response.headers["x-aoai-quota-remaining"]).toBe("50");
  });
});

describe("JWT validation", () => {
  const call = (extra: Record<string, unknown>, claims: Record<string, string | number | string[]>) =>
    designedGateway({ ...entra(extra), routes: { chat: weighted("chat") } }, stable).call({ claims });

  it("accepts the API's client id (v2 tokens) and its api:// URI (v1 tokens) as audience", async () => {
    expect((await call({}, { oid: "u" })).response.status).toBe(200);
    expect((await call({}, { oid: "u", aud: `api://${API_APP}` })).response.status).toBe(200);
    expect((await call({}, { oid: "u", aud: "api://someone-else" })).response.status).toBe(401);
  });

  it("requires one of the configured roles and a listed client app", async () => {
    expect((await call({ requiredClaims: { roles: ["AI.Caller"] } }, { oid: "u" })).response.status).toBe(401);
    expect((await call({ requiredClaims: { roles: ["AI.Caller"] } }, { oid: "u", roles: ["AI.Caller"] })).response.status).toBe(200);
    const app = "0b6e6f4e-3c2d-4a1b-8e9f-1a2b3c4d5e6f";
    expect((await call({ clientApplicationIds: [app] }, { oid: "u", azp: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" })).response.status).toBe(401);
    expect((await call({ clientApplicationIds: [app] }, { oid: "u", azp: app })).response.status).toBe(200);
  });
});

describe("information hiding", () => {
  it("returns no backend host or region by default; region and route/target only when exposed", async () => {
    const hidden = await designedGateway({ ...keys, routes: { chat: weighted("chat") } }, stable).call({ subscriptionId: "a" });
    for (const h of ["x-aoai-backend", "x-ms-region", "x-aoai-route", "x-aoai-target"]) expect(hidden.response.headers, h).not.toHaveProperty(h);
    const shown = await designedGateway({ ...keys, expose: { region: true, target: true }, routes: { chat: weighted("chat") } }, stable).call({ subscriptionId: "a" });
    expect(shown.response.headers).toMatchObject({ "x-ms-region": "eastus2", "x-aoai-route": "chat", "x-aoai-target": "stable" });
    expect(shown.response.headers).not.toHaveProperty("x-aoai-backend");
  });
});

describe("shadow", () => {
  const fleet = [...stable, { deployment: "chat-eval", region: "eastus2", capacity: 100 }, { deployment: "chat-eval", region: "westus3", capacity: 100 }];

  it("copies the effective request: the default api-version is on the shadow URL", async () => {
    const g = designedGateway({ ...keys, routes: { chat: { ...weighted("chat"), shadow: { deployment: "chat-eval", percent: 100 } } } }, fleet);
    await g.call({ subscriptionId: "a", query: {} });
    const shadow = g.arrived.find((a) => a.path.includes("/deployments/chat-eval/"));
    expect(shadow?.path).toBe("/openai/deployments/chat-eval/chat/completions");
    expect(shadow?.query).toEqual({ "api-version": "2024-10-21" });
    expect(shadow?.headers["x-aoai-shadow-of"]).toMatch(/^00000000-0000-4000-8000-/);
    // Shadow tokens are emitted with Target = shadow, from the relay API.
    expect(g.emulator.metrics.map((m) => [m["API ID"], m.Target])).toEqual(expect.arrayContaining([["azure-openai", "stable"], ["openai-shadow", "shadow"]]));
  });

  it("shadow load cannot trip a production member: the shadow's failures trip only its own backends", async () => {
    const faults = [{ fromMs: 0, toMs: 600_000, deployment: "chat-eval", fault: { kind: "throttle" as const, retryAfterSeconds: 60 } }];
    const g = designedGateway({ ...keys, routes: { chat: { ...weighted("chat"), shadow: { deployment: "chat-eval", percent: 100 } } } }, fleet, { faults });
    const rs = await g.callAt([0, 1000, 2000, 3000], () => ({ subscriptionId: "a" }));
    expect(rs.map((r) => r.response.status)).toEqual([200, 200, 200, 200]);
    const trips = g.world.registry.events.filter((e) => e.kind === "trip").map((e) => e.backendId);
    expect(new Set(trips)).toEqual(new Set(["chat-eval-eastus2-shadow", "chat-eval-westus3-shadow"]));
    expect(g.world.registry.isOpen("chat-eastus2", 3500)).toBe(false);
  });

  it("is refused when the shadow deployment also serves the route's production traffic, unless explicitly allowed", () => {
    const route = { ...weighted("chat"), shadow: { deployment: "chat", percent: 5 } };
    expect(() => designedGateway({ ...keys, routes: { chat: route } }, stable)).toThrow(FleetConfigError);
    expect(() => designedGateway({ ...keys, routes: { chat: route } }, stable)).toThrow(/aoai-fleet:gateway\.routes\.chat\.shadow\.deployment: "chat" also serves this route's production traffic \(backends\.0\)/);
    const allowed = designedGateway({ ...keys, routes: { chat: { ...route, shadow: { ...route.shadow, allowProductionDeployment: true } } } }, stable);
    // (chat-eastus2-resp: the Responses API's account twin of the production backend.)
    expect(allowed.design.singles.map((s) => s.id)).toEqual(["chat-eastus2", "chat-eastus2-resp", "chat-eastus2-shadow"]);
  });

  it("skips and counts copies once the route's shadow token budget is spent", async () => {
    const g = designedGateway({ ...keys, routes: { chat: { ...weighted("chat"), shadow: { deployment: "chat-eval", percent: 100, maxTokensPerMinute: 300 } } } }, fleet);
    const rs = await g.callAt([0, 1000, 2000, 3000, 4000], () => ({ subscriptionId: "a" }));
    expect(rs.map((r) => r.response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(g.arrived.filter((a) => a.path.includes("/chat-eval/"))).toHaveLength(2);
    expect(g.emulator.customMetrics.filter((m) => m.name === "aoai-shadow-skipped").map((m) => m.dimensions)).toEqual(Array(3).fill({ "API ID": "openai-shadow", Route: "chat" }));
  });
});

describe("retries and timeouts", () => {
  const twoRegions = [...stable, { deployment: "chat", region: "westus3", capacity: 100 }];

  it("a slow non-streaming completion (200 s) trips nothing and is sent once", async () => {
    const faults = [{ fromMs: 0, toMs: 600_000, fault: { kind: "latency" as const, addMs: 200_000 } }];
    const g = designedGateway({ ...keys, routes: { chat: weighted("chat") } }, twoRegions, { faults });
    const r = await g.call({ subscriptionId: "a" });
    expect(r.response.status).toBe(200);
    expect(r.trace.forwards).toBe(1);
    expect(g.arrived).toHaveLength(1);
    expect(g.world.registry.events).toEqual([]);
  });

  it("a completion past the per-attempt timeout (240 s) is answered 504, not re-sent, and trips nothing", async () => {
    const faults = [{ fromMs: 0, toMs: 600_000, fault: { kind: "latency" as const, addMs: 300_000 } }];
    const g = designedGateway({ ...keys, routes: { chat: weighted("chat") } }, twoRegions, { faults });
    const r = await g.call({ subscriptionId: "a" });
    expect(r.response.status).toBe(504);
    expect(r.trace.attempts.map((a) => a.transportReason)).toEqual(["Timeout"]);
    expect(g.arrived).toHaveLength(1);
    expect(g.world.registry.events).toEqual([]);
  });

  it("retries follow the pool chosen, and a pool whose members have all tripped is not retried", async () => {
    const route = { strategy: "weighted", backends: [{ deployment: "chat" }], canary: { deployment: "chat-next", percent: 100 } };
    const faults = [{ fromMs: 0, toMs: 600_000, fault: { kind: "throttle" as const, retryAfterSeconds: 30 } }];
    const fleet = [...twoRegions, { deployment: "chat", region: "francecentral", capacity: 100 }, { deployment: "chat-next", region: "eastus2", capacity: 100 }];
    const canary = designedGateway({ ...keys, routes: { chat: route } }, fleet, { faults });
    // One canary member: no retry (it tripped on the 429; a retry would only find the pool exhausted),
    // so the caller gets Azure's own 429 with its Retry-After.
    const [first, second] = await canary.callAt([0, 1000], () => ({ subscriptionId: "a" }));
    expect([first!.trace.attempts.length, first!.trace.forwards, first!.response.status, first!.response.headers["retry-after"]]).toEqual([1, 1, 429, "30"]);
    // Exhausted from the start: nothing reaches Azure; on-error answers 429 with the wait until the
    // member's breaker reopens (its Retry-After of 30 s from when that 429 arrived; under a second of
    // it has passed, so 30 when rounded up, and the exact wait in ms). The route waits within a budget
    // (10 s by default), so the exhausted pool is looked at twice: once, then again after reading the
    // reopening time (30 s, past the budget) — the pool's own 503 both times, no backend call.
    const reachedAzure = canary.arrived.length;
    expect([second!.trace.attempts.length, second!.trace.forwards, second!.response.status, second!.response.headers["retry-after"]]).toEqual([0, 2, 429, "30"]);
    expect(reachedAzure).toBe(1);
    expect(Number(second!.response.headers["retry-after-ms"])).toBeGreaterThan(29_000);
    expect(Number(second!.response.headers["retry-after-ms"])).toBeLessThanOrEqual(30_000);
    const stablePool = designedGateway({ ...keys, routes: { chat: weighted("chat") } }, fleet, { faults });
    const s = await stablePool.call({ subscriptionId: "a" });
    // Three stable members: two retries, each on a member not yet tripped.
    expect([s.trace.attempts.length, s.trace.forwards, new Set(forwardedTo(s)).size]).toEqual([3, 3, 3]);
  });
});
