// Azure-Samples/openai-apim-lb ("smart load balancing"), as written:
//  - no APIM pools or breakers: the policy keeps every backend's "throttling until" in the gateway
//    cache; each attempt picks the lowest-priority-number backend that is not throttling, uniformly
//    at random among equals, and — when every backend is throttling — the first backend listed;
//  - after a 401, 429 or 5xx it marks the backend throttling for the response's Retry-After (else
//    x-ratelimit-reset-requests, else x-ratelimit-reset-tokens, else 10 s) and retries (count 50,
//    interval 0) while some backend is left; a missing response (connection failure, timeout) is
//    neither marked nor retried; forward-request keeps APIM's default timeout.
// Typed reproduction: one cache entry per backend (`smartlb:<id>`, present = throttling) stored for
// the Retry-After read from the response — the source keeps one JSON array in the cache and compares
// timestamps; both make a backend eligible again exactly when its Retry-After has passed.
import { expr, policyDocument, renderPolicy, type Expr, type Statement } from "../../../gateway-policy/index";
import type { SimSetup } from "../../../simulator/stack";
import { BENCH_BACKENDS, STABLE_IDS } from "../fleet";
import { PTU, STABLE_BACKENDS, STRIP_ROUTE, keyHeaders, type BaselineSource } from "./shared";

const { str, int, eq, and, or, not, compare, lt, concat, conditional, variable, randomBelow, responseHeader, tryParseInt } = expr;

export const OPENAI_APIM_LB_SOURCE: BaselineSource = {
  repository: "https://github.com/Azure-Samples/openai-apim-lb",
  commit: "039195e554c4665865cb17d0cd563a1b4a07ff42",
  files: ["apim-policy.xml"],
  adaptations: [
    "rewrite-uri strips /deployments/<route>, and set-backend-service names the chosen backend instead of a base-url (same URL, no breaker)",
    "the throttling list is one cache entry per backend with the Retry-After as its duration, instead of one cached JSON array with timestamps (same eligibility)",
    "the sample's priorities map by role: PTU → priority 1 (listed first, so it is 'the first backend' when all are throttling); the three pay-as-you-go backends → priority 2",
    "the remaining-backends count is kept as an int: at this commit the retry condition casts it with (string), which throws after the first failure (openai-apim-lb issues #27 and #29, open) and answers 500 — reproducing that would weaken the baseline",
    "Retry-After headers are parsed with int.TryParse (the source's Convert.ToInt32 throws on a non-integer value)",
  ],
};

const flag = (id: string) => `smartlb-${id}`;
const cacheKey = (id: string) => `smartlb:${id}`;
const throttling = (id: string): Expr => eq(variable(flag(id), "string", "0"), str("1"));
const healthy = (id: string): Expr => not(throttling(id));
const secondaries = STABLE_BACKENDS.filter((b) => b.backendId !== PTU).map((b) => b.backendId);
const select = (id: string): Statement => ({ kind: "set-variable", name: "sel", value: id });
const countHealthy = (): Expr => concat(...STABLE_BACKENDS.map((b) => conditional(healthy(b.backendId), int(1), int(0))));

/** Lookups of every backend's throttling entry (absent = not throttling). */
function lookups(): Statement[] {
  return STABLE_BACKENDS.map((b) => ({ kind: "cache-lookup-value", key: cacheKey(b.backendId), variableName: flag(b.backendId), defaultValue: "0" }));
}

/**
 * The PTU when it is not throttling; else one of the healthy priority-2 backends, uniformly: a draw
 * r in [0, 6) and, for each set of healthy backends (k of them), backend j of the set when
 * r ∈ [6j/k, 6(j+1)/k) — exact for k = 1, 2, 3; else the first backend listed (the PTU).
 */
