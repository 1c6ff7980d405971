// From a stack to a simulation setup: the stack's fleet plan (capacities, TPM/RPM from the model
// catalog) and its gateway design (the exact policy XML, pools and named values the gateway
// component deploys, plus the circuit-breaker rule it puts on every backend).
import { loadCatalog, type RequestLimits } from "../core/catalog/catalog";
import { planFromRawConfig, plannedInventory } from "../core/plan/index";
import { embeddingsDeployments, gatewayDeploymentFacts } from "../core/plan/types";
import { readStackConfigFile, stackConfigFile, assertStackName } from "../cli/plan/stack-config";
import { circuitBreakerRule } from "../components/gateway/backends";
import { designGateway, type InventoryEntry, type PoolDesign } from "../components/gateway/design";
import { GATEWAY_CONFIG_KEY, parseGatewayConfig, type GatewayConfig } from "../stacks/config/gateway";
import { checkGatewayAgainstFleet } from "../stacks/config/gateway-fleet-check";
import { FleetConfigError } from "../stacks/config/errors";
import type { CircuitBreakerRule, WeightedChoice } from "./emulator/backends";
import { SUBSCRIPTION_KEY_PARAMETER_NAMES } from "../components/gateway/api-auth";
import { entraToken, localIdentity } from "./auth/local-identity";
import { EMULATED_GATEWAY_ORIGIN } from "./emulator/emulator";
import type { CallerIdentity } from "./gateway-types";
import { parseIsoDuration } from "./scenario/duration";
import type { WorldBackend, WorldPool } from "./world";
import type { SideSpec } from "./run/metrics";

export interface RouteSetup {
  /** Single backend ids of the pools that serve the route's requests (its aggregate capacity). */
  backendIds: string[];
  sides: SideSpec;
  /** The route serves embeddings only (routes are one kind); absent: chat-style calls. */
  embeddings?: boolean;
}

export interface SimSetup {
  /** Label in reports (the strategy or stack). */
  label: string;
  policyXml: string;
  /** The gateway's other APIs (the shadow relay), run by the same emulator: pass as `siblingApis`. */
  siblingApis?: Array<{ apiPath: string; policyXml: string }>;
  namedValues: Map<string, string>;
  backends: WorldBackend[];
  pools: WorldPool[];
  breaker?: CircuitBreakerRule;
  routes: Record<string, RouteSetup>;
  /** Headers a caller sends (bearer token or subscription key), matching the gateway's auth. */
  callerHeaders: (caller: CallerIdentity) => Record<string, string>;
  /** A caller `aoai-fleet:gateway.overrides` allows to steer (smoke tests), when anyone is allowed. */
  steeringCaller?: { identity: CallerIdentity; headers: Record<string, string> };
  /** How pools choose inside a priority tier (default weighted random). */
  weightedChoice?: WeightedChoice;
  /** How the API authenticates callers before the policy runs (absent: nothing is checked before it). */
  auth?: GatewayAuth;
}

/** Subscription keys (APIM checks them before the policy) or Entra tokens (the policy validates them). */
export type GatewayAuth =
  | { kind: "subscription-keys"; header: string; query: string }
  | { kind: "entra"; tenantId: string; audience: string; /** What the API requires of a token: its first client app, role and scope. */ claims: CallerClaims };

/**
 * The gateway component's breaker rule (`circuitBreakerRule`, exactly what `pulumi up` puts on every
 * backend) as an emulator rule, with its ISO durations in ms. Status ranges and error reasons come
 * from that rule, so the simulation never drifts from what ships.
 */
