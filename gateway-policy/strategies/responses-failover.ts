// The backend loop of a Responses create on a pool that mixes deployment names (responses.ts): the
// pool's groups (one account-level twin pool per deployment name, in the pool's order of preference)
// are tried in turn inside one `retry`, each attempt rewriting the body's `model` to the group's name
// before forward-request. APIM documents that retry "executes its child policies once and then
// retries their execution until the retry condition becomes false or retry count is exhausted"
// (retry policy), and set-body is allowed in the backend section (set-body policy, Usage), so every
// attempt sends the body its group needs; forward-request buffers the request body to replay it.
//
// Within a group the twin pool behaves as the original pool would: a member that answers 408/429/5xx
// or refuses the connection is retried on the group's other members (its breaker opens). The loop
// moves to the next group only when the group itself is exhausted — every member tripped, so APIM
// answers 503 without calling a backend — which costs one attempt per group and no backend call.
// When the last group is exhausted and the route waits within a budget (wait.ts), the request sleeps
// until the earliest recorded reopening among every group's members, if that fits in what is left of
// the budget, and walks the groups again from the first (the pool's preferred name); member failures
// are retried as the route's own loop retries them (`waitingCondition`: within the pool's retries, or
// beyond them while a member seen failing is back within the budget). Otherwise, or once the budget
// is spent, the error reaches on-error, which answers 429 + Retry-After at the earliest moment any
// member of the whole pool frees (exhaustion.ts, with `wholePoolTwins` and `exhaustedPoolKey`).
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bodyWithModel, bool, compare, concat, conditional, ctx, divide, eq, int, lt, max, min, neq, not, or, plus, str, times, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { poolExhausted } from "./exhaustion";
import { GROUP_VARS, groupWalks, mixedPools, poolDeployment, WHOLE_POOL_SUFFIX, wholePoolTwins, type RoutePools } from "./responses";
import { CONNECTION_FAILURE, forwardOnce, memberFailure, retryCondition, type AttemptHooks, type WaitingLoop } from "./retry";
import { countAttempt, mayWait, waitAfterForward, waitingCondition, waitOrGiveUp, WAIT_VARS } from "./wait";
import type { PoolDefinition } from "./types";

const v = (name: string): Expr => variable(name, "string");
const index = (): Expr => variable(GROUP_VARS.index, "int", 0);
const retries = (): Expr => variable(NAMES.retryCountVar, "int", 1);
const forwarded = (): Expr => variable(NAMES.forwardedVar, "bool", false);

/** True when a Responses create walks groups (set inbound by responsesTargetStatements). */
export const walksGroups = (): Expr => neq(v(GROUP_VARS.pool), str(""));

/**
 * The last attempt found its group exhausted: forward-request raised the pool's own 503 (no backend
 * answered; on-error's exhaustion test, errors.ts) rather than a refused connection.
 */
export function groupExhausted(): Expr {
  return and(not(forwarded()), neq(ctx("lastErrorReason"), str(CONNECTION_FAILURE)), poolExhausted());
}

/** The group being tried is not the last. */
const laterGroupLeft = (): Expr => lt(index(), variable(GROUP_VARS.last, "int", 0));

/** A group is exhausted while another remains. */
const nextGroupRemains = (): Expr => and(compare(">", retries(), int(0)), groupExhausted(), laterGroupLeft());

/** Retry on what the route's loop retries, and when a group is exhausted while another remains. */
export function groupRetryCondition(): Expr {
  return or(retryCondition(), nextGroupRemains());
}

/** Per attempt: the group to try (its twin pool in `aoai-target`, its deployment) for the pool and walk being followed. */
function groupSelection(pools: readonly PoolDefinition[]): Statement {
  return {
    kind: "choose",
    when: pools.flatMap((p) => {
      const { walks } = groupWalks(p);
      return walks.flatMap((walk, s) =>
        walk.map((g, i) => ({
          // One walk (no names share the first tier): the walk needs no test.
          condition: and(eq(v(GROUP_VARS.pool), str(p.poolId)), ...(walks.length > 1 ? [eq(variable(GROUP_VARS.walk, "int", 0), int(s))] : []), eq(index(), int(i))),
          policies: [
            { kind: "set-variable", name: NAMES.targetVar, value: g.poolId } as Statement,
            { kind: "set-variable", name: NAMES.deploymentVar, value: poolDeployment(g) } as Statement,
          ],
        })),
      );
    }),
  };
}

/**
 * Attempts a waiting group loop may make: the pool's retries (one per extra member and group), and
 * after each wait (at least 1 s, so at most one per second of budget) one more walk of the groups,
 * plus the last try after giving up; APIM's 1–50.
 */
