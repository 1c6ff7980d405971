// Strategy composition: route specs + edge + inventory → policy AST, pools and named values.
// The order of the inbound steps is the contract (docs/gateway-policy.md):
//   auth → caller → api-version → [override inputs] → route selection (404 for unknown routes) →
//   token limit → retry count → overrides counted and stripped → credentials → shadow copy →
//   token metrics → set-backend-service.
import type { PolicyDocument, Statement } from "../ast";
import { eq, matchedParameter, str, variable } from "../expr/helpers";
import { checkPolicySize, gatewayPath, PolicyLimitError } from "../limits";
import { renderPolicy } from "../render";
import { credentialStatements } from "./credentials";
import { audiencesOf, edgeInbound, entraOf, NAMES, tokenMetricStatements } from "./edge";
import { responseHeaderStatements } from "./exposure";
import { checkGeneratedNames } from "./names";
import { overrideCleanupStatements, overrideInputStatements, steeringEnabled } from "./overrides";
import { planPools } from "./pools";
import { DEFAULT_TIMEOUT_SECONDS, forwardWithRetry, retryCountFor, retryCountStatements } from "./retry";
import { routeNamedValues, selectionStatements } from "./select";
import { composeShadowRelayPolicy, planShadow, shadowCopyStatements, type PlannedShadow } from "./shadow";
import { tokenLimitStatements } from "./token-limit";
import type { BackendInventory, EdgeSpec, PoolDefinition, RouteSpec, StrategyResult } from "./types";
import { validateEdge, validateRoute } from "./validate";

export { DEFAULT_TIMEOUT_SECONDS, retryCountFor };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface PlannedRoute {
  route: RouteSpec;
  pools: PoolDefinition[];
  shadow: PlannedShadow | undefined;
}

function planRoute(route: RouteSpec, inventory: BackendInventory): PlannedRoute {
  validateRoute(route, inventory);
  const pools = planPools(route, inventory);
  return { route, pools, shadow: planShadow(route, inventory, pools) };
}

