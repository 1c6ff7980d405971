/**
 * The access and safety part of the `aoai-fleet:gateway` contract (issue 12): which Entra tokens are
 * accepted (audiences, roles, scopes, client apps), who may steer traffic (`overrides`), per-caller
 * token limits and quotas (`limits`), debugging headers (`expose`), and the rules between them and
 * the routes (shadow isolation). Schemas and refinements only; `gateway.ts` assembles the contract.
 */
import { z } from "zod";
import { SUBSCRIPTION_ID } from "../../gateway-policy";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** App roles and scopes: printable ASCII without spaces or commas (the policy matches them in comma-joined claims). */
const CLAIM_VALUE = /^[!-+\--~]+$/;
const claimValue = (what: string) => z.string().regex(CLAIM_VALUE, { message: `a ${what} (printable ASCII, no spaces or commas)` });
/** Token audiences: the API's App ID URI (`api://…`, v1 tokens) or its client id GUID (v2 tokens). */
const AUDIENCE = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z][A-Za-z0-9+.-]*:\/\/[!-~]+)$/;
const appId = z.string().regex(GUID, { message: "an application (client) id GUID" });

export const TOKEN_QUOTA_PERIODS = ["Hourly", "Daily", "Weekly", "Monthly", "Yearly"] as const;

/** `auth.entra`. */
export const entraSchema = z.strictObject({
  tenantId: z.string().regex(GUID, { message: "a tenant GUID" }),
  /** `api://…` App ID URIs (v1 tokens) and/or the API's client id GUID (v2 tokens); `api://<guid>` also accepts `<guid>`. */
  audiences: z.array(z.string().regex(AUDIENCE, { message: "an audience: the API's App ID URI (api://…) or its client id GUID" })).min(1),
  /** Extension: only these client app ids may call (validate-azure-ad-token instead of validate-jwt). */
  clientApplicationIds: z.array(appId).min(1).optional(),
  /** Extension: the token must carry at least one of these app roles and at least one of these scopes. */
  requiredClaims: z.strictObject({ roles: z.array(claimValue("app role value")).min(1).optional(), scopes: z.array(claimValue("scope name")).min(1).optional() }).optional(),
});

/** `overrides`: who may send x-aoai-canary / x-aoai-slot / x-aoai-variant; absent = nobody. */
export const overridesSchema = z.strictObject({
  clientApplicationIds: z.array(appId).min(1).optional(),
  roles: z.array(claimValue("app role value")).min(1).optional(),
  subscriptionIds: z
    .array(z.string().regex(SUBSCRIPTION_ID, { message: "an APIM subscription id (1–256 characters, none of *#&+:<>?)" }).regex(/^[ -~]+$/, { message: "printable ASCII" }))
    .min(1)
    .optional(),
});

/** `limits`: per-consumer tokens per minute and/or a token quota per period. */
export const limitsSchema = z.strictObject({
  tokensPerMinute: z.number().int().min(1).optional(),
  /** Default: `user` with auth.entra (the token's oid, else its client app), `subscription` with keys. */
  counterKey: z.enum(["subscription", "user", "ip"]).optional(),
  /** Extension: tokens per tokenQuotaPeriod per consumer (403 above it), APIM's token-quota. */
  tokenQuota: z.number().int().min(1).optional(),
  tokenQuotaPeriod: z.enum(TOKEN_QUOTA_PERIODS).optional(),
});

/** `expose`: debugging response headers (backend host names are never returned). */
export const exposeSchema = z.strictObject({ region: z.boolean().default(false), target: z.boolean().default(false) });

/** What the refinements below read of a parsed gateway. */
interface AccessView {
  auth: { entra: unknown } | { subscriptionKeys: true };
  limits?: z.output<typeof limitsSchema>;
  overrides?: z.output<typeof overridesSchema>;
}

