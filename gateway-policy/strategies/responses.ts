// The Responses API behind pools. Its path names no deployment (`POST /openai/v1/responses`): the
// body's `model` must name the deployment of the member that serves the call. APIM picks the member
// inside forward-request, after the last point where a policy can change the body, so one forward
// can only be right when every member it may reach has the same deployment name. Responses calls
// therefore go through account-level twins (`https://<account>/openai`, same breaker rule, so the
// path stays `/v1/responses`):
// - a pool with one deployment name gets one twin pool, and the policy sets `model` to that name;
// - a pool that mixes names (e.g. PTU `chat` failing over to pay-as-you-go `chat-std`) gets one twin
//   pool per name ("group"), ordered the way the pool prefers them; the backend section tries the
//   groups in turn, rewriting `model` before each forward (responses-failover.ts).
import type { Statement } from "../ast";
import { bodyWithModel, eq, int, lt, randomBelow, str, variable } from "../expr/helpers";
import { LIMITS } from "../limits";
import { NAMES } from "./edge";
import { ARM_NAME_LIMITS, armName } from "./names";
import { retryCountFor } from "./retry";
import type { PoolDefinition, RouteSpec } from "./types";

/** Suffix of the account-level twins: Single `<deployment>-<region>-resp`, pool `<route>-<side>-resp`. */
export const RESPONSES_SUFFIX = "-resp";
/** Backend id of a deployment backend's account-level twin (within ARM's 80 characters, names.ts). */
export const accountBackendId = (backendId: string): string => armName(`${backendId}${RESPONSES_SUFFIX}`, ARM_NAME_LIMITS.backendId);
/** Backend id of a pool's account-level twin. */
export const responsesPoolId = (poolId: string): string => armName(`${poolId}${RESPONSES_SUFFIX}`, ARM_NAME_LIMITS.backendId);
/** Backend id of the twin pool of one deployment name of a pool that mixes names. */
export const responsesGroupId = (poolId: string, deployment: string): string => armName(`${poolId}-${deployment}${RESPONSES_SUFFIX}`, ARM_NAME_LIMITS.backendId);

/** Variables of a Responses create on a pool that mixes names (set inbound, advanced in the backend loop). */
export const GROUP_VARS = {
  /** The deployment pool whose groups the request walks ("" when it is not walking groups). */
  pool: "aoai-resp-pool",
  /** 0-based index of the group being tried. */
  index: "aoai-resp-group",
  /** Index of the last group. */
  last: "aoai-resp-last-group",
  /** Attempts made so far in the backend loop. */
  attempt: "aoai-resp-attempt",
  /** Which walk of the groups the create follows (groupWalks; 0 unless names share the first tier). */
  walk: "aoai-resp-walk",
  /** The weighted draw that picks the walk. */
  draw: "aoai-resp-draw",
} as const;

const namesOf = (pool: PoolDefinition): string[] => [...new Set(pool.members.map((m) => m.deployment))].sort();
const isDeploymentPool = (p: PoolDefinition): boolean => (p.family ?? "deployment") === "deployment";
const twinMembers = (members: PoolDefinition["members"]): PoolDefinition["members"] => members.map((m) => ({ ...m, backendId: accountBackendId(m.backendId) }));

/** Deployment-path pools of a route that mix deployment names (their Responses calls walk groups). */
export function mixedPools(pools: readonly PoolDefinition[]): Array<{ poolId: string; deployments: string[] }> {
  return pools.filter((p) => isDeploymentPool(p) && namesOf(p).length > 1).map((p) => ({ poolId: p.poolId, deployments: namesOf(p) }));
}

/** A pool's names with their members, best (lowest) priority and summed weight in that tier, in the pool's order. */
function rankedNames(pool: PoolDefinition): Array<{ deployment: string; members: PoolDefinition["members"]; best: number; weight: number }> {
  return namesOf(pool)
    .map((deployment) => {
      const members = pool.members.filter((m) => m.deployment === deployment);
      const best = Math.min(...members.map((m) => m.priority));
      const weight = members.filter((m) => m.priority === best).reduce((sum, m) => sum + m.weight, 0);
      return { deployment, members, best, weight };
    })
    .sort((a, b) => a.best - b.best || b.weight - a.weight || a.deployment.localeCompare(b.deployment));
}

/**
 * The groups of a pool that mixes names, as twin pools, in the order the pool prefers them: by the
 * best (lowest) priority among a name's members; names that share that tier by their summed weight
 * in it (larger first), then by name. Members keep their priority and weight inside their group.
 */
export function responsesGroups(pool: PoolDefinition): PoolDefinition[] {
  return rankedNames(pool).map((g) => ({ poolId: responsesGroupId(pool.poolId, g.deployment), route: pool.route, side: `${pool.side}-${g.deployment}${RESPONSES_SUFFIX}`, family: "account" as const, members: twinMembers(g.members) }));
}

/**
 * How a create walks the groups. When several names share the pool's first tier, the pool would split
 * traffic between them by weight: so the walk starts at one of them drawn by their summed weights
 * (`weights[s]` for start `s`), takes the other first-tier names after it in turn, then the later
 * tiers in order. With one first-tier name there is one walk, the groups' order.
 */
