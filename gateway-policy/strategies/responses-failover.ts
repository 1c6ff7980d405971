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
// When the last group is exhausted the error reaches on-error, which answers 429 + Retry-After at the
// earliest moment any member of the whole pool frees (exhaustion.ts, with `wholePoolTwins` and
// `exhaustedPoolKey`).
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bodyWithModel, bool, compare, concat, conditional, ctx, eq, int, lt, neq, not, or, plus, str, variable } from "../expr/helpers";
import { NAMES } from "./edge";
import { poolExhausted } from "./exhaustion";
import { GROUP_VARS, groupWalks, mixedPools, poolDeployment, WHOLE_POOL_SUFFIX, type RoutePools } from "./responses";
import { CONNECTION_FAILURE, forwardOnce, retryCondition, type AttemptHooks } from "./retry";
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

/** Retry on what the route's loop retries, and when a group is exhausted while another remains. */
export function groupRetryCondition(): Expr {
  return or(retryCondition(), and(compare(">", retries(), int(0)), groupExhausted(), lt(index(), variable(GROUP_VARS.last, "int", 0))));
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

/** The retry loop over groups (hooks: the exhaustion records, as around the route's own loop). */
export function groupForward(timeoutSeconds: number, pools: readonly PoolDefinition[], hooks: AttemptHooks = {}): Statement {
  return {
    kind: "retry",
    condition: groupRetryCondition(),
    count: conditional(compare(">", retries(), int(0)), retries(), int(1)),
    interval: 0,
    firstFastRetry: true,
    policies: [
      // Records the previous attempt's transport failure under the deployment it was sent to.
      ...(hooks.before ?? []),
      { kind: "choose", when: [{ condition: and(compare(">", variable(GROUP_VARS.attempt, "int", 0), int(0)), groupExhausted()), policies: [{ kind: "set-variable", name: GROUP_VARS.index, value: plus(index(), int(1)) }] }] },
      { kind: "set-variable", name: GROUP_VARS.attempt, value: plus(variable(GROUP_VARS.attempt, "int", 0), int(1)) },
      groupSelection(pools),
      { kind: "set-body", value: bodyWithModel(v(NAMES.deploymentVar)) },
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(false) },
      { kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") },
      forwardOnce(timeoutSeconds),
      { kind: "set-variable", name: NAMES.forwardedVar, value: bool(true) },
      ...(hooks.after ?? []),
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
 * create walking groups takes the group loop instead of the route's own.
 */
export function groupForwardBranches(classes: ReadonlyArray<{ timeout: number; routes: readonly RoutePools[] }>, hooks: AttemptHooks): Array<{ condition: Expr; policies: Statement[] }> {
  return classes.flatMap(({ timeout, routes }) => {
    const pools = mixed(routes);
    if (pools.length === 0) return [];
    const onRoutes = or(...[...new Set(pools.map((p) => p.route))].map((r) => eq(v(NAMES.routeVar), str(r))));
    return [{ condition: and(walksGroups(), onRoutes), policies: [groupForward(timeout, pools, hooks)] }];
  });
}

/** What on-error's exhaustion answer looks up: every group of the pool walked, else the pool in `aoai-target`. */
export function exhaustedPoolKey(): Expr {
  return conditional(walksGroups(), concat(v(GROUP_VARS.pool), str(WHOLE_POOL_SUFFIX)), v(NAMES.targetVar));
}
