// The emulator against Microsoft Learn's reference pages: each case names the page whose documented
// behaviour it checks (reason names, messages, defaults), so a departure is a failing test here.
import { describe, expect, it } from "vitest";
import { renderPolicy, type PolicyDocument, type Statement } from "../../gateway-policy/index";
import { entraToken, localIdentity } from "../../simulator/auth/local-identity";
import { UpstreamDirectory } from "../../simulator/azure/account";
import { VirtualClock } from "../../simulator/clock";
import { BackendRegistry } from "../../simulator/emulator/backends";
import { PolicyEmulator } from "../../simulator/emulator/emulator";
import { jsonResponse } from "../../simulator/http-types";
import { Rng } from "../../simulator/rng";
import { inboundCall, inboundEmulator, TEST_TENANT, testBearer, testValidateJwt } from "./support";


/** on-error echoes LastError's source, reason and message in headers, so a test reads what the policy would. */
const ECHO_LAST_ERROR: Statement = {
  kind: "return-response",
  status: { code: 401 },
  headers: (
    [
      ["x-source", "lastErrorSource"],
      ["x-reason", "lastErrorReason"],
      ["x-message", "lastErrorMessage"],
    ] as const
  ).map(([name, property]) => ({ kind: "set-header", name, existsAction: "override", values: [{ kind: "context", property }] })),
};

/** An inbound-only emulator whose on-error echoes LastError (support.ts inboundEmulator). */
const emulatorFor = (inbound: Statement[]): PolicyEmulator => inboundEmulator(inbound, [ECHO_LAST_ERROR]);

async function lastError(e: PolicyEmulator, headers: Record<string, string>): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const response = await inboundCall(e, headers);
  return [response.status, response.headers["x-source"], response.headers["x-reason"], response.headers["x-message"]];
}


describe("validate-jwt failures: Learn's 'Predefined errors for policies' (api-management-error-handling-policies)", () => {
  const jwt = testValidateJwt([
    { name: "roles", match: "any", values: ["Gateway.Invoke"] },
    { name: "scp", match: "all", separator: " ", values: ["inference"] },
  ]);

  it("no token: TokenNotPresent, 'JWT not present.'", async () => {
    expect(await lastError(emulatorFor([jwt]), {})).toEqual([401, "validate-jwt", "TokenNotPresent", "JWT not present."]);
  });

  it("required claims missing: TokenClaimNotFound naming every missing claim, then 'Access denied.'", async () => {
    expect(await lastError(emulatorFor([jwt]), { authorization: testBearer({}) })).toEqual([
      401,
      "validate-jwt",
      "TokenClaimNotFound",
      "JWT is missing the following claims: roles, scp. Access denied.",
    ]);
  });

  it("a claim value not allowed: TokenClaimValueNotAllowed, 'Claim <name> value of <value> is not allowed. Access denied.'", async () => {
    expect(await lastError(emulatorFor([jwt]), { authorization: testBearer({ roles: ["Other"], scp: "inference" }) })).toEqual([
      401,
      "validate-jwt",
      "TokenClaimValueNotAllowed",
      "Claim roles value of Other is not allowed. Access denied.",
    ]);
  });

  it("a wrong audience: TokenAudienceNotAllowed with the library's message and APIM's 'Access denied.'", async () => {
    const token = `Bearer ${entraToken(localIdentity(), { tenantId: TEST_TENANT, audience: "api://other", claims: { roles: ["Gateway.Invoke"], scp: "inference" } })}`;
    expect(await lastError(emulatorFor([jwt]), { authorization: token })).toEqual([401, "validate-jwt", "TokenAudienceNotAllowed", "Token audience is not allowed. Access denied."]);
  });

  it("validate-azure-ad-token: an application not listed is a claim value not allowed, in the same message form", async () => {
    const e = emulatorFor([{ kind: "validate-azure-ad-token", tenantId: TEST_TENANT, clientApplicationIds: ["aaaaaaaa-0000-0000-0000-000000000001"], audiences: ["api://x"] }]);
    expect(await lastError(e, {})).toEqual([401, "validate-azure-ad-token", "TokenNotPresent", "JWT not present."]);
    expect(await lastError(e, { authorization: testBearer({}, "aaaaaaaa-0000-0000-0000-000000000002") })).toEqual([
      401,
      "validate-azure-ad-token",
      "TokenClaimValueNotAllowed",
      "Claim azp value of aaaaaaaa-0000-0000-0000-000000000002 is not allowed. Access denied.",
    ]);
  });
});

