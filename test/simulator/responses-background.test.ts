// Stored responses over time, judged by the openai SDK through the local gateway. Found by SDK QA:
// `responses.retrieve(id, { stream: true })` yielded 0 events (the simulator answered JSON), and
// `background: true` completed at once, so a caller's polling and cancel were never exercised.
// Learn ("Use the Responses API", background tasks): a background create answers `queued`, the
// caller polls while `queued`/`in_progress`, cancel is idempotent and for background responses only,
// background needs store; a stream can be resumed only when the create had `stream=true`.
import OpenAI, { APIError } from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { lockstep, ManualClock } from "./support";

// 1 s to the first token and 100 ms per token: a 4-token answer is ready 1.4 s after it is asked for.
const SLOW = { baseMs: 1000, perOutputTokenMs: 100, sigma: 0, rejectMs: 1 };
const clock = new ManualClock();
let gateway: RunningGateway;
let pump: { stop(): Promise<number> };
let v1: OpenAI;

beforeAll(async () => {
  gateway = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: SLOW, completionTokens: 4, clock, subscriptionKeys: ["k"] });
  // Virtual time moves whenever someone sleeps on it: latencies pass at once, and a test moves time on by sleeping.
  pump = lockstep(clock, () => true);
  v1 = new OpenAI({ baseURL: `${gateway.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 });
});
afterAll(async () => {
  await pump.stop();
  await gateway.close();
});

const failure = async (p: Promise<unknown>): Promise<{ status: number | undefined; param: unknown; message: string }> => {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(APIError);
  const e = error as APIError;
  return { status: e.status, param: e.param, message: (e.error as { message: string }).message };
};

const collect = async (stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> => {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
};

describe("responses.retrieve with stream: true", () => {
  it("replays the events of a streamed create, the same events in the same order; starting_after skips those seen", async () => {
    const created = await collect(await v1.responses.create({ model: "chat", input: "Stream please", stream: true }));
    expect(created.at(-1)?.type).toBe("response.completed");
    const id = (created[0] as Extract<ResponseStreamEvent, { type: "response.created" }>).response.id;
    const replayed = await collect(await v1.responses.retrieve(id, { stream: true }));
    expect(replayed).toEqual(created);
    const resumed = await collect(await v1.responses.retrieve(id, { stream: true, starting_after: 3 }));
    expect(resumed).toEqual(created.filter((e) => e.sequence_number > 3));
    expect(resumed[0]?.sequence_number).toBe(4);
  });

  it("a response created without stream has no stream to resume: 400 naming stream", async () => {
    const { id } = await v1.responses.create({ model: "chat", input: "Plain" });
    expect(await failure(v1.responses.retrieve(id, { stream: true }))).toEqual({
      status: 400,
      param: "stream",
      message: `Response '${id}' was not created with stream=true, so it cannot be streamed. Retrieve it without stream.`,
    });
  });
});

describe("background responses", () => {
  it("create answers queued; retrieve polls in_progress until the simulated answer time, then completed", async () => {
    const queued = await v1.responses.create({ model: "chat", input: "Take your time", background: true });
    expect({ status: queued.status, background: queued.background, output: queued.output, usage: queued.usage }).toEqual({ status: "queued", background: true, output: [], usage: null });
    const polled = await v1.responses.retrieve(queued.id);
    expect({ status: polled.status, output: polled.output }).toEqual({ status: "in_progress", output: [] });
    await clock.sleep(1500);
    const done = await v1.responses.retrieve(queued.id);
    expect(done.status).toBe("completed");
    expect(done.output_text).not.toBe("");
    expect(done.usage?.output_tokens).toBe(4);
    // Cancelling a finished background response is idempotent: it stays as it is.
    expect((await v1.responses.cancel(queued.id)).status).toBe("completed");
  });

  it("cancel stops a running background response; cancelling again returns it as it stands", async () => {
    const queued = await v1.responses.create({ model: "chat", input: "Never mind", background: true });
    const cancelled = await v1.responses.cancel(queued.id);
    expect({ status: cancelled.status, output: cancelled.output }).toEqual({ status: "cancelled", output: [] });
    await clock.sleep(1500);
    expect((await v1.responses.retrieve(queued.id)).status).toBe("cancelled");
    expect((await v1.responses.cancel(queued.id)).status).toBe("cancelled");
  });

  it("cancel refuses a response created without background; background refuses store: false", async () => {
    const { id } = await v1.responses.create({ model: "chat", input: "Now" });
    expect(await failure(v1.responses.cancel(id))).toEqual({ status: 400, param: null, message: "Only responses created with background=true can be cancelled." });
    expect(await failure(v1.responses.create({ model: "chat", input: "x", background: true, store: false }))).toEqual({ status: 400, param: "background", message: "Background mode requires store=true." });
  });
});
