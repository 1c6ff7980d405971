// Strategy composition: route specs + edge + inventory → policy AST, pools and named values.
import type { PolicyDocument, SetHeader, Statement } from "../ast";
import type { Expr } from "../expr/ast";
import { concat, ctx, eq, lt, matchedParameter, or, pathAfterDeployment, randomBelow, requestBodyField, retryableFailure, str, variable } from "../expr/helpers";
import { checkPolicySize, checkRetryCount, gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import { renderPolicy } from "../render";
import { accountsOf, captureStatements, hasAffinity, ownerBackendStatements, ownerDeploymentStatements, ownerStatements, type Account } from "./affinity";
import { edgeInbound, managedIdentityStatements, NAMES, servedByHeaders, tokenMetricStatements } from "./edge";
import { onErrorStatements } from "./errors";
import { recordResponseFailure, recordTransportFailure } from "./exhaustion";
import { planPools } from "./pools";
import { responsesPools, responsesTargetStatements, responsesWarning } from "./responses";
import { routeNamedValues, selectionStatements } from "./select";
import { modelStatements, staticJsonResponse, surfaceIs, surfaceStatements, unknownRouteResponse } from "./surface";
import type { BackendInventory, EdgeSpec, PoolDefinition, RouteSpec, StrategyResult } from "./types";
import { validateEdge, validateRoute } from "./validate";

export const DEFAULT_TIMEOUT_SECONDS = 120;
const SHADOW_TIMEOUT_SECONDS = 30;

/** Retries after the first attempt: one per extra member of the largest pool, clamped to 1–50. */
export function retryCountFor(route: RouteSpec, pools: PoolDefinition[]): number {
  const count = route.retryCount ?? Math.min(LIMITS.retryCount.max, Math.max(1, Math.max(...pools.map((p) => p.members.length)) - 1));
  checkRetryCount(count, gatewayPath("routes", route.name, "retryCount"));
  return count;
}

function shadowStatements(route: RouteSpec, inventory: BackendInventory): Statement[] {
  const s = route.shadow;
  if (!s || s.percent === 0) return [];
  // Largest-capacity region takes the copies; ties broken by backend id so output is deterministic.
  const [targetBackend] = inventory.backends
    .filter((b) => b.deployment === s.deployment)
    .sort((a, b) => b.capacity - a.capacity || a.backendId.localeCompare(b.backendId));
  if (!targetBackend?.url) throw new PolicyLimitError(gatewayPath("routes", route.name, "shadow", "deployment"), `no backend with a url serves ${s.deployment}`);
  const base = `${targetBackend.url.replace(/\/+$/, "")}/deployments/${s.deployment}`;
  return [
    {
      kind: "choose",
      when: [
        {
          condition: lt(randomBelow(100), { kind: "int", value: s.percent }),
          policies: [
            {
              // Fire-and-forget: the client's response never waits on or fails by the copy.
              kind: "send-one-way-request",
              mode: "copy",
              timeout: SHADOW_TIMEOUT_SECONDS,
              url: concat(str(base), pathAfterDeployment(), ctx("originalQueryString")),
              headers: [
                { kind: "set-header", name: "Authorization", existsAction: "override", values: [concat(str("Bearer "), variable(NAMES.msiTokenVar, "string"))] },
                { kind: "set-header", name: NAMES.shadowOfHeader, existsAction: "override", values: [ctx("requestId")] },
              ],
            },
          ],
        },
      ],
    },
  ];
}

/** The forward every route uses: never buffers the response (SSE passes through as it arrives). */
const forward = (planned: PlannedRoute | undefined): Statement => ({
  kind: "forward-request",
  timeout: planned?.route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  bufferRequestBody: true,
  bufferResponse: false,
});

const forwardWithRetry = (planned: PlannedRoute, edge: EdgeSpec): Statement => {
  const family = surfaceIs("responses");
  const deployment = variable(NAMES.deploymentVar, "string");
  const breaker = edge.circuitBreaker;
  return {
    kind: "retry",
    condition: retryableFailure(),
    count: planned.retryCount,
    // Retry at once: each failure trips that member's circuit breaker, so the next pick avoids it.
    interval: 0,
    firstFastRetry: true,
    policies: [
      // A transport failure of the previous attempt is known only now (forward-request threw).
      ...(breaker ? recordTransportFailure(breaker, family, deployment) : []),
      // Re-select inside the loop so every attempt draws a fresh (healthy) pool member.
      { kind: "set-backend-service", backendId: targetPool(planned) },
      forward(planned),
      ...(breaker ? recordResponseFailure(breaker, family, deployment) : []),
    ],
  };
};

interface PlannedRoute {
  route: RouteSpec;
  /** Deployment-path pools the route's selection picks from. */
  pools: PoolDefinition[];
  /** Account-level twins of the single-named pools (Responses API). */
  responsesPools: PoolDefinition[];
  retryCount: number;
}

/** The chosen pool id; the fallback is the route's first pool (never read in practice: selection always sets it). */
const targetPool = (planned: PlannedRoute) => variable(NAMES.targetVar, "string", planned.pools[0]?.poolId ?? "");

function planRoute(route: RouteSpec, inventory: BackendInventory, edge: EdgeSpec): PlannedRoute {
  validateRoute(route, inventory);
  const pools = planPools(route, inventory);
  return { route, pools, responsesPools: edge.responsesApi ? [] : responsesPools(pools), retryCount: retryCountFor(route, pools) };
}

function finish(document: StrategyResult["document"], planned: PlannedRoute[], path: string, edge: EdgeSpec): StrategyResult {
  const warnings = checkPolicySize(renderPolicy(document), path);
  for (const p of planned) {
    if (p.route.strategy === "weighted" && p.route.backends.some((b) => b.priority !== undefined))
      warnings.push(`${gatewayPath("routes", p.route.name, "backends")}: priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority`);
    if (!edge.responsesApi) warnings.push(...responsesWarning(p.route, p.pools));
  }
  if (planned.some((p) => p.route.abTest && p.route.blueGreen))
    warnings.push(`${path}: abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the ${NAMES.slotHeader} header`);
  return { document, pools: planned.flatMap((p) => [...p.pools, ...p.responsesPools]), namedValues: planned.flatMap((p) => routeNamedValues(p.route)), warnings };
}

/** One route with the edge policies, as a standalone document (what a single-route API would attach). */
export function composeRoutePolicy(route: RouteSpec, edge: EdgeSpec, inventory: BackendInventory): StrategyResult {
  validateEdge(edge);
  const planned = [planRoute(route, inventory, edge)];
  return finish(composeDocument(planned, edge, inventory), planned, gatewayPath("routes", route.name), edge);
}

/** API-level document: edge once, then per-route selection dispatched on the route the client names. */
export function composeGatewayPolicy(input: { routes: RouteSpec[]; edge: EdgeSpec; inventory: BackendInventory }): StrategyResult {
  validateEdge(input.edge);
  if (input.routes.length === 0) throw new PolicyLimitError(gatewayPath("routes"), "configure at least one route");
  const names = input.routes.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new PolicyLimitError(gatewayPath("routes", dup), "route is defined twice");
  const planned = [...input.routes].sort((a, b) => a.name.localeCompare(b.name)).map((r) => planRoute(r, input.inventory, input.edge));
  return finish(composeDocument(planned, input.edge, input.inventory), planned, gatewayPath("routes"), input.edge);
}

const onRoute = (name: string): Expr => eq(variable(NAMES.routeVar, "string"), str(name));

/**
 * inbound: edge → surface → route (from the path or the body's model) and its selection → managed
 * identity → Responses (affinity to a stored response, or the pool's account twin) → shadow → metrics
 * → backend. backend: the owner's account once, or the route's pool with retries. outbound: who
 * served; the new response id. on-error: Azure-shaped errors, the exhaustion answer.
 */
function composeDocument(planned: PlannedRoute[], edge: EdgeSpec, inventory: BackendInventory): PolicyDocument {
  const names = planned.map((p) => p.route.name);
  const withVariant = planned.some((p) => p.route.abTest);
  const accounts = accountsOf(inventory);
  const readBody = (name: string, field: string): Statement => ({ kind: "set-variable", name, id: NAMES.readBodyId, value: requestBodyField(field) });
  const inbound: Statement[] = [
    { kind: "base" },
    ...edgeInbound(edge),
    ...surfaceStatements(names, edge),
    ...(edge.responsesApi ? responsesRefused(edge.responsesApi.reason) : []),
    {
      kind: "choose",
      when: [{ condition: surfaceIs("response"), policies: [{ kind: "set-variable", name: NAMES.responseIdVar, value: matchedParameter("response-id", "") }] }],
      otherwise: [
        ...modelStatements(names),
        {
          kind: "choose",
          when: planned.map((p) => ({ condition: eq(variable(NAMES.modelVar, "string"), str(p.route.name)), policies: selectionStatements(p.route) })),
          otherwise: [unknownRouteResponse(names)],
        },
        { kind: "choose", when: [{ condition: surfaceIs("responses"), policies: [readBody(NAMES.responseIdVar, "previous_response_id"), readBody(NAMES.streamVar, "stream")] }] },
      ],
    },
    ...managedIdentityStatements(),
    ...(edge.responsesApi ? [] : responsesInbound(planned, accounts, inventory)),
    // Shadow copies go to a deployment path: only for the surfaces forwarded on one.
    ...wrapWhen(or(surfaceIs("deployment"), surfaceIs("v1")), planned.flatMap((p) => wrapForRoute(p.route.name, shadowStatements(p.route, inventory)))),
    ...tokenMetricStatements(edge, withVariant),
    {
      kind: "choose",
      when: [
        ...(edge.responsesApi ? [] : [{ condition: hasAffinity(), policies: ownerBackendStatements(accounts) }]),
        {
          condition: or(surfaceIs("deployment"), surfaceIs("v1")),
          policies: [
            // Members are `…/openai/deployments/<their deployment>`: forward only what follows the
            // client's `/deployments/<route>` or `/v1`, so each member is called with its own name.
            { kind: "rewrite-uri", template: pathAfterDeployment(), copyUnmatchedParams: true },
            { kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") },
          ],
        },
      ],
      otherwise: [{ kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") }],
    },
  ];
  // One retry loop per distinct (retry count, timeout): routes that share them share the XML.
  const classes = new Map<string, PlannedRoute[]>();
  for (const p of planned) {
    const key = `${p.retryCount}|${p.route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS}`;
    classes.set(key, [...(classes.get(key) ?? []), p]);
  }
  const backend: Statement[] = [
    {
      kind: "choose",
      when: [
        ...(edge.responsesApi ? [] : [{ condition: hasAffinity(), policies: [forward(planned[0])] }]),
        ...[...classes.values()].map((group) => ({ condition: or(...group.map((p) => onRoute(p.route.name))), policies: [forwardWithRetry(group[0]!, edge)] })),
      ],
    },
  ];
  const headers = servedByHeaders(withVariant, false).filter((s): s is SetHeader => s.kind === "set-header");
  return {
    inbound,
    backend,
    outbound: [{ kind: "base" }, ...servedByHeaders(withVariant, true), ...(edge.responsesApi ? [] : captureStatements())],
    onError: [
      { kind: "base" },
      ...onErrorStatements({
        ...(edge.circuitBreaker ? { breaker: edge.circuitBreaker } : {}),
        pools: planned.flatMap((p) => [...p.pools, ...p.responsesPools]),
        inventory,
        headers,
        affinity: !edge.responsesApi,
        tokens: edge.auth !== undefined && "entra" in edge.auth,
      }),
    ],
  };
}

/** Inbound after managed identity: affinity to a stored response, or the pool's account twin for a create. */
function responsesInbound(planned: PlannedRoute[], accounts: Account[], inventory: BackendInventory): Statement[] {
  return [
    {
      kind: "choose",
      when: [
        {
          condition: hasAffinity(),
          policies: [...ownerStatements(accounts), { kind: "choose", when: [{ condition: surfaceIs("responses"), policies: ownerDeploymentStatements(planned, inventory) }] }],
        },
        { condition: surfaceIs("responses"), policies: responsesTargetStatements(planned) },
      ],
    },
  ];
}

/** Where the Responses API is not served: every Responses call gets 400 with the reason. */
function responsesRefused(reason: string): Statement[] {
  return [
    {
      kind: "choose",
      when: [
        {
          condition: or(surfaceIs("responses"), surfaceIs("response")),
          policies: [staticJsonResponse(400, "Bad Request", { error: { code: "OperationNotSupported", message: `This gateway does not serve the Responses API: ${reason}` } })],
        },
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
  return [{ kind: "choose", when: [{ condition: eq(variable(NAMES.routeVar, "string"), str(route)), policies: statements }] }];
}
