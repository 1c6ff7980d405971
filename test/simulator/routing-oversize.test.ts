// routes.<r>.routing.refuseOversized on the deployed policy (designGateway → emulator) in front of
// simulated deployments: a request whose token estimate no member's tokens per minute can hold would
// trip each member's breaker in turn (429 + Retry-After 60, breaker failures 1, acceptRetryAfter) and
// close the route to every caller; the gateway refuses it instead, forwarding nothing.
import { describe, expect, it } from "vitest";
import { planOversize } from "../../gateway-policy/strategies/oversize";
import type { PoolDefinition, RouteSpec } from "../../gateway-policy/strategies/types";
import { designedGateway, forwardedTo } from "./designed";
import { textOf } from "./support";

const keys = { auth: { subscriptionKeys: true } };
/** Three 10 K TPM deployments. */
const threeRegions = ["eastus2", "swedencentral", "westus3"].map((region) => ({ deployment: "chat", region, capacity: 10 }));
const route = (routing?: Record<string, unknown>) => ({ strategy: "weighted", backends: [{ deployment: "chat" }], ...(routing ? { routing } : {}) });
/** A chat body of about `promptTokens` prompt tokens (4 characters each) with an optional max_tokens. */
const chat = (promptTokens: number, maxTokens?: number) => JSON.stringify({ messages: [{ role: "user", content: "word".repeat(promptTokens) }], ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }) });

