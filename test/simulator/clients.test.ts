// The client surface judged by the official `openai` SDK (Node, v7): AzureOpenAI on the dated surface
// and OpenAI with baseURL …/openai/v1/ on the v1 surface, against the local gateway running the dev
// stack's generated policy on 127.0.0.1 (port 0) in front of simulated deployments.
import OpenAI, { AzureOpenAI } from "openai";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { lockstep, ManualClock } from "./support";

// Short, fixed pacing: 40 ms to the first token, 5 ms per token, no spread.
const PACED = { baseMs: 40, perOutputTokenMs: 10, sigma: 0, rejectMs: 1 };
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: PACED, completionTokens: 12, seed: 11, subscriptionKeys: ["team-a", "k"] });
});
afterAll(async () => {
  await gateway.close();
});

/** AzureOpenAI without a fixed deployment: each call's `model` becomes the path's deployment. */
const azure = (maxRetries = 2) => new AzureOpenAI({ endpoint: gateway.url, apiKey: "team-a", apiVersion: "2024-10-21", maxRetries });
/**
 * OpenAI on the v1 surface. It sends its apiKey as `Authorization: Bearer`; APIM reads a subscription
 * key only from the header (or query) the API names, `api-key` here, so the key goes there too.
 */
const v1 = (options: { maxRetries?: number; fetch?: typeof fetch; key?: string; url?: string } = {}) =>
  new OpenAI({
    baseURL: `${options.url ?? gateway.url}/openai/v1/`,
    apiKey: options.key ?? "team-a",
    defaultHeaders: { "api-key": options.key ?? "team-a" },
    maxRetries: options.maxRetries ?? 2,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

describe("streaming through the gateway (openai SDK)", () => {
  it.each([
    ["AzureOpenAI (deployment path)", "azure"],
    ["OpenAI v1 (model in the body)", "v1"],
  ])("%s: every chunk reaches the client before the next token exists, with usage when asked", async (_name, kind) => {
    // The deployment produces a token only when the clock steps, and the test steps only once the
    // client has the previous token: a gateway that buffered would never finish this stream.
    const clock = new ManualClock();
    const g = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: PACED, completionTokens: 12, seed: 11, clock, subscriptionKeys: ["team-a", "k"] });
    let received = 0;
    const pump = lockstep(clock, (steps) => steps <= received);
    try {
      const client = kind === "azure" ? new AzureOpenAI({ endpoint: g.url, apiKey: "k", apiVersion: "2024-10-21", maxRetries: 0 }) : v1({ url: g.url, maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "Count to twelve" }], stream: true, stream_options: { include_usage: true } });
      let chunks = 0;
      const deltas: string[] = [];
      let usage: unknown;
      for await (const chunk of stream) {
        chunks++;
        for (const choice of chunk.choices) if (choice.delta?.content) deltas.push(choice.delta.content);
        received = deltas.length;
        if (chunk.usage) usage = chunk.usage;
      }
      // Azure's first chunk (prompt filter results, no choices), role, 12 tokens, finish, usage.
      expect(chunks).toBe(16);
      expect(deltas.join("")).toMatch(/^Simulated answer from chat in (eastus2|swedencentral) by gpt-4\.1-mini\./);
      expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 12, total_tokens: 16 });
    } finally {
      // One step for the time to first token, one per later token.
      expect(await pump.stop()).toBe(12);
      await g.close();
    }
  });

  it("a Responses stream yields typed events ending in response.completed", async () => {
    const stream = await v1().responses.create({ model: "chat", input: "Stream please", stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe("response.created");
    expect(types.filter((t) => t === "response.output_text.delta")).toHaveLength(12);
    expect(types.at(-1)).toBe("response.completed");
  });
});

