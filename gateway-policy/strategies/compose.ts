// Strategy composition: route specs + edge + inventory → policy AST, pools and named values.
// The order of the inbound steps is the contract (docs/gateway-policy.md):
//   auth → caller → surface (and its api-version) → [override inputs] → route from the path or the
//   body's model, its selection and retry count (404 for unknown routes) → token limit → overrides
//   counted and stripped → credentials → Responses (affinity to a stored response, or the pool's
//   account twin) → shadow copy → token metrics → set-backend-service. A Responses create on an
//   embeddings route is refused right after route selection (responses-refusals.ts).
import type { PolicyDocument, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { concat, ctx, eq, matchedParameter, or, pathAfterDeployment, requestBodyField, str, variable } from "../expr/helpers";
import { checkPolicySize, gatewayPath, PolicyLimitError } from "../limits";
import { renderPolicy } from "../render";
import { accountsOf, captureStatements, hasAffinity, ownerBackendStatements, ownerDeploymentStatements, ownerStatements, type Account } from "./affinity";
import { credentialStatements } from "./credentials";
import { audiencesOf, edgeInbound, entraOf, NAMES, tokenMetricStatements } from "./edge";
import { onErrorStatements, trackedPool } from "./errors";
import { recordResponseFailure, recordTransportFailure, type BreakerSpec } from "./exhaustion";
import { exposureHeaders } from "./exposure";
import { checkGeneratedNames } from "./names";
import { overrideCleanupStatements, overrideInputStatements, steeringEnabled } from "./overrides";
import { planPools } from "./pools";
import { oversizeStatements, planOversize, type OversizeLimit } from "./oversize";
import { avoidSelectionStatements, latencyAfterForward, latencyBeforeForward, planAvoidance, type AvoidPlan } from "./latency";
import { accountBackendId, responsesPools, responsesTargetStatements } from "./responses";
import { embeddingsOnly, embeddingsRouteRefusals, responsesRefused } from "./responses-refusals";
import { groupForwardBranches } from "./responses-failover";
import { followupForwardBranches, followupStatements } from "./responses-followup";
import { DEFAULT_TIMEOUT_SECONDS, forwardOnce, forwardWithRetry, retryCountFor, retryCountStatements, type AttemptHooks, type WaitingLoop } from "./retry";
import { routeNamedValues, selectionStatements } from "./select";
import { planSpill, spillSelectionStatements, type SpillPlan } from "./spill";
import { composeShadowRelayPolicy, planShadow, shadowCopyStatements, type PlannedShadow } from "./shadow";
import { modelStatements, surfaceIs, surfaceStatements, unknownRouteResponse } from "./surface";
import { tokenLimitStatements } from "./token-limit";
import type { BackendInventory, EdgeSpec, PoolDefinition, RouteSpec, StrategyResult } from "./types";
import { validateEdge, validateRoute } from "./validate";
import { waitBudgetOf, waitBudgetStatements } from "./wait";

export { DEFAULT_TIMEOUT_SECONDS, retryCountFor };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface PlannedRoute {
  route: RouteSpec;
  /** Deployment-path pools the route's selection picks from. */
  pools: PoolDefinition[];
  /** Account-level twins of the single-named pools and the per-name groups of mixed ones (Responses API); none for an embeddings route. */
  responsesPools: PoolDefinition[];
  /** Every member answers embeddings: the route never serves the Responses API (its creates get 400). */
  embeddingsOnly: boolean;
  shadow: PlannedShadow | undefined;
  /** Twin pools that avoid a slow member, and how (latency.ts). */
  avoid: AvoidPlan | undefined;
  /** The twin pool large prompts spill to while the first tier is full (spill.ts). */
  spill: SpillPlan | undefined;
  /** The route's pools that refuse a request no member could admit, with their limits (oversize.ts). */
  oversize: OversizeLimit[];
}

/** Every pool the records are read for: deployment pools and Responses twins (latency and spill twins share their pool's members: aoai-base-target). */
const recordPoolsOf = (p: PlannedRoute): PoolDefinition[] => [...p.pools, ...p.responsesPools];
/** Every pool a route's requests can be forwarded through (deployment pools, their avoiding twins, Responses twins). */
const poolsOf = (p: PlannedRoute): PoolDefinition[] => [...p.pools, ...(p.spill ? [p.spill.pool] : []), ...(p.avoid?.twins ?? []), ...p.responsesPools];

function planRoute(route: RouteSpec, inventory: BackendInventory, edge: EdgeSpec): PlannedRoute {
  validateRoute(route, inventory);
  if (waitBudgetOf(route) > 0 && !edge.circuitBreaker)
    throw new PolicyLimitError(gatewayPath("routes", route.name, "routing", "waitBudgetSeconds"), "waiting for a busy pool needs the circuit breaker's reopening times; configure aoai-fleet:gateway.circuitBreaker or set 0");
  const pools = planPools(route, inventory);
  const embeddings = embeddingsOnly(pools, inventory);
  return { route, pools, responsesPools: edge.responsesApi || embeddings ? [] : responsesPools(pools), embeddingsOnly: embeddings, shadow: planShadow(route, inventory, pools), avoid: planAvoidance(route, pools, inventory), spill: edge.circuitBreaker ? planSpill(route, pools, inventory) : undefined, oversize: planOversize(route, pools, inventory) };
}

const timeoutOf = (route: RouteSpec): number => route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;

function finish(document: PolicyDocument, planned: PlannedRoute[], edge: EdgeSpec, inventory: BackendInventory, path: string): StrategyResult {
  // Rendered once: the size check measures the same string the gateway deploys (StrategyResult.xml).
  const xml = renderPolicy(document);
  const warnings = checkPolicySize(xml, path);
  for (const p of planned) {
    if (p.route.strategy === "weighted" && p.route.backends.some((b) => b.priority !== undefined))
      warnings.push({ path: gatewayPath("routes", p.route.name, "backends"), message: "priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority" });
  }
  const entra = entraOf(edge);
  if (entra && !audiencesOf(entra).some((a) => GUID.test(a)))
    warnings.push({
      path: gatewayPath("auth", "entra", "audiences"),
      message: "no audience is the API's client id (a GUID), so v2 access tokens (aud = client id) will be rejected; add the application (client) id of the API, or use api://<client id> as the App ID URI",
    });
  if (planned.some((p) => p.route.abTest && p.route.blueGreen))
    warnings.push({ path, message: `abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the ${NAMES.slotHeader} header (allowed callers, see overrides)` });
  const shadows = planned.flatMap((p) => (p.shadow ? [p.shadow] : []));
  const pools = planned.flatMap(poolsOf);
  const namedValues = planned.flatMap((p) => routeNamedValues(p.route));
  // Routes shadowing the same deployment share its shadow twins (one per region); each has its own pool.
  const twins = [...new Map(shadows.flatMap((s) => s.backends).map((b) => [b.backendId, b])).values()];
  const shadow = shadows.length > 0 ? { document: composeShadowRelayPolicy(shadows, edge), pools: shadows.map((s) => s.pool), backends: twins } : undefined;
  // Pools, shadow twins, account twins and the deployments' own backends share APIM's backend namespace.
  const backendIds = [
    ...inventory.backends.map((b) => b.backendId),
    ...(edge.responsesApi ? [] : inventory.backends.filter((b) => !b.embeddings).map((b) => accountBackendId(b.backendId))),
    ...[...pools, ...(shadow?.pools ?? [])].map((p) => p.poolId),
    ...(shadow?.backends.map((b) => b.backendId) ?? []),
  ];
  checkGeneratedNames({ backendIds, namedValues: namedValues.map((v) => v.name) }, path);
  return { document, xml, pools, namedValues, ...(shadow ? { shadow } : {}), warnings };
}

/** One route with the edge policies, as a standalone document (what a single-route API would attach). */
export function composeRoutePolicy(route: RouteSpec, edge: EdgeSpec, inventory: BackendInventory): StrategyResult {
  validateEdge(edge);
  const planned = [planRoute(route, inventory, edge)];
  return finish(composeDocument(planned, edge, inventory), planned, edge, inventory, gatewayPath("routes", route.name));
}

/** API-level document: edge once, then per-route selection dispatched on the route the client names. */
export function composeGatewayPolicy(input: { routes: RouteSpec[]; edge: EdgeSpec; inventory: BackendInventory }): StrategyResult {
  const { edge } = input;
  validateEdge(edge);
  if (input.routes.length === 0) throw new PolicyLimitError(gatewayPath("routes"), "configure at least one route");
  const names = input.routes.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new PolicyLimitError(gatewayPath("routes", dup), "route is defined twice");
  const planned = [...input.routes].sort((a, b) => a.name.localeCompare(b.name)).map((r) => planRoute(r, input.inventory, edge));
  return finish(composeDocument(planned, edge, input.inventory), planned, edge, input.inventory, gatewayPath("routes"));
}

const onRoute = (name: string): Expr => eq(variable(NAMES.routeVar, "string"), str(name));

/**
 * inbound: see the order at the top. backend: the owner's account once, or the route's pool with
 * retries. outbound: response headers; the new response id. on-error: Azure-shaped errors, the
 * exhaustion answer.
 */
function composeDocument(planned: PlannedRoute[], edge: EdgeSpec, inventory: BackendInventory): PolicyDocument {
  const names = planned.map((p) => p.route.name);
  const withVariant = planned.some((p) => p.route.abTest);
  const steering = steeringEnabled(edge);
  const served = !edge.responsesApi;
  // Routes whose Responses calls are forwarded (an embeddings route's are refused after selection).
  const responsive = planned.filter((p) => !p.embeddingsOnly);
  const accounts = accountsOf(inventory);
  const readBody = (name: string, field: string): Statement => ({ kind: "set-variable", name, id: NAMES.readBodyId, value: requestBodyField(field) });
  const target = (): Statement => ({ kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") });
  const routeSelection: Statement[] = [
    ...modelStatements(names),
    {
      kind: "choose",
      when: planned.map((p) => ({ condition: eq(variable(NAMES.modelVar, "string"), str(p.route.name)), policies: [...selectionStatements(p.route, steering), ...retryCountStatements(p.route, p.pools), ...waitBudgetStatements(p.route)] })),
      otherwise: [unknownRouteResponse(names, edge.modelTypeCheck !== false)],
    },
    // Before the caller's token limit counts them: a Responses create on an embeddings route, and a
    // request no member of its pool can admit, are refused.
    ...(served ? embeddingsRouteRefusals(planned.filter((p) => p.embeddingsOnly).map((p) => p.route.name), responsive.map((p) => p.route.name)) : []),
    ...oversizeStatements(planned.flatMap((p) => p.oversize)),
  ];
  const inbound: Statement[] = [
    { kind: "base" },
    ...edgeInbound(edge),
    ...surfaceStatements(names, edge),
    ...(edge.responsesApi ? responsesRefused(edge.responsesApi.reason) : []),
    ...overrideInputStatements(edge),
    // Where the Responses API is refused (above), its stored-response and create branches are dead
    // weight in a tier whose whole policy must fit 16 KiB: left out.
    ...(served
      ? [
          {
            kind: "choose",
            when: [{ condition: surfaceIs("response"), policies: [{ kind: "set-variable", name: NAMES.responseIdVar, value: matchedParameter("response-id", "") }] }],
            otherwise: [
              ...routeSelection,
              { kind: "choose", when: [{ condition: surfaceIs("responses"), policies: [readBody(NAMES.responseIdVar, "previous_response_id"), readBody(NAMES.streamVar, "stream")] }] },
            ],
          } as Statement,
        ]
      : routeSelection),
    // After dispatch: an unknown route has already been answered with 404 and consumes no tokens.
    ...tokenLimitStatements(edge),
    ...overrideCleanupStatements(edge),
    ...credentialStatements(),
    ...(served ? responsesInbound(responsive, accounts, inventory) : []),
    // After the Responses step (which never uses these twins), before the backend is set: large prompts
    // spill first while the first tier is full; a request left on the stable pool avoids a slow member.
    ...wrapWhen(or(surfaceIs("deployment"), surfaceIs("v1")), planned.flatMap((p) => (p.spill ? wrapForRoute(p.route.name, spillSelectionStatements(p.spill)) : []))),
    ...wrapWhen(or(surfaceIs("deployment"), surfaceIs("v1")), avoidSelectionStatements(planned.flatMap((p) => (p.avoid ? [p.avoid] : [])))),
    // Shadow copies go to the relay's deployment path: only for the surfaces forwarded on one.
    ...wrapWhen(or(surfaceIs("deployment"), surfaceIs("v1")), planned.flatMap((p) => wrapForRoute(p.route.name, shadowCopyStatements(p.route)))),
    ...tokenMetricStatements(edge, withVariant),
    {
      kind: "choose",
      when: [
        ...(served ? [{ condition: hasAffinity(), policies: ownerBackendStatements(accounts) }] : []),
        {
          condition: or(surfaceIs("deployment"), surfaceIs("v1")),
          policies: [
            // Members are `…/openai/deployments/<their deployment>`: forward only what follows the
            // client's `/deployments/<route>` or `/v1`, so each member is called with its own name.
            // The query string is carried explicitly (copy-unmatched-params false): what is forwarded
            // is the request as the policy left it — default api-version in, `?api-key=` out.
            { kind: "rewrite-uri", template: concat(pathAfterDeployment(), ctx("queryString")), copyUnmatchedParams: false },
            target(),
          ],
        },
      ],
      otherwise: [target()],
    },
  ];
  const breaker = edge.circuitBreaker;
  const family = surfaceIs("responses");
  const deployment = variable(NAMES.deploymentVar, "string");
  const hooks = breaker ? { before: recordTransportFailure(breaker, family, deployment), after: recordResponseFailure(breaker, family, deployment) } : {};
  // One retry loop per distinct timeout: routes that share it share the XML (the count is per pool, a variable).
  const classes = new Map<number, PlannedRoute[]>();
  for (const p of planned) classes.set(timeoutOf(p.route), [...(classes.get(timeoutOf(p.route)) ?? []), p]);
  const backend: Statement[] = [
    {
      kind: "choose",
      when: [
        // A follow-up whose owner's account has other names of the route's pool: those, on that account only
        // (responses-followup.ts); any other request bound to a stored response: its account once, never elsewhere.
        ...(served ? followupForwardBranches(responsive, inventory, Math.max(...planned.map((p) => timeoutOf(p.route)))) : []),
        ...(served ? [{ condition: hasAffinity(), policies: [forwardOnce(Math.max(...planned.map((p) => timeoutOf(p.route))))] }] : []),
        // A Responses create on a pool that mixes deployment names: its groups in turn (responses-failover.ts).
        ...(served ? groupForwardBranches([...classes.entries()].map(([timeout, routes]) => ({ timeout, routes: routes.filter((p) => !p.embeddingsOnly), waitsWith: waitingBreaker(routes, breaker) })), hooks, (pool) => trackedPool(pool, inventory)) : []),
        ...[...classes.entries()].map(([timeout, group]) => ({ condition: or(...group.map((p) => onRoute(p.route.name))), policies: [forwardWithRetry(timeout, loopHooks(hooks, group), waitingLoop(group, breaker, inventory))] })),
      ],
    },
  ];
  const exposed = exposureHeaders(edge, withVariant);
  return {
    inbound,
    backend,
    outbound: [{ kind: "base" }, ...exposed, ...(served ? captureStatements() : [])],
    onError: [
      { kind: "base" },
      ...exposed.filter((s) => s.existsAction === "delete"),
      ...onErrorStatements({
        ...(breaker ? { breaker } : {}),
        pools: planned.flatMap(recordPoolsOf),
        inventory,
        headers: exposed.filter((s) => s.existsAction !== "delete"),
        affinity: served,
        tokens: entraOf(edge) !== undefined,
        limits: edge.limits !== undefined,
      }),
    ],
  };
}

/** The routes of one retry loop wait within a budget when any of them has one (and the breaker's records exist). */
function waitingLoop(group: PlannedRoute[], breaker: BreakerSpec | undefined, inventory: BackendInventory): WaitingLoop | undefined {
  const waitsWith = waitingBreaker(group, breaker);
  return waitsWith ? { pools: group.flatMap(recordPoolsOf).map((pool) => trackedPool(pool, inventory)), breaker: waitsWith } : undefined;
}

/** The breaker whose records a loop of these routes waits on, when any of them has a budget. */
function waitingBreaker(group: PlannedRoute[], breaker: BreakerSpec | undefined): BreakerSpec | undefined {
  return breaker && group.some((p) => waitBudgetOf(p.route) > 0) ? breaker : undefined;
}

/** The exhaustion records' hooks plus, when a route of the loop avoids slow members, the latency measurement. */
function loopHooks(hooks: AttemptHooks, group: PlannedRoute[]): AttemptHooks {
  const plans = group.flatMap((p) => (p.avoid ? [p.avoid] : []));
  if (plans.length === 0) return hooks;
  return { ...hooks, beforeForward: [...(hooks.beforeForward ?? []), ...latencyBeforeForward()], after: [...(hooks.after ?? []), ...latencyAfterForward(plans)] };
}

/** Inbound after credentials: affinity to a stored response, or the pool's account twin for a create. */
function responsesInbound(planned: PlannedRoute[], accounts: Account[], inventory: BackendInventory): Statement[] {
  return [
    {
      kind: "choose",
      when: [
        {
          condition: hasAffinity(),
          policies: [
            ...ownerStatements(accounts),
            { kind: "choose", when: [{ condition: surfaceIs("responses"), policies: [...ownerDeploymentStatements(planned, inventory), ...followupStatements(planned, inventory)] }] },
          ],
        },
        { condition: surfaceIs("responses"), policies: responsesTargetStatements(planned) },
      ],
    },
  ];
}

function wrapWhen(condition: Expr, statements: Statement[]): Statement[] {
  return statements.length === 0 ? [] : [{ kind: "choose", when: [{ condition, policies: statements }] }];
}

/** Route-specific statements after dispatch run only for requests of that route. */
function wrapForRoute(route: string, statements: Statement[]): Statement[] {
  if (statements.length === 0) return [];
  return [{ kind: "choose", when: [{ condition: onRoute(route), policies: statements }] }];
}
