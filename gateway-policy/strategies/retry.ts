// Forwarding with retry. What is retried, how often and how long each attempt may take:
// - Attempts: one retry per extra member of the pool actually chosen for the request
//   (`aoai-retry-count`, set after selection). A one-member pool (a canary, an A/B variant) gets none:
//   its member tripped on the failure, so another attempt could only find the pool exhausted and turn
//   Azure's own answer (a 429 with Retry-After) into the gateway's 503; the client's SDK retries instead.
// - Retried: a backend answer of 408, 429, 500, 502, 503 or 504, or a connection failure. Not
//   retried: a timeout (the model may still be generating — resending re-bills the whole completion),
//   any other status, and the 503 APIM itself raises when every member of the pool has tripped (no
//   backend was reached; another attempt would fail the same way). `aoai-forwarded` tells a backend
//   answer from a gateway error: it turns true only after forward-request returned.
// - Timeout: per attempt, the time to the response headers (APIM's forward-request `timeout`): for a
//   non-streaming completion the whole generation, for a stream the first byte only.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bool, compare, conditional, ctx, eq, int, not, or, retryableStatus, str, variable } from "../expr/helpers";
import { checkRetryCount, gatewayPath, LIMITS } from "../limits";
import { NAMES } from "./edge";
import type { BreakerSpec, TrackedPool } from "./exhaustion";
import type { PoolDefinition, RouteSpec } from "./types";
import { waitAfterForward, waitingCondition, waitingCount, waitStatements } from "./wait";

/** Per-attempt timeout (seconds to the response headers) when a route sets none; 240 is APIM's documented ceiling. */
export const DEFAULT_TIMEOUT_SECONDS = 240;
/** The gateway error reason of a refused or reset connection (the only transport failure retried). */
export const CONNECTION_FAILURE = "BackendConnectionFailure";

/** Retries after the first attempt for one pool: one per extra member (0–50), unless the route sets 1–50. */
export function retryCountFor(route: RouteSpec, pool: PoolDefinition): number {
  if (route.retryCount !== undefined) {
    checkRetryCount(route.retryCount, gatewayPath("routes", route.name, "retryCount"));
    return route.retryCount;
  }
  return Math.min(LIMITS.retryCount.max, pool.members.length - 1);
}

/** After selection: `aoai-retry-count` for the pool in `aoai-target`. */
export function retryCountStatements(route: RouteSpec, pools: readonly PoolDefinition[]): Statement[] {
  const setCount = (n: number): Statement => ({ kind: "set-variable", name: NAMES.retryCountVar, value: int(n) });
  const counts = pools.map((p) => ({ pool: p.poolId, count: retryCountFor(route, p) }));
  const distinct = new Set(counts.map((c) => c.count));
  if (distinct.size === 1) return [setCount(counts[0]?.count ?? 1)];
  const target = variable(NAMES.targetVar, "string", "");
  return [{ kind: "choose", when: counts.map((c) => ({ condition: eq(target, str(c.pool)), policies: [setCount(c.count)] })), otherwise: [setCount(1)] }];
}

const retries = () => variable(NAMES.retryCountVar, "int", 1);

/** A backend answered with a retryable status, or the connection failed. */
export function memberFailure(): Expr {
  const forwarded = variable(NAMES.forwardedVar, "bool", false);
  return or(and(forwarded, retryableStatus()), and(not(forwarded), eq(ctx("lastErrorReason"), str(CONNECTION_FAILURE))));
}

/** Retry (when the chosen pool allows any) if a backend answered with a retryable status, or the connection failed. */
export function retryCondition(): Expr {
  return and(compare(">", retries(), int(0)), memberFailure());
}

/** Statements the exhaustion records (exhaustion.ts) put around each attempt. */
export interface AttemptHooks {
  /** At the start of every attempt (a transport failure of the previous one is known only there). */
  before?: Statement[];
  /** Right before forward-request (after the member is chosen and any wait). */
  beforeForward?: Statement[];
  /** Right after forward-request returned (the member's response is in context.Response). */
  after?: Statement[];
}

/** What a loop whose routes may wait within a budget needs (wait.ts). */
export interface WaitingLoop {
  /** Every pool the loop's routes can target, as the exhaustion records know them. */
  pools: readonly TrackedPool[];
  /** The breaker rule (how long a failed member stays out). */
  breaker: BreakerSpec;
}

/**
 * The backend section's retry around forward-request, re-selecting a pool member on every attempt.
 * The response is never buffered (`buffer-response="false"`): a stream passes through as it arrives.
 * With `waiting`, an exhausted pool is waited for within the route's budget (wait.ts).
 */
export function forwardWithRetry(timeoutSeconds: number, hooks: AttemptHooks = {}, waiting?: WaitingLoop): Statement {
  const target = variable(NAMES.targetVar, "string", "");
  return {
    kind: "retry",
    condition: waiting ? waitingCondition(memberFailure(), retries(), waiting.breaker) : retryCondition(),
    // APIM's count is 1–50; a pool that allows no retry has count 0 and the condition stays false.
    count: waiting ? waitingCount(retries()) : conditional(compare(">", retries(), int(0)), retries(), int(1)),
    // Retry at once: each failure trips that member's circuit breaker, so the next pick avoids it.
    interval: 0,
    firstFastRetry: true,
    policies: [
      ...(hooks.before ?? []),
      ...(waiting ? waitStatements(waiting.pools) : []),
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(false) },
      // Re-select inside the loop so every attempt draws a fresh (healthy) pool member.
      { kind: "set-backend-service", backendId: target },
      ...(hooks.beforeForward ?? []),
      forwardOnce(timeoutSeconds),
      // Reached only when forward-request returned: an error (pool exhausted, timeout, refused
      // connection) skips the rest of the block and leaves the flag false.
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(true) },
      ...(hooks.after ?? []),
      ...(waiting ? waitAfterForward(waiting.breaker) : []),
    ],
  };
}

/** One forward-request without retry (a request bound to a stored response's account). */
export function forwardOnce(timeoutSeconds: number): Statement {
  return { kind: "forward-request", timeout: timeoutSeconds, bufferRequestBody: true, bufferResponse: false };
}
