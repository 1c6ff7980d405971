// The Responses API on a route whose pool mixes deployment names — the prod stack's `chat`: PTU
// `chat` (eastus2, eastus) failing over to pay-as-you-go `chat-std` (three regions) — judged by the
// official `openai` SDK (v1 surface, Entra token) against the local gateway running prod's generated
// policy. The body's `model` must name the deployment of the member that serves; the policy walks the
// pool's per-name groups and rewrites `model` per attempt (gateway-policy/strategies/responses-failover.ts).
import OpenAI from "openai";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashBucketOf } from "../../gateway-policy/strategies/hash";
import { entraToken, localIdentity } from "../../simulator/auth/local-identity";
import { RealClock } from "../../simulator/clock";
import type { Fault } from "../../simulator/azure/faults";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";

const FAST = { baseMs: 2, perOutputTokenMs: 0.5, sigma: 0, rejectMs: 1 };
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

// prod's `chat` sends 5% of callers (sticky, by the token's oid) to its chat-mini canary: this caller is
// one of the other 95%, found with the policy's own bucket function.
const CALLER = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`).find((oid) => hashBucketOf(`chat-canary:${oid}`) >= 5)!;

async function prod(clock?: RealClock): Promise<{ g: RunningGateway; client: (maxRetries?: number) => OpenAI }> {
  const g = await startGateway(loadStackSetup("prod", { today: new Date("2026-11-23") }), { latency: FAST, completionTokens: 6, seed: 3, ...(clock ? { clock } : {}) });
  gateway = g;
  // An Entra caller (the stack's tenant and audience, signed by the gateway's local key set): the OpenAI
  // client sends its apiKey as `Authorization: Bearer`, which validate-jwt reads.
  const token = entraToken(localIdentity(), { tenantId: "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18", audience: "api://contoso-ai", objectId: CALLER });
  return { g, client: (maxRetries = 0) => new OpenAI({ baseURL: `${g.url}/openai/v1/`, apiKey: token, maxRetries }) };
}

/** Every PTU member (deployment `chat`) answers 429 with Retry-After 30 s, as a deployment at its limit does. */
function throttle(g: RunningGateway, deployment: string): Fault {
  const fault: Fault = { kind: "throttle", retryAfterSeconds: 30 };
  const targets = g.world!.deployments.filter((d) => d.spec.deployment === deployment);
  expect(targets.length).toBeGreaterThan(0);
  for (const d of targets) d.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault });
  return fault;
}

/** The simulated answer names the deployment and region that produced it (the gateway hides hosts). */
const servedBy = (text: string): { deployment: string; region: string } => {
  const m = /Simulated answer from (\S+) in ([a-z0-9]+)\b/.exec(text);
  expect(m, text).not.toBeNull();
  return { deployment: m![1]!, region: m![2]! };
};

const ownerOf = (g: RunningGateway, id: string) => g.world!.accounts.find((a) => a.responses.get(id, 0) !== undefined);

describe("Responses API on prod's mixed pool (chat → chat-std), openai SDK", () => {
  it("a create is served by the PTU and a two-turn conversation stays on its account", async () => {
    const { g, client } = await prod();
    const first = await client().responses.create({ model: "chat", input: "hello" });
    const by = servedBy(first.output_text);
    expect(by.deployment).toBe("chat");
    expect(["eastus2", "eastus"]).toContain(by.region);
    const owner = ownerOf(g, first.id)!;
    expect(owner.region).toBe(by.region);
    const second = await client().responses.create({ model: "chat", input: "and then?", previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(servedBy(second.output_text)).toEqual(by);
    expect(ownerOf(g, second.id)).toBe(owner);
    // Only PTU deployments saw Responses calls.
    const std = g.world!.deployments.filter((d) => d.spec.deployment === "chat-std");
    expect(std.reduce((s, d) => s + d.stats.accepted, 0)).toBe(0);
    expect(g.stats.internalErrors).toBe(0);
  });

  it("with every PTU member throttled, the create is served by chat-std with model rewritten, and the follow-up reaches that account", async () => {
    const { g, client } = await prod();
    throttle(g, "chat");
    const first = await client().responses.create({ model: "chat", input: "hello" });
    const by = servedBy(first.output_text);
    expect(by.deployment).toBe("chat-std");
    expect(first.model).toBe("gpt-5.4");
    // Both PTU members were tried once (each 429 trips its breaker), then the group was found exhausted.
    const ptu = g.world!.deployments.filter((d) => d.spec.deployment === "chat");
    expect(ptu.map((d) => d.stats.throttled).sort()).toEqual([1, 1]);
    const owner = ownerOf(g, first.id)!;
    expect(owner.region).toBe(by.region);
    const second = await client().responses.create({ model: "chat", input: "and then?", previous_response_id: first.id });
    expect(servedBy(second.output_text)).toEqual(by);
    expect(ownerOf(g, second.id)).toBe(owner);
    expect(owner.responses.get(second.id, 0)?.response.previous_response_id).toBe(first.id);
    // The PTU breakers are open now: the next create goes straight to chat-std without calling the PTU.
    const third = await client().responses.create({ model: "chat", input: "again" });
    expect(servedBy(third.output_text).deployment).toBe("chat-std");
    expect(ptu.map((d) => d.stats.throttled).sort()).toEqual([1, 1]);
    expect(g.stats.internalErrors).toBe(0);
  });

  it.each([
    ["an unstreamed first turn (its id and deployment captured)", false],
    ["a streamed first turn (located by asking the accounts)", true],
  ])("%s on the PTU: when the PTU then throttles, the follow-up continues on chat-std in the same account", async (_name, stream) => {
    const { g, client } = await prod();
    let firstId: string;
    if (!stream) firstId = (await client().responses.create({ model: "chat", input: "hello" })).id;
    else {
      let completed: { id: string } | undefined;
      for await (const event of await client().responses.create({ model: "chat", input: "hello", stream: true })) if (event.type === "response.completed") completed = event.response;
      firstId = completed!.id;
    }
    const owner = ownerOf(g, firstId)!;
    // The PTU lives in eastus2 and eastus, each account also holds chat-std.
    expect(["eastus2", "eastus"]).toContain(owner.region);
    throttle(g, "chat");
    const second = await client().responses.create({ model: "chat", input: "and then?", previous_response_id: firstId });
    expect(servedBy(second.output_text)).toEqual({ deployment: "chat-std", region: owner.region });
    expect(ownerOf(g, second.id)).toBe(owner);
    // One 429 from the owner's PTU, nothing sent to any other account's deployments.
    const ptu = g.world!.deployments.filter((d) => d.spec.deployment === "chat");
    expect(ptu.map((d) => [d.spec.region, d.stats.throttled])).toEqual(expect.arrayContaining([[owner.region, 1]]));
    expect(ptu.reduce((n, d) => n + d.stats.throttled, 0)).toBe(1);
    const others = g.world!.deployments.filter((d) => d.spec.region !== owner.region && d.spec.deployment.startsWith("chat"));
    expect(others.reduce((n, d) => n + d.stats.accepted + d.stats.throttled, 0)).toBe(0);
  });

  it("with the PTU refusing connections in both regions, the create is served by chat-std and the follow-up stays with it", async () => {
    const { g, client } = await prod();
    g.takeDown("chat", "eastus2", "refused");
    g.takeDown("chat", "eastus", "refused");
    const first = await client().responses.create({ model: "chat", input: "hello" });
    expect(servedBy(first.output_text).deployment).toBe("chat-std");
    const second = await client().responses.create({ model: "chat", input: "and then?", previous_response_id: first.id });
    expect(servedBy(second.output_text)).toEqual(servedBy(first.output_text));
    expect(g.stats.internalErrors).toBe(0);
  });

  it("when no member of any group accepts a connection, the SDK gets 502 BackendConnectionFailure naming the route", async () => {
    const { g, client } = await prod();
    for (const d of g.world!.deployments.filter((x) => x.spec.deployment === "chat" || x.spec.deployment === "chat-std")) g.takeDown(d.spec.deployment, d.spec.region, "refused");
    const e = (await client().responses.create({ model: "chat", input: "hello" }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>;
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e.status).toBe(502);
    expect(e.code).toBe("BackendConnectionFailure");
    expect(e.message).toBe("502 No backend of route chat answered after the gateway's retries (BackendConnectionFailure).");
  });

  it("streamed creates keep streaming, on the PTU and on chat-std", async () => {
    const { g, client } = await prod();
    const run = async () => {
      const types: string[] = [];
      let text = "";
      for await (const event of await client().responses.create({ model: "chat", input: "stream please", stream: true })) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") text += event.delta;
      }
      return { types, text };
    };
    const onPtu = await run();
    expect(onPtu.types.length).toBeGreaterThanOrEqual(2);
    expect(onPtu.types[0]).toBe("response.created");
    expect(onPtu.types.at(-1)).toBe("response.completed");
    expect(servedBy(onPtu.text).deployment).toBe("chat");
    throttle(g, "chat");
    const onStd = await run();
    expect(onStd.types.filter((t) => t === "response.output_text.delta")).toHaveLength(6);
    expect(onStd.types.at(-1)).toBe("response.completed");
    expect(servedBy(onStd.text).deployment).toBe("chat-std");
  });

  it("when every member of both groups is throttled for a moment, the create waits within prod's budget (10 s) and is served by the PTU", async () => {
    const clock = new RealClock();
    const { g, client } = await prod(clock);
    // Both names answer 429 with Retry-After 1 s for the next 300 ms, then recover.
    const until = clock.now() + 300;
    const members = g.world!.deployments.filter((d) => d.spec.deployment === "chat" || d.spec.deployment === "chat-std");
    expect(members).toHaveLength(5);
    for (const d of members) d.faults.add({ fromMs: 0, toMs: until, fault: { kind: "throttle", retryAfterSeconds: 1 } });
    const started = clock.now();
    const r = await client().responses.create({ model: "chat", input: "hello" });
    // Each member answered 429 once and tripped; the create then slept until the earliest reopening
    // (whole seconds, so at least 1 s) and walked the groups again from the PTU, which serves it.
    expect(members.map((d) => d.stats.throttled)).toEqual([1, 1, 1, 1, 1]);
    expect(clock.now() - started).toBeGreaterThanOrEqual(1000);
    const by = servedBy(r.output_text);
    expect(by.deployment).toBe("chat");
    expect(ownerOf(g, r.id)?.region).toBe(by.region);
    expect(g.stats.internalErrors).toBe(0);
  });

  it("when every group is exhausted the SDK gets 429 with Retry-After and retry-after-ms in Azure's error shape", async () => {
    const { g, client } = await prod();
    throttle(g, "chat");
    throttle(g, "chat-std");
    const calls = () => g.world!.deployments.filter((d) => d.spec.deployment.startsWith("chat")).reduce((s, d) => s + d.stats.throttled, 0);
    // First create: each of the five members answers Azure's 429 once (and trips); as on the route's own
    // loop, the last member's answer (Azure's 429 with its retry-after) reaches the client.
    const first = (await client().responses.create({ model: "chat", input: "hello" }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(first).toBeInstanceOf(OpenAI.APIError);
    expect(first.status).toBe(429);
    expect(first.headers?.get("retry-after")).toBe("30");
    expect(calls()).toBe(5);
    // Next create: both groups are found tripped without calling a backend; the gateway answers 429 at
    // the earliest moment any member of either group reopens.
    const error = await client().responses.create({ model: "chat", input: "hello" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const e = error as InstanceType<typeof OpenAI.APIError>;
    expect(calls()).toBe(5);
    expect(e.status).toBe(429);
    expect(e.code).toBe("429");
    expect(e.message).toMatch(/^429 Every backend of route chat that serves this request is busy \(throttled or failing\); the earliest is free again in \d+ ms\. Retry after that\.$/);
    const ms = Number(e.headers?.get("retry-after-ms"));
    expect(ms).toBeGreaterThan(25_000);
    expect(ms).toBeLessThanOrEqual(30_000);
    expect(e.headers?.get("retry-after")).toBe(String(Math.ceil(ms / 1000)));
  });
});

describe("Responses API on a weighted route that mixes names (openai SDK)", () => {
  it("splits creates between the names by weight, as the pool splits other calls, and keeps each conversation on its account", async () => {
    const setup = loadStackSetup("mixed", { today: new Date("2026-11-23"), configFile: join(__dirname, "fixtures", "Pulumi.mixed.yaml") });
    const g = await startGateway(setup, { latency: { baseMs: 2, perOutputTokenMs: 0.2, sigma: 0, rejectMs: 1 }, completionTokens: 8, seed: 9, subscriptionKeys: ["k"] });
    gateway = g;
    const client = new OpenAI({ baseURL: `${g.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 });
    const served = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      const first = await client.responses.create({ model: "mixed", input: `conversation ${i}` });
      const by = servedBy(first.output_text);
      served.set(by.deployment, (served.get(by.deployment) ?? 0) + 1);
      if (i % 10 === 0) {
        const next = await client.responses.create({ model: "mixed", input: "and then?", previous_response_id: first.id });
        expect(servedBy(next.output_text).region).toBe(by.region);
      }
    }
    // 50/50 by weight: each name gets its share (binomial, n = 120: 60 ± 5.5; 35 is 4.5 sd below).
    expect([...served.keys()].sort()).toEqual(["chat", "chat-b"]);
    for (const n of served.values()) expect(n).toBeGreaterThan(35);
    expect(g.stats.internalErrors).toBe(0);
  }, 60_000);
});
