// Auth as APIM enforces it, in the local gateway and the emulator: subscription keys checked before
// the policy (401 with APIM's exact bodies; the API's on-error does not see them), and validate-jwt / validate-azure-ad-token verifying
// signatures against the local key set with jose (alg none, issuer, audience, expiry, claims).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AzureOpenAI } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import type { Statement } from "../../gateway-policy/index";
import { createLocalIdentity, entraToken, localIdentity } from "../../simulator/auth/local-identity";
import { unsignedJwt } from "../../simulator/emulator/guards";
import { INVALID_KEY_MESSAGE, MISSING_KEY_MESSAGE } from "../../simulator/emulator/subscription";
import { startGateway, type RunningGateway } from "../../simulator/http/server";
import { loadStackSetup } from "../../simulator/stack";
import { inboundCall, inboundEmulator, TEST_TENANT, testBearer, testValidateJwt } from "./support";

const FAST = { baseMs: 2, perOutputTokenMs: 0, sigma: 0, rejectMs: 1 };
const TODAY = new Date("2026-11-23");
const PROD_TENANT = "5f1c7e2a-9d4b-4c3e-8a61-2b7f0d9e4c18";
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function post(url: string, headers: Record<string, string>, body: unknown = { messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 }): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
}

describe("dev gateway (subscriptionKeys: true): APIM's subscription check before the policy", () => {
  it("401 without a key and with an unknown key, with APIM's exact bodies; the key works in the api-key header or ?api-key=", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: TODAY }), { latency: FAST, completionTokens: 5, subscriptionKeys: ["team-a", "team-b"] });
    expect(await post(gateway.url, {})).toEqual({ status: 401, body: { statusCode: 401, message: MISSING_KEY_MESSAGE } });
    expect(MISSING_KEY_MESSAGE).toBe("Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.");
    expect(await post(gateway.url, { "api-key": "team-c" })).toEqual({ status: 401, body: { statusCode: 401, message: INVALID_KEY_MESSAGE } });
    expect(INVALID_KEY_MESSAGE).toBe("Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.");
    // The component renames APIM's key parameters to api-key; the default header name is not one of them.
    expect((await post(gateway.url, { "ocp-apim-subscription-key": "team-a" })).status).toBe(401);
    expect((await post(gateway.url, { "api-key": "team-b" })).status).toBe(200);
    const byQuery = await fetch(`${gateway.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21&api-key=team-a`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 }),
    });
    expect(byQuery.status).toBe(200);
    // The header wins over the query parameter when both are present (APIM reads the query only without it).
    expect((await fetch(`${gateway.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21&api-key=team-a`, { method: "POST", headers: { "api-key": "nope" }, body: "{}" })).status).toBe(401);
    // The key check came first: nothing reached a simulated deployment for the refused calls.
    expect(gateway.world!.deployments.reduce((n, d) => n + d.stats.accepted, 0)).toBe(2);
  });

  it("the openai SDK with the key works; with a wrong key it gets 401 and APIM's message is not in Azure's error shape", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: TODAY }), { latency: FAST, completionTokens: 5, subscriptionKeys: ["team-a"] });
    const ai = (apiKey: string) => new AzureOpenAI({ endpoint: gateway!.url, apiKey, apiVersion: "2024-10-21", deployment: "chat", maxRetries: 0 });
    const ok = await ai("team-a").chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 });
    expect(ok.choices[0]!.message.content).toMatch(/^Simulated answer from chat in/);
    const refused = await ai("wrong").chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 401 });
    // APIM answers {"statusCode","message"}: the SDK finds no `error` object in it (docs/simulator.md says so).
    expect((refused as { error?: unknown }).error).toEqual({ statusCode: 401, message: INVALID_KEY_MESSAGE });
  });

  it("without keys given, generates one random key", async () => {
    gateway = await startGateway(loadStackSetup("dev", { today: TODAY }), { latency: FAST, completionTokens: 5 });
    expect(gateway.subscriptionKeys).toHaveLength(1);
    expect(gateway.subscriptionKeys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(gateway.localToken).toBeUndefined();
    expect((await post(gateway.url, { "api-key": gateway.subscriptionKeys[0]! })).status).toBe(200);
  });
});

