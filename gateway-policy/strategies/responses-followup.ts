// A follow-up (a Responses create with previous_response_id) on a route whose pool mixes deployment
// names. The stored response lives on one account, and the follow-up must go there (affinity.ts) —
// but it may use any deployment of the route's pool on that account: Azure keeps stored responses per
// account (resource), not per deployment. prod's eastus2 account has both the PTU `chat` and the
// pay-as-you-go `chat-std`; when the PTU throttles, the conversation continues on `chat-std` there
// instead of stalling on the PTU's 429.
//
// The first attempt uses the deployment affinity.ts chose (the one that served the create when it was
// captured, else the pool's most preferred name on that account). When that deployment answers 408,
// 429 or 5xx, the next attempts use the pool's other names on the same account, in the pool's order,
// rewriting `model` each time (retry re-runs its children, set-body included: responses-failover.ts).
// Nothing is sent to another account; a refused connection is the account's, so it is not retried.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bodyWithModel, bool, compare, eq, int, or, plus, retryableStatus, str, variable } from "../expr/helpers";
import { authorityOf, AFFINITY_VARS, hasAffinity } from "./affinity";
import { NAMES } from "./edge";
import { mixedPools, poolDeployment, responsesGroups, type RoutePools } from "./responses";
import { forwardOnce } from "./retry";
import { surfaceIs } from "./surface";
import type { BackendInventory, PoolDefinition } from "./types";

export const FOLLOWUP_VARS = {
  /** The deployment the first attempt uses. */
  chosen: "aoai-followup-first",
  /** How many other names of the pool the owner's account has (0: a single attempt). */
  alternatives: "aoai-followup-alternatives",
  /** Attempts made so far. */
  attempt: "aoai-followup-attempt",
} as const;

const v = (name: string): Expr => variable(name, "string");
const attempt = (): Expr => variable(FOLLOWUP_VARS.attempt, "int", 0);
const alternatives = (): Expr => variable(FOLLOWUP_VARS.alternatives, "int", 0);

/** Per mixed pool and account: the pool's names with a member there, in the pool's order (only accounts with two or more). */
export function ownerAlternatives(routes: readonly RoutePools[], inventory: BackendInventory): Array<{ poolId: string; authority: string; names: string[] }> {
  const authorityOfBackend = new Map(inventory.backends.map((b) => [b.backendId, b.url ? authorityOf(b.url) : undefined]));
  const mixed = new Set(routes.flatMap((r) => mixedPools(r.pools).map((m) => m.poolId)));
  const pools: PoolDefinition[] = routes.flatMap((r) => r.pools.filter((p) => mixed.has(p.poolId)));
  return pools.flatMap((p) => {
    const order = responsesGroups(p).map(poolDeployment);
    const accounts = [...new Set(p.members.map((m) => authorityOfBackend.get(m.backendId)).filter((a): a is string => a !== undefined))].sort();
    return accounts
      .map((authority) => ({ poolId: p.poolId, authority, names: order.filter((name) => p.members.some((m) => m.deployment === name && authorityOfBackend.get(m.backendId) === authority)) }))
      .filter((e) => e.names.length > 1);
  });
}

const onOwnerPool = (poolId: string, authority: string): Expr => and(eq(v(NAMES.targetVar), str(poolId)), eq(v(AFFINITY_VARS.owner), str(authority)));

/** Inbound, after the follow-up's deployment is chosen: how many other names its owner's account offers. */
export function followupStatements(routes: readonly RoutePools[], inventory: BackendInventory): Statement[] {
  const entries = ownerAlternatives(routes, inventory);
  if (entries.length === 0) return [];
  return [
    { kind: "set-variable", name: FOLLOWUP_VARS.chosen, value: v(NAMES.deploymentVar) },
    { kind: "set-variable", name: FOLLOWUP_VARS.attempt, value: int(0) },
    { kind: "set-variable", name: FOLLOWUP_VARS.alternatives, value: int(0) },
    {
      kind: "choose",
      when: entries.map((e) => ({
        // Only when the chosen deployment is one of the pool's names there (a captured deployment of another route is not).
        condition: and(onOwnerPool(e.poolId, e.authority), or(...e.names.map((n) => eq(v(NAMES.deploymentVar), str(n))))),
        policies: [{ kind: "set-variable", name: FOLLOWUP_VARS.alternatives, value: int(e.names.length - 1) } as Statement],
      })),
    },
  ];
}

/** Attempt n (2, 3, …): the (n-1)-th of the pool's other names on the owner's account. */
function nextDeployment(routes: readonly RoutePools[], inventory: BackendInventory): Statement {
  return {
    kind: "choose",
    when: ownerAlternatives(routes, inventory).flatMap((e) =>
      e.names.flatMap((first) =>
        e.names
          .filter((n) => n !== first)
          .map((name, i) => ({
            condition: and(onOwnerPool(e.poolId, e.authority), eq(v(FOLLOWUP_VARS.chosen), str(first)), eq(attempt(), int(i + 2))),
            policies: [{ kind: "set-variable", name: NAMES.deploymentVar, value: name } as Statement],
          })),
      ),
    ),
  };
}

/**
 * Backend branch for a follow-up whose owner's account offers other names of the route's pool: the
 * owner's account (set inbound with base-url), one attempt per name while the answer is 408/429/5xx.
 */
export function followupForwardBranches(routes: readonly RoutePools[], inventory: BackendInventory, timeoutSeconds: number): Array<{ condition: Expr; policies: Statement[] }> {
  if (ownerAlternatives(routes, inventory).length === 0) return [];
  const forwarded = variable(NAMES.forwardedVar, "bool", false);
  return [
    {
      condition: and(hasAffinity(), surfaceIs("responses"), compare(">", alternatives(), int(0))),
      policies: [
        {
          kind: "retry",
          condition: and(forwarded, retryableStatus(), compare("<=", attempt(), alternatives())),
          count: alternatives(),
          interval: 0,
          firstFastRetry: true,
          policies: [
            { kind: "set-variable", name: FOLLOWUP_VARS.attempt, value: plus(attempt(), int(1)) },
            nextDeployment(routes, inventory),
            { kind: "set-body", value: bodyWithModel(v(NAMES.deploymentVar)) },
            { kind: "set-variable", name: NAMES.forwardedVar, value: bool(false) },
            forwardOnce(timeoutSeconds),
            { kind: "set-variable", name: NAMES.forwardedVar, value: bool(true) },
          ],
        },
      ],
    },
  ];
}
