// Input checks that do not depend on pool planning. Each throws one PolicyLimitError naming the path.
import { NAMED_VALUE_NAME } from "../expr/render";
import { checkPercent, checkRetryCount, gatewayPath, PolicyLimitError } from "../limits";
import { isPlainLiteral } from "../value";
import { entraOf } from "./edge";
import { backendsOf, ROUTE_NAME } from "./pools";
import type { BackendInventory, EdgeSpec, RouteSpec } from "./types";

/** Longest total wait a route may configure (seconds); the SDKs' own timeout is 600 s. */
export const MAX_WAIT_BUDGET_SECONDS = 120;
const VARIANT_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function validateRoute(route: RouteSpec, inventory: BackendInventory): void {
  const at = (...p: Array<string | number>) => gatewayPath("routes", route.name, ...p);
  if (!ROUTE_NAME.test(route.name) || !NAMED_VALUE_NAME.test(route.name))
    throw new PolicyLimitError(gatewayPath("routes", route.name), `route name ${JSON.stringify(route.name)} must be 1–64 letters, digits, ".", "-" or "_" starting with a letter or digit (it becomes a backend id and named-value name)`);
  if (route.strategy !== "priority" && route.strategy !== "weighted")
    throw new PolicyLimitError(at("strategy"), `${JSON.stringify(route.strategy)} is not a strategy; allowed: priority, weighted`);
  if (route.backends.length === 0 && !route.blueGreen) throw new PolicyLimitError(at("backends"), "a route needs at least one backend (or a blueGreen pair)");
  route.backends.forEach((b, i) => backendsOf(inventory, b.deployment, at("backends", i, "deployment")));
  if (route.retryCount !== undefined) checkRetryCount(route.retryCount, at("retryCount"));
  if (route.timeoutSeconds !== undefined && (!Number.isInteger(route.timeoutSeconds) || route.timeoutSeconds < 1 || route.timeoutSeconds > 240))
    throw new PolicyLimitError(at("timeoutSeconds"), `${route.timeoutSeconds} is outside 1–240 seconds (longer waits are dropped by idle-connection timeouts)`);
  const budget = route.routing?.waitBudgetSeconds;
  if (budget !== undefined && (!Number.isInteger(budget) || budget < 0 || budget > MAX_WAIT_BUDGET_SECONDS))
    throw new PolicyLimitError(at("routing", "waitBudgetSeconds"), `${budget} is outside 0–${MAX_WAIT_BUDGET_SECONDS} whole seconds`);
  if (route.canary) {
    checkPercent(route.canary.percent, at("canary", "percent"));
    backendsOf(inventory, route.canary.deployment, at("canary", "deployment"));
    if (route.backends.some((b) => b.deployment === route.canary?.deployment))
      throw new PolicyLimitError(at("canary", "deployment"), `${route.canary.deployment} is also a stable backend of the route; a canary must be a separate deployment`);
  }
  if (route.blueGreen) {
    const bg = route.blueGreen;
    if (bg.blue === bg.green) throw new PolicyLimitError(at("blueGreen"), `blue and green are both ${bg.blue}; use two different deployments`);
    if (bg.active !== "blue" && bg.active !== "green") throw new PolicyLimitError(at("blueGreen", "active"), `${JSON.stringify(bg.active)} is not a slot; allowed: blue, green`);
    backendsOf(inventory, bg.blue, at("blueGreen", "blue"));
    backendsOf(inventory, bg.green, at("blueGreen", "green"));
  }
  if (route.abTest) validateAbTest(route, inventory);
  if (route.shadow) {
    checkPercent(route.shadow.percent, at("shadow", "percent"));
    backendsOf(inventory, route.shadow.deployment, at("shadow", "deployment"));
    const budget = route.shadow.maxTokensPerMinute;
    if (budget !== undefined && (!Number.isSafeInteger(budget) || budget < 1)) throw new PolicyLimitError(at("shadow", "maxTokensPerMinute"), `${budget} must be a positive integer (tokens per minute)`);
  }
}

function validateAbTest(route: RouteSpec, inventory: BackendInventory): void {
  const ab = route.abTest as NonNullable<RouteSpec["abTest"]>;
  const at = (...p: string[]) => gatewayPath("routes", route.name, "abTest", ...p);
  if (ab.id.length === 0 || ab.id.length > 128) throw new PolicyLimitError(at("id"), "the experiment id must be 1–128 characters");
  const variants = Object.entries(ab.variants);
  if (variants.length < 2) throw new PolicyLimitError(at("variants"), `an A/B test needs at least two variants, found ${variants.length}`);
  let total = 0;
  for (const [name, v] of variants) {
    if (!VARIANT_NAME.test(name)) throw new PolicyLimitError(at("variants", name), `variant name ${JSON.stringify(name)} must be 1–32 lowercase letters, digits or "-"`);
    checkPercent(v.percent, at("variants", name, "percent"));
    backendsOf(inventory, v.deployment, at("variants", name, "deployment"));
    total += v.percent;
  }
  if (total !== 100)
    throw new PolicyLimitError(at("variants"), `variant percents sum to ${total}, not 100 (${variants.map(([n, v]) => `${n}=${v.percent}`).join(", ")}); adjust them so every caller lands in exactly one variant`);
}

/** APIM subscription ids are ARM resource names: 1–256 characters, none of `*#&+:<>?`. */
export const SUBSCRIPTION_ID = /^[^*#&+:<>?]{1,256}$/;
const AUDIENCE = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+)$/;
const QUOTA_PERIODS = ["Hourly", "Daily", "Weekly", "Monthly", "Yearly"];

