// Answers whose form the request constrains, judged by the openai SDK's own helpers through the
// local gateway: structured outputs (`parse` with json_schema, json_object), function calls
// (complete, streamed as tool_call deltas, and the `runTools` loop), and `tool_choice: "none"`; the
// same on the Responses API (`responses.parse`, function_call items, their streamed argument deltas).
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaInstance } from "../../simulator/azure/structured";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let gateway: SdkGateway["gateway"];
let ai: AzureOpenAI;
let v1: OpenAI;
beforeAll(async () => {
  ({ gateway, v1, azure: ai } = await startDevSdkGateway(12));
});
afterAll(() => gateway.close());

const user = [{ role: "user" as const, content: "What is the weather in Paris?" }];
const weather = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city", "unit"], additionalProperties: false } },
};
const schema = {
  type: "object",
  properties: { city: { type: "string" }, days: { type: "integer" }, tags: { type: "array", items: { $ref: "#/$defs/tag" } }, ok: { type: "boolean" }, note: { anyOf: [{ type: "null" }, { type: "string" }] } },
  required: ["city", "days", "tags", "ok", "note"],
  additionalProperties: false,
  $defs: { tag: { type: "string", enum: ["sunny", "rain"] } },
};

describe("structured outputs", () => {
  it("json_schema: chat.completions.parse gets an instance of the schema", async () => {
    const r = await ai.chat.completions.parse({ model: "chat", messages: user, response_format: { type: "json_schema", json_schema: { name: "forecast", strict: true, schema } } });
    const parsed = r.choices[0]!.message.parsed as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["city", "days", "tags", "ok", "note"]);
    expect(parsed).toMatchObject({ days: 0, tags: ["sunny"], ok: true, note: null });
    expect(parsed.city).toMatch(/^Simulated answer from chat in/);
  });

  it("json_object, streamed: the joined deltas are one JSON document", async () => {
    const stream = ai.chat.completions.stream({ model: "chat", messages: user, response_format: { type: "json_object" } });
    let deltas = 0;
    stream.on("content", () => deltas++);
    const final = await stream.finalChatCompletion();
    expect(deltas).toBe(12);
    expect(Object.keys(JSON.parse(final.choices[0]!.message.content!) as object)).toEqual(["answer"]);
  });

  it("schemaInstance follows $ref, enum, const, anyOf and minItems", () => {
    expect(schemaInstance({ type: "object", properties: { a: { const: 7 }, b: { type: "array", minItems: 2, items: { type: "number", minimum: 3 } } } }, "t")).toEqual({ a: 7, b: [3, 3] });
    expect(schemaInstance({ $ref: "#/$defs/x", $defs: { x: { type: ["string", "null"] } } }, "t")).toBe("t");
  });
});

describe("function calls", () => {
  it("a named tool_choice answers with that call (finish_reason tool_calls, arguments an instance of its parameters)", async () => {
    const r = await ai.chat.completions.create({ model: "chat", messages: user, tools: [weather], tool_choice: { type: "function", function: { name: "get_weather" } } });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_[0-9a-f]{24}$/), type: "function", function: { name: "get_weather", arguments: '{"city":"simulated","unit":"celsius"}' } }]);
  });

  it("streamed: tool_call deltas the SDK's stream helper assembles into the same call", async () => {
    const stream = ai.chat.completions.stream({ model: "chat", messages: user, tools: [weather], tool_choice: "required" });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect((final.choices[0]!.message.tool_calls![0] as { function: unknown }).function).toEqual({ name: "get_weather", arguments: '{"city":"simulated","unit":"celsius"}' });
  });

  it("runTools calls the function once, sends its result back and ends with the model's text", async () => {
    const calls: unknown[] = [];
    const runner = ai.chat.completions.runTools({
      model: "chat",
      messages: user,
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: weather.function.parameters, parse: JSON.parse, function: (args: unknown) => (calls.push(args), "sunny") } }],
    });
    const text = await runner.finalContent();
    expect(calls).toEqual([{ city: "simulated", unit: "celsius" }]);
    expect(text).toMatch(/^Simulated answer from chat in/);
  });

  it("tool_choice none answers in text", async () => {
    const r = await ai.chat.completions.create({ model: "chat", messages: user, tools: [weather], tool_choice: "none" });
    expect(r.choices[0]!.finish_reason).toBe("stop");
    expect(r.choices[0]!.message.content).toMatch(/^Simulated answer from chat in/);
  });
});

// Found by exploratory QA: Responses answers ignored `text.format` and `tools`, so the SDK's
// `responses.parse` threw "invalid structured output JSON" and a function was never called.
describe("Responses API: structured outputs and function calls", () => {
  const format = { type: "json_schema" as const, name: "forecast", strict: true, schema };
  const responseWeather = { type: "function" as const, name: "get_weather", strict: true, parameters: weather.function.parameters };
  const weatherCall = '{"city":"simulated","unit":"celsius"}';

  it("json_schema: responses.parse gets an instance of the schema, and the response echoes the format", async () => {
    const r = await v1.responses.parse({ model: "chat", input: "Forecast for Paris?", text: { format } });
    const parsed = r.output_parsed as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["city", "days", "tags", "ok", "note"]);
    expect(parsed).toMatchObject({ days: 0, tags: ["sunny"], ok: true, note: null });
    expect(r.text?.format).toEqual(format);
  });

  it("json_schema, streamed: one output_text delta per token, and the final response parses", async () => {
    const stream = v1.responses.stream({ model: "chat", input: "Forecast for Paris?", text: { format } });
    let deltas = 0;
    stream.on("response.output_text.delta", () => deltas++);
    const final = await stream.finalResponse();
    expect(deltas).toBe(12);
    expect(final.output_parsed).toMatchObject({ days: 0, tags: ["sunny"], ok: true, note: null });
  });

  it("a named tool_choice answers with one function_call item (arguments an instance of its parameters)", async () => {
    const r = await v1.responses.create({ model: "chat", input: "What is the weather in Paris?", tools: [responseWeather], tool_choice: { type: "function", name: "get_weather" } });
    expect(r.output).toEqual([{ id: expect.stringMatching(/^fc_[0-9a-f]{48}$/), type: "function_call", status: "completed", call_id: expect.stringMatching(/^call_[0-9a-f]{24}$/), name: "get_weather", arguments: weatherCall }]);
    expect(r.output_text).toBe("");
  });

  it("streamed: function_call_arguments deltas the SDK's stream helper assembles into the same call", async () => {
    const stream = v1.responses.stream({ model: "chat", input: "What is the weather in Paris?", tools: [responseWeather], tool_choice: "required" });
    const deltas: string[] = [];
    stream.on("response.function_call_arguments.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.length).toBe(12);
    expect(deltas.join("")).toBe(weatherCall);
    expect(final.output).toEqual([expect.objectContaining({ type: "function_call", name: "get_weather", arguments: weatherCall, parsed_arguments: { city: "simulated", unit: "celsius" } })]);
  });

  it("the function's output sent back with previous_response_id gets the model's text, ending the loop", async () => {
    const first = await v1.responses.create({ model: "chat", input: "What is the weather in Paris?", tools: [responseWeather] });
    const call = first.output[0] as { type: string; call_id: string };
    expect(call.type).toBe("function_call");
    const second = await v1.responses.create({ model: "chat", previous_response_id: first.id, tools: [responseWeather], input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny" }] });
    expect(second.output.map((o) => o.type)).toEqual(["message"]);
    expect(second.output_text).toMatch(/^Simulated answer from chat in/);
  });
});