export function checkLimits(gateway: AccessView, ctx: z.RefinementCtx): void {
  const l = gateway.limits;
  if (!l) return;
  const entra = "entra" in gateway.auth;
  if (l.tokensPerMinute === undefined && l.tokenQuota === undefined) {
    ctx.addIssue({ code: "custom", path: ["limits"], message: "set tokensPerMinute, tokenQuota with tokenQuotaPeriod, or both" });
  }
  if ((l.tokenQuota === undefined) !== (l.tokenQuotaPeriod === undefined)) {
    const missing = l.tokenQuota === undefined ? "tokenQuota" : "tokenQuotaPeriod";
    ctx.addIssue({ code: "custom", path: ["limits", missing], message: `tokenQuota and tokenQuotaPeriod go together; allowed periods: ${TOKEN_QUOTA_PERIODS.join(", ")}` });
  }
  if (l.counterKey === "subscription" && entra) {
    ctx.addIssue({
      code: "custom",
      path: ["limits", "counterKey"],
      message: "subscription is not allowed with auth.entra: the API requires no subscription, so every caller would share one empty counter; allowed values: user (the token's oid, else its client app), ip",
    });
  }
  if (l.counterKey === "user" && !entra) {
    ctx.addIssue({ code: "custom", path: ["limits", "counterKey"], message: "user needs auth.entra (the user is the token's oid); allowed values with subscription keys: subscription, ip" });
  }
}

export function checkOverrides(gateway: AccessView, ctx: z.RefinementCtx): void {
  const o = gateway.overrides;
  if (!o) return;
  const entra = "entra" in gateway.auth;
  if (!entra) {
    for (const key of ["clientApplicationIds", "roles"] as const) {
      if (o[key]) ctx.addIssue({ code: "custom", path: ["overrides", key], message: `${key === "roles" ? "app roles" : "client app ids"} come from an Entra token, and this gateway uses subscription keys; allow subscriptionIds instead, or configure auth.entra` });
    }
  } else if (o.subscriptionIds) {
    ctx.addIssue({ code: "custom", path: ["overrides", "subscriptionIds"], message: "with auth.entra the API requires no subscription, so a subscription id does not identify the caller; allow clientApplicationIds or roles instead" });
  }
  if (!o.clientApplicationIds && !o.roles && !o.subscriptionIds) {
    ctx.addIssue({ code: "custom", path: ["overrides"], message: "name who may steer: clientApplicationIds, roles or subscriptionIds (remove overrides to turn steering off)" });
  }
}

interface RouteView {
  backends: { deployment: string }[];
  canary?: { deployment: string };
  blueGreen?: { blue: string; green: string };
  abTest?: { variants: Record<string, { deployment: string }> };
  shadow?: { deployment: string; allowProductionDeployment?: boolean };
}

/** Deployments that serve a route's clients (stable tiers, canary, blue/green slots, A/B variants) → where. */
function productionDeployments(route: RouteView): Map<string, string> {
  const out = new Map<string, string>();
  const add = (deployment: string, where: string) => {
    if (!out.has(deployment)) out.set(deployment, where);
  };
  route.backends.forEach((b, i) => add(b.deployment, `backends.${i}`));
  if (route.canary) add(route.canary.deployment, "canary");
  if (route.blueGreen) {
    add(route.blueGreen.blue, "blueGreen.blue");
    add(route.blueGreen.green, "blueGreen.green");
  }
  for (const [name, v] of Object.entries(route.abTest?.variants ?? {})) add(v.deployment, `abTest.variants.${name}`);
  return out;
}

/** A shadow on a deployment that also serves the route's production traffic is refused unless allowed. */
export function checkShadowIsolation(route: RouteView, ctx: z.RefinementCtx): void {
  if (!route.shadow || route.shadow.allowProductionDeployment) return;
  const where = productionDeployments(route).get(route.shadow.deployment);
  if (where === undefined) return;
  ctx.addIssue({
    code: "custom",
    path: ["shadow", "deployment"],
    message: `"${route.shadow.deployment}" also serves this route's production traffic (${where}); shadow load would use its capacity and its 429s would trip production breakers; shadow a separate deployment, or set allowProductionDeployment: true to accept the shared capacity`,
  });
}
