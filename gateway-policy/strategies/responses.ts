// The Responses API behind pools. Its path names no deployment (`POST /openai/v1/responses`): the
// body's `model` must name the deployment of the member that serves the call. APIM picks the member
// inside forward-request, after the last point where a policy can change the body, so the body can
// only be right when every member of the chosen pool has the same deployment name. For such pools
// the policy sets `model` to that name and sends the call through a twin pool whose members are
// account-level Singles (`https://<account>/openai`, same breaker rule), so the path stays
// `/v1/responses`. A route with a pool that mixes names (e.g. PTU `chat` failing over to `chat-std`)
// answers Responses calls 400 with the config path and the fix; the plan warns about it.
import type { Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { bodyWithModel, eq, str, variable } from "../expr/helpers";
import { gatewayPath } from "../limits";
import { NAMES } from "./edge";
import { ARM_NAME_LIMITS, armName } from "./names";
import { staticJsonResponse } from "./surface";
import type { PoolDefinition, RouteSpec } from "./types";

/** Suffix of the account-level twins: Single `<deployment>-<region>-resp`, pool `<route>-<side>-resp`. */
export const RESPONSES_SUFFIX = "-resp";
/** Backend id of a deployment backend's account-level twin (within ARM's 80 characters, names.ts). */
export const accountBackendId = (backendId: string): string => armName(`${backendId}${RESPONSES_SUFFIX}`, ARM_NAME_LIMITS.backendId);
/** Backend id of a pool's account-level twin. */
export const responsesPoolId = (poolId: string): string => armName(`${poolId}${RESPONSES_SUFFIX}`, ARM_NAME_LIMITS.backendId);

const namesOf = (pool: PoolDefinition): string[] => [...new Set(pool.members.map((m) => m.deployment))].sort();

/** The account-level twin of every single-named pool. */
export function responsesPools(pools: readonly PoolDefinition[]): PoolDefinition[] {
  return pools
    .filter((p) => (p.family ?? "deployment") === "deployment" && namesOf(p).length === 1)
    .map((p) => ({ ...p, poolId: responsesPoolId(p.poolId), side: `${p.side}${RESPONSES_SUFFIX}`, family: "account" as const, members: p.members.map((m) => ({ ...m, backendId: accountBackendId(m.backendId) })) }));
}

/** Pools of a route that mix deployment names (the Responses API cannot use them). */
export function mixedPools(pools: readonly PoolDefinition[]): Array<{ poolId: string; deployments: string[] }> {
  return pools.filter((p) => namesOf(p).length > 1).map((p) => ({ poolId: p.poolId, deployments: namesOf(p) }));
}

function refusal(route: RouteSpec, mixed: Array<{ poolId: string; deployments: string[] }>): string {
  const what = mixed.map((m) => `${m.poolId} (${m.deployments.join(", ")})`);
  const pools = what.length === 1 ? `pool ${what[0]} mixes` : `pools ${what.slice(0, -1).join(", ")} and ${what[what.length - 1]} mix`;
  return (
    `Route ${route.name} cannot serve the Responses API: ${pools} deployment names, and a Responses call names one deployment in its body before the pool picks a member ` +
    `(${gatewayPath("routes", route.name, "backends")}). Chat completions and embeddings are unaffected. ` +
    `To use the Responses API, add a route whose backends all have one deployment name and send the call with that route as model.`
  );
}

/** Plan warning for a route the Responses API cannot use. */
export function responsesWarning(route: RouteSpec, pools: readonly PoolDefinition[]): string[] {
  const mixed = mixedPools(pools);
  return mixed.length === 0 ? [] : [`${gatewayPath("routes", route.name, "backends")}: ${refusal(route, mixed)}`];
}

/** A route with its deployment-path pools. */
export interface RoutePools {
  route: RouteSpec;
  pools: readonly PoolDefinition[];
}

/** 400 for a Responses call on a route with a mixed pool (first branch of both Responses chooses). */
export function refusalBranches(routes: readonly RoutePools[]): Array<{ condition: Expr; policies: Statement[] }> {
  return routes
    .filter((r) => mixedPools(r.pools).length > 0)
    .map((r) => ({
      condition: eq(variable(NAMES.routeVar, "string"), str(r.route.name)),
      policies: [staticJsonResponse(400, "Bad Request", { error: { code: "OperationNotSupported", message: refusal(r.route, mixedPools(r.pools)) } })],
    }));
}

/** The single deployment name of a pool (callers only ask for single-named pools). */
export const poolDeployment = (pool: PoolDefinition): string => namesOf(pool)[0]!;

/**
 * For a Responses create (without previous_response_id): after selection has left the chosen pool in
 * `aoai-target`, switch it to the pool's account-level twin, remember its deployment and put that name
 * in the body's `model`. A route with a mixed pool answers 400 instead.
 */
export function responsesTargetStatements(routes: readonly RoutePools[]): Statement[] {
  const target = variable(NAMES.targetVar, "string");
  const pools = routes.flatMap((r) => (mixedPools(r.pools).length > 0 ? [] : r.pools));
  return [
    {
      kind: "choose",
      when: [
        ...refusalBranches(routes),
        ...pools.map((p) => ({
          condition: eq(target, str(p.poolId)),
          policies: [
            { kind: "set-variable", name: NAMES.deploymentVar, value: poolDeployment(p) } as Statement,
            { kind: "set-variable", name: NAMES.targetVar, value: responsesPoolId(p.poolId) } as Statement,
          ],
        })),
      ],
    },
    { kind: "set-body", value: bodyWithModel(variable(NAMES.deploymentVar, "string")) },
  ];
}
