// A request whose `model` is not text, judged by the openai SDKs' error parsing through the local
// gateway. Found by SDK QA: `model: 5` read as the text "5", which names no route, so the gateway
// answered 404 DeploymentNotFound where Azure answers 400 invalid_type. The check is in the
// generated policy (surface.ts), so APIM and the local gateway answer alike.
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let gateway: SdkGateway["gateway"];
let v1: OpenAI;
beforeAll(async () => {
  ({ gateway, v1 } = await startDevSdkGateway(2));
});
afterAll(() => gateway.close());

const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => "answered",
    (e: unknown) => (e instanceof APIError ? { status: e.status, code: e.code, param: e.param, type: e.type, message: e.message } : e),
  );

const TYPE_ERROR = { status: 400, code: "invalid_type", param: "model", type: "invalid_request_error", message: "400 Invalid type for 'model': expected a string naming a route: chat, embeddings." };

describe("model of the wrong type (openai SDK through the local gateway)", () => {
  it("chat completions, Responses and embeddings on the v1 surface answer 400 invalid_type naming model", async () => {
    const notText = 5 as unknown as string;
    expect(await failure(v1.chat.completions.create({ model: notText, messages: [{ role: "user", content: "x" }] }))).toEqual(TYPE_ERROR);
    expect(await failure(v1.responses.create({ model: notText, input: "x" }))).toEqual(TYPE_ERROR);
    expect(await failure(v1.embeddings.create({ model: { name: "embeddings" } as unknown as string, input: "x" }))).toEqual(TYPE_ERROR);
  });

  it("null is still the missing model, and a text model still routes", async () => {
    const missing = (await failure(v1.chat.completions.create({ model: null as unknown as string, messages: [{ role: "user", content: "x" }] }))) as { status: number; code: string };
    expect({ status: missing.status, code: missing.code }).toEqual({ status: 400, code: "missing_required_parameter" });
    expect((await v1.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "x" }] })).choices).toHaveLength(1);
  });
});