describe("azure-openai-emit-token-metric: Learn's three token counts (azure-openai-emit-token-metric-policy)", () => {
  it("records Total Tokens, Prompt Tokens and Completion Tokens from the response's usage", async () => {
    const upstreams = new UpstreamDirectory();
    const answer = { choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } };
    upstreams.set("https://aoai.example", { send: async () => jsonResponse(200, answer) });
    const doc: PolicyDocument = {
      inbound: [
        { kind: "base" },
        { kind: "azure-openai-emit-token-metric", namespace: "aoai-fleet", dimensions: [{ name: "Route", value: "chat" }] },
        { kind: "set-backend-service", baseUrl: "https://aoai.example/openai" },
      ],
      backend: [{ kind: "forward-request" }],
      outbound: [{ kind: "base" }],
      onError: [{ kind: "base" }],
    };
    const e = new PolicyEmulator({ policyXml: renderPolicy(doc), backends: new BackendRegistry(new Map(), new Rng(1)), upstreams, namedValues: new Map(), clock: new VirtualClock(), rng: new Rng(1), apiPath: "openai", region: "local" });
    const { response } = await e.handle({ request: { method: "POST", path: "/openai/deployments/chat/chat/completions", query: {}, headers: {}, body: '{"messages":[{"role":"user","content":"hi"}]}' }, caller: { subscriptionId: "", userId: "", ip: "" } });
    expect(response.status).toBe(200);
    expect(e.metrics).toEqual([{ Route: "chat", "Total Tokens": "17", "Prompt Tokens": "12", "Completion Tokens": "5" }]);
  });
});

describe("send-one-way-request mode copy: Learn's 'copy of the headers and body in the current request' (send-one-way-request-policy)", () => {
  it("sends the body as set-body left it, not the caller's original", async () => {
    const upstreams = new UpstreamDirectory();
    const seen: string[] = [];
    upstreams.set("https://copy.example", { send: async (r) => (seen.push(`${r.headers["x-step"]}|${String(r.body)}`), jsonResponse(202, {})) });
    const doc: PolicyDocument = {
      inbound: [
        { kind: "base" },
        { kind: "set-body", value: '{"model":"rewritten"}' },
        { kind: "set-header", name: "x-step", existsAction: "override", values: ["after-set-body"] },
        { kind: "send-one-way-request", mode: "copy", url: "https://copy.example/relay", headers: [] },
        { kind: "return-response", status: { code: 200 }, headers: [] },
      ],
      backend: [{ kind: "base" }],
      outbound: [{ kind: "base" }],
      onError: [{ kind: "base" }],
    };
    const e = new PolicyEmulator({ policyXml: renderPolicy(doc), backends: new BackendRegistry(new Map(), new Rng(1)), upstreams, namedValues: new Map(), clock: new VirtualClock(), rng: new Rng(1), apiPath: "openai", region: "local" });
    await e.handle({ request: { method: "POST", path: "/openai/deployments/chat/chat/completions", query: {}, headers: {}, body: '{"model":"original"}' }, caller: { subscriptionId: "", userId: "", ip: "" } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['after-set-body|{"model":"rewritten"}']);
  });
});

describe("set-header exists-action: Learn's 'Policy expressions are allowed' (set-header-policy)", () => {
  const fromHeader = { kind: "requestHeader", name: "x-action", fallback: "" } as const;
  /** Inbound answers with `x-out` set by the action the request's x-action names; on-error echoes LastError. */
  const answer = (headers: Record<string, string>) =>
    inboundCall(inboundEmulator([{ kind: "return-response", status: { code: 200 }, headers: [{ kind: "set-header", name: "x-out", existsAction: fromHeader, values: ["v"] }] }], [ECHO_LAST_ERROR]), headers);

  it("an expression giving override sets the header; delete leaves it absent (not empty)", async () => {
    expect((await answer({ "x-action": "override" })).headers["x-out"]).toBe("v");
    const deleted = await answer({ "x-action": "delete" });
    expect(deleted.status).toBe(200);
    expect(deleted.headers).not.toHaveProperty("x-out");
  });

  it("an expression giving anything else fails the policy (ExpressionValueEvaluationFailure; Learn lists four values)", async () => {
    const failed = await answer({ "x-action": "replace" });
    expect([failed.status, failed.headers["x-reason"], failed.headers["x-message"]]).toEqual([401, "ExpressionValueEvaluationFailure", 'set-header "x-out": exists-action "replace" is not one of override, skip, append, delete.']);
  });
});
