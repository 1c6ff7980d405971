// Azure's request ids reach the SDK through the gateway: `x-request-id` is what openai-node exposes as
// `request_id` (withResponse) and `requestID` (errors); `apim-request-id` is what Azure's
// troubleshooting asks for. Found by exploratory QA: both were absent, so request_id was null.
import OpenAI, { APIError } from "openai";
import { validate, version } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestIds } from "../../simulator/azure/account";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

/** The UUID version of a lowercase UUID (Azure's form), or what was wrong with it; uuid's own parser judges. */
const uuidVersion = (id: unknown): number | string =>
  typeof id === "string" && validate(id) && id === id.toLowerCase() ? version(id) : `not a lowercase UUID: ${String(id)}`;
let gateway: SdkGateway["gateway"];
let v1: OpenAI;
beforeAll(async () => {
  ({ gateway, v1 } = await startDevSdkGateway(4));
});
afterAll(() => gateway.close());

const hi = [{ role: "user" as const, content: "hi" }];

describe("request ids (openai SDK through the local gateway)", () => {
  it("a success carries x-request-id (the SDK's request_id) and a different apim-request-id; each call its own", async () => {
    const first = await v1.chat.completions.create({ model: "chat", messages: hi }).withResponse();
    const second = await v1.chat.completions.create({ model: "chat", messages: hi }).withResponse();
    expect(uuidVersion(first.request_id)).toBe(4);
    expect(uuidVersion(first.response.headers.get("apim-request-id"))).toBe(4);
    expect(first.response.headers.get("apim-request-id")).not.toBe(first.request_id);
    expect(uuidVersion(second.request_id)).toBe(4);
    expect(second.request_id).not.toBe(first.request_id);
  });

  it("an Azure error keeps its request id (err.requestID)", async () => {
    const error = await v1.chat.completions.create({ model: "chat", messages: hi, temperature: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect(uuidVersion((error as APIError).requestID)).toBe(4);
  });

  it("a streamed Responses create carries one too", async () => {
    const { data: stream, request_id } = await v1.responses.create({ model: "chat", input: "hi", stream: true }).withResponse();
    for await (const event of stream) void event;
    expect(uuidVersion(request_id)).toBe(4);
  });

  it("ids are derived from the account and the count, so simulated runs repeat", () => {
    expect(requestIds("https://a.openai.azure.com", 7)).toEqual(requestIds("https://a.openai.azure.com", 7));
    expect(requestIds("https://a.openai.azure.com", 7).request).not.toBe(requestIds("https://a.openai.azure.com", 8).request);
    expect(requestIds("https://a.openai.azure.com", 7).request).not.toBe(requestIds("https://b.openai.azure.com", 7).request);
  });
});