describe("prod gateway (Entra ID): validate-jwt enforced against the local key set", () => {
  const claims = { tenantId: PROD_TENANT, audience: "api://contoso-ai" };
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  it("accepts the gateway's local token; refuses alg none, another key, expiry, wrong audience, wrong issuer, no token", async () => {
    gateway = await startGateway(loadStackSetup("prod", { today: TODAY }), { latency: FAST, completionTokens: 5 });
    const g = gateway;
    expect(g.subscriptionKeys).toEqual([]);
    const token = g.localToken!();
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: "api://contoso-ai", tid: PROD_TENANT, iss: `https://login.microsoftonline.com/${PROD_TENANT}/v2.0` });
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    expect((await post(g.url, bearer(token))).status).toBe(200);

    // validate-jwt failures go to the API's on-error, which answers them in Azure's shape with LastError's message.
    const refused = { status: 401, body: { error: { code: "401", message: expect.any(String) } } };
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, Record<string, string>> = {
      "alg none": bearer(unsignedJwt({ iss: `https://login.microsoftonline.com/${PROD_TENANT}/v2.0`, aud: "api://contoso-ai", tid: PROD_TENANT, oid: "x", exp: now + 3600 })),
      "signed by another key": bearer(entraToken(createLocalIdentity(), claims)),
      expired: bearer(entraToken(localIdentity(), { ...claims, nowSeconds: now - 7200, ttlSeconds: 3600 })),
      "wrong audience": bearer(entraToken(localIdentity(), { ...claims, audience: "api://someone-else" })),
      "wrong tenant (issuer)": bearer(entraToken(localIdentity(), { ...claims, tenantId: "00000000-0000-0000-0000-000000000000" })),
      "tampered payload": bearer(`${token.split(".")[0]}.${Buffer.from(JSON.stringify({ ...payload, oid: "admin" })).toString("base64url")}.${token.split(".")[2]}`),
      "no token": {},
      "not a JWT": bearer("hello"),
      "Basic scheme": { authorization: `Basic ${token}` },
    };
    for (const [name, headers] of Object.entries(cases)) expect(await post(g.url, headers), name).toEqual(refused);
    // Learn: signature failures are "<message from jwt library>. Access denied." (api-management-error-handling-policies).
    expect(((await post(g.url, cases["alg none"]!)).body as { error: { message: string } }).error.message).toBe("Unsigned tokens (alg none) are not accepted. Access denied.");
    expect(((await post(g.url, cases.expired!)).body as { error: { message: string } }).error.message).toMatch(/expired/i);
    expect(g.stats.internalErrors).toBe(0);
  });

  it("the openai SDK with azureADTokenProvider returning the local token gets answers", async () => {
    gateway = await startGateway(loadStackSetup("prod", { today: TODAY }), { latency: FAST, completionTokens: 5 });
    const g = gateway;
    const ai = new AzureOpenAI({ endpoint: g.url, azureADTokenProvider: async () => g.localToken!(), apiVersion: "2024-10-21", deployment: "chat-mini", maxRetries: 0 });
    const r = await ai.chat.completions.create({ model: "chat-mini", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 });
    expect(r.choices).toHaveLength(1);
  });
});

describe("Entra stack with client apps and required claims: the printed local token gets in", () => {
  // A stack that names client apps, roles and scopes: the token `npm run gateway` prints must carry
  // what the stack's own validate-azure-ad-token requires, or every SDK call would get 401.
  it("the local token carries the first client app, required role and required scope, and the openai SDK gets answers with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aoai-auth-"));
    const file = join(dir, "Pulumi.claims.yaml");
    const prod = readFileSync("Pulumi.prod.yaml", "utf8");
    const entra = /^ {6}entra: .*$/m;
    expect(prod).toMatch(entra);
    writeFileSync(
      file,
      prod.replace(
        entra,
        `      entra: { tenantId: "${PROD_TENANT}", audiences: ["api://contoso-ai"], clientApplicationIds: ["aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"], requiredClaims: { roles: [AI.Caller, AI.Admin], scopes: [Chat.Use] } }`,
      ),
    );
    gateway = await startGateway(loadStackSetup("claims", { today: TODAY, configFile: file }), { latency: FAST, completionTokens: 5 });
    const g = gateway;
    const token = g.localToken!();
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: "api://contoso-ai", azp: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", roles: ["AI.Caller"], scp: "Chat.Use" });
    const ai = new AzureOpenAI({ endpoint: g.url, azureADTokenProvider: async () => token, apiVersion: "2024-10-21", maxRetries: 0 });
    const r = await ai.chat.completions.create({ model: "chat-mini", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 5 });
    expect(r.choices).toHaveLength(1);
  });
});