export function groupWalks(pool: PoolDefinition): { weights: number[]; walks: PoolDefinition[][] } {
  const ranked = rankedNames(pool);
  const groups = responsesGroups(pool);
  const tied = ranked.filter((g) => g.best === ranked[0]!.best).length;
  if (tied === 1) return { weights: [ranked[0]!.weight], walks: [groups] };
  const first = groups.slice(0, tied);
  const rest = groups.slice(tied);
  return { weights: ranked.slice(0, tied).map((g) => g.weight), walks: first.map((_, s) => [...first.slice(s), ...first.slice(0, s), ...rest]) };
}

/** The account-level twin of every single-named pool, and the groups of every pool that mixes names. */
export function responsesPools(pools: readonly PoolDefinition[]): PoolDefinition[] {
  return pools
    .filter(isDeploymentPool)
    .flatMap((p) =>
      namesOf(p).length === 1 ? [{ ...p, poolId: responsesPoolId(p.poolId), side: `${p.side}${RESPONSES_SUFFIX}`, family: "account" as const, members: twinMembers(p.members) }] : responsesGroups(p),
    );
}

/** Key on-error's exhaustion answer uses for "every group of this pool" (`<pool>|groups`; compared, never deployed). */
export const WHOLE_POOL_SUFFIX = "|groups";

/**
 * What an exhausted Responses create through a pool that mixes names is answered for (on-error's
 * 429): every member of every group at its account, under `<pool>|groups`. Not a deployed pool.
 */
export function wholePoolTwins(pools: readonly PoolDefinition[]): PoolDefinition[] {
  return pools
    .filter((p) => isDeploymentPool(p) && namesOf(p).length > 1)
    .map((p) => ({ ...p, poolId: `${p.poolId}${WHOLE_POOL_SUFFIX}`, side: `${p.side}${RESPONSES_SUFFIX}`, family: "account" as const, members: twinMembers(p.members) }));
}

/** A route with its deployment-path pools. */
export interface RoutePools {
  route: RouteSpec;
  pools: readonly PoolDefinition[];
}

/** The single deployment name of a pool (callers only ask for single-named pools). */
export const poolDeployment = (pool: PoolDefinition): string => namesOf(pool)[0]!;

/** Retries of a Responses create walking groups: the pool's own, plus one per group after the first (the attempt that finds a group tripped). */
export const groupRetryCount = (route: RouteSpec, pool: PoolDefinition, groups: number): number => Math.min(LIMITS.retryCount.max, retryCountFor(route, pool) + groups - 1);

const setVar = (name: string, value: string | number): Statement => ({ kind: "set-variable", name, value: typeof value === "number" ? int(value) : value });

/**
 * For a Responses create (without previous_response_id): after selection has left the chosen pool in
 * `aoai-target`, switch it to the pool's account-level twin, remember its deployment and put that name
 * in the body's `model`. For a pool that mixes names, start at the first group of its walk (drawn by
 * weight when names share the first tier; the backend loop walks the rest) and allow one more retry
 * per further group.
 */
export function responsesTargetStatements(routes: readonly RoutePools[]): Statement[] {
  const target = variable(NAMES.targetVar, "string");
  const branches = routes.flatMap((r) =>
    r.pools.filter(isDeploymentPool).map((p) => {
      if (namesOf(p).length === 1)
        return { condition: eq(target, str(p.poolId)), policies: [setVar(NAMES.deploymentVar, poolDeployment(p)), setVar(NAMES.targetVar, responsesPoolId(p.poolId))] };
      const groups = responsesGroups(p);
      const { weights, walks } = groupWalks(p);
      const start = (walk: PoolDefinition[], s: number): Statement[] => [
        ...(walks.length > 1 ? [setVar(GROUP_VARS.walk, s)] : []),
        setVar(NAMES.deploymentVar, poolDeployment(walk[0]!)),
        // The group being tried (a deployed pool: inbound's set-backend-service names it too).
        setVar(NAMES.targetVar, walk[0]!.poolId),
      ];
      let upper = 0;
      const drawn: Statement[] =
        walks.length === 1
          ? start(walks[0]!, 0)
          : [
              { kind: "set-variable", name: GROUP_VARS.draw, value: randomBelow(weights.reduce((a, b) => a + b, 0)) },
              {
                kind: "choose",
                when: walks.slice(0, -1).map((walk, s) => ((upper += weights[s]!), { condition: lt(variable(GROUP_VARS.draw, "int"), int(upper)), policies: start(walk, s) })),
                otherwise: start(walks[walks.length - 1]!, walks.length - 1),
              },
            ];
      return {
        condition: eq(target, str(p.poolId)),
        policies: [
          setVar(GROUP_VARS.pool, p.poolId),
          setVar(GROUP_VARS.index, 0),
          setVar(GROUP_VARS.last, groups.length - 1),
          setVar(GROUP_VARS.attempt, 0),
          ...drawn,
          setVar(NAMES.retryCountVar, groupRetryCount(r.route, p, groups.length)),
        ],
      };
    }),
  );
  return [
    ...(branches.length > 0 ? [{ kind: "choose", when: branches } as Statement] : []),
    { kind: "set-body", value: bodyWithModel(variable(NAMES.deploymentVar, "string")) },
  ];
}