function checkList(values: readonly string[] | undefined, path: (i: number) => string, ok: (v: string) => boolean, rule: string): void {
  (values ?? []).forEach((v, i) => {
    if (!ok(v)) throw new PolicyLimitError(path(i), `${JSON.stringify(v)} is not ${rule}`);
  });
}
const plain = (v: string) => v.length > 0 && isPlainLiteral(v);
const ROLE_RULE = "an app role value (printable ASCII, no spaces or commas)";
const isRole = (v: string) => plain(v) && !/[\s,]/.test(v);

function validateEntra(edge: EdgeSpec): void {
  const e = entraOf(edge);
  if (!e) return;
  const at = (...p: Array<string | number>) => gatewayPath("auth", "entra", ...p);
  if (!GUID.test(e.tenantId)) throw new PolicyLimitError(at("tenantId"), `${JSON.stringify(e.tenantId)} is not a tenant GUID`);
  if (e.audiences.length === 0) throw new PolicyLimitError(at("audiences"), "list at least one audience (e.g. api://contoso-ai and the API's client id)");
  checkList(e.audiences, (i) => at("audiences", i), (a) => plain(a) && AUDIENCE.test(a), "an audience: the API's App ID URI (api://…) or its client id GUID");
  checkList(e.clientApplicationIds, (i) => at("clientApplicationIds", i), (c) => GUID.test(c), "an application (client) id GUID");
  checkList(e.requiredClaims?.roles, (i) => at("requiredClaims", "roles", i), isRole, ROLE_RULE);
  checkList(e.requiredClaims?.scopes, (i) => at("requiredClaims", "scopes", i), isRole, "a scope name (printable ASCII, no spaces or commas)");
}

function validateOverrides(edge: EdgeSpec): void {
  const o = edge.overrides;
  if (!o) return;
  const at = (...p: Array<string | number>) => gatewayPath("overrides", ...p);
  const entra = entraOf(edge) !== undefined;
  checkList(o.clientApplicationIds, (i) => at("clientApplicationIds", i), (c) => GUID.test(c), "an application (client) id GUID");
  checkList(o.roles, (i) => at("roles", i), isRole, ROLE_RULE);
  checkList(o.subscriptionIds, (i) => at("subscriptionIds", i), (v) => plain(v) && SUBSCRIPTION_ID.test(v), "an APIM subscription id (1–256 characters, none of *#&+:<>?)");
  if (!entra && ((o.clientApplicationIds?.length ?? 0) > 0 || (o.roles?.length ?? 0) > 0))
    throw new PolicyLimitError(at((o.roles?.length ?? 0) > 0 ? "roles" : "clientApplicationIds"), "client apps and roles come from an Entra token; configure auth.entra or allow subscriptionIds instead");
  if (entra && (o.subscriptionIds?.length ?? 0) > 0)
    throw new PolicyLimitError(at("subscriptionIds"), "with auth.entra the API requires no subscription, so a subscription id does not identify the caller; allow clientApplicationIds or roles instead");
}

function validateLimits(edge: EdgeSpec): void {
  const l = edge.limits;
  if (!l) return;
  const at = (...p: string[]) => gatewayPath("limits", ...p);
  const positive = (v: number | undefined, key: string) => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new PolicyLimitError(at(key), `${v} must be a positive integer`);
  };
  positive(l.tokensPerMinute, "tokensPerMinute");
  positive(l.tokenQuota, "tokenQuota");
  if (l.tokenQuotaPeriod !== undefined && !QUOTA_PERIODS.includes(l.tokenQuotaPeriod))
    throw new PolicyLimitError(at("tokenQuotaPeriod"), `${JSON.stringify(l.tokenQuotaPeriod)} is not allowed; allowed values: ${QUOTA_PERIODS.join(", ")}`);
  if ((l.tokenQuota === undefined) !== (l.tokenQuotaPeriod === undefined))
    throw new PolicyLimitError(at(l.tokenQuota === undefined ? "tokenQuota" : "tokenQuotaPeriod"), "tokenQuota and tokenQuotaPeriod go together (e.g. tokenQuota: 5000000, tokenQuotaPeriod: Monthly)");
  if (l.tokensPerMinute === undefined && l.tokenQuota === undefined) throw new PolicyLimitError(at("tokensPerMinute"), "set tokensPerMinute, tokenQuota + tokenQuotaPeriod, or both");
  if (!["subscription", "user", "ip"].includes(l.counterKey)) throw new PolicyLimitError(at("counterKey"), `${JSON.stringify(l.counterKey)} is not allowed; allowed values: subscription, user, ip`);
  const entra = entraOf(edge) !== undefined;
  if (l.counterKey === "user" && !entra) throw new PolicyLimitError(at("counterKey"), "counterKey user needs auth.entra (the user is the token's oid claim); use subscription or ip, or configure Entra auth");
  if (l.counterKey === "subscription" && entra)
    throw new PolicyLimitError(at("counterKey"), "with auth.entra the API requires no subscription, so every caller would share one empty counter; use user (the token's oid, else its client app) or ip");
}

export function validateEdge(edge: EdgeSpec): void {
  validateEntra(edge);
  validateOverrides(edge);
  validateLimits(edge);
  (edge.metrics?.extraDimensions ?? []).forEach((d, i) => {
    if (!isPlainLiteral(d.name) || d.name.length === 0) throw new PolicyLimitError(gatewayPath("metrics", "extraDimensions", i, "name"), `${JSON.stringify(d.name)} is not a plain dimension name`);
    if (!HEADER_NAME.test(d.header)) throw new PolicyLimitError(gatewayPath("metrics", "extraDimensions", i, "header"), `${JSON.stringify(d.header)} is not an HTTP header name`);
  });
}
