/**
 * Warnings (the plan goes on) about what a route's own config makes unreachable. Target selection
 * overrides stable → blue-green → A/B → canary (gateway-policy select.ts), and an A/B variant's pool
 * holds only the variant's deployment: while a route runs an A/B test, a backend that is no variant
 * serves no request, not even as a failover tier (a PTU's pay-as-you-go spillover tier is gone for
 * the test's duration). The config is valid, so this warns rather than refuses.
 */
import type { ConfigIssue } from "./errors";
import { gatewayPath, type GatewayConfig } from "./gateway";

export function abBypassedBackendWarnings(gateway: GatewayConfig): ConfigIssue[] {
  return Object.entries(gateway.routes).flatMap(([routeName, route]) => {
    if (!route.abTest) return [];
    const variants = Object.entries(route.abTest.variants);
    const served = new Set(variants.map(([, v]) => v.deployment));
    const list = variants.map(([name, v]) => `${name}: ${v.deployment}`).join(", ");
    return route.backends.flatMap((backend, index) =>
      served.has(backend.deployment)
        ? []
        : [
            {
              path: gatewayPath(["routes", routeName, "backends", index, "deployment"]),
              message: `deployment "${backend.deployment}" serves no request while the route's abTest runs: every request goes to a variant pool (${list}), which holds only its variant's deployment, so this backend is not a failover tier either; make it a variant, or remove it for the test`,
            },
          ],
    );
  });
}
