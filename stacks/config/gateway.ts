/**
 * The `aoai-fleet:gateway` stack config contract (issue 5): an API Management gateway in front of
 * the fleet. Validated in two passes: the zod schema checks shape, ranges and tier rules on its
 * own; `checkGatewayAgainstFleet` then checks every route against the fleet's deployments (names,
 * pool sizes). Both throw the stack-config error (`FleetConfigError`, exit code 2 in the CLI) with
 * full `aoai-fleet:gateway.<path>` paths, every problem at once.
 * Extend this contract, never break it: users' stacks depend on these keys.
 */
import { z } from "zod";
import { effectiveBackendPriority } from "../../gateway-policy";
import { configPath, FleetConfigError, type ConfigIssue } from "./errors";
import { GatewayNetworkSchema } from "./gateway-network";

export const GATEWAY_CONFIG_KEY = "aoai-fleet:gateway";

/** APIM tiers. Consumption has no circuit breaker, no token limits and a 16 KiB policy limit. */
export const GATEWAY_SKUS = ["Developer", "Basic", "BasicV2", "Standard", "StandardV2", "Premium", "PremiumV2", "Consumption"] as const;
export type GatewaySku = (typeof GATEWAY_SKUS)[number];

/** Scale units allowed per tier (Consumption is serverless: capacity 0; Premium is per region). */
export const GATEWAY_CAPACITY_RANGE: Readonly<Record<GatewaySku, readonly [number, number]>> = {
  Developer: [1, 1],
  Basic: [1, 2],
  Standard: [1, 4],
  Premium: [1, 12],
  BasicV2: [1, 10],
  StandardV2: [1, 10],
  PremiumV2: [1, 30],
  Consumption: [0, 0],
};

/** APIM limits the gateway enforces before anything is created. */
export const APIM_LIMITS = {
  poolMembers: 30,
  consumptionPolicyBytes: 16 * 1024,
  policyBytes: 256 * 1024,
} as const;

const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Route names appear in client URLs (`/openai/deployments/<route>/...`) and in file names. */
const ROUTE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

const percent = z.number().min(0).max(100);
const duration = z.string().regex(ISO_DURATION, { message: "an ISO-8601 duration such as PT1M, PT30S or PT1H" });

const backendRef = z.strictObject({
  /** Fleet deployment name (a key of `aoai-fleet:fleet.deployments`). */
  deployment: z.string().min(1),
  /** Priority tier, lower is preferred (APIM pool priority 0–100). */
  priority: z.number().int().min(0).max(100).optional(),
  /** Relative weight within the tier (1–100); defaults to the deployment's capacity share. */
  weight: z.number().int().min(1).max(100).optional(),
});

const routeSchema = z
  .strictObject({
    strategy: z.enum(["priority", "weighted"]).default("priority"),
    backends: z.array(backendRef).min(1),
    canary: z
      .strictObject({
        deployment: z.string().min(1),
        percent: percent.int(),
        sticky: z.boolean().default(false),
        /** Extension: let stable traffic fail over into the canary's backends as a last tier (default false). */
        failover: z.boolean().optional(),
      })
      .optional(),
    blueGreen: z
      .strictObject({ blue: z.string().min(1), green: z.string().min(1), active: z.enum(["blue", "green"]).default("blue") })
      .optional(),
    abTest: z
      .strictObject({
        id: z.string().min(1),
        variants: z.record(
          z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: "1–32 lowercase letters, digits or '-' (it names a pool and a metric dimension value)" }),
          z.strictObject({ deployment: z.string().min(1), percent: percent.int() }),
        ),
      })
      .optional(),
    shadow: z.strictObject({ deployment: z.string().min(1), percent: percent.int() }).optional(),
    /** Extension: retries after the first attempt (1–50); default one per extra member of the largest pool. */
    retryCount: z.number().int().min(1).max(50).optional(),
    /** Extension: seconds to wait for response headers per attempt (1–240, default 120). */
    timeoutSeconds: z.number().int().min(1).max(240).optional(),
  })
  .superRefine((route, ctx) => {
    const seen = new Set<string>();
    route.backends.forEach((backend, index) => {
      if (seen.has(backend.deployment)) {
        ctx.addIssue({ code: "custom", path: ["backends", index, "deployment"], message: `"${backend.deployment}" is listed twice in this route; list each deployment once` });
      }
      seen.add(backend.deployment);
      if (route.strategy === "weighted" && backend.priority !== undefined) {
        ctx.addIssue({ code: "custom", path: ["backends", index, "priority"], message: "priority is not allowed with strategy: weighted (one tier); use strategy: priority or remove it" });
      }
    });
    if (route.abTest) {
      const variants = Object.values(route.abTest.variants);
      const sum = variants.reduce((total, variant) => total + variant.percent, 0);
      if (variants.length < 2) {
        ctx.addIssue({ code: "custom", path: ["abTest", "variants"], message: "an A/B test needs at least two variants" });
      } else if (sum !== 100) {
        ctx.addIssue({ code: "custom", path: ["abTest", "variants"], message: `variant percents sum to ${sum}; they must sum to 100` });
      }
    }
    if (route.blueGreen && route.blueGreen.blue === route.blueGreen.green) {
      ctx.addIssue({ code: "custom", path: ["blueGreen", "green"], message: "green must name a different deployment than blue" });
    }
  });

