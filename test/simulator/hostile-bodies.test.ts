// The local gateway in front of the dev stack's simulated deployments under hostile bodies: one
// `max_tokens: 1e308` is a 400 that costs nothing (the next 20 ordinary requests succeed), 6,000
// levels of nesting are a 400 (not a stack overflow), a 17 MiB body is a 413 with Azure's error body
// (never a reset), streaming requests get the same limits, and the server keeps answering.
import { request as httpRequest } from "node:http";
import { AzureOpenAI, BadRequestError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { SkewableClock } from "../../simulator/clock";
import { MAX_BODY_BYTES, startGateway, type RunningGateway } from "../../simulator/http/server";
import { MAX_JSON_DEPTH } from "../../simulator/safe-json";
import { loadStackSetup } from "../../simulator/stack";

const KEY = "hostile-test-key";
const PATH = "/openai/deployments/chat/chat/completions?api-version=2024-10-21";
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(clock?: SkewableClock): Promise<RunningGateway> {
  gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), {
    latency: { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 },
    completionTokens: 5,
    subscriptionKeys: [KEY],
    ...(clock ? { clock } : {}),
  });
  return gateway;
}

async function post(g: RunningGateway, body: string | Buffer): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${g.url}${PATH}`, { method: "POST", headers: { "content-type": "application/json", "api-key": KEY }, body });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as unknown };
}

const ordinary = JSON.stringify({ messages: [{ role: "user", content: "hello" }], max_tokens: 5 });

describe("one request with max_tokens: 1e308", () => {
  it("is a 400 from Azure's validation (seen through the openai SDK), and the next 20 ordinary requests succeed", async () => {
    const clock = new SkewableClock();
    const g = await start(clock);
    const ai = new AzureOpenAI({ endpoint: g.url, apiKey: KEY, apiVersion: "2024-10-21", deployment: "chat", maxRetries: 0 });
    const refused = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 1e308 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toBe("400 max_tokens is too large: 1e+308. This model supports at most 32768 completion tokens, whereas you provided 1e+308.");
    expect((refused as BadRequestError).code).toBe("invalid_value");
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      // dev's chat takes 8 requests per 10 s per region (capacity 50 of gpt-4.1-mini): one a second stays under that.
      clock.advance(1000);
      const { response } = await ai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: `q${i}` }], max_tokens: 5 }).withResponse();
      statuses.push(response.status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    expect(g.world!.deployments.reduce((n, d) => n + d.stats.throttled, 0)).toBe(0);
  });
});

describe("hostile bodies", () => {
  it(`6,000 levels of nesting get 400 (limit ${MAX_JSON_DEPTH}), streaming or not; the server keeps answering`, async () => {
    const g = await start();
    for (const stream of [false, true]) {
      const deep = `{"stream":${stream},"messages":[{"role":"user","content":${"[".repeat(6000)}${"]".repeat(6000)}}],"max_tokens":5}`;
      expect(await post(g, deep)).toEqual({
        status: 400,
        body: { error: { code: "json_too_deep", message: `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep; the limit is ${MAX_JSON_DEPTH}.`, param: null, type: "invalid_request_error" } },
      });
    }
    expect((await post(g, ordinary)).status).toBe(200);
    expect(g.stats.internalErrors).toBe(0);
  });

  it("a 17 MiB body gets 413 with Azure's JSON error body, with and without content-length, never a reset; then 200", async () => {
    const g = await start();
    const huge = Buffer.alloc(17 * 1024 * 1024, 0x61);
    const expected = {
      status: 413,
      body: { error: { code: "RequestEntityTooLarge", message: `The request body is ${huge.length} bytes; this gateway accepts at most ${MAX_BODY_BYTES} bytes (16 MiB).` } },
    };
    expect(await post(g, huge)).toEqual(expected);
    // Chunked upload (a streaming client): no content-length, written in 1 MiB pieces.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${g.url}${PATH}`, { method: "POST", headers: { "content-type": "application/json", "api-key": KEY, "transfer-encoding": "chunked" } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      for (let i = 0; i < 17; i++) req.write(huge.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      req.end();
    });
    expect({ status: chunked.status, body: JSON.parse(chunked.body) as unknown }).toEqual(expected);
    expect((await post(g, ordinary)).status).toBe(200);
    expect(g.stats.internalErrors).toBe(0);
  });

  it("a streaming request with a bad max_tokens gets the same 400 as a non-streaming one", async () => {
    const g = await start();
    const streaming = await post(g, JSON.stringify({ stream: true, messages: [{ role: "user", content: "hi" }], max_tokens: 1e308 }));
    expect(streaming).toEqual({
      status: 400,
      body: { error: { code: "invalid_value", message: "max_tokens is too large: 1e+308. This model supports at most 32768 completion tokens, whereas you provided 1e+308.", param: "max_tokens", type: "invalid_request_error" } },
    });
    expect((await post(g, ordinary)).status).toBe(200);
  });
});
