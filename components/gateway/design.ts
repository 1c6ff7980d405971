/**
 * The gateway design: everything the `AiGateway` component deploys that is decided from plain
 * values (config + fleet inventory), computed without Pulumi so the plan steps, the tests and the
 * component all see the same backends, pools, named values and policy XML. Policies come only from
 * `gateway-policy` (strategies + renderer); this module maps config onto its inputs and its outputs
 * onto APIM entities.
 */
import {
  accountBackendId,
  composeGatewayPolicy,
  composeRoutePolicy,
  PolicyLimitError,
  renderPolicy,
  SHADOW_RELAY,
  type BackendInventory,
  type BreakerSpec,
  type EdgeSpec,
  type PolicyDocument,
  type RouteSpec,
} from "../../gateway-policy";
import { PROVISIONED_SKUS } from "../../core/catalog/catalog";
import { parseIsoDuration } from "../../stacks/config/durations";
import type { GatewayConfig } from "../../stacks/config/gateway";
import { routingWithDefaults } from "../../stacks/config/gateway-routing";
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";
import { circuitBreakerRule, singleBackendId } from "./backends";
import { checkTierPolicySize } from "./tier-policy-size";

/** One fleet deployment in one region, as plain values (no Outputs). */
export interface InventoryEntry {
  /** Fleet deployment name. */
  readonly deployment: string;
  /** Azure region. */
  readonly region: string;
  /** Capacity units in this region. */
  readonly capacity: number;
  /** Tokens per minute for that capacity (null when the catalog has no figure). */
  readonly tokensPerMinute: number | null;
  /** Deployment SKU. */
  readonly sku: string;
  /** Its model answers embeddings (core/plan `embeddingsDeployments`): then it gets no Responses account twin. Required, so no builder forgets it. */
  readonly embeddings: boolean;
  /** Account OpenAI base, `https://<subdomain>.openai.azure.com/openai` (shadow copies are sent there). */
  readonly accountOpenAiUrl: string;
}

/** A `Single` APIM backend: one deployment × region. */
export interface SingleBackendDesign extends Omit<InventoryEntry, "accountOpenAiUrl" | "embeddings"> {
  /** APIM backend id (`<deployment>-<region>`, `…-resp` for the account twin, `…-shadow` for the shadow twin; hashed when over 80 characters). */
  readonly id: string;
  /**
   * `deployment`: URL `…/openai/deployments/<deployment>` (chat completions, completions, embeddings);
   * `account`: URL `…/openai`, the account-level twin the Responses API goes through (its body names
   * the deployment). Both carry the same breaker rule. Absent: `deployment`.
   */
  readonly family?: "deployment" | "account";
  /** Set on shadow-only twins: the production backend id whose URL it shares (its breaker is its own). */
  readonly shadowOf?: string;
}

/** One member of a pool. */
export interface PoolMemberDesign {
  /** Id of a `Single` backend. */
  readonly backendId: string;
  /** Pool priority (lower is preferred). */
  readonly priority?: number;
  /** Pool weight within its priority (1–100, proportional to capacity unless configured). */
  readonly weight?: number;
}

/** A `Pool` APIM backend. */
export interface PoolDesign {
  /** APIM backend id referenced by `set-backend-service backend-id`. */
  readonly id: string;
  /** Route the pool serves. */
  readonly route: string;
  /** What the pool is for in the route (`stable`, `canary`, `blue`, `green`, `ab-<variant>`; `…-resp` for Responses twins). */
  readonly role: string;
  /** Member family: deployment-path Singles, or account-level Singles (Responses API). Absent: `deployment`. */
  readonly family?: "deployment" | "account";
  /** Members in a stable order. */
  readonly members: readonly PoolMemberDesign[];
}

/** A plain (non-secret) APIM named value the policy reads. */
export interface NamedValueDesign {
  /** Named value id and display name (`{{id}}` in policies). */
  readonly id: string;
  /** Initial value. */
  readonly value: string;
  /** Why it exists and which values it takes, for humans. */
  readonly purpose: string;
}

/** A generated policy document. */
export interface PolicyDocumentDesign {
  /** `api` for the API-level policy, else the route name. */
  readonly scope: string;
  /** Rendered XML (from `gateway-policy` render only). */
  readonly xml: string;
}

/** The shadow relay API (present when a route has a shadow): where shadow copies land. */
export interface ShadowRelayDesign {
  /** API id and URL suffix (`openai-shadow`). */
  readonly apiPath: string;
  /** Its policy (dispatch, budget, credentials, metrics, forward through `<route>-shadow`). */
  readonly policy: PolicyDocumentDesign;
  /** Plain named value the primary policy reads: `<gateway URL>/<apiPath>`. */
  readonly urlNamedValue: string;
  /** Secret named value with the relay subscription's key. */
  readonly keyNamedValue: string;
}

