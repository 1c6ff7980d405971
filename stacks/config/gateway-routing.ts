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

/** Defaults of `avoidSlow` (latency.ts explains each). */
export const DEFAULT_AVOID_SLOW = { factor: 1.5, minExtraMs: 2000, holdSeconds: 300, probePercent: 2, twinsPerTier: 4 } as const;

/** Defaults of `spill` (spill.ts explains each). */
export const DEFAULT_SPILL = { largePromptTokens: 4000, holdSeconds: 10 } as const;

const spillSchema = z.strictObject({
  /** Spill large prompts first when the first tier is full (default true with a circuit breaker; only priority routes with two or more tiers have somewhere to spill to). */
  enabled: z.boolean().optional(),
  /** A prompt of at least this many tokens (estimated from its characters ÷ 4) is large (1–1000000, default 4000). */
  largePromptTokens: z.number().int().min(1).max(1_000_000).optional(),
  /** Large prompts keep skipping the first tier this long after it reopens (1–60 seconds, default 10). */
  holdSeconds: z.number().int().min(1).max(60).optional(),
});

const avoidSlowSchema = z.strictObject({
  /** Measure members and avoid a slow one (default true; the Consumption tier has no cache, so false there). */
  enabled: z.boolean().optional(),
  /** Slow = average response time above factor × its tier peers' (1.1–10, default 1.5)… */
  factor: z.number().min(1.1).max(10).optional(),
  /** …and more than this many ms above it (0–600000, default 2000). */
  minExtraMs: z.number().int().min(0).max(600_000).optional(),
  /** Avoid it at most this many seconds after its last slow answer; an answer at its usual speed ends it sooner (1–3600, default 300). */
  holdSeconds: z.number().int().min(1).max(3600).optional(),
  /** Percent of requests that still use the normal pool, so recovery is seen (0–50, default 2). */
  probePercent: z.number().int().min(0).max(50).optional(),
  /**
   * Most twin pools (APIM backends) per priority tier (2–30, default 4): a tier with more members is
   * split into this many runs, and a slow member's whole run waits behind the others with it.
   */
  twinsPerTier: z.number().int().min(2).max(30).optional(),
});

export const routingSchema = z.strictObject({
  /**
   * When every member of the chosen pool is busy (each circuit breaker open), wait for the earliest
   * reopening, up to this many seconds in total per request, instead of answering 429 at once
   * (0–120 whole seconds; 0 = answer at once). Default 10 with a circuit breaker; needs one.
   */
  waitBudgetSeconds: z.number().int().min(0).max(MAX_WAIT_BUDGET_SECONDS).optional(),
  /**
   * Avoid a slow-but-alive member: response times measured per member, and a slow one moved behind
   * its tier peers until it recovers. Peers only: the spill order (PTU first) never changes.
   */
  avoidSlow: avoidSlowSchema.optional(),
  /**
   * PTU-first with size-aware spillover: while the first priority tier is full, large prompts go to
   * the next tiers first and short requests keep the first tier (cheaper pay-as-you-go per token).
   */
  spill: spillSchema.optional(),
  /**
   * Answer 429 with `x-should-retry: false` at once, forwarding nothing, when a request's token
   * estimate (characters ÷ 4 plus max_tokens) is above every member's tokens per minute: sent on, it
   * would trip each member's breaker in turn and close the route to every caller (default true with
   * a circuit breaker).
   */
  refuseOversized: z.boolean().optional(),
});

export type RoutingConfig = z.output<typeof routingSchema>;

/** What the defaults depend on elsewhere in the gateway config. */
export interface RoutingContext {
  /** `aoai-fleet:gateway.circuitBreaker` is set (the reopening records waiting reads). */
  breaker: boolean;
  /** The tier has APIM's internal cache (not Consumption): measured times live there. */
  cache: boolean;
  /** Priority tiers of the route's backends (only the checks need it). */
  tiers?: number;
}

/** The routing options with defaults filled in, in the policy engine's shape (`avoidSlow` absent = off). */
export interface ResolvedRouting {
  waitBudgetSeconds: number;
  avoidSlow?: { factor: number; minExtraMs: number; holdSeconds: number; probePercent: number; twinsPerTier: number };
  spill?: { largePromptTokens: number; holdSeconds: number };
  refuseOversized: boolean;
}

export function routingWithDefaults(routing: RoutingConfig | undefined, context: RoutingContext): ResolvedRouting {
  const avoid = routing?.avoidSlow;
  const avoiding = avoid?.enabled ?? context.cache;
  const spill = routing?.spill;
  const spilling = spill?.enabled ?? context.breaker;
  return {
    waitBudgetSeconds: routing?.waitBudgetSeconds ?? (context.breaker ? DEFAULT_WAIT_BUDGET_SECONDS : 0),
    refuseOversized: routing?.refuseOversized ?? context.breaker,
    ...(avoiding
      ? {
          avoidSlow: {
            factor: avoid?.factor ?? DEFAULT_AVOID_SLOW.factor,
            minExtraMs: avoid?.minExtraMs ?? DEFAULT_AVOID_SLOW.minExtraMs,
            holdSeconds: avoid?.holdSeconds ?? DEFAULT_AVOID_SLOW.holdSeconds,
            probePercent: avoid?.probePercent ?? DEFAULT_AVOID_SLOW.probePercent,
            twinsPerTier: avoid?.twinsPerTier ?? DEFAULT_AVOID_SLOW.twinsPerTier,
          },
        }
      : {}),
    ...(spilling
      ? { spill: { largePromptTokens: spill?.largePromptTokens ?? DEFAULT_SPILL.largePromptTokens, holdSeconds: spill?.holdSeconds ?? DEFAULT_SPILL.holdSeconds } }
      : {}),
  };
}

/** Problems of a route's routing block that need the rest of the gateway config (path relative to the route). */
export function routingIssues(routing: RoutingConfig | undefined, context: RoutingContext): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  if (!context.breaker && (routing?.waitBudgetSeconds ?? 0) > 0)
    out.push({ path: ["routing", "waitBudgetSeconds"], message: "waiting for a busy pool needs the circuit breaker's reopening times; add aoai-fleet:gateway.circuitBreaker or set 0" });
  if (!context.cache && routing?.avoidSlow?.enabled === true)
    out.push({ path: ["routing", "avoidSlow", "enabled"], message: "measured response times live in APIM's internal cache, which the Consumption tier does not have; set false or choose another sku (e.g. BasicV2)" });
  if (!context.breaker && routing?.spill?.enabled === true)
    out.push({ path: ["routing", "spill", "enabled"], message: "spilling reads when the first tier was last throttled from the circuit breaker's records; add aoai-fleet:gateway.circuitBreaker or set false" });
  if (context.tiers !== undefined && context.tiers < 2 && routing?.spill?.enabled === true)
    out.push({ path: ["routing", "spill", "enabled"], message: "spilling needs at least two priority tiers (e.g. a PTU at priority 1, pay-as-you-go at 2); set false or add a tier" });
  return out;
}
