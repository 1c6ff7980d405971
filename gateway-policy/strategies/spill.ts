// PTU-first with size-aware spillover. A priority route keeps its first tier (typically a provisioned
// deployment, paid for whether used or not) saturated and spills to the next tiers on 429 only. Once
// the first tier is full, *which* requests spill decides the pay-as-you-go bill: a long prompt costs
// less per charged token on pay-as-you-go than a short, output-heavy request (input tokens are
// cheaper than output tokens, and the first tier is metered on prompt + max_tokens either way). So:
//
// - While the first tier is out (its members' exhaustion records, exhaustion.ts: reopening time in
//   the future) and for `holdSeconds` after it reopens, a request whose prompt is large (body of at
//   least `largePromptTokens` × 4 characters, the service's own character-based estimate) goes to a
//   twin of the stable pool in which the first tier comes after the second (`<route>-stable-spill`); short
//   requests keep the normal pool and fill the first tier as it frees.
// - Otherwise (the first tier has not been throttled lately) every request goes first-tier first, so
//   the reservation never idles because large requests were sent away.
//
// The hold is what keeps the first tier full: when short requests alone cannot fill it, no 429 renews
// the record and large requests return to it `holdSeconds` after it reopened. Needs the breaker's
// records (aoai-fleet:gateway.circuitBreaker); a route with one tier has nothing to spill to.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { and, bool, compare, eq, int, nowMs, or, plus, requestBodyLength, str, tryParseLong, variable } from "../expr/helpers";
import { authorityOf } from "./affinity";
import { NAMES } from "./edge";
import { EXHAUSTION_VARS, freeAtKey, memberFreeAtLookup } from "./exhaustion";
import { poolIdOf } from "./names";
import type { BackendInventory, PoolDefinition, RouteSpec } from "./types";

/** `routes.<name>.routing.spill`. */
export interface SpillSpec {
  /** A request is large when its prompt estimate (body characters ÷ 4) is at least this many tokens. */
  largePromptTokens: number;
  /** Seconds after the first tier reopens during which large requests still skip it. */
  holdSeconds: number;
}

/** The request was moved to a spill twin (bool): other mechanisms leave its pool alone. */
export const SPILLED_VAR = "aoai-spilled";

export const SPILL_VARS = {
  now: "aoai-spill-now",
  /** Prefix of the first tier's record variables (`aoai-spill-at-<i>`, text as cached). */
  at: "aoai-spill-at",
} as const;

/** Characters per token of the service's prompt estimate. */
const CHARS_PER_TOKEN = 4;

export interface SpillPlan {
  route: string;
  stablePoolId: string;
  spec: SpillSpec;
  /** The first tier's record keys. */
  firstTierKeys: string[];
  /** The stable pool with its first two tiers swapped. */
  pool: PoolDefinition;
}

/**
 * The stable pool's twin with the first two tiers swapped (priorities renumbered 1, 2, …): large
 * prompts go to the second tier, then the first; later tiers (a canary failover) stay last.
 */
function spillPool(stable: PoolDefinition, tiers: number[]): PoolDefinition {
  const order = [tiers[1] as number, tiers[0] as number, ...tiers.slice(2)];
  const members = order.flatMap((priority, t) => stable.members.filter((m) => m.priority === priority).map((m) => ({ ...m, priority: t + 1 })));
  const side = `${stable.side}-spill`;
  return { poolId: poolIdOf(stable.route, side), route: stable.route, side, members };
}

/** The route's spill plan (none without the option, or with a single tier). */
export function planSpill(route: RouteSpec, pools: readonly PoolDefinition[], inventory: BackendInventory): SpillPlan | undefined {
  const spec = route.routing?.spill;
  const stable = pools.find((p) => p.side === "stable");
  // Tiers of a weighted route are a canary failover at most, never a place to spill to.
  if (!spec || !stable || route.strategy !== "priority") return undefined;
  const tiers = [...new Set(stable.members.map((m) => m.priority))].sort((a, b) => a - b);
  if (tiers.length < 2) return undefined;
  const urls = new Map(inventory.backends.map((b) => [b.backendId, b.url]));
  const firstTierKeys = stable.members
    .filter((m) => m.priority === tiers[0])
    .flatMap((m) => {
      const url = urls.get(m.backendId);
      const key = url === undefined ? undefined : freeAtKey({ authority: authorityOf(url), deployment: m.deployment });
      return key === undefined ? [] : [key];
    });
  if (firstTierKeys.length === 0) return undefined;
  return { route: route.name, stablePoolId: stable.poolId, spec, firstTierKeys, pool: spillPool(stable, tiers) };
}

/**
 * Inbound, after the route's pool is chosen (deployment and v1 surfaces): a large request on the
 * stable pool, while the first tier is out or reopened less than holdSeconds ago, takes the spill twin.
 */
export function spillSelectionStatements(plan: SpillPlan): Statement[] {
  const now = variable(SPILL_VARS.now, "long");
  const recent = (i: number): Expr => compare(">", plus(tryParseLong(variable(`${SPILL_VARS.at}-${i}`, "string"), 0), int(plan.spec.holdSeconds * 1000)), now);
  const spill: Statement[] = [
    { kind: "set-variable", name: EXHAUSTION_VARS.basePool, value: str(plan.stablePoolId) },
    { kind: "set-variable", name: NAMES.targetVar, value: str(plan.pool.poolId) },
    { kind: "set-variable", name: SPILLED_VAR, value: bool(true) },
  ];
  return [
    {
      kind: "choose",
      when: [
        {
          condition: and(eq(variable(NAMES.targetVar, "string"), str(plan.stablePoolId)), compare(">=", requestBodyLength(), int(plan.spec.largePromptTokens * CHARS_PER_TOKEN))),
          policies: [
            { kind: "set-variable", name: SPILL_VARS.now, value: nowMs() },
            ...plan.firstTierKeys.map((key, i) => memberFreeAtLookup(key, `${SPILL_VARS.at}-${i}`)),
            { kind: "choose", when: [{ condition: or(...plan.firstTierKeys.map((_, i) => recent(i))), policies: spill }] },
          ],
        },
      ],
    },
  ];
}
