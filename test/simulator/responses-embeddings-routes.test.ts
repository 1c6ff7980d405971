// QA round 9: the embeddings-only refusal on a stack other than dev — two embeddings routes (one a
// priority pool that mixes two embeddings deployment names, the case where a chat route would get
// per-name Responses groups) beside one chat route. Judged by the openai SDK through the local
// gateway: every Responses create on either embeddings route is the policy's own 400
// `OperationNotSupported` naming that route and the chat route; the design gives embeddings
// deployments and pools no `-resp` twins; embeddings and the chat route's Responses calls still work.
import { join } from "node:path";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import type { SimSetup } from "../../simulator/stack";

const FIXTURE = join(__dirname, "fixtures", "Pulumi.two-embeddings.yaml");
let setup: SimSetup;
let gateway: RunningGateway;
let v1: OpenAI;
beforeAll(async () => {
  setup = loadStackSetup("two-embeddings", { configFile: FIXTURE, today: new Date("2026-11-23") });
  gateway = await startGateway(setup, { subscriptionKeys: ["k"], completionTokens: 4 });
  v1 = new OpenAI({ baseURL: `${gateway.url}/openai/v1/`, apiKey: "k", defaultHeaders: { "api-key": "k" }, maxRetries: 0 });
});
afterAll(() => gateway.close());

async function refusal(call: Promise<unknown>): Promise<{ status: number | undefined; code: string | null | undefined; message: string | undefined }> {
  const error = await call.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(APIError);
  const api = error as APIError;
  return { status: api.status, code: api.code, message: (api.error as { message?: string } | undefined)?.message };
}

const message = (route: string) => `The responses operation does not work with route "${route}": it serves embeddings only; send Responses calls to a chat route (talk).`;

describe("two embeddings routes beside one chat route", () => {
  it("the design has Responses twins for the chat deployment and pool only", () => {
    const resp = setup.pools.map((p) => p.poolId).concat(setup.backends.map((b) => b.backendId)).filter((id) => id.endsWith("-resp"));
    expect(resp.sort()).toEqual(["talk-eastus2-resp", "talk-stable-resp", "talk-swedencentral-resp"]);
  });

  it.each(["vec-a", "vec-b"])("responses.create on %s is 400 OperationNotSupported naming it, plain, streamed or background", async (route) => {
    const expected = { status: 400, code: "OperationNotSupported", message: message(route) };
    expect(await refusal(v1.responses.create({ model: route, input: "hi" }))).toEqual(expected);
    expect(await refusal(v1.responses.create({ model: route, input: "hi", stream: true }))).toEqual(expected);
    expect(await refusal(v1.responses.create({ model: route, input: "hi", background: true }))).toEqual(expected);
  });

  it("both embeddings routes answer embeddings and the chat route answers Responses", async () => {
    for (const route of ["vec-a", "vec-b"]) expect((await v1.embeddings.create({ model: route, input: ["a", "b"] })).data.map((d) => d.index)).toEqual([0, 1]);
    const first = await v1.responses.create({ model: "talk", input: "hello" });
    expect(first.status).toBe("completed");
  });
});
