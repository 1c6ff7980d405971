// The three patterns people copy, generated with the same policy engine (AST → renderPolicy) and
// run by the same emulator on the same simulated fleet:
//  - round-robin: one pool of every backend, equal shares, no circuit breaker, retry on 429/5xx
//    (AI-Gateway backend-pool labs);
//  - priority + breaker: priority pool, breaker on 408/429/500/502–504 honouring Retry-After,
//    fixed retry count 2 (Apim-Samples inference-failover);
//  - smart load balancing: no pool; per-backend "throttled" flags in the cache, the first healthy
//    backend by priority (random inside a priority), retry marks the failing one (openai-apim-lb).
//    The engine has no response-header expression and cache durations are literal, so a throttled
//    backend is skipped for a fixed 10 s (openai-apim-lb's fallback when Retry-After is absent)
//    instead of its advertised Retry-After.
import { expr, policyDocument, renderPolicy, type Expr, type Statement } from "../../gateway-policy/index";
import type { SimSetup } from "../../simulator/stack";
import { BENCH_BACKENDS, PRIMARY, STABLE_IDS } from "./fleet";

const { str, int, eq, and, or, not, variable, randomBelow, pathAfterDeployment, retryableFailure, statusIs } = expr;

const rewrite: Statement = { kind: "rewrite-uri", template: pathAfterDeployment(), copyUnmatchedParams: true };
const keyHeaders = (c: { subscriptionId: string }) => ({ "api-key": `key-${c.subscriptionId}` });

function poolRetry(poolId: string, count: number, condition: Expr): Statement {
  return {
    kind: "retry",
    condition,
    count,
    interval: 0,
    firstFastRetry: true,
    policies: [{ kind: "set-backend-service", backendId: poolId }, { kind: "forward-request", bufferRequestBody: true, timeout: 120 }],
  };
}

const stable = BENCH_BACKENDS.filter((b) => STABLE_IDS.includes(b.backendId));

export function roundRobinSetup(): SimSetup {
  const doc = policyDocument({
    inbound: [{ kind: "base" }, rewrite, { kind: "set-backend-service", backendId: "rr-pool" }],
    backend: [poolRetry("rr-pool", stable.length - 1, retryableFailure())],
    outbound: [{ kind: "base" }],
    onError: [{ kind: "base" }],
  });
  return {
    label: "round-robin",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [{ poolId: "rr-pool", members: stable.map((b) => ({ backendId: b.backendId })) }],
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
    weightedChoice: "smooth-round-robin",
  };
}

export function priorityBreakerSetup(): SimSetup {
  const doc = policyDocument({
    inbound: [{ kind: "base" }, rewrite, { kind: "set-backend-service", backendId: "failover-pool" }],
    backend: [poolRetry("failover-pool", 2, retryableFailure())],
    outbound: [{ kind: "base" }],
    onError: [{ kind: "base" }],
  });
  return {
    label: "priority+breaker",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [{ poolId: "failover-pool", members: stable.map((b) => ({ backendId: b.backendId, priority: b.backendId === PRIMARY ? 1 : 2 })) }],
    breaker: {
      name: "inference-failover",
      count: 1,
      intervalMs: 60_000,
      statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 499, max: 500 }, { min: 502, max: 504 }],
      errorReasons: [],
      tripDurationMs: 60_000,
      acceptRetryAfter: true,
    },
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
  };
}

const THROTTLE_SECONDS = 10;
const flag = (id: string) => `thr-${id}`;
const healthy = (id: string) => eq(variable(flag(id), "string", "0"), str("0"));

/** Statements choosing `sel`: the primary if healthy, else a random healthy secondary, else none. */
function selectBackend(): Statement[] {
  const secondaries = stable.filter((b) => b.backendId !== PRIMARY).map((b) => b.backendId);
  const when: Array<{ condition: Expr; policies: Statement[] }> = [{ condition: healthy(PRIMARY), policies: [{ kind: "set-variable", name: "sel", value: PRIMARY }] }];
  // Random start inside the secondary tier, then the next healthy one in rotation.
  secondaries.forEach((_, start) => {
    secondaries.forEach((__, offset) => {
      const id = secondaries[(start + offset) % secondaries.length]!;
      when.push({ condition: and(eq(variable("start", "int", 0), int(start)), healthy(id)), policies: [{ kind: "set-variable", name: "sel", value: id }] });
    });
  });
  return [{ kind: "set-variable", name: "start", value: randomBelow(secondaries.length) }, { kind: "choose", when, otherwise: [{ kind: "set-variable", name: "sel", value: "" }] }];
}

export function smartLbSetup(): SimSetup {
  const markFailed: Statement = {
    kind: "choose",
    when: stable.map((b) => ({
      condition: and(eq(variable("sel", "string", ""), str(b.backendId)), or(statusIs(429), statusIs([500, 599]), not({ kind: "hasResponse" }))),
      policies: [
        { kind: "cache-store-value", key: `smartlb:${b.backendId}`, value: "1", duration: THROTTLE_SECONDS },
        { kind: "set-variable", name: flag(b.backendId), value: "1" },
      ] as Statement[],
    })),
  };
  const allThrottled: Statement = {
    kind: "choose",
    when: [
      {
        condition: eq(variable("sel", "string", ""), str("")),
        policies: [{ kind: "return-response", status: { code: 429, reason: "Too Many Requests" }, headers: [{ kind: "set-header", name: "Retry-After", values: [String(THROTTLE_SECONDS)] }], body: '{"error":{"code":"429","message":"All backends are throttled."}}' }],
      },
    ],
  };
  const doc = policyDocument({
    inbound: [
      { kind: "base" },
      ...stable.map((b): Statement => ({ kind: "cache-lookup-value", key: `smartlb:${b.backendId}`, variableName: flag(b.backendId), defaultValue: "0" })),
      rewrite,
    ],
    backend: [
      {
        kind: "retry",
        condition: and(retryableFailure(), not(eq(variable("sel", "string", ""), str("")))),
        count: stable.length,
        interval: 0,
        firstFastRetry: true,
        policies: [
          ...selectBackend(),
          allThrottled,
          { kind: "set-backend-service", backendId: variable("sel", "string", "") },
          { kind: "forward-request", bufferRequestBody: true, timeout: 120 },
          markFailed,
        ],
      },
    ],
    outbound: [{ kind: "base" }],
    onError: [{ kind: "base" }],
  });
  return {
    label: "smart-lb",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [],
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
  };
}
