import { abBucket, hashBucketOf, variantForBucket } from "../../gateway-policy/strategies/hash";
import type { GatewayRoute } from "../../stacks/config/gateway";

/** Which arm served a request and where its shadow copy (if any) goes. */
export interface RoutedRequest {
  deployment: string;
  experiment?: string;
  variant?: string;
  shadowDeployment?: string;
}

/** Per-request inputs of the routing choice; the draws are uniform in [0, 1) from a seeded Rng. */
export interface RoutingInput {
  callerId: string;
  canaryDraw: number;
  shadowDraw: number;
  backendDraw: number;
  /** Forces a blue-green slot, as the gateway's test header does for smoke tests. */
  forceSlot?: "blue" | "green";
}

/**
 * The rollout part of the gateway's routing, as the simulator source needs it to attribute traffic:
 * forced slot → A/B variant by caller bucket → canary by percent (sticky by caller) → active
 * blue-green slot → the lowest priority tier of the backends. Shadow copies are sampled on top.
 * This mirrors the policy's selection order; it is not the policy emulator (see docs/rollout.md).
 */
export function routeRequest(route: GatewayRoute, input: RoutingInput): RoutedRequest {
  const shadowDeployment = route.shadow && input.shadowDraw * 100 < route.shadow.percent ? route.shadow.deployment : undefined;
  const withShadow = (r: RoutedRequest): RoutedRequest => (shadowDeployment ? { ...r, shadowDeployment } : r);
  if (input.forceSlot && route.blueGreen) return withShadow({ deployment: route.blueGreen[input.forceSlot] });
  if (route.abTest) {
    // The policy's own bucket function, so simulated callers land in the variant APIM would pick.
    const variants = Object.entries(route.abTest.variants).map(([name, spec]) => ({ name, percent: spec.percent }));
    const variant = variantForBucket(variants, abBucket(route.abTest.id, input.callerId));
    const spec = route.abTest.variants[variant]!;
    return withShadow({ deployment: spec.deployment, experiment: route.abTest.id, variant });
  }
  if (route.canary && route.canary.percent > 0) {
    const draw = route.canary.sticky ? hashBucketOf(`canary:${input.callerId}`) : input.canaryDraw * 100;
    if (draw < route.canary.percent) return withShadow({ deployment: route.canary.deployment });
  }
  if (route.blueGreen) return withShadow({ deployment: route.blueGreen[route.blueGreen.active] });
  const tier = Math.min(...route.backends.map((b) => b.priority ?? 1));
  const members = route.backends.filter((b) => (b.priority ?? 1) === tier || route.strategy === "weighted");
  const chosen = members[Math.min(members.length - 1, Math.floor(input.backendDraw * members.length))];
  return withShadow({ deployment: (chosen ?? route.backends[0]!).deployment });
}
