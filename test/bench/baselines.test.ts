// Each baseline's generated policy against the structure of its source (the element tree, the
// attributes that decide routing, the outcomes its retry condition retries, and the backend, breaker
// and pool settings), written down here from the source file at the cited commit. The only elements
// ours adds are the documented adaptations (a rewrite-uri; openai-apim-lb's typed selection).
import { describe, expect, it } from "vitest";
import { parsePolicy, parseXml, isElement, type XmlElement, type Expr } from "../../gateway-policy/index";
import { aiGatewayLabSetup, AI_GATEWAY_LAB_SOURCE } from "../../bench/routing/baselines/ai-gateway-lab";
import { apimSamplesFailoverSetup, APIM_SAMPLES_SOURCE } from "../../bench/routing/baselines/apim-samples-failover";
import { openaiApimLbSetup, OPENAI_APIM_LB_SOURCE } from "../../bench/routing/baselines/openai-apim-lb";
import { evaluate, type ExprEnv } from "../../simulator/emulator/expressions";
import { Rng } from "../../simulator/rng";

/** `section/element(attr=value,…)` for every element, document order; expression values shown as `@`. */
function skeleton(xml: string, keep: (path: string) => boolean = () => true, maxDepth = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  const visit = (e: XmlElement, path: string, depth: number) => {
    const attrs = e.attributes.map(([k, v]) => `${k}=${v.startsWith("@") ? "@" : v}`).join(",");
    const here = `${path}${e.name}${attrs ? `(${attrs})` : ""}`;
    if (path !== "" && keep(here)) out.push(here.replace(/^policies\//, ""));
    if (depth < maxDepth) for (const c of e.children) if (isElement(c)) visit(c, `${here}/`, depth + 1);
  };
  visit(parseXml(xml), "", 0);
  return out;
}

/** Which outcomes a retry condition retries: status codes, 409 with Retry-After, and "no response". */
function retries(condition: Expr): string[] {
  const cases: Array<[string, number | null, Record<string, string>]> = [
    ["none", null, {}], ["200", 200, {}], ["400", 400, {}], ["401", 401, {}], ["404", 404, {}], ["408", 408, {}], ["409", 409, {}],
    ["409+Retry-After", 409, { "retry-after": "1" }], ["429", 429, {}], ["499", 499, {}], ["500", 500, {}], ["501", 501, {}],
    ["502", 502, {}], ["503", 503, {}], ["504", 504, {}], ["505", 505, {}],
  ];
  return cases
    .filter(([, status, headers]) => {
      const env = { requestHeaders: {}, matchedParameters: {}, variables: new Map(), context: {}, responseStatus: status, responseHeaders: status === null ? null : headers, originalPath: "/", namedValues: new Map(), rng: new Rng(1) } as unknown as ExprEnv;
      try {
        return evaluate(condition, env) === true;
      } catch {
        return false; // the condition itself fails (e.g. no null check): APIM does not retry, it errors
      }
    })
    .map(([name]) => name);
}

function retryCondition(xml: string): Expr {
  const doc = parsePolicy(xml);
  const retry = doc.backend.find((s) => s.kind === "retry");
  if (!retry || retry.kind !== "retry" || typeof retry.condition !== "object" || retry.condition.kind === "raw") throw new Error("no typed retry");
  return retry.condition as Expr;
}

const notAdaptation = (p: string) => !p.includes("/rewrite-uri");

describe("ai-gateway-lab (Azure-Samples/AI-Gateway backend-pool-load-balancing)", () => {
  const setup = aiGatewayLabSetup();
  it("has the lab policy's elements and routing attributes", () => {
    expect(AI_GATEWAY_LAB_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(skeleton(setup.policyXml, notAdaptation)).toEqual([
      "inbound",
      "inbound/base",
      "inbound/set-backend-service(backend-id=inference-backend-pool)",
      "backend",
      "backend/retry(condition=@,count=2,interval=0,first-fast-retry=true)",
      "backend/retry(condition=@,count=2,interval=0,first-fast-retry=true)/set-backend-service(backend-id=inference-backend-pool)",
      "backend/retry(condition=@,count=2,interval=0,first-fast-retry=true)/forward-request(buffer-request-body=true)",
      "outbound",
      "outbound/base",
      "on-error",
      "on-error/base",
      "on-error/choose",
      "on-error/choose/when(condition=@)",
      "on-error/choose/when(condition=@)/return-response",
      "on-error/choose/when(condition=@)/return-response/set-status(code=503,reason=Service Unavailable)",
    ]);
  });

  it("retries 429 and 503 only, and a missing response fails the condition (no null check in the lab)", () => {
    expect(retries(retryCondition(setup.policyXml))).toEqual(["429", "503"]);
  });

  it("puts the module's breaker on every backend and the lab's priorities on the pool", () => {
    expect(setup.breaker).toEqual({ name: "InferenceBreakerRule", count: 1, intervalMs: 60_000, statusCodeRanges: [{ min: 429, max: 429 }], errorReasons: ["Server errors"], tripDurationMs: 60_000, acceptRetryAfter: true });
    expect(setup.pools[0]!.members.map((m) => [m.priority, m.weight ?? null])).toEqual([[1, null], [2, 50], [2, 50], [3, null]]);
  });
});

describe("apim-samples-failover (Azure-Samples/Apim-Samples inference-failover)", () => {
  const setup = apimSamplesFailoverSetup();
  it("has the template's elements and routing attributes, telemetry left out", () => {
    expect(APIM_SAMPLES_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    const returnResponse = (where: string) => [
      `${where}/return-response`,
      `${where}/return-response/set-status(code=503,reason=Inference Service Unavailable)`,
      `${where}/return-response/set-header(name=Content-Type,exists-action=override)`,
      `${where}/return-response/set-header(name=Content-Type,exists-action=override)/value`,
      `${where}/return-response/set-body`,
    ];
    expect(skeleton(setup.policyXml, notAdaptation)).toEqual([
      "inbound",
      "inbound/base",
      "inbound/set-backend-service(backend-id=inference-gpt-pool)",
      "inbound/authentication-managed-identity(resource=https://cognitiveservices.azure.com,output-token-variable-name=managed-id-access-token,ignore-error=false)",
      "inbound/set-header(name=Authorization,exists-action=override)",
      "inbound/set-header(name=Authorization,exists-action=override)/value",
      "inbound/set-header(name=x-ms-client-request-id,exists-action=override)",
      "inbound/set-header(name=x-ms-client-request-id,exists-action=override)/value",
      "inbound/set-query-parameter(name=api-version,exists-action=skip)",
      "inbound/set-query-parameter(name=api-version,exists-action=skip)/value",
      "backend",
      "backend/retry(condition=@,count=2,interval=0,first-fast-retry=true)",
      "backend/retry(condition=@,count=2,interval=0,first-fast-retry=true)/forward-request(timeout=60,buffer-request-body=true)",
      "outbound",
      "outbound/choose",
      "outbound/choose/when(condition=@)",
      ...returnResponse("outbound/choose/when(condition=@)"),
      "outbound/base",
      "on-error",
      "on-error/choose",
      "on-error/choose/when(condition=@)",
      ...returnResponse("on-error/choose/when(condition=@)"),
      "on-error/base",
    ]);
  });

  it("retries no response, 408, 409 only with Retry-After, 429, 499, 500 and 502–504", () => {
    expect(retries(retryCondition(setup.policyXml))).toEqual(["none", "408", "409+Retry-After", "429", "499", "500", "502", "503", "504"]);
  });

  it("puts the sample's breaker on every backend and its tiers and weights on the pool", () => {
    expect(setup.breaker).toEqual({
      name: "failover-on-capacity-or-infrastructure-failure", count: 1, intervalMs: 60_000,
      statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 499, max: 500 }, { min: 502, max: 504 }],
      errorReasons: [], tripDurationMs: 60_000, acceptRetryAfter: true,
    });
    expect(setup.pools[0]!.members.map((m) => [m.priority, m.weight])).toEqual([[1, 50], [2, 100], [3, 50], [3, 50]]);
  });
});

describe("openai-apim-lb (Azure-Samples/openai-apim-lb)", () => {
  const setup = openaiApimLbSetup();
  it("has the policy's outer structure: no pool, no breaker, retry count 50 around select → forward → mark", () => {
    expect(OPENAI_APIM_LB_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(setup.pools).toEqual([]);
    expect(setup.breaker).toBeUndefined();
    const top = skeleton(setup.policyXml, notAdaptation, 3);
    expect(top.filter((p) => !p.includes("cache-lookup-value") && !p.startsWith("backend/retry(condition=@,count=50,interval=0)/choose"))).toEqual([
      "inbound",
      "inbound/base",
      "inbound/authentication-managed-identity(resource=https://cognitiveservices.azure.com,output-token-variable-name=msi-access-token,ignore-error=false)",
      "inbound/set-header(name=Authorization,exists-action=override)",
      "inbound/set-header(name=Authorization,exists-action=override)/value",
      "inbound/set-variable(name=remainingBackends,value=@)",
      "backend",
      "backend/retry(condition=@,count=50,interval=0)",
      "backend/retry(condition=@,count=50,interval=0)/set-variable(name=draw,value=@)",
      "backend/retry(condition=@,count=50,interval=0)/set-backend-service(backend-id=@)",
      "backend/retry(condition=@,count=50,interval=0)/forward-request(buffer-request-body=true)",
      "outbound",
      "outbound/base",
      "outbound/set-header(name=x-openai-backendurl,exists-action=override)",
      "outbound/set-header(name=x-openai-backendurl,exists-action=override)/value",
      "on-error",
      "on-error/base",
    ]);
  });

  it("retries a response of 401, 429 or 5xx while a backend is left, never a missing response", () => {
    expect(retries(retryCondition(setup.policyXml))).toEqual(["401", "429", "500", "501", "502", "503", "504", "505"]);
  });

  it("stores a throttled backend in the cache for the response's Retry-After", () => {
    expect(setup.policyXml).toContain('duration="@(context.Variables.GetValueOrDefault&lt;int&gt;(&quot;retry-after&quot;, -1))"');
    expect(setup.policyXml).toContain("context.Response.Headers.GetValueOrDefault(&quot;Retry-After&quot;, &quot;-1&quot;)");
    expect(setup.policyXml).toContain("context.Response.Headers.GetValueOrDefault(&quot;x-ratelimit-reset-requests&quot;, &quot;-1&quot;)");
    expect(setup.policyXml).toContain("context.Response.Headers.GetValueOrDefault(&quot;x-ratelimit-reset-tokens&quot;, &quot;10&quot;)");
  });
});
