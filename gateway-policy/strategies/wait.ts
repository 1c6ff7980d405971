// Wait within a budget: when every member of the chosen pool is busy (each circuit breaker open), the
// request waits for the earliest moment one reopens and is tried again, up to the route's budget in
// total, instead of being answered 429 at once. Azure's Retry-After is the time until a request fits
// (seconds, not a minute), so the earliest member usually reopens well inside a budget of seconds.
//
// The pieces are APIM's own:
// - The reopening times are the exhaustion records (exhaustion.ts: one cache entry per Azure
//   deployment, the chosen pool's read with `readEarliest`). APIM exposes no breaker state, so these
//   are the only source.
// - The wait is a `retry` whose `interval` is an expression (Learn, retry policy: interval "A
//   positive number in seconds … Policy expressions are allowed"). APIM does not document when the
//   expression is evaluated (once when the retry starts, or before each wait), so the waiting retry
//   is nested and its interval is a variable set *before* it starts and never changed inside it:
//   `<retry condition="true" count="1" interval="@(wait-s)">` runs its child, waits `interval`,
//   runs it again — the documented semantics, whichever evaluation time APIM uses. The `wait`
//   policy cannot be used: it waits for its children, not for a time, and is not allowed inside retry.
// - The interval is whole seconds, so a request waits until at most 1 s after the reopening.
//
// In the forwarding loop (retry.ts) an attempt that found the pool exhausted (`poolExhausted`, the
// pool's own 503 as a forward-request error) is retried while waiting is allowed; at the start of the
// next attempt the earliest reopening is read and slept for when it fits in what is left of the budget.
// When it does not fit, the request gives up (`aoai-wait-over`): one last attempt (the pool may have
// reopened meanwhile) and then on-error's 429 + Retry-After at the earliest reopening (errors.ts).
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bool, compare, concat, conditional, divide, int, max, min, minus, nowMs, plus, statusIs, str, times, tryParseInt, variable } from "../expr/helpers";
import { EXHAUSTION_VARS, openForMs, poolExhausted, poolOfStatement, readEarliest, type BreakerSpec, type TrackedPool } from "./exhaustion";
import { NAMES } from "./edge";
import type { RouteSpec } from "./types";

export const WAIT_VARS = {
  /** The route's budget, ms (int; 0 or absent: no waiting). Set after selection. */
  budgetMs: "aoai-wait-budget-ms",
  /** Attempts started in the forwarding loop (int). */
  attempts: "aoai-attempts",
  /** Time already spent waiting, ms (int). */
  waitedMs: "aoai-waited-ms",
  /** The chosen pool's earliest recorded reopening (long ms). */
  until: "aoai-wait-until",
  /** The next wait, whole seconds (int): the waiting retry's interval. */
  waitSeconds: "aoai-wait-s",
  /** The earliest reopening is beyond the budget: stop after the next attempt (bool). */
  over: "aoai-wait-over",
  /** Prefix of the per-member record variables (`aoai-wait-at-<i>`, text as cached). */
  at: "aoai-wait-at",
  /** How many of them the chosen pool filled (int). */
  slots: "aoai-wait-slots",
  /** When the last wait ended (long ms; the waiting retry's child). */
  wokeAt: "aoai-woke-at",
  /** Earliest reopening among the members this request saw fail with an answer (long ms; 0: none). */
  backAt: "aoai-back-at",
} as const;

/** Seconds a route may wait in total (0: it answers 429 at once). */
export const waitBudgetOf = (route: RouteSpec): number => route.routing?.waitBudgetSeconds ?? 0;

const budget = (): Expr => variable(WAIT_VARS.budgetMs, "int", 0);
const attempts = (): Expr => variable(WAIT_VARS.attempts, "int", 0);
const waited = (): Expr => variable(WAIT_VARS.waitedMs, "int", 0);
const waitSeconds = (): Expr => variable(WAIT_VARS.waitSeconds, "int", 1);
const forwarded = (): Expr => variable(NAMES.forwardedVar, "bool", false);

/** After selection, for a route that waits: its budget in ms. */
export function waitBudgetStatements(route: RouteSpec): Statement[] {
  const seconds = waitBudgetOf(route);
  return seconds > 0 ? [{ kind: "set-variable", name: WAIT_VARS.budgetMs, value: int(seconds * 1000) }] : [];
}

/** The last attempt found the pool exhausted (its own forward-request threw the pool's 503). */
export const attemptExhausted = (): Expr => and({ kind: "not", operand: forwarded() }, poolExhausted());

/** The route waits and has not given up. */
export const mayWait = (): Expr => and(compare(">", budget(), int(0)), { kind: "not", operand: variable(WAIT_VARS.over, "bool", false) });

/**
 * Attempts a waiting loop may make after the first: one per extra member, one per second of budget
 * (every wait is at least 1 s) and the last try after giving up; APIM's 1–50.
 */
export function waitingCount(retries: Expr): Expr {
  return min(int(50), max(int(1), plus(plus(retries, divide(budget(), int(1000))), int(1))));
}

/**
 * The wait until the earliest recorded reopening among the members of the pool named by `poolKey`, in
 * whole seconds (rounded up, at least 1), as `aoai-wait-s`. One cache lookup per member of that pool,
 * then one expression. A member without a record in the future (none, or an expired one) counts as
 * "now": the request looks again after a second. (The 429 answer takes such a member as "trip duration
 * from now" instead, an upper bound for a client told when to come back; a wait inside the budget can
 * afford to look again.)
 */
