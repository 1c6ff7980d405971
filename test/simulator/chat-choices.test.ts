// A chat call's `n` judged by the openai SDK through the local gateway: n choices, complete and
// streamed (the stream helper assembles each index), usage counting every choice, a function call
// per choice. Found by exploratory QA: `n: 2` was accepted but one choice came back.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let gateway: SdkGateway["gateway"];
let v1: OpenAI;
beforeAll(async () => {
  ({ gateway, v1 } = await startDevSdkGateway(6));
});
afterAll(() => gateway.close());

const hi = [{ role: "user" as const, content: "hi" }];
const weather = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

describe("chat n (openai SDK through the local gateway)", () => {
  it("n: 3 answers three choices, indexed 0-2, and usage counts them all", async () => {
    const one = await v1.chat.completions.create({ model: "chat", messages: hi });
    const three = await v1.chat.completions.create({ model: "chat", messages: hi, n: 3 });
    expect(three.choices.map((c) => [c.index, c.finish_reason])).toEqual([
      [0, "stop"],
      [1, "stop"],
      [2, "stop"],
    ]);
    expect(three.choices[2]!.message.content).toMatch(/^Simulated answer from chat in/);
    expect(one.usage!.completion_tokens).toBe(6);
    expect(three.usage!.completion_tokens).toBe(18);
  });

  it("streamed with n: 2, the stream helper assembles both choices; the usage chunk counts both", async () => {
    const stream = v1.chat.completions.stream({ model: "chat", messages: hi, n: 2, stream_options: { include_usage: true } });
    const final = await stream.finalChatCompletion();
    expect(final.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(final.choices[1]!.message.content).toBe(final.choices[0]!.message.content);
    expect(final.choices[1]!.message.content).toMatch(/^Simulated answer from chat in/);
    expect(final.usage!.completion_tokens).toBe(12);
  });

  it("with a required tool, each choice calls it with its own call id", async () => {
    const r = await v1.chat.completions.create({ model: "chat", messages: hi, n: 2, tools: [weather], tool_choice: "required" });
    const calls = r.choices.map((c) => c.message.tool_calls![0] as { id: string; function: { name: string; arguments: string } });
    expect(calls.map((c) => c.function)).toEqual([
      { name: "get_weather", arguments: '{"city":"simulated"}' },
      { name: "get_weather", arguments: '{"city":"simulated"}' },
    ]);
    expect(calls[0]!.id).not.toBe(calls[1]!.id);
  });
});
