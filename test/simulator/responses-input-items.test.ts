// A stored response's input items listed through the gateway with the openai SDK's list parameters
// (order, limit, after) and its auto-pager. Found by exploratory QA: the parameters were ignored, so
// `order: "asc"` listed a conversation newest first and `limit` never paged.
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let gateway: SdkGateway["gateway"];
let v1: OpenAI;
let id: string;
beforeAll(async () => {
  ({ gateway, v1 } = await startDevSdkGateway(4));
  const input = ["one", "two", "three", "four", "five"].map((text, i) => ({ role: i % 2 === 0 ? ("user" as const) : ("assistant" as const), content: text }));
  id = (await v1.responses.create({ model: "chat", input })).id;
});
afterAll(() => gateway.close());

const texts = (items: readonly unknown[]): string[] => items.map((item) => (item as { content: Array<{ text: string }> }).content[0]!.text);

describe("responses.inputItems.list (openai SDK through the local gateway)", () => {
  it("defaults to newest first; order asc lists the conversation as sent", async () => {
    expect(texts((await v1.responses.inputItems.list(id)).data)).toEqual(["five", "four", "three", "two", "one"]);
    expect(texts((await v1.responses.inputItems.list(id, { order: "asc" })).data)).toEqual(["one", "two", "three", "four", "five"]);
  });

  it("limit pages: has_more and last_id, which the SDK's auto-pager follows with after", async () => {
    const page = await v1.responses.inputItems.list(id, { order: "asc", limit: 2 });
    expect(texts(page.data)).toEqual(["one", "two"]);
    expect(page.has_more).toBe(true);
    const seen: string[] = [];
    for await (const item of v1.responses.inputItems.list(id, { order: "asc", limit: 2 })) seen.push(...texts([item]));
    expect(seen).toEqual(["one", "two", "three", "four", "five"]);
  });

  it("bad list parameters answer 400 naming the parameter", async () => {
    const error = await v1.responses.inputItems.list(id, { limit: 101 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect({ status: (error as APIError).status, code: (error as APIError).code, param: (error as APIError).param }).toEqual({ status: 400, code: "integer_above_max_value", param: "limit" });
    const unknownAfter = await v1.responses.inputItems.list(id, { after: "msg_nope" }).catch((e: unknown) => e);
    expect({ status: (unknownAfter as APIError).status, param: (unknownAfter as APIError).param }).toEqual({ status: 400, param: "after" });
  });
});