function waitSecondsStatements(pools: readonly TrackedPool[], poolKey: Expr): Statement[] {
  const now = variable(EXHAUSTION_VARS.now, "long");
  const until = variable(WAIT_VARS.until, "long");
  return [
    poolOfStatement(poolKey),
    { kind: "set-variable", name: EXHAUSTION_VARS.now, value: nowMs() },
    // Only the chosen pool's members are looked up (a loop may serve many routes and pools).
    ...readEarliest(pools, variable(EXHAUSTION_VARS.poolOf, "string"), { prefix: `${WAIT_VARS.at}-`, count: WAIT_VARS.slots }, now, now, WAIT_VARS.until),
    { kind: "set-variable", name: WAIT_VARS.waitSeconds, value: tryParseInt(concat(str(""), divide(plus(max(int(1), minus(until, now)), int(999)), int(1000))), 1) },
  ];
}

/**
 * Sleep until the earliest reopening among the members of the pool named by `poolKey` when that fits
 * in what is left of the budget (then `afterSleep`), else give up (`aoai-wait-over`).
 */
export function waitOrGiveUp(pools: readonly TrackedPool[], poolKey: Expr, afterSleep: Statement[] = []): Statement[] {
  const sleepMs = times(waitSeconds(), int(1000));
  return [
    ...waitSecondsStatements(pools, poolKey),
    {
      kind: "choose",
      when: [
        {
          condition: compare("<=", plus(waited(), sleepMs), budget()),
          policies: [
            {
              kind: "retry",
              condition: bool(true),
              count: 1,
              interval: waitSeconds(),
              firstFastRetry: false,
              policies: [{ kind: "set-variable", name: WAIT_VARS.wokeAt, value: nowMs() }],
            },
            { kind: "set-variable", name: WAIT_VARS.waitedMs, value: plus(waited(), sleepMs) },
            ...afterSleep,
          ],
        },
      ],
      otherwise: [{ kind: "set-variable", name: WAIT_VARS.over, value: bool(true) }],
    },
  ];
}

/** At the start of every attempt of a waiting loop: count it. */
export const countAttempt = (): Statement => ({ kind: "set-variable", name: WAIT_VARS.attempts, value: plus(attempts(), int(1)) });

/**
 * At the start of every attempt of a waiting loop: count it, and when the previous one found the pool
 * exhausted, sleep until the earliest reopening if it fits the budget, else give up.
 */
export function waitStatements(pools: readonly TrackedPool[]): Statement[] {
  return [
    countAttempt(),
    {
      kind: "choose",
      when: [{ condition: and(compare(">", attempts(), int(1)), attemptExhausted(), mayWait()), policies: waitOrGiveUp(pools, variable(NAMES.targetVar, "string")) }],
    },
  ];
}

/**
 * Inside a waiting loop, right after forward-request returned: when the answer is a failure the
 * breaker counts, the earliest reopening among the members this request saw fail.
 */
export function waitAfterForward(breaker: BreakerSpec): Statement[] {
  const ranges = breaker.statusRanges.map((r): number | [number, number] => (r.min === r.max ? r.min : [r.min, r.max]));
  const backAt = variable(WAIT_VARS.backAt, "long", 0);
  const thisOne = plus(nowMs(), openForMs(breaker));
  // 0 (none yet) counts as "never" so the min picks this answer's reopening.
  const earlier = conditional(compare(">", backAt, int(0)), backAt, int(Number.MAX_SAFE_INTEGER));
  return [
    {
      kind: "choose",
      when: [{ condition: statusIs(...ranges), policies: [{ kind: "set-variable", name: WAIT_VARS.backAt, value: min(earlier, thisOne) }] }],
    },
  ];
}

/**
 * Retry condition of a waiting loop: a member failure (as retryCondition) while the pool's retries
 * last — or, beyond them, for a route that waits, when a member this request saw fail will be back
 * within what is left of the budget (the earliest of their breakers' time out: each answer's
 * Retry-After or the trip duration; the next attempt then finds the pool exhausted and waits) — or
 * an exhausted pool while the route may wait. When none is back in time the loop ends with the last
 * failure's own answer (Azure's 429 with its Retry-After, or the transport error), as without a budget.
 */
export function waitingCondition(memberFailure: Expr, retries: Expr, breaker: BreakerSpec): Expr {
  // A failed answer is already in aoai-back-at (waitAfterForward); a transport failure keeps its member
  // out for the trip duration, which counts when no answer was seen.
  const backAt = variable(WAIT_VARS.backAt, "long", 0);
  const earliestIn = conditional(compare(">", backAt, int(0)), minus(backAt, nowMs()), int(breaker.tripSeconds * 1000));
  const backInBudget = and(compare(">", budget(), int(0)), compare("<=", earliestIn, minus(budget(), waited())));
  return and(
    { kind: "not", operand: variable(WAIT_VARS.over, "bool", false) },
    { kind: "or", operands: [and(memberFailure, { kind: "or", operands: [compare("<=", attempts(), retries), backInBudget] }), and(attemptExhausted(), compare(">", budget(), int(0)))] },
  );
}