describe("Responses affinity (openai SDK, v1)", () => {
  it("keeps 200 two-turn conversations on the account that stored the first turn while routes split 50/50", async () => {
    // A stack with room for the load: route chat splits 50/50 across two accounts by weight, route
    // chat-ab 50/50 between deployments on different accounts by A/B variant (per caller).
    const setup = loadStackSetup("clients", { today: new Date("2026-11-23"), configFile: join(__dirname, "fixtures", "Pulumi.clients.yaml") });
    const g = await startGateway(setup, { latency: { baseMs: 2, perOutputTokenMs: 0.5, sigma: 0, rejectMs: 1 }, completionTokens: 6, seed: 5, subscriptionKeys: ["team-a", "k", ...Array.from({ length: 200 }, (_, i) => `caller-${i}`)] });
    try {
      const firstOn = new Map<string, number>();
      for (let i = 0; i < 200; i++) {
        const model = i % 4 < 2 ? "chat" : "chat-ab";
        const client = v1({ url: g.url, key: `caller-${i}`, maxRetries: 0 });
        // Every other first turn streams: the policy never reads its id, so the follow-up must locate it.
        let firstId: string;
        if (i % 2 === 0) firstId = (await client.responses.create({ model, input: `conversation ${i}` })).id;
        else {
          let completed: { id: string } | undefined;
          for await (const event of await client.responses.create({ model, input: `conversation ${i}`, stream: true })) if (event.type === "response.completed") completed = event.response;
          firstId = completed!.id;
        }
        const owner = g.world!.accounts.find((a) => a.responses.get(firstId, 0))!;
        const second = await client.responses.create({ model, input: "and then?", previous_response_id: firstId });
        expect(second.previous_response_id).toBe(firstId);
        // The follow-up went to the owner (the simulated accounts answer 400 anywhere else; the answer
        // names the region that served, since the gateway hides backend hosts) ...
        expect(second.output_text).toMatch(new RegExp(` in ${owner.region}\\b`));
        // ... and was stored there too.
        expect(owner.responses.get(second.id, 0)?.response.previous_response_id).toBe(firstId);
        firstOn.set(`${model} ${owner.region}`, (firstOn.get(`${model} ${owner.region}`) ?? 0) + 1);
      }
      // Both routes really split across both accounts.
      expect([...firstOn.keys()].sort()).toEqual(["chat eastus2", "chat swedencentral", "chat-ab eastus2", "chat-ab swedencentral"]);
      for (const n of firstOn.values()) expect(n).toBeGreaterThan(20);
      // The 100 streamed first turns were located by asking the accounts (at most one 404 each on the way).
      const lookups = g.world!.accounts.reduce((s, a) => s + a.served.byId, 0);
      expect(lookups).toBeGreaterThanOrEqual(100);
      expect(lookups).toBeLessThanOrEqual(200);
      expect(g.stats.internalErrors).toBe(0);
    } finally {
      await g.close();
    }
  }, 120_000);

  it("reads, lists and deletes a stored response through the gateway, then answers 404 as Azure does", async () => {
    const client = v1();
    const created = await client.responses.create({ model: "chat", input: "keep me" });
    expect((await client.responses.retrieve(created.id)).id).toBe(created.id);
    const items = await client.responses.inputItems.list(created.id);
    expect(items.data).toHaveLength(1);
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404, message: `404 Response with id '${created.id}' not found.` });
  });

  it("a restarted local gateway knows none of the earlier run's response ids (ids differ per run, created is the wall clock)", async () => {
    const start = () => startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: PACED, completionTokens: 4, seed: 11, subscriptionKeys: ["k"] });
    const first = await start();
    let id: string;
    try {
      const created = await v1({ url: first.url, key: "k", maxRetries: 0 }).responses.create({ model: "chat", input: "remember me" });
      id = created.id;
      expect(Math.abs(created.created_at - Date.now() / 1000)).toBeLessThan(60);
    } finally {
      await first.close();
    }
    // A new run, as after a restart (its clock starts later, however little).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await start();
    try {
      const client = v1({ url: second.url, key: "k", maxRetries: 0 });
      const again = await client.responses.create({ model: "chat", input: "remember me" });
      expect(again.id).not.toBe(id);
      await expect(client.responses.retrieve(id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await second.close();
    }
  });

  it("answers an unknown previous_response_id with Azure's 400 previous_response_not_found", async () => {
    await expect(v1({ maxRetries: 0 }).responses.create({ model: "chat", input: "x", previous_response_id: "resp_0123456789abcdef" })).rejects.toMatchObject({
      status: 400,
      code: "previous_response_not_found",
      param: "previous_response_id",
      message: "400 Previous response with id 'resp_0123456789abcdef' not found.",
    });
  });
});

