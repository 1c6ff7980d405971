// Azure-Samples/AI-Gateway, lab "backend-pool-load-balancing", as configured:
//  - every backend has one breaker rule: a single 429 inside PT1M trips it for PT1M or the response's
//    Retry-After (acceptRetryAfter); its errorReasons holds the label "Server errors", which matches
//    no gateway error reason;
//  - one pool: the PTU at priority 1, two pay-as-you-go backends at priority 2 (weights 50/50), one
//    at priority 3 (the lab's aiservices_config: eastus p1; swedencentral, westus p2 w50; uksouth p3);
//  - the policy: set-backend-service to the pool; retry count 2, interval 0, first-fast-retry, on
//    StatusCode 429 or 503 (no null check, so a connection failure fails the condition itself),
//    re-selecting the pool and forwarding with the body buffered (default 300-s timeout); on-error
//    turns a 503 into a bare 503.
import { expr, policyDocument, renderPolicy, type Expr } from "../../../gateway-policy/index";
import type { CircuitBreakerRule } from "../../../simulator/emulator/backends";
import type { SimSetup } from "../../../simulator/stack";
import { BENCH_BACKENDS, STABLE_IDS } from "../fleet";
import { PTU, STD_EASTUS2, STD_SWEDEN, STD_WESTUS3, STRIP_ROUTE, keyHeaders, type BaselineSource } from "./shared";

const { int, eq, or } = expr;

export const AI_GATEWAY_LAB_SOURCE: BaselineSource = {
  repository: "https://github.com/Azure-Samples/AI-Gateway",
  commit: "561d71992bd660af94efc76a8f2f21df0e6ac8e5",
  files: ["labs/backend-pool-load-balancing/policy.xml", "labs/backend-pool-load-balancing/main.bicep", "labs/backend-pool-load-balancing/backend-pool-load-balancing.ipynb (aiservices_config)", "modules/apim/v2/inference-api.bicep (backends, breaker, pool)"],
  adaptations: [
    "rewrite-uri strips /deployments/<route> (backends point at a deployment on this fleet)",
    "the lab's four backends map by role: PTU eastus2 → priority 1; swedencentral and westus3 → priority 2, weight 50 each; eastus2 pay-as-you-go → priority 3",
  ],
};

export const AI_GATEWAY_LAB_POOL = "inference-backend-pool";

/** The module's InferenceBreakerRule. */
export const AI_GATEWAY_LAB_BREAKER: CircuitBreakerRule = {
  name: "InferenceBreakerRule",
  count: 1,
  intervalMs: 60_000,
  statusCodeRanges: [{ min: 429, max: 429 }],
  errorReasons: ["Server errors"],
  tripDurationMs: 60_000,
  acceptRetryAfter: true,
};

const status = (code: number): Expr => eq({ kind: "statusCode" }, int(code));

export function aiGatewayLabSetup(): SimSetup {
  const doc = policyDocument({
    inbound: [{ kind: "base" }, { kind: "set-backend-service", backendId: AI_GATEWAY_LAB_POOL }, STRIP_ROUTE],
    backend: [
      {
        kind: "retry",
        condition: or(status(429), status(503)),
        count: 2,
        interval: 0,
        firstFastRetry: true,
        policies: [{ kind: "set-backend-service", backendId: AI_GATEWAY_LAB_POOL }, { kind: "forward-request", bufferRequestBody: true }],
      },
    ],
    outbound: [{ kind: "base" }],
    onError: [
      { kind: "base" },
      { kind: "choose", when: [{ condition: status(503), policies: [{ kind: "return-response", status: { code: 503, reason: "Service Unavailable" }, headers: [] }] }] },
    ],
  });
  return {
    label: "ai-gateway-lab",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [
      {
        poolId: AI_GATEWAY_LAB_POOL,
        members: [
          { backendId: PTU, priority: 1 },
          { backendId: STD_SWEDEN, priority: 2, weight: 50 },
          { backendId: STD_WESTUS3, priority: 2, weight: 50 },
          { backendId: STD_EASTUS2, priority: 3 },
        ],
      },
    ],
    breaker: AI_GATEWAY_LAB_BREAKER,
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
  };
}
