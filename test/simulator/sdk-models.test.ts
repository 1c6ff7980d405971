// The models endpoints, judged by the openai SDK through the local gateway. The generated APIM API
// (gateway-policy/operations.ts) has one models operation, `GET /v1/models`, which the policy answers
// with the routes; `GET /v1/models/{model}` (models.retrieve) and the dated `GET /models?api-version=`
// (AzureOpenAI's models.list) match no operation, so APIM answers them itself, before any policy, with
// its own 404 body. SDK QA saw that 404 and asked whether it is right: it is what APIM does, so the
// local gateway must answer exactly the same (and README says these endpoints are not proxied).
import { APIError, NotFoundError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevSdkGateway, type SdkGateway } from "./sdk-gateway";

let sdk: SdkGateway;
beforeAll(async () => {
  sdk = await startDevSdkGateway(2);
});
afterAll(() => sdk.gateway.close());

const apimNotFound = async (p: Promise<unknown>): Promise<unknown> => {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NotFoundError);
  const e = error as APIError;
  return { status: e.status, body: e.error };
};

describe("models endpoints (openai SDK through the local gateway)", () => {
  it("v1 models.list is answered by the gateway: the routes, as OpenAI models", async () => {
    const page = await sdk.v1.models.list();
    expect(page.data).toEqual([
      { id: "chat", object: "model", created: 0, owned_by: "aoai-fleet" },
      { id: "embeddings", object: "model", created: 0, owned_by: "aoai-fleet" },
    ]);
  });

  it("models.retrieve and AzureOpenAI's models.list match no operation: APIM's own 404, as APIM answers it", async () => {
    const apim404 = { status: 404, body: { statusCode: 404, message: "Resource not found" } };
    expect(await apimNotFound(sdk.v1.models.retrieve("chat"))).toEqual(apim404);
    expect(await apimNotFound(sdk.azure.models.list())).toEqual(apim404);
    expect(await apimNotFound(sdk.azure.models.retrieve("chat"))).toEqual(apim404);
  });
});
