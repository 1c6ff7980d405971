/**
 * The second pass of the `aoai-fleet:gateway` contract (gateway.ts is the first): every route against
 * the fleet's deployments. Names exist, none is a batch deployment, a route's models answer one kind
 * of call, and no stable pool exceeds APIM's 30 members. One `FleetConfigError`, every problem listed.
 */
import { FleetConfigError, type ConfigIssue } from "./errors";
import { APIM_LIMITS, gatewayPath, type GatewayConfig, type GatewayRoute } from "./gateway";

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

/** What the check knows of a fleet deployment beyond its regions (core/plan `gatewayDeploymentFacts`). */
export interface DeploymentFacts {
  /** Its SKU when that is a batch SKU: it takes Batch API jobs only, never online requests. */
  readonly batchSku?: string;
  /** Whether its model answers embeddings (true) or chat-style calls (false); absent when the model is unknown. */
  readonly embeddings?: boolean;
  /** For chat-style models: a reasoning model (true: takes `max_completion_tokens`, refuses `max_tokens`) or a chat model (false); absent otherwise. */
  readonly reasoning?: boolean;
  /** Its model name, for messages. */
  readonly model?: string;
}

/**
 * Checks routes against the fleet: every named deployment exists and serves online requests (not a
 * batch SKU), a route does not mix embeddings and chat-style models (one client call could not suit
 * both), and no route's stable pool has more than 30 members (one per deployment × region). Throws
 * one `FleetConfigError`.
 */
export function checkGatewayAgainstFleet(gateway: GatewayConfig, fleet: FleetDeploymentRegions, facts: ReadonlyMap<string, DeploymentFacts>): void {
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
      const batchSku = facts.get(ref.deployment)?.batchSku;
      if (batchSku !== undefined) {
        // A batch deployment answers only Batch API jobs: every online call the gateway sent it would fail.
        const online = known.filter((name) => facts.get(name)?.batchSku === undefined);
        problems.push({
          path: gatewayPath(["routes", routeName, ...ref.path]),
          message: `deployment "${ref.deployment}" is a ${batchSku} deployment, which takes only Batch API jobs (files of requests), never the online requests a gateway sends; route to one of: ${online.join(", ") || "(no online deployment in the fleet)"}`,
        });
      }
    }
    problems.push(...mixedOperationIssues(routeName, route, facts));
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

/** A route's first backend and each deployment it names whose `trait` differs from that backend's (deployments whose trait is unknown never count). */
function otherKindRefs(route: GatewayRoute, facts: ReadonlyMap<string, DeploymentFacts>, trait: "embeddings" | "reasoning"): { first: string; firstFacts: DeploymentFacts; refs: { path: PropertyKey[]; deployment: string; facts: DeploymentFacts }[] } | undefined {
  const first = route.backends[0]?.deployment;
  const firstFacts = first === undefined ? undefined : facts.get(first);
  if (first === undefined || firstFacts?.[trait] === undefined) return undefined;
  const refs = routeDeploymentRefs(route).flatMap((ref) => {
    const other = facts.get(ref.deployment);
    return other?.[trait] === undefined || other[trait] === firstFacts[trait] ? [] : [{ ...ref, facts: other }];
  });
  return { first, firstFacts, refs };
}

/**
 * A route whose deployments mix an embeddings model with chat-style models: a client's call is one
 * operation, so whichever kind a pool member or the canary, a slot, a variant or the shadow serves,
 * the other kind answers it 400 OperationNotSupported. Named at each deployment of the other kind than
 * the route's first backend.
 */
function mixedOperationIssues(routeName: string, route: GatewayRoute, facts: ReadonlyMap<string, DeploymentFacts>): ConfigIssue[] {
  const mixed = otherKindRefs(route, facts, "embeddings");
  if (!mixed) return [];
  const firstKind = mixed.firstFacts.embeddings === true;
  const kind = (embeddings: boolean) => (embeddings ? "embeddings" : "chat-style calls (chat completions, Responses)");
  return mixed.refs.map((ref) => ({
    path: gatewayPath(["routes", routeName, ...ref.path]),
    message: `deployment "${ref.deployment}" answers ${kind(!firstKind)} but the route's first backend "${mixed.first}" answers ${kind(firstKind)}; a call suits one kind only, so give ${ref.deployment} its own route`,
  }));
}

/**
 * Warnings (the plan goes on) for a route that mixes reasoning and chat models: a reasoning model
 * refuses `max_tokens` (400 unsupported_parameter, "Use 'max_completion_tokens' instead") and a
 * temperature other than its default, so a request written for the route's first backend fails on
 * members, a canary, a slot or a variant of the other kind. A PTU reasoning model failing over to a
 * pay-as-you-go chat model is a legitimate design, so this warns with what clients must send rather
 * than refusing.
 */
export function mixedReasoningWarnings(gateway: GatewayConfig, facts: ReadonlyMap<string, DeploymentFacts>): ConfigIssue[] {
  const kind = (f: DeploymentFacts) => `${f.reasoning ? "a reasoning model" : "a chat model"}${f.model === undefined ? "" : ` (${f.model})`}`;
  return Object.entries(gateway.routes).flatMap(([routeName, route]) => {
    const mixed = otherKindRefs(route, facts, "reasoning");
    if (!mixed) return [];
    return mixed.refs.map((ref) => ({
      path: gatewayPath(["routes", routeName, ...ref.path]),
      message: `deployment "${ref.deployment}" is ${kind(ref.facts)} in a route whose first backend "${mixed.first}" is ${kind(mixed.firstFacts)}; reasoning models refuse what chat models take (max_tokens: 400 unsupported_parameter, "use max_completion_tokens"; a temperature other than the default), so a request written for one kind fails wherever the route sends it to the other: clients of this route must send only what both accept (max_completion_tokens, the default temperature), or give each kind its own route`,
    }));
  });
}
