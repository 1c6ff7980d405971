// Azure-Samples/Apim-Samples, sample "inference-failover", as configured:
//  - every backend has one breaker rule "failover-on-capacity-or-infrastructure-failure": a single
//    408, 429, 499–500 or 502–504 inside PT1M trips it for PT1M or the Retry-After; no errorReasons;
//  - one pool per model: PTUs at priority 1 (weight 50 each), the in-region pay-as-you-go deployment
//    at priority 2 (weight 100), the other pay-as-you-go deployments at priority 3 (weight 50 each);
//  - the policy (the template the notebook deploys, RETRY_COUNT = 2): managed identity after pool
//    selection, a request id header, api-version defaulted; retry count 2, interval 0,
//    first-fast-retry on no response, 408, 409 with Retry-After, 429, 499, 500, 502–504 around a
//    60-s forward with the body buffered; outbound turns a final 500/502/503/504 into a 503 JSON
//    error; on-error turns BackendConnectionFailure and Timeout into the same 503.
import { expr, policyDocument, renderPolicy, type Expr } from "../../../gateway-policy/index";
import type { CircuitBreakerRule } from "../../../simulator/emulator/backends";
import type { SimSetup } from "../../../simulator/stack";
import { BENCH_BACKENDS, STABLE_IDS } from "../fleet";
import { PTU, STD_EASTUS2, STD_SWEDEN, STD_WESTUS3, STRIP_ROUTE, keyHeaders, type BaselineSource } from "./shared";

const { str, int, eq, or, and, not, ctx, concat, variable, hasResponseHeader } = expr;

export const APIM_SAMPLES_SOURCE: BaselineSource = {
  repository: "https://github.com/Azure-Samples/Apim-Samples",
  commit: "48c105c5934b5da779ad5646c1b6286e4cb49515",
  files: ["samples/inference-failover/apim-policies/inference-api-policy.xml", "samples/inference-failover/main.bicep (backends, breaker, pools)", "samples/inference-failover/create.ipynb (backend_retry_count = 2)"],
  adaptations: [
    "rewrite-uri strips /deployments/<route> (the sample's APIs are per model; this fleet has one route)",
    "the gpt-5.1 pool's tiers map by role: PTU eastus2 → priority 1; pay-as-you-go eastus2 (in-region) → priority 2; swedencentral and westus3 → priority 3, weight 50 each",
    "telemetry left out: the trace element, the backendAttempt counter and the X-Backend-Retry header (they do not change routing)",
  ],
};

export const APIM_SAMPLES_POOL = "inference-gpt-pool";

export const APIM_SAMPLES_BREAKER: CircuitBreakerRule = {
  name: "failover-on-capacity-or-infrastructure-failure",
  count: 1,
  intervalMs: 60_000,
  statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 499, max: 500 }, { min: 502, max: 504 }],
  errorReasons: [],
  tripDurationMs: 60_000,
  acceptRetryAfter: true,
};

const code = (c: number): Expr => eq({ kind: "statusCode" }, int(c));
const unavailable = (headers: boolean) => ({
  kind: "return-response" as const,
  status: { code: 503, reason: "Inference Service Unavailable" },
  headers: headers ? [{ kind: "set-header" as const, name: "Content-Type", existsAction: "override" as const, values: ["application/json"] }] : [],
  body: '{"error":"The inference service is unavailable right now."}',
});

export function apimSamplesFailoverSetup(): SimSetup {
  const retryOn = or(not({ kind: "hasResponse" }), code(408), and(code(409), hasResponseHeader("Retry-After")), code(429), code(499), code(500), code(502), code(503), code(504));
  const doc = policyDocument({
    inbound: [
      { kind: "base" },
      { kind: "set-backend-service", backendId: APIM_SAMPLES_POOL },
      { kind: "authentication-managed-identity", resource: "https://cognitiveservices.azure.com", outputTokenVariableName: "managed-id-access-token", ignoreError: false },
      { kind: "set-header", name: "Authorization", existsAction: "override", values: [concat(str("Bearer "), variable("managed-id-access-token", "string"))] },
      { kind: "set-header", name: "x-ms-client-request-id", existsAction: "override", values: [ctx("requestId")] },
      { kind: "set-query-parameter", name: "api-version", existsAction: "skip", values: ["2024-10-21"] },
      STRIP_ROUTE,
    ],
    backend: [{ kind: "retry", condition: retryOn, count: 2, interval: 0, firstFastRetry: true, policies: [{ kind: "forward-request", timeout: 60, bufferRequestBody: true }] }],
    outbound: [
      { kind: "choose", when: [{ condition: and({ kind: "hasResponse" }, or(code(500), code(502), code(503), code(504))), policies: [unavailable(true)] }] },
      { kind: "base" },
    ],
    onError: [
      { kind: "choose", when: [{ condition: or(eq(ctx("lastErrorReason"), str("BackendConnectionFailure")), eq(ctx("lastErrorReason"), str("Timeout"))), policies: [unavailable(true)] }] },
      { kind: "base" },
    ],
  });
  return {
    label: "apim-samples-failover",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [
      {
        poolId: APIM_SAMPLES_POOL,
        members: [
          { backendId: PTU, priority: 1, weight: 50 },
          { backendId: STD_EASTUS2, priority: 2, weight: 100 },
          { backendId: STD_SWEDEN, priority: 3, weight: 50 },
          { backendId: STD_WESTUS3, priority: 3, weight: 50 },
        ],
      },
    ],
    breaker: APIM_SAMPLES_BREAKER,
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
  };
}
