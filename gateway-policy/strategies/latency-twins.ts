// The twin pools avoidSlow switches to (latency.ts measures and chooses). APIM pools cannot be edited
// per request, so each way of avoiding is a pool of its own: the route's stable pool with the avoided
// members moved into a tier right after their peers (they serve only when every peer is tripped).
//
// A tier of up to `twinsPerTier` members gets one twin per member: exactly the slow member is moved.
// A wider tier is split, in pool order, into `twinsPerTier` runs of nearly equal size, and one twin
// per run moves that whole run: a slow member's run-mates wait behind the others with it. That trades
// precision (a 10-member tier in 4 runs keeps 7 or 8 of its 10 members in front instead of 9) for
// fewer APIM backends: a route over 10 regions has 4 twins instead of 10, which is most of what
// wide fleets deploy and plan (docs/simulator.md, "Plan time").
import { authorityOf } from "./affinity";
import { poolIdOf } from "./names";
import { proportionalWeights } from "./pools";
import type { BackendInventory, PoolDefinition, RouteSpec } from "./types";

/** `routes.<name>.routing.avoidSlow`. */
export interface AvoidSlowSpec {
  /** A member is slow when its average response time is above factor × its tier's (> 1). */
  factor: number;
  /** …and more than this many ms above it. */
  minExtraMs: number;
  /** How long a slow member is avoided after its last slow answer, seconds. */
  holdSeconds: number;
  /** Percent of the route's requests that keep the normal pool while a member is avoided (to see it recover). */
  probePercent: number;
  /** Most twin pools per priority tier; a wider tier is split into this many runs (≥ 2). */
  twinsPerTier: number;
}

/** One member that has peers in its tier, and the twin pool that avoids it. */
export interface AvoidableMember {
  /** `host:port|deployment`, as the policy sees the member after forward-request. */
  key: string;
  /** `<route>|<tier>`. */
  group: string;
  /** The stable pool's twin with this member (and its run-mates, in a wide tier) last in its tier. */
  pool: PoolDefinition;
  /** The twin also moves other members (a wide tier's run): the policy then records which one was slow. */
  sharesTwin: boolean;
}

export interface AvoidPlan {
  route: string;
  stablePoolId: string;
  spec: AvoidSlowSpec;
  members: AvoidableMember[];
  /** The distinct twin pools, in the order of their first member. */
  twins: PoolDefinition[];
  /** Keys of every stable member, peers or not (undefined: a member without a URL). */
  stableKeys: Array<string | undefined>;
}

type Member = PoolDefinition["members"][number];

/** `members` in pool order as at most `runs` consecutive runs whose sizes differ by at most one. */
export function tierRuns<T>(members: readonly T[], runs: number): T[][] {
  if (members.length <= runs) return members.map((m) => [m]);
  const base = Math.floor(members.length / runs);
  const longer = members.length % runs;
  const out: T[][] = [];
  let start = 0;
  for (let r = 0; r < runs; r++) {
    const size = base + (r < longer ? 1 : 0);
    out.push(members.slice(start, start + size));
    start += size;
  }
  return out;
}

/**
 * The stable pool with `avoided` (members of one tier) in a tier right after their peers, priorities
 * renumbered 1, 2, …; the moved members keep their proportions among themselves.
 */
function avoidingPool(stable: PoolDefinition, avoided: readonly Member[], side: string): PoolDefinition {
  const moved = new Set(avoided.map((m) => m.backendId));
  const tiers = [...new Set(stable.members.map((m) => m.priority))].sort((a, b) => a - b);
  const members: PoolDefinition["members"] = [];
  tiers.forEach((priority, t) => {
    const inTier = stable.members.filter((m) => m.priority === priority);
    const peers = inTier.filter((m) => !moved.has(m.backendId));
    const peerWeights = proportionalWeights(peers.map((m) => m.weight));
    peers.forEach((m, i) => members.push({ ...m, priority: 2 * t + 1, weight: peerWeights[i] as number }));
    const back = inTier.filter((m) => moved.has(m.backendId));
    if (back.length === 0) return;
    const backWeights = proportionalWeights(back.map((m) => m.weight));
    back.forEach((m, i) => members.push({ ...m, priority: 2 * t + 2, weight: backWeights[i] as number }));
  });
  return { poolId: poolIdOf(stable.route, side), route: stable.route, side, members };
}

/** Twin side names: `stable-avoid-<backend id>` for one member, `stable-avoid-tier<p>-run<k>` for a run. */
function twinSide(stable: PoolDefinition, run: readonly Member[], priority: number, index: number): string {
  return run.length === 1 ? `${stable.side}-avoid-${(run[0] as Member).backendId}` : `${stable.side}-avoid-tier${priority}-run${index + 1}`;
}

/** The route's avoidance plan: twin pools for the stable members that share their tier (none without avoidSlow). */
export function planAvoidance(route: RouteSpec, pools: readonly PoolDefinition[], inventory: BackendInventory): AvoidPlan | undefined {
  const spec = route.routing?.avoidSlow;
  const stable = pools.find((p) => p.side === "stable");
  if (!spec || !stable) return undefined;
  const urls = new Map(inventory.backends.map((b) => [b.backendId, b.url]));
  const keyOf = (m: Member): string | undefined => {
    const url = urls.get(m.backendId);
    return url === undefined ? undefined : `${authorityOf(url)}|${m.deployment}`;
  };
  const twinOf = new Map<string, { pool: PoolDefinition; shared: boolean }>();
  for (const priority of new Set(stable.members.map((m) => m.priority))) {
    const tier = stable.members.filter((m) => m.priority === priority);
    if (tier.length < 2) continue;
    tierRuns(tier.filter((m) => keyOf(m) !== undefined), spec.twinsPerTier).forEach((run, k) => {
      const pool = avoidingPool(stable, run, twinSide(stable, run, priority, k));
      for (const m of run) twinOf.set(m.backendId, { pool, shared: run.length > 1 });
    });
  }
  const members = stable.members.flatMap((m): AvoidableMember[] => {
    const twin = twinOf.get(m.backendId);
    const key = keyOf(m);
    return twin && key !== undefined ? [{ key, group: `${route.name}|${m.priority}`, pool: twin.pool, sharesTwin: twin.shared }] : [];
  });
  const twins = [...new Set(members.map((m) => m.pool))];
  return members.length > 0 ? { route: route.name, stablePoolId: stable.poolId, spec, members, twins, stableKeys: stable.members.map(keyOf) } : undefined;
}