describe("refuseOversized: a request no member can admit is answered by the gateway", () => {
  it("answers 429 with x-should-retry: false and the route's limit, forwards nothing, and later callers are served", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    const big = await g.call({ subscriptionId: "a", body: chat(15_000, 100) });
    expect(big.response.status).toBe(429);
    expect(big.response.headers["x-should-retry"]).toBe("false");
    expect(big.response.headers["retry-after"]).toBeUndefined();
    expect(JSON.parse(textOf(big.response))).toEqual({
      error: {
        code: "TokenEstimateExceedsLimit",
        message: `This request's token estimate (${Math.ceil(chat(15_000, 100).length / 4) + 100}: its text characters ÷ 4 plus the output tokens it asks for) is above the 10000 tokens per minute of every backend of route chat, so no backend can ever admit it and retrying cannot help. Shorten the prompt or lower max_tokens.`,
      },
    });
    expect(g.arrived).toHaveLength(0);
    const after = await g.callAt([1000, 2000, 3000], () => ({ subscriptionId: "b" }));
    expect(after.map((r) => r.response.status)).toEqual([200, 200, 200]);
  });

  it("counts max_tokens: a short prompt asking for more output than a minute's tokens is refused, one that fits is served", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    const tooMuch = await g.call({ subscriptionId: "a", body: chat(100, 12_000) });
    expect(tooMuch.response.status).toBe(429);
    const completionTokens = await g.call({ subscriptionId: "a", body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_completion_tokens: 10_001 }) });
    expect(completionTokens.response.status).toBe(429);
    const fits = await g.call({ subscriptionId: "a", body: chat(100, 9_000) });
    expect(fits.response.status).toBe(200);
    expect(forwardedTo(fits)).toHaveLength(1);
  });

  it("counts a \\uXXXX escape as the one character it stands for: the same prompt is judged alike however the client escapes it", async () => {
    // Python's json.dumps and .NET's System.Text.Json escape every non-ASCII character by default
    // (6 characters each); Azure reads the decoded prompt. 8,000 CJK characters: about 2,000 by the
    // estimate either way, 12,000 if each escape counted as 6.
    const raw = JSON.stringify({ messages: [{ role: "user", content: "你好世界".repeat(2_000) }], max_tokens: 100 });
    const escaped = raw.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    expect(escaped.length).toBeGreaterThan(4 * 10_000);
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    for (const body of [raw, escaped]) {
      const r = await g.call({ subscriptionId: "a", body });
      expect(r.response.status).toBe(200);
      expect(forwardedTo(r)).toHaveLength(1);
    }
    // An escaped prompt that is really too large is still refused, with the decoded estimate.
    const tooLarge = JSON.stringify({ messages: [{ role: "user", content: "你".repeat(40_000) }] });
    const tooLargeEscaped = tooLarge.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    const refused = await g.call({ subscriptionId: "a", body: tooLargeEscaped });
    expect(refused.response.status).toBe(429);
    expect(JSON.parse(textOf(refused.response)).error.message).toContain(`token estimate (${Math.ceil(tooLarge.length / 4)}:`);
  });

  it("inline base64 data (an image's data URL, audio input) is not counted as prompt text: a screenshot with a question is forwarded", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    // 60,000 base64 characters: 15,000 "tokens" if read as text, above the 10 K TPM of every member.
    const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(6000).slice(0, 60_000)}`;
    const withImage = JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: "What is on this screen?" }, { type: "image_url", image_url: { url: image } }] }], max_tokens: 100 });
    const r = await g.call({ subscriptionId: "a", body: withImage });
    expect(JSON.parse(textOf(r.response)).error?.code).not.toBe("TokenEstimateExceedsLimit");
    expect(g.arrived).toHaveLength(1);
    const audio = JSON.stringify({ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "UklGRiQAAABXQVZF".repeat(4000), format: "wav" } }] }], max_tokens: 100 });
    const spoken = await g.call({ subscriptionId: "a", body: audio });
    expect(JSON.parse(textOf(spoken.response)).error?.code).not.toBe("TokenEstimateExceedsLimit");
    expect(g.arrived).toHaveLength(2);
    // The same characters as text are refused.
    const asText = await g.call({ subscriptionId: "a", body: chat(15_000, 100) });
    expect(asText.response.status).toBe(429);
  });

  it("a body that is not JSON is still forwarded, so the caller gets Azure's 400, not a policy error", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route() } }, threeRegions);
    const r = await g.call({ subscriptionId: "a", body: '{"messages": [' });
    expect(r.response.status).toBe(400);
    expect(g.arrived).toHaveLength(1);
  });

  it("off (refuseOversized: false): the request reaches every member in turn, each breaker trips, and the route is closed to other callers", async () => {
    const g = designedGateway({ ...keys, routes: { chat: route({ refuseOversized: false }) } }, threeRegions);
    expect(g.design.apiPolicy.xml).not.toContain("aoai-oversize-limit");
    const big = await g.call({ subscriptionId: "a", body: chat(15_000, 100) });
    expect(big.response.status).toBe(429);
    expect(new Set(forwardedTo(big))).toEqual(new Set(["chat@eastus2", "chat@swedencentral", "chat@westus3"]));
    const after = await g.callAt([1000, 2000, 3000], () => ({ subscriptionId: "b" }));
    expect(after.map((r) => r.response.status)).toEqual([429, 429, 429]);
  });

  it("pools with a provisioned member (no per-minute cap) are never refused; the limit is the largest member's", () => {
    const spec = { name: "chat", strategy: "priority", backends: [], routing: { refuseOversized: true } } as unknown as RouteSpec;
    const pool = (poolId: string, ids: string[]): PoolDefinition => ({ poolId, route: "chat", side: "stable", members: ids.map((backendId) => ({ backendId, deployment: "chat", region: "r", priority: 1, weight: 50 })) });
    // A PTU's tokens per minute are its throughput, not a cap on one request; 0 is "no figure".
    const inventory = { backends: [{ backendId: "ptu", tpm: 125_000, provisioned: true }, { backendId: "a", tpm: 30_000 }, { backendId: "b", tpm: 50_000 }, { backendId: "unknown", tpm: 0 }].map((b) => ({ ...b, deployment: "chat", region: "r", capacity: 1, embeddings: false })) };
    expect(planOversize(spec, [pool("with-ptu", ["ptu", "a"]), pool("standard", ["a", "b"]), pool("unknown", ["unknown", "b"])], inventory)).toEqual([{ poolId: "standard", tokensPerMinute: 50_000 }]);
    expect(planOversize({ ...spec, routing: { refuseOversized: false } }, [pool("standard", ["a", "b"])], inventory)).toEqual([]);
  });
});
