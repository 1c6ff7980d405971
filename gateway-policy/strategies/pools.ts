// Pool planning: which backend pools a route needs, their members, priorities and capacity-based weights.
import { gatewayPath, LIMITS, PolicyLimitError } from "../limits";
import { poolIdOf } from "./names";
import type { BackendInventory, InventoryBackend, PoolDefinition, RouteBackendSpec, RouteSpec } from "./types";

/** Route, variant and pool names become APIM backend ids and named-value names. */
export const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Inventory backends of one deployment, sorted by backend id; unknown deployment → clear error. */
export function backendsOf(inventory: BackendInventory, deployment: string, path: string): InventoryBackend[] {
  const found = inventory.backends.filter((b) => b.deployment === deployment).sort((a, b) => a.backendId.localeCompare(b.backendId));
  if (found.length === 0) {
    const known = [...new Set(inventory.backends.map((b) => b.deployment))].sort();
    throw new PolicyLimitError(path, `"${deployment}" is not a deployment of the fleet; known deployments: ${known.join(", ") || "(none)"}; fix the name or add the deployment to aoai-fleet:fleet`);
  }
  for (const b of found) {
    if (!(b.capacity > 0)) throw new PolicyLimitError(path, `backend ${b.backendId} has capacity ${b.capacity}; weights need a positive capacity`);
  }
  return found;
}

/**
 * Integer weights 1–100 proportional to `raw`, summing to 100 (largest remainder; every member keeps at
 * least 1 so none is silently starved).
 */
