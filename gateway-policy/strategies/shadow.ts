// Shadow traffic. APIM's send-one-way-request (and send-request) can only target a URL (`set-url`):
// neither takes a backend-id, so a copy sent straight to an account would bypass pools and circuit
// breakers. The closest faithful equivalent: the copy goes to the gateway's own shadow relay API
// (`openai-shadow`, authenticated by its own APIM subscription key), whose policy forwards it through
// a `<route>-shadow` pool of shadow-only backends — same URLs as the production members, but their own
// entities, so their breakers trip on shadow failures alone. The relay also enforces the optional
// per-route token budget (an exceeded budget skips the copy and counts it) and emits the shadow's
// token metrics with Target = shadow.
import type { PolicyDocument, Statement } from "../ast";
import { concat, ctx, eq, lt, matchedParameter, namedValue, pathAfterDeployment, randomBelow, str, variable } from "../expr/helpers";
import { gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import { credentialStatements } from "./credentials";
import { DEFAULT_METRIC_NAMESPACE, NAMES } from "./edge";
import { poolIdOf, shadowBackendIdOf } from "./names";
import { backendsOf, proportionalWeights } from "./pools";
import { DEFAULT_TIMEOUT_SECONDS, forwardWithRetry, retryCountFor } from "./retry";
import type { BackendInventory, EdgeSpec, PoolDefinition, RouteSpec, ShadowBackendDefinition } from "./types";

/** The relay API and the named values the primary policy uses to reach it. */
export const SHADOW_RELAY = {
  /** API id and URL suffix of the relay: `https://<gateway>/openai-shadow/deployments/<route>/…`. */
  apiPath: "openai-shadow",
  /** Plain named value: the relay's base URL (`<gateway URL>/openai-shadow`). */
  urlNamedValue: "aoai-shadow-relay-url",
  /** Secret named value: the relay subscription's key. */
  keyNamedValue: "aoai-shadow-relay-key",
  /** Header the relay key travels in (APIM's default subscription key header). */
  keyHeader: "Ocp-Apim-Subscription-Key",
  /** Counter key prefix of the per-route shadow token budget. */
  budgetKeyPrefix: "aoai-shadow:",
} as const;

/** Metric counting shadow copies the relay skipped because the route's budget was spent. */
export const SHADOW_SKIPPED_METRIC = "aoai-shadow-skipped";

export interface PlannedShadow {
  route: RouteSpec;
  pool: PoolDefinition;
  backends: ShadowBackendDefinition[];
}

/**
 * The route's shadow pool and its shadow-only backends. Refuses a shadow deployment that is also a
 * member of one of the route's production pools (its load would eat their capacity and its 429s trip
 * their breakers) unless `allowProductionDeployment`.
 */
export function planShadow(route: RouteSpec, inventory: BackendInventory, production: readonly PoolDefinition[]): PlannedShadow | undefined {
  const s = route.shadow;
  if (!s) return undefined;
  const path = gatewayPath("routes", route.name, "shadow", "deployment");
  const shared = production.find((p) => p.members.some((m) => m.deployment === s.deployment));
  if (shared && !s.allowProductionDeployment)
    throw new PolicyLimitError(
      path,
      `${s.deployment} is also a member of this route's production pool ${shared.poolId}; shadow load would use its capacity and its 429s would trip production breakers; shadow a separate deployment, or set routes.${route.name}.shadow.allowProductionDeployment: true to accept the shared capacity`,
    );
  const members = backendsOf(inventory, s.deployment, path);
  if (members.length > LIMITS.poolMembers) throw new PolicyLimitError(path, `pool ${poolIdOf(route.name, "shadow")} would have ${members.length} members; APIM backend pools hold at most ${LIMITS.poolMembers}`);
  const weights = proportionalWeights(members.map((b) => b.capacity));
  const backends = members.map((b) => ({ backendId: shadowBackendIdOf(b.deployment, b.region), of: b.backendId, deployment: b.deployment, region: b.region }));
  const pool: PoolDefinition = {
    poolId: poolIdOf(route.name, "shadow"),
    route: route.name,
    side: "shadow",
    members: backends.map((b, i) => ({ backendId: b.backendId, deployment: b.deployment, region: b.region, priority: 1, weight: weights[i] as number })),
  };
  return { route, pool, backends };
}

/**
 * Primary side: a sampled fire-and-forget copy of the request as it will be forwarded — path after the
 * route, query string after the default api-version and credential stripping — to the relay.
 */
export function shadowCopyStatements(route: RouteSpec): Statement[] {
  const s = route.shadow;
  if (!s || s.percent === 0) return [];
  const url = concat(namedValue(SHADOW_RELAY.urlNamedValue), str(`/deployments/${route.name}`), pathAfterDeployment(), ctx("queryString"));
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
              timeout: route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
              url,
              headers: [
                // The relay authenticates with its own key and adds the managed identity itself.
                { kind: "set-header", name: "Authorization", existsAction: "delete", values: [] },
                { kind: "set-header", name: SHADOW_RELAY.keyHeader, existsAction: "override", values: [namedValue(SHADOW_RELAY.keyNamedValue)] },
                { kind: "set-header", name: NAMES.shadowOfHeader, existsAction: "override", values: [ctx("requestId")] },
              ],
            },
          ],
        },
      ],
    },
  ];
}