export function breakerFromConfig(cb: NonNullable<GatewayConfig["circuitBreaker"]>): CircuitBreakerRule {
  const ms = (iso: string, key: string): number => {
    const v = parseIsoDuration(iso);
    if (v === undefined) throw new FleetConfigError([{ path: `${GATEWAY_CONFIG_KEY}.circuitBreaker.${key}`, message: `"${iso}" is not an ISO-8601 duration` }]);
    return v;
  };
  const rule = circuitBreakerRule(cb);
  return {
    name: rule.name,
    count: rule.failureCondition.count,
    intervalMs: ms(rule.failureCondition.interval, "interval"),
    statusCodeRanges: rule.failureCondition.statusCodeRanges.map((r) => ({ ...r })),
    errorReasons: [...rule.failureCondition.errorReasons],
    tripDurationMs: ms(rule.tripDuration, "trip"),
    acceptRetryAfter: rule.acceptRetryAfter,
  };
}

/** Extra token claims a simulated caller may carry (app roles, its client app, delegated scopes). */
export interface CallerClaims {
  roles?: string[];
  azp?: string;
  scp?: string;
}

/**
 * Headers a simulated caller sends, as the gateway's auth expects them: a subscription key, or an
 * Entra-shaped token for the stack's tenant and first audience, carrying what the gateway requires
 * (a client app it allows, the roles and scopes it asks for), signed by the process's local identity
 * (the key set the emulator verifies against). One token per caller and claims, valid for a day.
 */
export function callerHeadersFor(config: GatewayConfig): (caller: CallerIdentity, claims?: CallerClaims) => Record<string, string> {
  const auth = config.auth;
  if ("entra" in auth) {
    const required = requiredClaimsOf(auth.entra);
    const tokens = new Map<string, string>();
    const identity = localIdentity();
    return (c, claims = {}) => {
      const roles = [...new Set([...(required.roles ?? []), ...(claims.roles ?? [])])];
      const extra = { ...required, ...claims, ...(roles.length > 0 ? { roles } : {}) };
      const cacheKey = `${c.userId}|${JSON.stringify(extra)}`;
      let token = tokens.get(cacheKey);
      if (token === undefined) {
        token = entraToken(identity, { tenantId: auth.entra.tenantId, audience: auth.entra.audiences[0]!, objectId: c.userId, ttlSeconds: 86_400, claims: extra });
        tokens.set(cacheKey, token);
      }
      return { authorization: `Bearer ${token}` };
    };
  }
  return (c) => ({ [SUBSCRIPTION_KEY_PARAMETER_NAMES.header]: `key-${c.subscriptionId}` });
}

/** Claims a token needs to pass the API's checks: the first allowed client app, required role and required scope. */
function requiredClaimsOf(entra: Extract<GatewayConfig["auth"], { entra: unknown }>["entra"]): CallerClaims {
  return {
    ...(entra.clientApplicationIds ? { azp: entra.clientApplicationIds[0]! } : {}),
    ...(entra.requiredClaims?.roles ? { roles: [entra.requiredClaims.roles[0]!] } : {}),
    ...(entra.requiredClaims?.scopes ? { scp: entra.requiredClaims.scopes[0]! } : {}),
  };
}

/** The API's caller authentication as the gateway component deploys it. */
export function gatewayAuthOf(config: GatewayConfig): GatewayAuth {
  const auth = config.auth;
  if ("entra" in auth) {
    return { kind: "entra", tenantId: auth.entra.tenantId, audience: auth.entra.audiences[0]!, claims: requiredClaimsOf(auth.entra) };
  }
  return { kind: "subscription-keys", ...SUBSCRIPTION_KEY_PARAMETER_NAMES };
}

/** A caller the overrides allow (first subscription id, client app or role), for smoke tests. */
export function steeringCallerFor(config: GatewayConfig): SimSetup["steeringCaller"] {
  const o = config.overrides;
  if (!o) return undefined;
  const headers = callerHeadersFor(config);
  const identity: CallerIdentity = { subscriptionId: o.subscriptionIds?.[0] ?? "", userId: "oid-smoke-tests", ip: "10.0.0.9" };
  const claims: CallerClaims = o.clientApplicationIds ? { azp: o.clientApplicationIds[0]! } : o.roles ? { roles: [o.roles[0]!] } : {};
  return { identity, headers: headers(identity, claims) };
}