/** Everything decided before any resource exists. */
export interface GatewayDesign {
  readonly singles: readonly SingleBackendDesign[];
  readonly pools: readonly PoolDesign[];
  readonly namedValues: readonly NamedValueDesign[];
  /** The policy attached to the `openai` API (dispatches on the deployment in the path). */
  readonly apiPolicy: PolicyDocumentDesign;
  /** The shadow relay, when any route has a shadow. */
  readonly shadowRelay?: ShadowRelayDesign;
  /** Non-fatal notes from the policy engine: config that deploys but deserves a look, with its path. */
  readonly warnings: readonly ConfigIssue[];
}

/** `aoai-fleet:gateway.routes` → the policy engine's route specs, sorted by name. */
export function routeSpecs(config: GatewayConfig): RouteSpec[] {
  return Object.entries(config.routes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, route]) => ({
      name,
      strategy: route.strategy,
      backends: route.backends.map((backend) => ({ ...backend })),
      ...(route.canary ? { canary: { ...route.canary } } : {}),
      ...(route.blueGreen ? { blueGreen: { ...route.blueGreen } } : {}),
      ...(route.abTest ? { abTest: { id: route.abTest.id, variants: { ...route.abTest.variants } } } : {}),
      ...(route.shadow ? { shadow: { ...route.shadow } } : {}),
      ...(route.retryCount === undefined ? {} : { retryCount: route.retryCount }),
      ...(route.timeoutSeconds === undefined ? {} : { timeoutSeconds: route.timeoutSeconds }),
      routing: routingWithDefaults(route.routing, { breaker: config.circuitBreaker !== undefined, cache: config.sku !== "Consumption" }),
    }));
}

/** Edge settings (auth, token limits, overrides, exposure, the breaker rule the exhaustion answer mirrors) shared by every route. */
export function edgeSpec(config: GatewayConfig): EdgeSpec {
  const entra = "entra" in config.auth;
  return {
    auth: config.auth,
    // The counter key defaults to the caller: the token's oid with Entra, the subscription with keys.
    ...(config.limits ? { limits: { ...config.limits, counterKey: config.limits.counterKey ?? (entra ? "user" : "subscription") } } : {}),
    ...(config.overrides ? { overrides: config.overrides } : {}),
    ...(config.expose ? { expose: config.expose } : {}),
    ...(config.defaultApiVersion === undefined ? {} : { defaultApiVersion: config.defaultApiVersion }),
    ...(config.circuitBreaker ? { circuitBreaker: breakerSpec(config.circuitBreaker) } : {}),
    // Affinity to stored responses does not fit the Consumption tier's 16 KiB policy (nor has it a
    // cache): Responses calls are answered 400 with this reason instead.
    // The model type check (400 for `model: 5` instead of 404) is left out there too, for room.
    ...(config.sku === "Consumption"
      ? {
          responsesApi: { served: false as const, reason: "the Consumption tier's 16 KiB policy limit leaves no room for affinity to stored responses (aoai-fleet:gateway.sku); choose another sku (e.g. BasicV2) to use it" },
          modelTypeCheck: false as const,
        }
      : {}),
  };
}

/** The deployed breaker rule (`circuitBreakerRule`) as the policy engine's BreakerSpec. */
function breakerSpec(breaker: NonNullable<GatewayConfig["circuitBreaker"]>): BreakerSpec {
  const rule = circuitBreakerRule(breaker);
  const ms = parseIsoDuration(rule.tripDuration);
  if (ms === undefined) throw new FleetConfigError([{ path: "aoai-fleet:gateway.circuitBreaker.trip", message: `"${rule.tripDuration}" is not an ISO-8601 duration` }]);
  return { tripSeconds: Math.ceil(ms / 1000), acceptRetryAfter: rule.acceptRetryAfter, statusRanges: rule.failureCondition.statusCodeRanges, errorReasons: rule.failureCondition.errorReasons };
}

function backendInventory(inventory: readonly InventoryEntry[]): BackendInventory {
  return {
    backends: inventory.map((entry) => ({
      backendId: singleBackendId(entry.deployment, entry.region),
      deployment: entry.deployment,
      region: entry.region,
      capacity: entry.capacity,
      // 0 marks "unknown": the simulator reads tpm, and the oversize guard skips pools with such a member.
      tpm: entry.tokensPerMinute ?? 0,
      embeddings: entry.embeddings,
      ...((PROVISIONED_SKUS as readonly string[]).includes(entry.sku) ? { provisioned: true } : {}),
      url: entry.accountOpenAiUrl,
    })),
  };
}

/**
 * The policy document exactly as the component deploys it, as XML. The member-path rewrite (each
 * `Single` URL ends in `/openai/deployments/<its deployment>`; the forwarded path is what follows the
 * client's `/deployments/<route>` or `/v1`) is part of the generated policy itself (compose.ts,
 * shadow.ts), so nothing is post-processed here.
 */
export function deployedPolicyXml(document: PolicyDocument): string {
  return renderPolicy(document);
}

