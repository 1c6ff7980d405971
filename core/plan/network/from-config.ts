/**
 * The network plan from stack config: what the stack program validates before declaring anything,
 * and what the offline plan's steps redraw from the config the program ran with. Pure.
 */
import type { FleetPlan } from "../types";
import { FLEET_CONFIG_KEY, FleetConfigSchema } from "../../../stacks/config/fleet";
import { GATEWAY_CONFIG_KEY, GATEWAY_SKUS, parseGatewayConfig, type GatewayConfig, type GatewaySku } from "../../../stacks/config/gateway";
import { GatewayNetworkSchema } from "../../../stacks/config/gateway-network";
import type { GatewayNetworkInput } from "./gateway-mode";
import { planNetwork, type NetworkPlanResult } from "./plan";
import type { NetworkPlan } from "./types";

/**
 * The gateway facts the network planner needs. From the validated config when it parsed; otherwise
 * best effort from the raw value, so network problems are reported in the same run as gateway ones.
 */
export function gatewayNetworkInput(validated: GatewayConfig | undefined, raw: unknown): GatewayNetworkInput | undefined {
  if (validated) return { sku: validated.sku, capacity: validated.capacity, ...(validated.network ? { network: validated.network } : {}) };
  if (raw === null || typeof raw !== "object") return undefined;
  const { sku, capacity, network } = raw as { sku?: unknown; capacity?: unknown; network?: unknown };
  if (!GATEWAY_SKUS.includes(sku as GatewaySku)) return undefined;
  const parsedNetwork = GatewayNetworkSchema.safeParse(network);
  return { sku: sku as GatewaySku, capacity: typeof capacity === "number" ? capacity : 1, ...(network !== undefined && parsedNetwork.success ? { network: parsedNetwork.data } : {}) };
}

/** Plans the fleet's network (pure); errors and warnings carry config paths. */
export function networkOf(plan: FleetPlan, gateway: GatewayNetworkInput | undefined): NetworkPlanResult {
  return planNetwork({
    fleetName: plan.name,
    kind: plan.kind,
    publicNetworkAccess: plan.publicNetworkAccess,
    accountRegions: plan.accounts.map((account) => account.region),
    gatewayRegion: plan.resourceGroup.location,
    ...(plan.network ? { network: plan.network } : {}),
    ...(gateway ? { gateway } : {}),
  });
}

/**
 * The network plan of an already validated stack config (the offline plan's steps redraw it from
 * the config the program ran with, as the gateway step does with its design). Undefined when the
 * stack has no network.
 */
export function networkPlanOfConfig(config: Readonly<Record<string, unknown>>, accountRegions: readonly string[]): NetworkPlan | undefined {
  const fleet = FleetConfigSchema.parse(config[FLEET_CONFIG_KEY]);
  if (!fleet.network) return undefined;
  const rawGateway = config[GATEWAY_CONFIG_KEY];
  const gateway = rawGateway === undefined ? undefined : parseGatewayConfig(rawGateway);
  const result = planNetwork({
    fleetName: fleet.name,
    kind: fleet.kind,
    publicNetworkAccess: fleet.publicNetworkAccess,
    accountRegions,
    gatewayRegion: Object.keys(fleet.regions)[0] as string,
    network: fleet.network,
    ...(gateway ? { gateway: gatewayNetworkInput(gateway, rawGateway) as GatewayNetworkInput } : {}),
  });
  if (!result.plan) throw new Error(`network: the validated config plans no network (${result.errors.map((e) => `${e.path}: ${e.message}`).join("; ")})`);
  return result.plan;
}
