// The emulator's estimate of a streamed answer's completion tokens (APIM estimates streams: text
// characters ÷ 4). Function-call arguments are completion tokens too; found by exploratory QA: a
// streamed function call (chat tool_calls deltas, Responses function_call_arguments deltas) was
// estimated at 0, so token limits and token metrics under-counted tool-using callers.
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { SseTextCounter } from "../../simulator/emulator/stream-usage";
import { startGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";

const sse = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
const counted = (...events: string[]): number => {
  const counter = new SseTextCounter();
  for (const e of events) counter.push(e);
  return counter.completionTokens;
};

describe("SseTextCounter", () => {
  it("counts chat content and tool_calls argument deltas (16 characters: 4 tokens)", () => {
    expect(counted(sse({ choices: [{ index: 0, delta: { content: "abcdefgh" } }] }), sse({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }] }))).toBe(4);
    expect(counted(sse({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] } }] }))).toBe(0);
  });

  it("counts Responses output_text and function_call_arguments deltas, not the done events", () => {
    const event = (type: string, payload: Record<string, unknown>) => `event: ${type}\n${sse({ type, ...payload })}`;
    expect(counted(event("response.function_call_arguments.delta", { delta: "12345" }), event("response.function_call_arguments.done", { arguments: "12345" }), event("response.output_text.delta", { delta: "abc" }))).toBe(2);
  });
});

describe("token metrics of a streamed function call, through the local gateway", () => {
  it("a streamed tool call's metric counts its prompt and its arguments", async () => {
    const g = await startGateway(loadStackSetup("dev", { today: new Date("2026-11-23") }), { latency: { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 }, completionTokens: 8, subscriptionKeys: ["k"] });
    try {
      const v1 = new OpenAI({ baseURL: `${g.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 });
      const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
      const stream = v1.chat.completions.stream({ model: "chat", messages: [{ role: "user", content: "weather?" }], tools, tool_choice: "required" });
      const final = await stream.finalChatCompletion();
      expect(final.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { arguments: '{"city":"simulated"}' } });
      // The prompt "weather?" is 8 characters = 2 tokens; the arguments {"city":"simulated"} are 20
      // characters = 5 tokens. Before the fix the metric said 2 (no completion at all).
      expect(g.emulator.metrics.at(-1)!["Total Tokens"]).toBe("7");
    } finally {
      await g.close();
    }
  });
});