export function proportionalWeights(raw: number[]): number[] {
  const total = raw.reduce((a, b) => a + b, 0);
  const ideal = raw.map((r) => (100 * r) / total);
  const weights = ideal.map((x) => Math.max(1, Math.floor(x)));
  let remaining = 100 - weights.reduce((a, b) => a + b, 0);
  const byRemainder = ideal.map((x, i) => ({ i, rem: x - Math.floor(x) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; remaining > 0; k = (k + 1) % byRemainder.length, remaining -= 1) weights[(byRemainder[k] as { i: number }).i]! += 1;
  while (remaining < 0) {
    const largest = weights.indexOf(Math.max(...weights));
    weights[largest]! -= 1;
    remaining += 1;
  }
  return weights;
}

export interface Tier {
  priority: number;
  entries: Array<{ spec: RouteBackendSpec; path: string }>;
}

/** Members of one pool from backend entries grouped into priority tiers. */
export function poolFromTiers(route: RouteSpec, side: string, tiers: Tier[], inventory: BackendInventory): PoolDefinition {
  const members: PoolDefinition["members"] = [];
  for (const tier of [...tiers].sort((a, b) => a.priority - b.priority)) {
    const explicit = tier.entries.filter((e) => e.spec.weight !== undefined);
    if (explicit.length > 0 && explicit.length < tier.entries.length) {
      const missing = tier.entries.find((e) => e.spec.weight === undefined) as { path: string };
      throw new PolicyLimitError(`${missing.path}.weight`, `backends in priority ${tier.priority} mix explicit and capacity-based weights; give every backend of that priority a weight or none`);
    }
    const rows: Array<{ b: InventoryBackend; raw: number }> = [];
    for (const { spec, path } of tier.entries) {
      if (spec.weight !== undefined && (!Number.isInteger(spec.weight) || spec.weight < LIMITS.weight.min || spec.weight > LIMITS.weight.max))
        throw new PolicyLimitError(`${path}.weight`, `${spec.weight} is not an integer weight ${LIMITS.weight.min}–${LIMITS.weight.max}`);
      const backends = backendsOf(inventory, spec.deployment, `${path}.deployment`);
      const capacity = backends.reduce((a, b) => a + b.capacity, 0);
      // Explicit weight splits across regions by capacity; otherwise capacity is the weight.
      for (const b of backends) rows.push({ b, raw: spec.weight === undefined ? b.capacity : (spec.weight * b.capacity) / capacity });
    }
    const weights = proportionalWeights(rows.map((r) => r.raw));
    rows.forEach((r, i) => members.push({ backendId: r.b.backendId, deployment: r.b.deployment, region: r.b.region, priority: tier.priority, weight: weights[i] as number }));
  }
  const ids = members.map((m) => m.backendId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new PolicyLimitError(gatewayPath("routes", route.name, "backends"), `backend ${duplicate} appears twice in pool ${route.name}-${side}; list each deployment once`);
  if (members.length > LIMITS.poolMembers)
    throw new PolicyLimitError(
      gatewayPath("routes", route.name, side === "stable" ? "backends" : side),
      `pool ${route.name}-${side} would have ${members.length} members; APIM backend pools hold at most ${LIMITS.poolMembers}; remove regions or deployments from this route`,
    );
  return { poolId: poolIdOf(route.name, side), route: route.name, side, members };
}

/**
 * The pool priority a stable backend gets: 1 for every backend of a weighted route (one tier);
 * on a priority route its explicit `priority`, else its 1-based position in the list. Config
 * validation uses the same rule, so "how many tiers" never differs between check and policy.
 */
export function effectiveBackendPriority(strategy: RouteSpec["strategy"], backend: { readonly priority?: number }, index: number): number {
  return strategy === "weighted" ? 1 : (backend.priority ?? index + 1);
}

function stableTiers(route: RouteSpec, replace?: { from: string[]; to: string }): Tier[] {
  const tiers = new Map<number, Tier>();
  route.backends.forEach((spec, i) => {
    const path = gatewayPath("routes", route.name, "backends", i);
    const priority = effectiveBackendPriority(route.strategy, spec, i);
    if (!Number.isInteger(priority) || priority < LIMITS.priority.min || priority > LIMITS.priority.max)
      throw new PolicyLimitError(`${path}.priority`, `${priority} is not an integer priority ${LIMITS.priority.min}–${LIMITS.priority.max}`);
    const deployment = replace && replace.from.includes(spec.deployment) ? replace.to : spec.deployment;
    const tier = tiers.get(priority) ?? { priority, entries: [] };
    if (!tier.entries.some((e) => e.spec.deployment === deployment)) tier.entries.push({ spec: { ...spec, deployment }, path });
    tiers.set(priority, tier);
  });
  return [...tiers.values()];
}

export const single = (deployment: string, path: string, priority = 1): Tier => ({ priority, entries: [{ spec: { deployment }, path }] });

/** Every pool the route's policy references, in a stable order. */
export function planPools(route: RouteSpec, inventory: BackendInventory): PoolDefinition[] {
  const pools: PoolDefinition[] = [];
  const base = stableTiers(route);
  const lowest = Math.max(...base.map((t) => t.priority));
  const canaryFallback = route.canary?.failover ? [single(route.canary.deployment, gatewayPath("routes", route.name, "canary", "deployment"), Math.min(lowest + 1, 100))] : [];
  if (route.blueGreen) {
    const bg = route.blueGreen;
    for (const slot of ["blue", "green"] as const) {
      const slotTiers = route.backends.some((b) => b.deployment === bg.blue || b.deployment === bg.green)
        ? stableTiers(route, { from: [bg.blue, bg.green], to: bg[slot] })
        : [single(bg[slot], gatewayPath("routes", route.name, "blueGreen", slot), Math.max(0, Math.min(...base.map((t) => t.priority)) - 1)), ...base];
      pools.push(poolFromTiers(route, slot, [...slotTiers, ...canaryFallback], inventory));
    }
  } else {
    pools.push(poolFromTiers(route, "stable", [...base, ...canaryFallback], inventory));
  }
  if (route.canary) pools.push(poolFromTiers(route, "canary", [single(route.canary.deployment, gatewayPath("routes", route.name, "canary", "deployment"))], inventory));
  if (route.abTest) {
    for (const [variant, v] of Object.entries(route.abTest.variants))
      pools.push(poolFromTiers(route, `ab-${variant}`, [single(v.deployment, gatewayPath("routes", route.name, "abTest", "variants", variant, "deployment"))], inventory));
  }
  return pools;
}
