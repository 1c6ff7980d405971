// The simulated Azure OpenAI account's client surface: SSE framing and pacing, embeddings, the
// Responses API store, OperationNotSupported and bad input, on a virtual clock.
import { describe, expect, it } from "vitest";
import { SimulatedAccount } from "../../simulator/azure/account";
import { SimulatedDeployment, type SimDeploymentSpec } from "../../simulator/azure/deployment";
import { VirtualClock } from "../../simulator/clock";
import { isChunked, type SimRequest, type SimResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { textOf } from "./support";

const LATENCY = { baseMs: 400, perOutputTokenMs: 10, sigma: 0, rejectMs: 1 };
const base = { capacity: 100, tpmPerUnit: 1000, rpmPerUnit: 6, latency: LATENCY, completionTokens: 5 };

function account(clock: VirtualClock, region = "eastus2"): SimulatedAccount {
  const a = new SimulatedAccount(`https://acct-${region}.openai.azure.com`, region);
  const specs: SimDeploymentSpec[] = [
    { ...base, deployment: "chat", region, model: "gpt-4.1-mini" },
    { ...base, deployment: "embed-small", region, model: "text-embedding-3-small" },
    { ...base, deployment: "embed-large", region, model: "text-embedding-3-large" },
  ];
  for (const s of specs) a.add(new SimulatedDeployment(s, clock, new Rng(7)));
  return a;
}

const post = (path: string, body: unknown, query: Record<string, string> = {}): SimRequest => ({
  method: "POST",
  path,
  query,
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
const get = (path: string, method = "GET"): SimRequest => ({ method, path, query: {}, headers: {}, body: "" });

/** Runs `work` on the virtual clock; returns its result once every event has fired. */
async function on<T>(clock: VirtualClock, work: () => Promise<T>): Promise<T> {
  let out: T | undefined;
  let failure: unknown;
  void work().then((v) => (out = v), (e: unknown) => (failure = e));
  await clock.run();
  if (failure) throw failure;
  return out as T;
}

/** Reads a streamed body on the clock: each chunk with the time it arrived. */
async function chunksOf(clock: VirtualClock, r: SimResponse): Promise<Array<{ at: number; text: string }>> {
  if (!isChunked(r.body)) throw new Error("expected a stream");
  const body = r.body;
  return on(clock, async () => {
    const out: Array<{ at: number; text: string }> = [];
    for await (const text of body) out.push({ at: clock.now(), text });
    return out;
  });
}

const json = (r: SimResponse): Record<string, unknown> => JSON.parse(textOf(r)) as Record<string, unknown>;

describe("simulated account: streaming chat completions", () => {
  it("frames SSE as Azure does and paces tokens after the time to first token", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const r = await on(clock, () =>
      a.send(post("/openai/deployments/chat/chat/completions", { messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } }, { "api-version": "2024-10-21" }), 60_000),
    );
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const started = clock.now();
    expect(started).toBe(400);
    const chunks = await chunksOf(clock, r);
    expect(chunks.every((c) => c.text.endsWith("\n\n") && c.text.startsWith("data: "))).toBe(true);
    const payloads = chunks.map((c) => c.text.slice(6, -2));
    expect(payloads.at(-1)).toBe("[DONE]");
    const parsed = payloads.slice(0, -1).map((p) => JSON.parse(p) as { id: string; choices: Array<{ delta?: { role?: string; content?: string }; finish_reason: string | null }>; usage?: unknown; prompt_filter_results?: unknown });
    expect(parsed[0]).toMatchObject({ id: "", object: "", created: 0, model: "", choices: [], usage: null });
    expect(parsed[0]!.prompt_filter_results).toHaveLength(1);
    expect(parsed[1]!.choices[0]!.delta).toEqual({ role: "assistant", content: "", refusal: null });
    const content = parsed.slice(2, 7).map((p) => p.choices[0]!.delta!.content);
    expect(content.join("")).toBe("Simulated answer from chat in");
    expect(parsed[7]!.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(parsed[8]).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 } });
    // Token i is written at TTFT + i × 10 ms.
    expect(chunks.slice(2, 7).map((c) => c.at)).toEqual([400, 410, 420, 430, 440]);
  });

  it("leaves usage out of the stream unless stream_options.include_usage is set", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const r = await on(clock, () => a.send(post("/openai/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "hi" }], stream: true }), 60_000));
    const texts = (await chunksOf(clock, r)).map((c) => c.text);
    expect(texts.some((t) => t.includes('"usage"'))).toBe(false);
    expect(texts.at(-1)).toBe("data: [DONE]\n\n");
  });
});

describe("simulated account: embeddings", () => {
  it("returns one deterministic unit vector per input with the model's dimensions, as floats or base64 float32", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const send = (deployment: string, body: Record<string, unknown>) => on(clock, () => a.send(post("/openai/v1/embeddings", { model: deployment, ...body }), 60_000));
    const small = json(await send("embed-small", { input: ["alpha", "beta", "alpha"] })) as { data: Array<{ index: number; embedding: number[] }>; usage: unknown };
    expect(small.data.map((d) => [d.index, d.embedding.length])).toEqual([[0, 1536], [1, 1536], [2, 1536]]);
    expect(small.data[0]!.embedding).toEqual(small.data[2]!.embedding);
    expect(small.data[0]!.embedding).not.toEqual(small.data[1]!.embedding);
    expect(Math.hypot(...small.data[1]!.embedding)).toBeCloseTo(1, 5);
    expect(small.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    const large = json(await send("embed-large", { input: "alpha" })) as { data: Array<{ embedding: number[] }> };
    expect(large.data[0]!.embedding).toHaveLength(3072);
    const cut = json(await send("embed-large", { input: "alpha", dimensions: 256 })) as { data: Array<{ embedding: number[] }> };
    expect(cut.data[0]!.embedding).toHaveLength(256);
    const b64 = json(await send("embed-small", { input: "alpha", encoding_format: "base64" })) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(b64.data[0]!.embedding, "base64");
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(small.data[0]!.embedding);
  });

  it("answers 400 OperationNotSupported for chat on an embeddings model and embeddings on a chat model", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const chat = await on(clock, () => a.send(post("/openai/deployments/embed-small/chat/completions", { messages: [{ role: "user", content: "hi" }] }, { "api-version": "2024-10-21" }), 60_000));
    expect(chat.status).toBe(400);
    expect(json(chat)).toEqual({
      error: {
        code: "OperationNotSupported",
        message:
          "The chatCompletion operation does not work with the specified model, text-embedding-3-small. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
      },
    });
    const emb = await on(clock, () => a.send(post("/openai/v1/embeddings", { model: "chat", input: "x" }), 60_000));
    expect(emb.status).toBe(400);
    expect((json(emb).error as { message: string }).message).toMatch(/^The embeddings operation does not work with the specified model, gpt-4\.1-mini\./);
  });
});