const setBackend = (): Statement => ({ kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") });
const timeoutOf = (route: RouteSpec): number => route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;

/** Route-specific statements after dispatch run only for requests of that route. */
function wrapForRoute(route: string, statements: Statement[]): Statement[] {
  if (statements.length === 0) return [];
  return [{ kind: "choose", when: [{ condition: eq(variable(NAMES.routeVar, "string"), str(route)), policies: statements }] }];
}

function finish(document: PolicyDocument, planned: PlannedRoute[], edge: EdgeSpec, inventory: BackendInventory, path: string): StrategyResult {
  const warnings = checkPolicySize(renderPolicy(document), path);
  for (const p of planned) {
    if (p.route.strategy === "weighted" && p.route.backends.some((b) => b.priority !== undefined))
      warnings.push(`${gatewayPath("routes", p.route.name, "backends")}: priority has no effect with strategy weighted (all backends share one tier); remove it or use strategy priority`);
  }
  const entra = entraOf(edge);
  if (entra && !audiencesOf(entra).some((a) => GUID.test(a)))
    warnings.push(
      `${gatewayPath("auth", "entra", "audiences")}: no audience is the API's client id (a GUID), so v2 access tokens (aud = client id) will be rejected; add the application (client) id of the API, or use api://<client id> as the App ID URI`,
    );
  if (planned.some((p) => p.route.abTest && p.route.blueGreen))
    warnings.push(`${path}: abTest assigns every non-canary request to a variant, so blueGreen slots are reachable only with the ${NAMES.slotHeader} header (allowed callers, see overrides)`);
  const shadows = planned.flatMap((p) => (p.shadow ? [p.shadow] : []));
  const pools = planned.flatMap((p) => p.pools);
  const namedValues = planned.flatMap((p) => routeNamedValues(p.route));
  // Routes shadowing the same deployment share its shadow twins (one per region); each has its own pool.
  const twins = [...new Map(shadows.flatMap((s) => s.backends).map((b) => [b.backendId, b])).values()];
  const shadow = shadows.length > 0 ? { document: composeShadowRelayPolicy(shadows, edge), pools: shadows.map((s) => s.pool), backends: twins } : undefined;
  // Pools, shadow twins and the deployments' own backends share APIM's backend namespace.
  const backendIds = [...inventory.backends.map((b) => b.backendId), ...[...pools, ...(shadow?.pools ?? [])].map((p) => p.poolId), ...(shadow?.backends.map((b) => b.backendId) ?? [])];
  checkGeneratedNames({ backendIds, namedValues: namedValues.map((v) => v.name) }, path);
  return { document, pools, namedValues, ...(shadow ? { shadow } : {}), warnings };
}

/** One route with the edge policies, as a standalone document (what a single-route API would attach). */
export function composeRoutePolicy(route: RouteSpec, edge: EdgeSpec, inventory: BackendInventory): StrategyResult {
  validateEdge(edge);
  const planned = planRoute(route, inventory);
  const withVariant = route.abTest !== undefined;
  const document: PolicyDocument = {
    inbound: [
      { kind: "base" },
      ...edgeInbound(edge),
      ...overrideInputStatements(edge),
      ...selectionStatements(route, steeringEnabled(edge)),
      ...tokenLimitStatements(edge),
      ...retryCountStatements(route, planned.pools),
      ...overrideCleanupStatements(edge),
      ...credentialStatements(),
      ...shadowCopyStatements(route),
      ...tokenMetricStatements(edge, withVariant),
      setBackend(),
    ],
    backend: [forwardWithRetry(timeoutOf(route))],
    outbound: [{ kind: "base" }, ...responseHeaderStatements(edge, withVariant)],
    onError: [{ kind: "base" }, ...responseHeaderStatements(edge, withVariant)],
  };
  return finish(document, [planned], edge, inventory, gatewayPath("routes", route.name));
}

/** API-level document: edge once, then per-route selection dispatched on the `deployment-id` path parameter. */
export function composeGatewayPolicy(input: { routes: RouteSpec[]; edge: EdgeSpec; inventory: BackendInventory }): StrategyResult {
  const { edge } = input;
  validateEdge(edge);
  if (input.routes.length === 0) throw new PolicyLimitError(gatewayPath("routes"), "configure at least one route");
  const names = input.routes.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new PolicyLimitError(gatewayPath("routes", dup), "route is defined twice");
  const planned = [...input.routes].sort((a, b) => a.name.localeCompare(b.name)).map((r) => planRoute(r, input.inventory));
  const withVariant = planned.some((p) => p.route.abTest);
  const steering = steeringEnabled(edge);
  const deploymentId = matchedParameter("deployment-id", "");
  const document: PolicyDocument = {
    inbound: [
      { kind: "base" },
      ...edgeInbound(edge),
      ...overrideInputStatements(edge),
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(deploymentId, str(p.route.name)), policies: [...selectionStatements(p.route, steering), ...retryCountStatements(p.route, p.pools)] })),
        otherwise: [
          {
            kind: "return-response",
            status: { code: 404, reason: "Not Found" },
            headers: [{ kind: "set-header", name: "Content-Type", existsAction: "override", values: ["application/json"] }],
            body: `{"error":{"code":"DeploymentNotFound","message":"This gateway has no route for the requested deployment. Routes: ${[...names].sort().join(", ")}"}}`,
          },
        ],
      },
      // After dispatch: an unknown route has already been answered with 404 and consumes no tokens.
      ...tokenLimitStatements(edge),
      ...overrideCleanupStatements(edge),
      ...credentialStatements(),
      ...planned.flatMap((p) => wrapForRoute(p.route.name, shadowCopyStatements(p.route))),
      ...tokenMetricStatements(edge, withVariant),
      setBackend(),
    ],
    backend: [
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(variable(NAMES.routeVar, "string"), str(p.route.name)), policies: [forwardWithRetry(timeoutOf(p.route))] })),
      },
    ],
    outbound: [{ kind: "base" }, ...responseHeaderStatements(edge, withVariant)],
    onError: [{ kind: "base" }, ...responseHeaderStatements(edge, withVariant)],
  };
  return finish(document, planned, edge, input.inventory, gatewayPath("routes"));
}
