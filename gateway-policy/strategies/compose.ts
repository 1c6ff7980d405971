// Strategy composition: route specs + edge + inventory → policy AST, pools and named values.
import type { Statement } from "../ast";
import { concat, ctx, eq, lt, matchedParameter, pathAfterDeployment, randomBelow, retryableFailure, str, variable } from "../expr/helpers";
import { checkPolicySize, checkRetryCount, gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import { renderPolicy } from "../render";
import { edgeInbound, managedIdentityStatements, NAMES, servedByHeaders, tokenMetricStatements } from "./edge";
import { planPools } from "./pools";
import { routeNamedValues, selectionStatements } from "./select";
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

const forwardWithRetry = (planned: PlannedRoute): Statement => ({
  kind: "retry",
  condition: retryableFailure(),
  count: planned.retryCount,
  // Retry at once: each failure trips that member's circuit breaker, so the next pick avoids it.
  interval: 0,
  firstFastRetry: true,
  policies: [
    // Re-select inside the loop so every attempt draws a fresh (healthy) pool member.
    { kind: "set-backend-service", backendId: targetPool(planned) },
    { kind: "forward-request", timeout: planned.route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, bufferRequestBody: true },
  ],
});

interface PlannedRoute {
  route: RouteSpec;
  pools: PoolDefinition[];
  retryCount: number;
}

/** The chosen pool id; the fallback is the route's first pool (never read in practice: selection always sets it). */
const targetPool = (planned: PlannedRoute) => variable(NAMES.targetVar, "string", planned.pools[0]?.poolId ?? "");

function planRoute(route: RouteSpec, inventory: BackendInventory): PlannedRoute {
  validateRoute(route, inventory);
  const pools = planPools(route, inventory);
  return { route, pools, retryCount: retryCountFor(route, pools) };
}

function finish(document: StrategyResult["document"], planned: PlannedRoute[], path: string): StrategyResult {
  const warnings = checkPolicySize(renderPolicy(document), path);
  for (const p of planned) {
    if (p.route.strategy === "weighted" && p.route.backends.some((b) => b.priority !== undefined))
      warnings.push(`${gatewayPath("routes", p.route.name, "backends")}: priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority`);
  }
  if (planned.some((p) => p.route.abTest && p.route.blueGreen))
    warnings.push(`${path}: abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the ${NAMES.slotHeader} header`);
  return { document, pools: planned.flatMap((p) => p.pools), namedValues: planned.flatMap((p) => routeNamedValues(p.route)), warnings };
}

/** One route with the edge policies, as a standalone document (what a single-route API would attach). */
export function composeRoutePolicy(route: RouteSpec, edge: EdgeSpec, inventory: BackendInventory): StrategyResult {
  validateEdge(edge);
  const planned = planRoute(route, inventory);
  const withVariant = route.abTest !== undefined;
  const document = {
    inbound: [
      { kind: "base" } as Statement,
      ...edgeInbound(edge),
      ...managedIdentityStatements(),
      ...selectionStatements(route),
      ...shadowStatements(route, inventory),
      ...tokenMetricStatements(edge, withVariant),
      { kind: "set-backend-service", backendId: targetPool(planned) } as Statement,
    ],
    backend: [forwardWithRetry(planned)],
    outbound: [{ kind: "base" } as Statement, ...servedByHeaders(withVariant, true)],
    onError: [{ kind: "base" } as Statement, ...servedByHeaders(withVariant, false)],
  };
  return finish(document, [planned], gatewayPath("routes", route.name));
}

/** API-level document: edge once, then per-route selection dispatched on the `deployment-id` path parameter. */
export function composeGatewayPolicy(input: { routes: RouteSpec[]; edge: EdgeSpec; inventory: BackendInventory }): StrategyResult {
  validateEdge(input.edge);
  if (input.routes.length === 0) throw new PolicyLimitError(gatewayPath("routes"), "configure at least one route");
  const names = input.routes.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new PolicyLimitError(gatewayPath("routes", dup), "route is defined twice");
  const planned = [...input.routes].sort((a, b) => a.name.localeCompare(b.name)).map((r) => planRoute(r, input.inventory));
  const withVariant = planned.some((p) => p.route.abTest);
  const deploymentId = matchedParameter("deployment-id", "");
  const document = {
    inbound: [
      { kind: "base" } as Statement,
      ...edgeInbound(input.edge),
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(deploymentId, str(p.route.name)), policies: [...selectionStatements(p.route)] })),
        otherwise: [
          {
            kind: "return-response",
            status: { code: 404, reason: "Not Found" },
            headers: [{ kind: "set-header", name: "Content-Type", existsAction: "override", values: ["application/json"] }],
            body: `{"error":{"code":"DeploymentNotFound","message":"This gateway has no route for the requested deployment. Routes: ${[...names].sort().join(", ")}"}}`,
          },
        ],
      } as Statement,
      ...managedIdentityStatements(),
      ...planned.flatMap((p) => wrapForRoute(p.route.name, shadowStatements(p.route, input.inventory))),
      ...tokenMetricStatements(input.edge, withVariant),
      { kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") } as Statement,
    ],
    backend: [
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(variable(NAMES.routeVar, "string"), str(p.route.name)), policies: [forwardWithRetry(p)] })),
      } as Statement,
    ],
    outbound: [{ kind: "base" } as Statement, ...servedByHeaders(withVariant, true)],
    onError: [{ kind: "base" } as Statement, ...servedByHeaders(withVariant, false)],
  };
  return finish(document, planned, gatewayPath("routes"));
}

/** Route-specific statements after dispatch run only for requests of that route. */
function wrapForRoute(route: string, statements: Statement[]): Statement[] {
  if (statements.length === 0) return [];
  return [{ kind: "choose", when: [{ condition: eq(variable(NAMES.routeVar, "string"), str(route)), policies: statements }] }];
}
