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
 * The rollout part of the gateway's routing, in the generated policy's order
 * (`gateway-policy/strategies/select.ts`): stable backends, or the blue-green slot (forced by the
 * slot header, else the active one) → an A/B variant by the caller's bucket overrides it → the
 * canary by percent (sticky callers by their bucket) overrides that. Shadow copies are sampled on
 * top. It attributes simulated traffic the way the policy would; it is not the policy emulator.
 */
export function routeRequest(routeName: string, route: GatewayRoute, input: RoutingInput): RoutedRequest {
  const shadowDeployment = route.shadow && input.shadowDraw * 100 < route.shadow.percent ? route.shadow.deployment : undefined;
  let chosen: RoutedRequest;
  if (route.blueGreen) {
    chosen = { deployment: route.blueGreen[input.forceSlot ?? route.blueGreen.active] };
  } else {
    const tier = Math.min(...route.backends.map((b) => b.priority ?? 1));
    const members = route.strategy === "weighted" ? route.backends : route.backends.filter((b) => (b.priority ?? 1) === tier);
    const member = members[Math.min(members.length - 1, Math.floor(input.backendDraw * members.length))] ?? route.backends[0]!;
    chosen = { deployment: member.deployment };
  }
  if (route.abTest) {
    // The policy's own bucket function, so simulated callers land in the variant APIM would pick.
    const variants = Object.entries(route.abTest.variants).map(([name, spec]) => ({ name, percent: spec.percent }));
    const variant = variantForBucket(variants, abBucket(route.abTest.id, input.callerId));
    chosen = { deployment: route.abTest.variants[variant]!.deployment, experiment: route.abTest.id, variant };
  }
  if (route.canary && route.canary.percent > 0) {
    const draw = route.canary.sticky ? hashBucketOf(`${routeName}-canary:${input.callerId}`) : input.canaryDraw * 100;
    if (draw < route.canary.percent) chosen = { deployment: route.canary.deployment };
  }
  return shadowDeployment ? { ...chosen, shadowDeployment } : chosen;
}