describe("emulator: required claims, client applications, and on-error for the built-in key check", () => {

  it("validate-jwt with required-claims (all / any / separator) survives render → parse and is enforced", async () => {
    const e = inboundEmulator([
      testValidateJwt([
        { name: "roles", match: "any", values: ["Gateway.Invoke", "Gateway.Admin"] },
        { name: "scp", match: "all", separator: " ", values: ["inference"] },
      ]),
    ]);
    // The emulator ran the XML: the claims went through the one renderer and parser.
    expect(e.options.policyXml.replace(/\s+</g, "<")).toContain(
      '<required-claims><claim name="roles" match="any"><value>Gateway.Invoke</value><value>Gateway.Admin</value></claim><claim name="scp" match="all" separator=" "><value>inference</value></claim></required-claims>',
    );
    expect((await inboundCall(e, { authorization: testBearer({ roles: ["Gateway.Invoke"], scp: "read inference" }) })).status).toBe(200);
    expect((await inboundCall(e, { authorization: testBearer({ roles: ["Other"], scp: "inference" }) })).status).toBe(401);
    expect((await inboundCall(e, { authorization: testBearer({ roles: ["Gateway.Admin"], scp: "read" }) })).status).toBe(401);
    expect((await inboundCall(e, { authorization: testBearer({ scp: "inference" }) })).status).toBe(401);
  });

  it("validate-azure-ad-token checks the tenant's issuers, the client application and the signature", async () => {
    const e = inboundEmulator([{ kind: "validate-azure-ad-token", tenantId: TEST_TENANT, clientApplicationIds: ["aaaaaaaa-0000-0000-0000-000000000001"], audiences: ["api://x"] }]);
    expect((await inboundCall(e, { authorization: testBearer({}, "aaaaaaaa-0000-0000-0000-000000000001") })).status).toBe(200);
    expect((await inboundCall(e, { authorization: testBearer({}, "aaaaaaaa-0000-0000-0000-000000000002") })).status).toBe(401);
    expect((await inboundCall(e, { authorization: `Bearer ${unsignedJwt({ iss: `https://login.microsoftonline.com/${TEST_TENANT}/v2.0`, aud: "api://x", azp: "aaaaaaaa-0000-0000-0000-000000000001", exp: 4_102_444_800 })}` })).status).toBe(401);
  });

  it("a refused subscription key skips the API's policy (on-error too): APIM's 401, or the global scope's on-error with LastError.Reason", async () => {
    const tag = (name: string): Statement[] => [
      { kind: "return-response", status: { code: 401 }, headers: [{ kind: "set-header", name, existsAction: "override", values: [{ kind: "context", property: "lastErrorReason" }] }] },
    ];
    const inbound: Statement[] = [{ kind: "set-header", name: "x-inbound-ran", existsAction: "override", values: ["yes"] }];
    // Only the API's on-error: it does not run; the client gets APIM's own body.
    const apiOnly = inboundEmulator(inbound, tag("x-api-on-error"), true);
    const plain = await inboundCall(apiOnly, {});
    expect([plain.status, plain.headers["x-api-on-error"], plain.headers["x-inbound-ran"], JSON.parse(String(plain.body))]).toEqual([401, undefined, undefined, { statusCode: 401, message: MISSING_KEY_MESSAGE }]);
    // A global on-error sees the built-in step's error.
    const e = inboundEmulator(inbound, tag("x-api-on-error"), true, tag("x-last-error"));
    const missing = await inboundCall(e, {});
    expect(missing.status).toBe(401);
    expect(missing.headers["x-last-error"]).toBe("SubscriptionKeyNotFound");
    expect(missing.headers["x-api-on-error"]).toBeUndefined();
    expect(missing.headers["x-inbound-ran"]).toBeUndefined();
    expect((await inboundCall(e, { "api-key": "bad" })).headers["x-last-error"]).toBe("SubscriptionKeyInvalid");
    expect((await inboundCall(e, { "api-key": "k" })).status).toBe(200);
  });
});
