/**
 * Pure pieces of the APIM backend entities: ids, URLs and the circuit-breaker rule. No Pulumi
 * imports, so the plan steps and tests use exactly what the component deploys.
 */
import { CONNECTION_FAILURE, singleBackendIdOf } from "../../gateway-policy";
import type { GatewayConfig } from "../../stacks/config/gateway";

/** APIM backend id of one deployment in one region (also the Pulumi resource key); ≤ 80 characters (hashed tail when longer). */
export function singleBackendId(deployment: string, region: string): string {
  return singleBackendIdOf(deployment, region);
}

/** OpenAI data-plane base of an account from its endpoint: `https://<subdomain>.openai.azure.com/openai`. */
export function openAiBaseUrl(endpoint: string): string {
  if (!/^https:\/\/[^/]+\/?$/.test(endpoint)) throw new Error(`gateway: account endpoint "${endpoint}" is not https://<host>/`);
  return `${endpoint.replace(/\/+$/, "")}/openai`;
}

/**
 * URL of the `Single` backend of one deployment: the account's OpenAI base plus
 * `/deployments/<deployment>`. The policy rewrites the forwarded path to what follows the route's
 * `/deployments/<route>`, so each pool member is called with its own deployment name.
 */
export function backendUrl(endpoint: string, deployment: string): string {
  return `${openAiBaseUrl(endpoint)}/deployments/${encodeURIComponent(deployment)}`;
}

/** Status codes that count as failures: timeouts, throttling and server errors. */
export const BREAKER_STATUS_RANGES: readonly { readonly min: number; readonly max: number }[] = [
  { min: 408, max: 408 },
  { min: 429, max: 429 },
  { min: 500, max: 599 },
];

/**
 * Gateway error reasons that count as failures: a region that refuses connections produces no status
 * code, so without this the breaker never trips on a dead backend and a priority pool keeps sending to
 * it (the routing bench measured 30% client errors with one region unreachable). `Timeout` is
 * deliberately absent: a completion that is still generating when the client-side timeout hits says
 * nothing about the member's health, and with `failures: 1` one slow request would trip a healthy
 * member. APIM documents `errorReasons` only as "gateway error reasons" (strings up to 200
 * characters); which strings match, and whether matching is exact, is undocumented, so this name (the
 * `context.LastError.Reason` of a refused forward) needs a live check against a real gateway.
 */
export const BREAKER_ERROR_REASONS: readonly string[] = [CONNECTION_FAILURE];

/** Shape of the APIM `circuitBreaker.rules[]` entry (one rule per backend is all APIM allows). */
export interface CircuitBreakerRule {
  readonly name: string;
  readonly failureCondition: {
    readonly count: number;
    readonly interval: string;
    readonly statusCodeRanges: { readonly min: number; readonly max: number }[];
    readonly errorReasons: string[];
  };
  readonly tripDuration: string;
  readonly acceptRetryAfter: boolean;
}

/**
 * The breaker rule from `aoai-fleet:gateway.circuitBreaker`. With `acceptRetryAfter` the circuit
 * stays open for the backend's Retry-After (Azure OpenAI's 429s carry one), so a pool returns to a
 * throttled PTU deployment exactly when it has capacity again.
 */
export function circuitBreakerRule(breaker: NonNullable<GatewayConfig["circuitBreaker"]>): CircuitBreakerRule {
  return {
    name: "aoai-throttling-and-errors",
    failureCondition: {
      count: breaker.failures,
      interval: breaker.interval,
      statusCodeRanges: BREAKER_STATUS_RANGES.map((range) => ({ ...range })),
      errorReasons: [...BREAKER_ERROR_REASONS],
    },
    tripDuration: breaker.trip,
    acceptRetryAfter: breaker.acceptRetryAfter,
  };
}