function selectBackend(): Statement[] {
  const when: Array<{ condition: Expr; policies: Statement[] }> = [{ condition: healthy(PTU), policies: [select(PTU)] }];
  const r = variable("draw", "int", 0);
  for (let mask = 1; mask < 1 << secondaries.length; mask++) {
    const set = secondaries.filter((_, i) => mask & (1 << i));
    const exactly = and(...secondaries.map((id, i) => (mask & (1 << i) ? healthy(id) : throttling(id))));
    set.forEach((id, j) => {
      const lo = (6 * j) / set.length;
      const hi = (6 * (j + 1)) / set.length;
      when.push({ condition: and(exactly, compare(">=", r, int(lo)), lt(r, int(hi))), policies: [select(id)] });
    });
  }
  return [{ kind: "set-variable", name: "draw", value: randomBelow(6) }, { kind: "choose", when, otherwise: [select(PTU)] }];
}

/** After a 401/429/5xx: the wait the response asks for, then mark the chosen backend and count what is left. */
function markThrottling(): Statement {
  const ra = variable("retry-after", "int", -1);
  const fallback = (header: string, dflt: string): Statement => ({
    kind: "choose",
    when: [{ condition: eq(ra, int(-1)), policies: [{ kind: "set-variable", name: "retry-after", value: tryParseInt(responseHeader(header, dflt), Number(dflt)) }] }],
  });
  return {
    kind: "choose",
    when: [
      {
        condition: and({ kind: "hasResponse" }, or(eq({ kind: "statusCode" }, int(401)), eq({ kind: "statusCode" }, int(429)), compare(">=", { kind: "statusCode" }, int(500)))),
        policies: [
          { kind: "set-variable", name: "retry-after", value: tryParseInt(responseHeader("Retry-After", "-1"), -1) },
          fallback("x-ratelimit-reset-requests", "-1"),
          fallback("x-ratelimit-reset-tokens", "10"),
          {
            kind: "choose",
            when: STABLE_BACKENDS.map((b) => ({
              condition: eq(variable("sel", "string", ""), str(b.backendId)),
              policies: [
                { kind: "cache-store-value", key: cacheKey(b.backendId), value: "1", duration: ra },
                { kind: "set-variable", name: flag(b.backendId), value: "1" },
              ] as Statement[],
            })),
          },
          { kind: "set-variable", name: "remainingBackends", value: countHealthy() },
        ],
      },
    ],
  };
}

export function openaiApimLbSetup(): SimSetup {
  const retryable = and(
    { kind: "hasResponse" },
    or(eq({ kind: "statusCode" }, int(401)), eq({ kind: "statusCode" }, int(429)), compare(">=", { kind: "statusCode" }, int(500))),
    lt(int(0), variable("remainingBackends", "int", 1)),
  );
  const doc = policyDocument({
    inbound: [
      { kind: "base" },
      { kind: "authentication-managed-identity", resource: "https://cognitiveservices.azure.com", outputTokenVariableName: "msi-access-token", ignoreError: false },
      { kind: "set-header", name: "Authorization", existsAction: "override", values: [concat(str("Bearer "), variable("msi-access-token", "string"))] },
      { kind: "set-variable", name: "remainingBackends", value: int(1) },
      STRIP_ROUTE,
    ],
    backend: [
      {
        kind: "retry",
        condition: retryable,
        count: 50,
        interval: 0,
        policies: [
          ...lookups(),
          ...selectBackend(),
          { kind: "set-backend-service", backendId: variable("sel", "string", PTU) },
          { kind: "forward-request", bufferRequestBody: true },
          markThrottling(),
        ],
      },
    ],
    outbound: [{ kind: "base" }, { kind: "set-header", name: "x-openai-backendurl", existsAction: "override", values: [variable("sel", "string", "none")] }],
    onError: [{ kind: "base" }],
  });
  return {
    label: "openai-apim-lb",
    policyXml: renderPolicy(doc),
    namedValues: new Map(),
    backends: BENCH_BACKENDS,
    pools: [],
    routes: { chat: { backendIds: STABLE_IDS, sides: {} } },
    callerHeaders: keyHeaders,
  };
}