export interface StackSetupOptions {
  today?: Date;
  configFile?: string;
  /**
   * Real endpoints (backends file: deployment → region → origin). The design then uses them as the
   * account endpoints, as `pulumi up` uses the real accounts' endpoints: every URL the policy holds
   * (response lookups, backend identities) points where requests really go.
   */
  accountOrigins?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A stack file's fleet plan, gateway config and gateway design, computed as `plan` does (pure). */
export function designStackFile(file: string, today: Date, accountOrigins?: StackSetupOptions["accountOrigins"]) {
  const config = readStackConfigFile(file);
  const rawGateway = config[GATEWAY_CONFIG_KEY];
  if (rawGateway === undefined) {
    throw new FleetConfigError([{ path: GATEWAY_CONFIG_KEY, message: `is not set in ${file}; the simulator runs the gateway's generated policy, so the stack needs a gateway (see docs/simulator.md)` }]);
  }
  const plan = planFromRawConfig(config["aoai-fleet:fleet"], { catalog: loadCatalog(), today });
  const gateway = parseGatewayConfig(rawGateway);
  const deployments = plannedInventory(plan);
  const regionsByDeployment = new Map<string, string[]>();
  for (const d of deployments) regionsByDeployment.set(d.name, [...(regionsByDeployment.get(d.name) ?? []), d.region]);
  checkGatewayAgainstFleet(gateway, regionsByDeployment, gatewayDeploymentFacts(deployments, loadCatalog()));
  // Subdomains are random at deploy time; the simulation names each account `<fleet>-<region>`.
  const accountUrl = (deployment: string, region: string): string => {
    const origin = accountOrigins?.[deployment]?.[region];
    return origin !== undefined ? `${new URL(origin).origin}/openai` : `https://${plan.name}-${region}.openai.azure.com/openai`;
  };
  const embeddings = embeddingsDeployments(deployments, loadCatalog());
  const inventory: InventoryEntry[] = deployments.map((d) => ({ deployment: d.name, region: d.region, capacity: d.capacity, tokensPerMinute: d.tpm, sku: d.sku, embeddings: embeddings.has(d.name), accountOpenAiUrl: accountUrl(d.name, d.region) }));
  return { plan, gateway, deployments, accountUrl, design: designGateway(gateway, inventory) };
}

/**
 * The pools that serve a route's requests, whose members make its aggregate capacity. Selection
 * overrides in order stable → blue-green → A/B → canary (gateway-policy select.ts): with an A/B test
 * every request goes to a variant, with blue-green to the active slot, so the stable pool serves none
 * and the idle slot none. Canary and shadow pools get only the share the policy sends them, so
 * counting them would overstate what the route can serve.
 */
export function servingPools(pools: readonly PoolDesign[], routeName: string, route: GatewayConfig["routes"][string]): PoolDesign[] {
  const routePools = pools.filter((p) => p.route === routeName && p.family !== "account");
  const roles = route.abTest ? Object.keys(route.abTest.variants).map((v) => `ab-${v}`) : route.blueGreen ? [route.blueGreen.active] : ["stable"];
  return routePools.filter((p) => roles.includes(p.role));
}

/** Deployment × region pairs the setup simulates: a shadow's or a Responses twin's backend reaches one another backend also does. */
export function simulatedDeploymentCount(setup: Pick<SimSetup, "backends">): number {
  return new Set(setup.backends.map((b) => `${b.deployment}@${b.region}`)).size;
}

/** Reads `Pulumi.<stack>.yaml`, plans the fleet and designs the gateway exactly as `plan` does. */
export function loadStackSetup(stack: string, options: StackSetupOptions = {}): SimSetup {
  assertStackName(stack);
  const file = options.configFile ?? stackConfigFile(stack);
  const { plan, gateway, deployments, accountUrl, design } = designStackFile(file, options.today ?? new Date(), options.accountOrigins);
  const catalog = loadCatalog();
  const embeddings = embeddingsDeployments(deployments, catalog);
  const deploymentOf = new Map(deployments.map((d) => [`${d.name}@${d.region}`, d]));
  // Every Single the design creates: deployment-path ones, the Responses API's account twins and the
  // shadow-only twins (same URL, their own breaker).
  const backends: WorldBackend[] = design.singles.map((single) => {
    const d = deploymentOf.get(`${single.deployment}@${single.region}`);
    if (!d) throw new Error(`simulator: backend ${single.id} names ${single.deployment} in ${single.region}, which the plan does not have`);
    const account = accountUrl(d.name, d.region);
    return {
      backendId: single.id,
      deployment: d.name,
      region: d.region,
      model: d.model,
      capacity: d.capacity,
      tpm: d.tpm ?? 0,
      rpm: d.rpm,
      url: single.family === "account" ? account : `${account}/deployments/${d.name}`,
      sku: d.sku,
      ...(single.family === "account" ? { family: "account" as const } : {}),
      ...optionalLimits(catalog.requestLimits(d.model, d.version, d.sku)),
      // spilloverDeploymentName as the fleet component deploys it. Its target has a Single of its
      // own (the design makes one per deployment × region, routed or not), so the world has it.
      ...(d.spillover !== undefined ? { spillover: d.spillover } : {}),
      // Every account of the fleet is of the fleet's kind; the 429 body names its pricing tier.
      accountKind: plan.kind,
    };
  });
  const pools: WorldPool[] = design.pools.map((p) => ({ poolId: p.id, members: p.members.map((m) => ({ backendId: m.backendId, ...(m.priority !== undefined ? { priority: m.priority } : {}), ...(m.weight !== undefined ? { weight: m.weight } : {}) })) }));
  const routes: Record<string, RouteSetup> = {};
  for (const [name, route] of Object.entries(gateway.routes)) {
    const ids = new Set(servingPools(design.pools, name, route).flatMap((p) => p.members.map((m) => m.backendId)));
    const sides: SideSpec = {};
    if (route.canary) {
      sides.canaryDeployment = route.canary.deployment;
      sides.canaryPercent = route.canary.percent;
      sides.canarySticky = route.canary.sticky === true;
    }
    if (route.abTest) sides.variants = route.abTest.variants;
    const first = route.backends[0]?.deployment;
    routes[name] = { backendIds: [...ids], sides, embeddings: first !== undefined && embeddings.has(first) };
  }
  return {
    label: stack,
    policyXml: design.apiPolicy.xml,
    siblingApis: design.shadowRelay ? [{ apiPath: design.shadowRelay.apiPath, policyXml: design.shadowRelay.policy.xml }] : [],
    namedValues: new Map([...design.namedValues.map((v) => [v.id, v.value] as [string, string]), ...relayNamedValues(design)]),
    backends,
    pools,
    ...(gateway.circuitBreaker ? { breaker: breakerFromConfig(gateway.circuitBreaker) } : {}),
    routes,
    callerHeaders: callerHeadersFor(gateway),
    auth: gatewayAuthOf(gateway),
    ...(gateway.overrides ? { steeringCaller: steeringCallerFor(gateway) } : {}),
  };
}

function optionalLimits(limits: RequestLimits | undefined): { limits?: RequestLimits } {
  return limits ? { limits } : {};
}

/** The relay's named values as the emulated gateway sees them: its own origin and a local key. */
export function relayNamedValues(design: { shadowRelay?: { apiPath: string; urlNamedValue: string; keyNamedValue: string } }): Array<[string, string]> {
  const relay = design.shadowRelay;
  if (!relay) return [];
  return [
    [relay.urlNamedValue, `${EMULATED_GATEWAY_ORIGIN}/${relay.apiPath}`],
    [relay.keyNamedValue, "emulated-shadow-relay-key"],
  ];
}

/** Backends some pool of the gateway can send to (the ones a backends file has to map; account twins included). */
export function routedBackends(setup: SimSetup): WorldBackend[] {
  const ids = new Set(setup.pools.flatMap((p) => p.members.map((m) => m.backendId)));
  return setup.backends.filter((b) => ids.has(b.backendId));
}