const authSchema = z.union([
  z.strictObject({
    entra: z.strictObject({
      tenantId: z.string().regex(GUID, { message: "a tenant GUID" }),
      audiences: z.array(z.string().min(1)).min(1),
      /** Extension: only these client app ids may call (validate-azure-ad-token instead of validate-jwt). */
      clientApplicationIds: z.array(z.string().regex(GUID, { message: "an application (client) id GUID" })).min(1).optional(),
    }),
  }),
  z.strictObject({ subscriptionKeys: z.literal(true) }),
]);

export const gatewayConfigSchema = z
  .strictObject({
    /** Extension: the service name (`<name>.azure-api.net`, globally unique); default: Pulumi auto-naming. */
    serviceName: z
      .string()
      .regex(/^[a-zA-Z](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?$/, { message: "1–50 letters, digits or '-', starting with a letter and not ending with '-'" })
      .optional(),
    sku: z.enum(GATEWAY_SKUS),
    capacity: z.number().int().min(0),
    publisher: z.strictObject({ name: z.string().min(1), email: z.email() }),
    auth: authSchema,
    limits: z.strictObject({ tokensPerMinute: z.number().int().min(1), counterKey: z.enum(["subscription", "user", "ip"]).default("subscription") }).optional(),
    circuitBreaker: z
      .strictObject({ failures: z.number().int().min(1), interval: duration, trip: duration, acceptRetryAfter: z.boolean().default(true) })
      .optional(),
    /** Extension: `api-version` added when a client sends none (clients' own value always wins). */
    defaultApiVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, { message: "an Azure OpenAI api-version such as 2024-10-21" }).optional(),
    /** Extension: Application Insights + APIM logger + diagnostic so token metrics land somewhere. */
    appInsights: z.strictObject({ samplingPercentage: percent.default(100) }).optional(),
    /** Extension (issue 13): how the gateway joins aoai-fleet:fleet.network; see gateway-network.ts. */
    network: GatewayNetworkSchema.optional(),
    routes: z.record(z.string().regex(ROUTE_NAME, { message: "letters, digits, '.', '_' or '-' (≤ 64, starting with a letter or digit)" }), routeSchema),
  })
  .superRefine((gateway, ctx) => {
    const [min, max] = GATEWAY_CAPACITY_RANGE[gateway.sku];
    if (gateway.capacity < min || gateway.capacity > max) {
      const allowed = min === max ? `${min}` : `${min}–${max}`;
      ctx.addIssue({ code: "custom", path: ["capacity"], message: `${gateway.capacity} is not allowed for sku ${gateway.sku}; allowed: ${allowed}` });
    }
    if (gateway.sku === "Consumption" && gateway.circuitBreaker) {
      ctx.addIssue({ code: "custom", path: ["circuitBreaker"], message: "the Consumption tier has no backend circuit breaker; remove circuitBreaker or choose another sku (e.g. BasicV2)" });
    }
    if (gateway.sku === "Consumption" && gateway.limits) {
      ctx.addIssue({ code: "custom", path: ["limits"], message: "token limits are unavailable in the Consumption tier; remove limits or choose another sku (e.g. BasicV2)" });
    }
    for (const [routeName, route] of Object.entries(gateway.routes)) {
      const tiers = new Set(route.backends.map((backend, index) => effectiveBackendPriority(route.strategy, backend, index)));
      if (route.strategy === "priority" && tiers.size > 1 && !gateway.circuitBreaker) {
        const fix = gateway.sku === "Consumption" ? "Consumption has no circuit breaker: use strategy: weighted or another sku" : "add aoai-fleet:gateway.circuitBreaker";
        ctx.addIssue({
          code: "custom",
          path: ["routes", routeName, "backends"],
          message: `priority failover needs a circuit breaker (APIM sends to a lower priority only when every backend above it has tripped); ${fix}`,
        });
      }
    }
    if (Object.keys(gateway.routes).length === 0) {
      ctx.addIssue({ code: "custom", path: ["routes"], message: "at least one route is required" });
    }
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type GatewayRoute = GatewayConfig["routes"][string];
export type GatewayBackendRef = GatewayRoute["backends"][number];

/** `["routes","chat","backends",1,"deployment"]` → `aoai-fleet:gateway.routes.chat.backends.1.deployment`. */
export function gatewayPath(segments: readonly PropertyKey[]): string {
  return configPath(GATEWAY_CONFIG_KEY, segments);
}

/** A config value for a message: JSON, cut to 60 characters. */
function shown(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const value = issue.path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), input);
  switch (issue.code) {
    case "invalid_value":
      return `${shown(value)} is not allowed; allowed values: ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}; remove or fix the spelling`;
    case "invalid_type":
      return value === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${shown(value)}`;
    case "invalid_union":
      return "set exactly one of { entra: { tenantId, audiences } } or { subscriptionKeys: true }";
    case "invalid_key": {
      const reason = issue.issues.map((inner) => inner.message).join("; ");
      return `the name ${shown(issue.path[issue.path.length - 1])} is not allowed: use ${reason}`;
    }
    case "too_small":
      return issue.origin === "array" ? `needs at least ${String(issue.minimum)} item(s)` : `${shown(value)} is below the minimum ${String(issue.minimum)}`;
    case "too_big":
      return `${shown(value)} is above the maximum ${String(issue.maximum)}`;
    case "invalid_format":
      return `${shown(value)} is not ${issue.message.startsWith("Invalid") ? `a valid ${issue.format}` : issue.message}`;
    default:
      return issue.message;
  }
}

/** Validates the raw `aoai-fleet:gateway` value; throws `FleetConfigError` listing every problem. */
export function parseGatewayConfig(raw: unknown): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new FleetConfigError(result.error.issues.map((issue) => ({ path: gatewayPath(issue.path), message: describeIssue(issue, raw) })));
  }
  return result.data;
}

/** What the gateway needs to know about the fleet: each deployment and the regions it is in. */
export type FleetDeploymentRegions = ReadonlyMap<string, readonly string[]>;

/** Deployment names a route refers to, with their config paths (backends, canary, slots, variants, shadow). */
export function routeDeploymentRefs(route: GatewayRoute): { path: PropertyKey[]; deployment: string }[] {
  const refs: { path: PropertyKey[]; deployment: string }[] = route.backends.map((backend, index) => ({ path: ["backends", index, "deployment"], deployment: backend.deployment }));
  if (route.canary) refs.push({ path: ["canary", "deployment"], deployment: route.canary.deployment });
  if (route.blueGreen) {
    refs.push({ path: ["blueGreen", "blue"], deployment: route.blueGreen.blue }, { path: ["blueGreen", "green"], deployment: route.blueGreen.green });
  }
  for (const [variant, spec] of Object.entries(route.abTest?.variants ?? {})) {
    refs.push({ path: ["abTest", "variants", variant, "deployment"], deployment: spec.deployment });
  }
  if (route.shadow) refs.push({ path: ["shadow", "deployment"], deployment: route.shadow.deployment });
  return refs;
}

/**
 * Checks routes against the fleet: every named deployment exists, and no route's stable pool has
 * more than 30 members (one per deployment × region). Throws one `FleetConfigError`.
 */
export function checkGatewayAgainstFleet(gateway: GatewayConfig, fleet: FleetDeploymentRegions): void {
  const problems: ConfigIssue[] = [];
  const known = [...fleet.keys()].sort();
  for (const [routeName, route] of Object.entries(gateway.routes)) {
    for (const ref of routeDeploymentRefs(route)) {
      if (!fleet.has(ref.deployment)) {
        problems.push({
          path: gatewayPath(["routes", routeName, ...ref.path]),
          message: `deployment "${ref.deployment}" is not in aoai-fleet:fleet.deployments; known deployments: ${known.join(", ")}`,
        });
      }
    }
    // One pool holds every priority tier of the route's stable backends (and the canary as a last
    // tier when it may take failover), one member per deployment × region.
    const pooled = new Set([...route.backends.map((backend) => backend.deployment), ...(route.canary?.failover ? [route.canary.deployment] : [])]);
    const members = [...pooled].reduce((total, deployment) => total + (fleet.get(deployment)?.length ?? 0), 0);
    if (members > APIM_LIMITS.poolMembers) {
      problems.push({
        path: gatewayPath(["routes", routeName, "backends"]),
        message: `pool ${routeName}-stable would have ${members} members (one per deployment × region, all priorities); APIM allows at most ${APIM_LIMITS.poolMembers}; split the route or use fewer regions`,
      });
    }
  }
  if (problems.length > 0) throw new FleetConfigError(problems);
}