/** The policy engine's path in the style of every other stack-config path (`backends.0`, not `backends[0]`). */
const configPath = (enginePath: string): string => enginePath.replace(/\[(\d+)\]/g, ".$1");

/** Runs the policy engine; its limit errors become stack-config errors (exit 2, path named). */
function engine<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PolicyLimitError) throw new FleetConfigError([{ path: configPath(error.path), message: error.detail }]);
    throw error;
  }
}

/**
 * Designs already computed in this process, by their input. One plan designs the same gateway up to
 * four times (config validation, the component's structural pass, its pass with real endpoints, the
 * plan step) and a wide gateway's design takes a few hundred milliseconds; the function is pure and
 * its result is never mutated (readonly throughout), so equal inputs share one result.
 */
const designs = new Map<string, GatewayDesign>();
const DESIGNS_KEPT = 4;

/** The whole gateway from config and inventory: singles, pools, named values and the API policy. */
export function designGateway(config: GatewayConfig, inventory: readonly InventoryEntry[]): GatewayDesign {
  const key = JSON.stringify([config, inventory]);
  const known = designs.get(key);
  if (known) return known;
  const design = computeGatewayDesign(config, inventory);
  if (designs.size >= DESIGNS_KEPT) designs.delete(designs.keys().next().value!);
  designs.set(key, design);
  return design;
}

/**
 * One standalone policy per route, in route order: what a single-route API would attach. Written by
 * the plan for review (`policies/<route>.xml`), never deployed, so only the plan computes them.
 */
export function designRoutePolicies(config: GatewayConfig, inventory: readonly InventoryEntry[]): PolicyDocumentDesign[] {
  const edge = edgeSpec(config);
  const backends = backendInventory(inventory);
  return routeSpecs(config).map((route) => ({ scope: route.name, xml: engine(() => composeRoutePolicy(route, edge, backends)).xml }));
}

/** designGateway without the cache (each call computes the design afresh). */
export function computeGatewayDesign(config: GatewayConfig, inventory: readonly InventoryEntry[]): GatewayDesign {
  const routes = routeSpecs(config);
  const edge = edgeSpec(config);
  const backends = backendInventory(inventory);
  const gateway = engine(() => composeGatewayPolicy({ routes, edge, inventory: backends }));
  // The engine's rendering (gateway.xml) is renderPolicy(document), i.e. deployedPolicyXml(document).
  const apiPolicy = { scope: "api", xml: gateway.xml };
  checkTierPolicySize(config, apiPolicy, "aoai-fleet:gateway.routes");
  // Every chat-style deployment × region has its account twin, used or not: a rollout step that moves a pool
  // to another deployment then only updates pools (rollout apply allows updates, never creates). Embeddings
  // deployments have none: no rollout moves a route between kinds (the fleet check refuses it).
  const singles: SingleBackendDesign[] = inventory.map(({ accountOpenAiUrl: _url, embeddings: _kind, ...entry }) => ({ ...entry, id: singleBackendId(entry.deployment, entry.region), family: "deployment" as const }));
  const chatStyle = new Set(inventory.filter((entry) => !entry.embeddings).map((entry) => singleBackendId(entry.deployment, entry.region)));
  const accountTwins: SingleBackendDesign[] = edge.responsesApi ? [] : singles.filter((s) => chatStyle.has(s.id)).map((s) => ({ ...s, id: accountBackendId(s.id), family: "account" as const }));
  const byId = new Map(singles.map((single) => [single.id, single]));
  const shadowSingles: SingleBackendDesign[] = (gateway.shadow?.backends ?? []).map((twin) => {
    const production = byId.get(twin.of);
    if (!production) throw new Error(`gateway design: shadow backend ${twin.backendId} names unknown backend ${twin.of}`);
    return { ...production, id: twin.backendId, shadowOf: twin.of };
  });
  const shadowRelay: ShadowRelayDesign | undefined = gateway.shadow
    ? {
        apiPath: SHADOW_RELAY.apiPath,
        policy: { scope: SHADOW_RELAY.apiPath, xml: deployedPolicyXml(gateway.shadow.document) },
        urlNamedValue: SHADOW_RELAY.urlNamedValue,
        keyNamedValue: SHADOW_RELAY.keyNamedValue,
      }
    : undefined;
  return {
    singles: [...singles, ...accountTwins, ...shadowSingles],
    pools: [...gateway.pools, ...(gateway.shadow?.pools ?? [])].map((pool) => ({
      id: pool.poolId,
      route: pool.route,
      role: pool.side,
      family: pool.family ?? "deployment",
      members: pool.members.map((member) => ({ backendId: member.backendId, priority: member.priority, weight: member.weight })),
    })),
    namedValues: gateway.namedValues.map((value) => ({ id: value.name, value: value.value, purpose: `${value.description} Allowed: ${value.allowed}.` })),
    apiPolicy,
    ...(shadowRelay ? { shadowRelay } : {}),
    warnings: gateway.warnings.map((warning) => ({ path: configPath(warning.path), message: warning.message })),
  };
}