function groupWaitingCount(): Expr {
  const groups = plus(variable(GROUP_VARS.last, "int", 0), int(1));
  const walks = plus(divide(variable(WAIT_VARS.budgetMs, "int", 0), int(1000)), int(1));
  return min(int(50), max(int(1), plus(plus(retries(), times(walks, groups)), int(1))));
}

/**
 * At the start of an attempt after one that found its group exhausted: the next group, or, after the
 * last, a wait for the whole pool's earliest reopening (then the first group again) when the route
 * waits within a budget.
 */
function advance(pools: readonly PoolDefinition[], waiting: WaitingLoop | undefined): Statement {
  const afterExhausted = and(compare(">", variable(GROUP_VARS.attempt, "int", 0), int(0)), groupExhausted());
  const next = { condition: and(afterExhausted, laterGroupLeft()), policies: [{ kind: "set-variable", name: GROUP_VARS.index, value: plus(index(), int(1)) } as Statement] };
  if (!waiting) return { kind: "choose", when: [next] };
  const whole = concat(v(GROUP_VARS.pool), str(WHOLE_POOL_SUFFIX));
  const restart: Statement = { kind: "set-variable", name: GROUP_VARS.index, value: int(0) };
  return { kind: "choose", when: [next, { condition: and(afterExhausted, mayWait()), policies: waitOrGiveUp(waiting.pools, whole, [restart]) }] };
}

/**
 * The retry loop over groups (hooks: the exhaustion records, as around the route's own loop). With
 * `waiting` (its pools: the `wholePoolTwins` of `pools`), an exhausted pool is waited for within the
 * route's budget.
 */
export function groupForward(timeoutSeconds: number, pools: readonly PoolDefinition[], hooks: AttemptHooks = {}, waiting?: WaitingLoop): Statement {
  return {
    kind: "retry",
    // Waiting, member failures are retried as the route's own waiting loop retries them (wait.ts).
    condition: waiting ? or(waitingCondition(memberFailure(), retries(), waiting.breaker), nextGroupRemains()) : groupRetryCondition(),
    count: waiting ? groupWaitingCount() : conditional(compare(">", retries(), int(0)), retries(), int(1)),
    interval: 0,
    firstFastRetry: true,
    policies: [
      // Records the previous attempt's transport failure under the deployment it was sent to.
      ...(hooks.before ?? []),
      ...(waiting ? [countAttempt()] : []),
      advance(pools, waiting),
      { kind: "set-variable", name: GROUP_VARS.attempt, value: plus(variable(GROUP_VARS.attempt, "int", 0), int(1)) },
      groupSelection(pools),
      { kind: "set-body", value: bodyWithModel(v(NAMES.deploymentVar)) },
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(false) },
      { kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") },
      forwardOnce(timeoutSeconds),
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(true) },
      ...(hooks.after ?? []),
      ...(waiting ? waitAfterForward(waiting.breaker) : []),
    ],
  };
}

/** Pools of these routes that mix names. */
function mixed(routes: readonly RoutePools[]): PoolDefinition[] {
  return routes.flatMap((r) => {
    const ids = new Set(mixedPools(r.pools).map((m) => m.poolId));
    return r.pools.filter((p) => ids.has(p.poolId));
  });
}

/**
 * Backend branches, one per timeout class that has a route with a pool that mixes names: a Responses
 * create walking groups takes the group loop instead of the route's own. A class whose routes wait
 * within a budget passes `waitsWith`, the breaker whose records it waits on; the pools waited for are
 * the whole-pool entries of its pools that mix names, made here with `tracked`.
 */
export function groupForwardBranches(
  classes: ReadonlyArray<{ timeout: number; routes: readonly RoutePools[]; waitsWith?: WaitingLoop["breaker"] | undefined }>,
  hooks: AttemptHooks,
  tracked: (pool: PoolDefinition) => WaitingLoop["pools"][number],
): Array<{ condition: Expr; policies: Statement[] }> {
  return classes.flatMap(({ timeout, routes, waitsWith }) => {
    const pools = mixed(routes);
    if (pools.length === 0) return [];
    const onRoutes = or(...[...new Set(pools.map((p) => p.route))].map((r) => eq(v(NAMES.routeVar), str(r))));
    // The group loop waits for whole pools only (`<pool>|groups`: every group's members).
    const groupWaiting = waitsWith ? { breaker: waitsWith, pools: wholePoolTwins(pools).map(tracked) } : undefined;
    return [{ condition: and(walksGroups(), onRoutes), policies: [groupForward(timeout, pools, hooks, groupWaiting)] }];
  });
}

/** What on-error's exhaustion answer looks up: every group of the pool walked, else the pool in `aoai-target`. */
export function exhaustedPoolKey(): Expr {
  return conditional(walksGroups(), concat(v(GROUP_VARS.pool), str(WHOLE_POOL_SUFFIX)), v(NAMES.targetVar));
}
