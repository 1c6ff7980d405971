// Input checks that do not depend on pool planning. Each throws one PolicyLimitError naming the path.
import { NAMED_VALUE_NAME } from "../expr/render";
import { checkPercent, checkRetryCount, gatewayPath, PolicyLimitError } from "../limits";
import { isPlainLiteral } from "../value";
import { backendsOf, ROUTE_NAME } from "./pools";
import type { BackendInventory, EdgeSpec, RouteSpec } from "./types";

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
    const target = backendsOf(inventory, route.shadow.deployment, at("shadow", "deployment"));
    const missing = target.find((b) => !b.url);
    if (missing) throw new PolicyLimitError(at("shadow", "deployment"), `backend ${missing.backendId} has no url in the inventory; a shadow copy is sent to the account endpoint directly`);
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

export function validateEdge(edge: EdgeSpec): void {
  const auth = edge.auth;
  if (auth && "entra" in auth) {
    const e = auth.entra;
    if (!GUID.test(e.tenantId)) throw new PolicyLimitError(gatewayPath("auth", "entra", "tenantId"), `${JSON.stringify(e.tenantId)} is not a tenant GUID`);
    if (e.audiences.length === 0) throw new PolicyLimitError(gatewayPath("auth", "entra", "audiences"), "list at least one audience (e.g. api://contoso-ai)");
    e.audiences.forEach((a, i) => {
      if (!isPlainLiteral(a) || a.length === 0) throw new PolicyLimitError(gatewayPath("auth", "entra", "audiences", i), `${JSON.stringify(a)} must be printable ASCII, not start with "@" and not contain "{{"`);
    });
    (e.clientApplicationIds ?? []).forEach((c, i) => {
      if (!GUID.test(c)) throw new PolicyLimitError(gatewayPath("auth", "entra", "clientApplicationIds", i), `${JSON.stringify(c)} is not an application (client) id GUID`);
    });
  }
  if (edge.limits) {
    const l = edge.limits;
    if (!Number.isInteger(l.tokensPerMinute) || l.tokensPerMinute < 1) throw new PolicyLimitError(gatewayPath("limits", "tokensPerMinute"), `${l.tokensPerMinute} must be a positive integer`);
    if (!["subscription", "user", "ip"].includes(l.counterKey)) throw new PolicyLimitError(gatewayPath("limits", "counterKey"), `${JSON.stringify(l.counterKey)} is not allowed; use subscription, user or ip`);
    if (l.counterKey === "user" && !(auth && "entra" in auth)) throw new PolicyLimitError(gatewayPath("limits", "counterKey"), "counterKey user needs auth.entra (the user is the token's oid claim); use subscription or ip, or configure Entra auth");
  }
  (edge.metrics?.extraDimensions ?? []).forEach((d, i) => {
    if (!isPlainLiteral(d.name) || d.name.length === 0) throw new PolicyLimitError(gatewayPath("metrics", "extraDimensions", i, "name"), `${JSON.stringify(d.name)} is not a plain dimension name`);
    if (!HEADER_NAME.test(d.header)) throw new PolicyLimitError(gatewayPath("metrics", "extraDimensions", i, "header"), `${JSON.stringify(d.header)} is not an HTTP header name`);
  });
}