const setVar = (name: string, value: string): Statement => ({ kind: "set-variable", name, value });

/** The relay API's policy: dispatch on the route, budget, credentials, metrics, forward with retry. */
export function composeShadowRelayPolicy(planned: readonly PlannedShadow[], edge: EdgeSpec): PolicyDocument {
  const route = variable(NAMES.routeVar, "string");
  const namespace = edge.metrics?.namespace ?? DEFAULT_METRIC_NAMESPACE;
  const branch = (p: PlannedShadow): Statement[] => {
    const budget = p.route.shadow?.maxTokensPerMinute;
    return [
      setVar(NAMES.targetVar, p.pool.poolId),
      setVar(NAMES.labelVar, "shadow"),
      { kind: "set-variable", name: NAMES.retryCountVar, value: { kind: "int", value: retryCountFor(p.route, p.pool) } },
      ...(budget !== undefined
        ? [{ kind: "azure-openai-token-limit", counterKey: `${SHADOW_RELAY.budgetKeyPrefix}${p.route.name}`, tokensPerMinute: budget, estimatePromptTokens: true } as Statement]
        : []),
    ];
  };
  return {
    inbound: [
      { kind: "base" },
      { kind: "set-variable", name: NAMES.routeVar, value: matchedParameter("deployment-id", "") },
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(route, str(p.route.name)), policies: branch(p) })),
        otherwise: [
          {
            kind: "return-response",
            status: { code: 404, reason: "Not Found" },
            headers: [{ kind: "set-header", name: "Content-Type", existsAction: "override", values: ["application/json"] }],
            body: `{"error":{"code":"DeploymentNotFound","message":"No shadow route for the requested deployment."}}`,
          },
        ],
      },
      ...credentialStatements(),
      {
        kind: "azure-openai-emit-token-metric",
        namespace,
        dimensions: [{ name: "API ID" }, { name: "Subscription ID" }, { name: "Route", value: route }, { name: "Target", value: variable(NAMES.labelVar, "string") }],
      },
      // Members are `…/openai/deployments/<their deployment>`: forward what follows `/deployments/<route>`.
      { kind: "rewrite-uri", template: concat(pathAfterDeployment(), ctx("queryString")), copyUnmatchedParams: false },
      { kind: "set-backend-service", backendId: variable(NAMES.targetVar, "string", "") },
    ],
    backend: [
      {
        kind: "choose",
        when: planned.map((p) => ({ condition: eq(route, str(p.route.name)), policies: [forwardWithRetry(p.route.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)] })),
      },
    ],
    outbound: [{ kind: "base" }],
    onError: [
      { kind: "base" },
      {
        // An exhausted budget is the token limit's error: the copy was skipped; count it.
        kind: "choose",
        when: [
          {
            condition: eq(ctx("lastErrorSource"), str("azure-openai-token-limit")),
            policies: [{ kind: "emit-metric", name: SHADOW_SKIPPED_METRIC, namespace, value: "1", dimensions: [{ name: "API ID" }, { name: "Route", value: route }] }],
          },
        ],
      },
    ],
  };
}