describe("embeddings (openai SDK)", () => {
  it("returns one vector per input with the model's dimensions, as floats and as base64 (the SDK default)", async () => {
    const inputs = ["alpha", "beta", "gamma"];
    const viaBase64 = await azure().embeddings.create({ model: "embeddings", input: inputs });
    expect(viaBase64.data.map((d) => [d.index, d.embedding.length])).toEqual([[0, 1536], [1, 1536], [2, 1536]]);
    const viaFloat = await v1().embeddings.create({ model: "embeddings", input: inputs, encoding_format: "float" });
    // The SDK decoded base64 float32 to exactly the floats the deployment sends (float32 precision).
    expect(viaBase64.data.map((d) => d.embedding)).toEqual(viaFloat.data.map((d) => d.embedding.map((x) => Math.fround(x))));
    const short = await v1().embeddings.create({ model: "embeddings", input: "alpha", dimensions: 256 });
    expect(short.data[0]!.embedding).toHaveLength(256);
    expect(viaFloat.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });
});

describe("errors the SDK can read (openai SDK)", () => {
  it("a model that names no route: 404 with the routes in the message", async () => {
    await expect(v1({ maxRetries: 0 }).chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 404,
      code: "DeploymentNotFound",
      message: "404 This gateway has no route for the requested deployment. Routes: chat, embeddings",
    });
    await expect(
      new AzureOpenAI({ endpoint: gateway.url, apiKey: "k", apiVersion: "2024-10-21", deployment: "gpt-5", maxRetries: 0 }).chat.completions.create({ model: "gpt-5", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({ status: 404, code: "DeploymentNotFound" });
  });

  it("a pool exhausted for less than the route's wait budget: the gateway waits for the reopening and the SDK gets the answer on its first call", async () => {
    // The 429 + retry-after-ms answer for a pool out longer than the budget: gateway-errors.test.ts.
    const chat = gateway.world!.deployments.filter((d) => d.spec.deployment === "chat");
    // A 429 storm on both regions: the request trips both breakers for the 1-s Retry-After.
    const storm = { kind: "throttle" as const, retryAfterSeconds: 1 };
    for (const d of chat) d.faults.add({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, fault: storm });
    const trips = () => gateway.world!.registry.events.filter((e) => e.kind === "trip").length;
    const before = trips();
    const attempts: Array<{ status: number; at: number }> = [];
    const recording: typeof fetch = async (input, init) => {
      const r = await fetch(input, init);
      attempts.push({ status: r.status, at: performance.now() });
      return r;
    };
    const started = performance.now();
    const pending = v1({ fetch: recording }).chat.completions.create({ model: "chat", messages: [{ role: "user", content: "through the storm" }] });
    // Once both members have tripped the storm ends; the gateway is by then waiting for the reopening.
    for (let i = 0; i < 250 && trips() < before + 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(trips()).toBe(before + 2);
    for (const d of chat) d.faults.remove(storm);
    const answer = await pending;
    expect(answer.choices[0]!.message.content).toMatch(/^Simulated answer/);
    expect(attempts.map((a) => a.status)).toEqual([200]);
    // Answered only after the earliest reopening (1 s after the 429s), by the gateway's own wait.
    expect(attempts[0]!.at - started).toBeGreaterThanOrEqual(1000);
  });

  it("bad input gets Azure's status and error shape, and the gateway keeps serving", async () => {
    const post = (path: string, body: string) => fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "api-key": "k" }, body });
    const cases: Array<[string, string, number, string]> = [
      ["malformed JSON on v1", "{not json", 400, "BadRequest"],
      ["missing model on v1", JSON.stringify({ messages: [{ role: "user", content: "x" }] }), 400, "missing_required_parameter"],
      ["a model naming no route", JSON.stringify({ model: "nope", messages: [] }), 404, "DeploymentNotFound"],
      ["stream not a boolean", JSON.stringify({ model: "chat", messages: [{ role: "user", content: "x" }], stream: "yes" }), 400, "invalid_type"],
      // The gateway's token metric estimates the prompt from any body; Azure then judges its shape.
      ["messages a string", JSON.stringify({ model: "chat", messages: "not a list" }), 400, "invalid_type"],
      ["messages an object", JSON.stringify({ model: "chat", messages: { role: "user", content: "x" } }), 400, "invalid_type"],
      ["a null message", JSON.stringify({ model: "chat", messages: [null] }), 400, "invalid_type"],
    ];
    for (const [name, body, status, code] of cases) {
      const r = await post("/openai/v1/chat/completions", body);
      const parsed = (await r.json()) as { error?: { code?: string; message?: string } };
      expect([name, r.status, parsed.error?.code, typeof parsed.error?.message]).toEqual([name, status, code, "string"]);
    }
    const unknown = await fetch(`${gateway.url}/openai/v1/responses/resp_does_not_exist`, { headers: { "api-key": "k" } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe("Response with id 'resp_does_not_exist' not found.");
    // Still serving.
    expect((await v1().chat.completions.create({ model: "chat", messages: [{ role: "user", content: "still there?" }] })).choices).toHaveLength(1);
    expect(gateway.stats.internalErrors).toBe(0);
  });
});
