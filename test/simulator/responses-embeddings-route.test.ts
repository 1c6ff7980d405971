// The Responses API on dev's embeddings route, judged by the openai SDK through the local gateway
// (the generated policy under the emulator). An embeddings route has no Responses twins (a route is
// one kind only), so the policy itself answers a Responses create there with Azure's status and code
// for an operation the model cannot run; the chat route's Responses calls are unaffected.
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let gateway: SdkGateway["gateway"];
let v1: OpenAI;
beforeAll(async () => {
  ({ gateway, v1 } = await startDevSdkGateway(4));
});
afterAll(() => gateway.close());

const MESSAGE = 'The responses operation does not work with route "embeddings": it serves embeddings only; send Responses calls to a chat route (chat).';

/** What the SDK raised, as the fields a caller branches on. */
async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; code: string | null | undefined; message: string | undefined }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(APIError);
  const api = error as APIError;
  return { status: api.status, code: api.code, message: (api.error as { message?: string } | undefined)?.message };
}

describe("Responses API on an embeddings route (openai SDK through the local gateway)", () => {
  it("responses.create on the embeddings route is 400 OperationNotSupported naming the route, streamed or not", async () => {
    const expected = { status: 400, code: "OperationNotSupported", message: MESSAGE };
    expect(await refusal(v1.responses.create({ model: "embeddings", input: "hello" }))).toEqual(expected);
    expect(await refusal(v1.responses.create({ model: "embeddings", input: "hello", stream: true }))).toEqual(expected);
  });

  it("a follow-up naming a chat response but the embeddings route is refused the same way", async () => {
    const first = await v1.responses.create({ model: "chat", input: "hello" });
    expect(await refusal(v1.responses.create({ model: "embeddings", input: "and then?", previous_response_id: first.id }))).toEqual({ status: 400, code: "OperationNotSupported", message: MESSAGE });
  });

  it("the embeddings route still answers embeddings, and the chat route's Responses calls and follow-ups still work", async () => {
    const embedded = await v1.embeddings.create({ model: "embeddings", input: ["a", "b"] });
    expect(embedded.data.map((d) => d.index)).toEqual([0, 1]);
    expect(embedded.data[0]!.embedding.length).toBeGreaterThan(0);
    const first = await v1.responses.create({ model: "chat", input: "hello" });
    expect(first.status).toBe("completed");
    expect(first.output_text.length).toBeGreaterThan(0);
    const followUp = await v1.responses.create({ model: "chat", input: "and then?", previous_response_id: first.id });
    expect(followUp.status).toBe("completed");
    expect(followUp.previous_response_id).toBe(first.id);
    expect((await v1.responses.retrieve(followUp.id)).id).toBe(followUp.id);
  });
});
