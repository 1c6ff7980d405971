// What the gateway answers when it cannot get an answer from Azure, as the generated on-error builds
// it (run by the emulator): transport failures, an exhausted pool, an unreachable owner of a stored
// response, and the Responses API where it is not served. And token counting on a streamed answer.
import { describe, expect, it } from "vitest";
import { designGateway } from "../../components/gateway/design";
import { INFERENCE_OPERATIONS } from "../../gateway-policy/index";
import { UpstreamDirectory } from "../../simulator/azure/account";
import { RealClock, SkewableClock } from "../../simulator/clock";
import { BackendRegistry } from "../../simulator/emulator/backends";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import { Rng } from "../../simulator/rng";
import { parseGatewayConfig } from "../../stacks/config/gateway";
import { readBody, type SimResponse } from "../../simulator/http-types";
import { startGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { designedGateway } from "./designed";

const FAST = { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };
const today = new Date("2026-11-23");

async function call(url: string, path: string, body: unknown): Promise<{ status: number; headers: Headers; json: { error?: { code: unknown; message: string } } & Record<string, unknown> }> {
  const r = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", "api-key": "k" }, body: JSON.stringify(body) });
  return { status: r.status, headers: r.headers, json: (await r.json()) as { error?: { code: unknown; message: string } } };
}

describe("gateway errors in Azure OpenAI's shape", () => {
  it("a route whose every backend refuses connections: 502 naming the route and reason, then 429 until a member reopens", async () => {
    const clock = new SkewableClock();
    const g = await startGateway(loadStackSetup("dev", { today }), { latency: FAST, completionTokens: 3, clock, subscriptionKeys: ["team-a", "k"] });
    try {
      g.takeDown("chat", "eastus2", "refused");
      g.takeDown("chat", "swedencentral", "refused");
      const failed = await call(g.url, "/openai/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "x" }] });
      expect(failed.status).toBe(502);
      expect(failed.json.error?.code).toBe("BackendConnectionFailure");
      expect(failed.json.error?.message).toBe("No backend of route chat answered after the gateway's retries (BackendConnectionFailure).");
      // Both members tripped (for the trip duration, PT1M): the next request meets an exhausted pool.
      const busy = await call(g.url, "/openai/deployments/chat/chat/completions?api-version=2024-10-21", { messages: [{ role: "user", content: "x" }] });
      expect(busy.status).toBe(429);
      expect(busy.json.error?.code).toBe("429");
      const waitMs = Number(busy.headers.get("retry-after-ms"));
      expect(waitMs).toBeGreaterThan(55_000);
      expect(waitMs).toBeLessThanOrEqual(60_000);
      expect(busy.headers.get("retry-after")).toBe(String(Math.ceil(waitMs / 1000)));
      expect(busy.json.error?.message).toBe(`Every backend of route chat that serves this request is busy (throttled or failing); the earliest is free again in ${waitMs} ms. Retry after that.`);
      // When the trip duration has passed, traffic flows again.
      g.bringUp("chat", "eastus2");
      g.bringUp("chat", "swedencentral");
      clock.advance(61_000);
      expect((await call(g.url, "/openai/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "x" }] })).status).toBe(200);
    } finally {
      await g.close();
    }
  });

  it("the exhaustion answer gives the earliest reopening across members, from each 429's Retry-After", async () => {
    const g = await startGateway(loadStackSetup("dev", { today }), { latency: FAST, completionTokens: 3, subscriptionKeys: ["team-a", "k"] });
    try {
      const [east, sweden] = ["eastus2", "swedencentral"].map((r) => g.world!.deployments.find((d) => d.spec.deployment === "chat" && d.spec.region === r)!);
      east!.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "throttle", retryAfterSeconds: 30 } });
      sweden!.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: { kind: "throttle", retryAfterSeconds: 7 } });
      // One request meets both 429s (the breaker trips each for its Retry-After) and passes the last on.
      const throttled = await call(g.url, "/openai/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "x" }] });
      expect(throttled.status).toBe(429);
      const busy = await call(g.url, "/openai/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "x" }] });
      expect(busy.status).toBe(429);
      const waitMs = Number(busy.headers.get("retry-after-ms"));
      // swedencentral reopens first: 7 s after its 429, not eastus2's 30 s.
      expect(waitMs).toBeGreaterThan(6_000);
      expect(waitMs).toBeLessThanOrEqual(7_000);
      expect(busy.headers.get("retry-after")).toBe("7");
    } finally {
      await g.close();
    }
  });

  it("a stored response whose account is down: the error names the response and the reason (no host); nothing is sent elsewhere", async () => {
    const g = await startGateway(loadStackSetup("dev", { today }), { latency: FAST, completionTokens: 3, subscriptionKeys: ["team-a", "k"] });
    try {
      const first = await call(g.url, "/openai/v1/responses", { model: "chat", input: "remember me" });
      expect(first.status).toBe(200);
      const id = first.json.id as string;
      const owner = g.world!.accounts.find((a) => a.responses.get(id, 0))!;
      const other = g.world!.accounts.find((a) => a !== owner)!;
      g.takeDown("chat", owner.region, "refused");
      const before = other.served.inference;
      const follow = await call(g.url, "/openai/v1/responses", { model: "chat", input: "again", previous_response_id: id });
      expect(follow.status).toBe(502);
      // The reason, never the account's host name (the gateway hides backend hosts).
      expect(follow.json.error?.message).toBe(
        `the account that stored response ${id} did not answer (BackendConnectionFailure). A stored response lives only on that account, so the gateway does not send the request elsewhere.`,
      );
      expect(JSON.stringify(follow.json)).not.toContain("openai.azure.com");
      expect(other.served.inference).toBe(before);
    } finally {
      await g.close();
    }
  });

  it("counts a streamed answer's tokens by estimate, as APIM documents, without holding the stream", async () => {
    const g = await startGateway(loadStackSetup("dev", { today }), { latency: FAST, completionTokens: 8, subscriptionKeys: ["team-a", "k"] });
    try {
      const r = await fetch(`${g.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "api-key": "k" },
        body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "x".repeat(40) }], stream: true }),
      });
      expect(r.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const text = await r.text();
      expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
      // The dev stack emits token metrics; the streamed call was counted from its text (8 short tokens ≈ 8).
      const metric = g.emulator.metrics.at(-1)!;
      expect(metric.Route).toBe("chat");
      expect(Number(metric["Total Tokens"])).toBeGreaterThan(10);
    } finally {
      await g.close();
    }
  });
});

describe("the Responses API on the Consumption tier", () => {
  it("is answered 400 with the reason: affinity does not fit the 16 KiB policy", async () => {
    const config = parseGatewayConfig({ sku: "Consumption", capacity: 0, publisher: { name: "t", email: "t@example.com" }, auth: { subscriptionKeys: true }, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } } });
    const design = designGateway(config, [{ deployment: "chat", region: "eastus2", capacity: 10, tokensPerMinute: 10_000, sku: "GlobalStandard", embeddings: false, accountOpenAiUrl: "https://a.openai.azure.com/openai" }]);
    expect(Buffer.byteLength(design.apiPolicy.xml)).toBeLessThanOrEqual(16 * 1024);
    const emulator = new PolicyEmulator({
      policyXml: design.apiPolicy.xml,
      backends: new BackendRegistry(new Map([["chat-eastus2", { type: "Single", url: "https://a.openai.azure.com/openai/deployments/chat" }], ["chat-stable", { type: "Pool", members: [{ id: "chat-eastus2" }] }]]), new Rng(1)),
      upstreams: new UpstreamDirectory(),
      namedValues: new Map(),
      clock: new RealClock(),
      rng: new Rng(1),
      apiPath: "openai",
      region: "local",
      operations: INFERENCE_OPERATIONS,
    });
    const r: SimResponse = (await emulator.handle({ request: { method: "POST", path: "/openai/v1/responses", query: {}, headers: { "content-type": "application/json" }, body: '{"model":"chat","input":"x"}' }, caller: { subscriptionId: "s", userId: "", ip: "1.2.3.4" } })).response;
    expect(r.status).toBe(400);
    expect(JSON.parse(await readBody(r.body))).toEqual({
      error: {
        code: "OperationNotSupported",
        message:
          "This gateway does not serve the Responses API: the Consumption tier's 16 KiB policy limit leaves no room for affinity to stored responses (aoai-fleet:gateway.sku); choose another sku (e.g. BasicV2) to use it",
      },
    });
  });
});

describe("the caller's own token limit and quota", () => {
  const route = { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } };
  const fleet = [{ deployment: "chat", region: "eastus2", capacity: 100 }];
  const bodyOf = async (r: SimResponse) => JSON.parse(await readBody(r.body)) as { error: { code: string; message: string } };

  it("429 in Azure's shape (from on-error) with the limit's Retry-After, also as retry-after-ms", async () => {
    // 400 characters ≈ 100 prompt tokens + 50 completion tokens per call: the third call in the minute is over 300.
    const g = designedGateway({ auth: { subscriptionKeys: true }, limits: { tokensPerMinute: 300 }, routes: route }, fleet);
    const [, , over] = await g.callAt([0, 1000, 2000], () => ({ subscriptionId: "team-a" }));
    expect(over!.response.status).toBe(429);
    const seconds = Number(over!.response.headers["retry-after"]);
    expect(seconds).toBeGreaterThan(0);
    expect(over!.response.headers["retry-after-ms"]).toBe(String(seconds * 1000));
    expect(await bodyOf(over!.response)).toEqual({ error: { code: "429", message: `Token limit of 300 tokens per minute is exceeded for this key. Retry after ${seconds} seconds.` } });
  });

  it("403 in Azure's shape once the quota is spent", async () => {
    const g = designedGateway({ auth: { subscriptionKeys: true }, limits: { tokenQuota: 300, tokenQuotaPeriod: "Daily" }, routes: route }, fleet);
    const [, , over] = await g.callAt([0, 60_000, 120_000], () => ({ subscriptionId: "team-a" }));
    expect(over!.response.status).toBe(403);
    expect(await bodyOf(over!.response)).toEqual({ error: { code: "403", message: "Token quota of 300 tokens per Daily is exceeded for this key." } });
  });
});