describe("simulated account: Responses API", () => {
  it("stores responses on the account, chains previous_response_id, and other accounts do not know them", async () => {
    const clock = new VirtualClock();
    const east = account(clock, "eastus2");
    const sweden = account(clock, "swedencentral");
    const first = json(await on(clock, () => east.send(post("/openai/v1/responses", { model: "chat", input: "hello" }), 60_000))) as { id: string; usage: { input_tokens: number; output_tokens: number } };
    expect(first.id).toMatch(/^resp_[0-9a-f]{48}$/);
    const follow = await on(clock, () => east.send(post("/openai/v1/responses", { model: "chat", input: "again", previous_response_id: first.id }), 60_000));
    expect(follow.status).toBe(200);
    // The earlier turn (input + output) is input of this one.
    expect((json(follow) as { usage: { input_tokens: number } }).usage.input_tokens).toBe(first.usage.input_tokens + first.usage.output_tokens + 2);
    const elsewhere = await on(clock, () => sweden.send(post("/openai/v1/responses", { model: "chat", input: "again", previous_response_id: first.id }), 60_000));
    expect(elsewhere.status).toBe(400);
    expect(json(elsewhere)).toEqual({
      error: { code: "previous_response_not_found", message: `Previous response with id '${first.id}' not found.`, param: "previous_response_id", type: "invalid_request_error" },
    });
    expect((await sweden.send(get(`/openai/v1/responses/${first.id}`), 1000)).status).toBe(404);
    expect(json(await east.send(get(`/openai/v1/responses/${first.id}`), 1000))).toMatchObject({ id: first.id, object: "response", status: "completed" });
    const items = json(await east.send(get(`/openai/v1/responses/${first.id}/input_items`), 1000)) as { data: Array<{ content: unknown }> };
    expect(items.data[0]!.content).toEqual([{ type: "input_text", text: "hello" }]);
    expect(json(await east.send(get(`/openai/v1/responses/${first.id}`, "DELETE"), 1000))).toEqual({ id: first.id, object: "response.deleted", deleted: true });
    const gone = await east.send(get(`/openai/v1/responses/${first.id}`), 1000);
    expect(gone.status).toBe(404);
    expect(json(gone)).toEqual({ error: { code: null, message: `Response with id '${first.id}' not found.`, param: null, type: "invalid_request_error" } });
  });

  it("streams Responses events with increasing sequence numbers and stores the finished response", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const r = await on(clock, () => a.send(post("/openai/v1/responses", { model: "chat", input: "hello", stream: true }), 60_000));
    const events = (await chunksOf(clock, r)).map((c) => /^event: (.+)\ndata: (.+)\n\n$/.exec(c.text)!).map((m) => ({ type: m[1], data: JSON.parse(m[2]!) as { type: string; sequence_number: number; response?: { id: string } } }));
    expect(events.map((e) => e.type)).toEqual([
      "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
      ...Array(5).fill("response.output_text.delta"), "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => e.data.type === e.type)).toBe(true);
    const id = events.at(-1)!.data.response!.id;
    expect((await a.send(get(`/openai/v1/responses/${id}`), 1000)).status).toBe(200);
  });
});

describe("simulated account: bad input", () => {
  it("answers 400 in the error shape for malformed JSON, a non-boolean stream and a v1 call without model", async () => {
    const clock = new VirtualClock();
    const a = account(clock);
    const malformed = await a.send(post("/openai/v1/chat/completions", "{not json"), 1000);
    expect(malformed.status).toBe(400);
    expect((json(malformed).error as { message: string }).message).toMatch(/could not parse the JSON body/);
    const stream = await a.send(post("/openai/v1/chat/completions", { model: "chat", messages: [], stream: "yes" }), 1000);
    expect(json(stream)).toEqual({ error: { code: "invalid_type", message: "Invalid type for 'stream': expected a boolean, but got a string instead.", param: "stream", type: "invalid_request_error" } });
    const noModel = await a.send(post("/openai/v1/chat/completions", { messages: [] }), 1000);
    expect(noModel.status).toBe(400);
    expect((json(noModel).error as { param: string }).param).toBe("model");
    const unknown = await a.send(post("/openai/v1/chat/completions", { model: "nope", messages: [] }), 1000);
    expect(unknown.status).toBe(404);
    expect((json(unknown).error as { code: string }).code).toBe("DeploymentNotFound");
  });

  it("a model that is not text is a 400 type error, not a missing model (found by SDK QA: model 5 read as missing)", async () => {
    const a = account(new VirtualClock());
    const error = (model: unknown, path = "/openai/v1/chat/completions") => a.send(post(path, { model, messages: [{ role: "user", content: "x" }], input: "x" }), 1000).then(json);
    expect(await error(5)).toEqual({ error: { code: "invalid_type", message: "Invalid type for 'model': expected a string, but got an integer instead.", param: "model", type: "invalid_request_error" } });
    expect(((await error(["chat"], "/openai/v1/responses")).error as { message: string }).message).toBe("Invalid type for 'model': expected a string, but got an array instead.");
    expect(((await error(null)).error as { code: string }).code).toBe("missing_required_parameter");
  });
});
