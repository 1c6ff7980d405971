/**
 * `aoai-fleet:gateway.routes.<route>.routing` (issue 14): routing mechanisms on top of APIM's own pool
 * choice, each with a default. The same block is a benchmark scenario's `strategy` options (what the
 * benchmark applies to `ours`), so one schema validates both. Every field is optional here: defaults
 * that depend on the rest of the gateway (a circuit breaker) are applied by `routingWithDefaults`.
 */
import { z } from "zod";

/** Seconds a route waits in total for a busy pool unless it says otherwise (needs a circuit breaker). */
export const DEFAULT_WAIT_BUDGET_SECONDS = 10;
/** Longest total wait a route may configure; the openai SDKs time a request out after 600 s. */
export const MAX_WAIT_BUDGET_SECONDS = 120;

export const routingSchema = z.strictObject({
  /**
   * When every member of the chosen pool is busy (each circuit breaker open), wait for the earliest
   * reopening, up to this many seconds in total per request, instead of answering 429 at once
   * (0–120 whole seconds; 0 = answer at once). Default 10 with a circuit breaker; needs one.
   */
  waitBudgetSeconds: z.number().int().min(0).max(MAX_WAIT_BUDGET_SECONDS).optional(),
});

export type RoutingConfig = z.output<typeof routingSchema>;

/** The route's routing options with the defaults filled in (`hasBreaker`: `aoai-fleet:gateway.circuitBreaker` is set). */
export function routingWithDefaults(routing: RoutingConfig | undefined, hasBreaker: boolean): Required<RoutingConfig> {
  return { waitBudgetSeconds: routing?.waitBudgetSeconds ?? (hasBreaker ? DEFAULT_WAIT_BUDGET_SECONDS : 0) };
}

/** Problems of a route's routing block that need the rest of the gateway config (path relative to the route). */
export function routingIssues(routing: RoutingConfig | undefined, hasBreaker: boolean): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  if (!hasBreaker && (routing?.waitBudgetSeconds ?? 0) > 0)
    out.push({ path: ["routing", "waitBudgetSeconds"], message: "waiting for a busy pool needs the circuit breaker's reopening times; add aoai-fleet:gateway.circuitBreaker or set 0" });
  return out;
}
