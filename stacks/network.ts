/**
 * Network wiring of the stack program (issue 13): the fleet plan + gateway config → the network
 * plan (validated before anything is declared), → `FleetNetwork` after the fleet, → the gateway's
 * network arguments. Without `aoai-fleet:fleet.network` nothing here creates a resource.
 */
import type { AiGatewayArgs } from "../components/gateway/args";
import type { AoaiFleet } from "../components/fleet";
import { FleetNetwork } from "../components/network";
import { planNetwork, type NetworkPlan, type NetworkPlanResult } from "../core/plan/network";
import type { GatewayNetworkInput } from "../core/plan/network/gateway-mode";
import type { FleetPlan } from "../core/plan/types";
import { GATEWAY_SKUS, type GatewayConfig, type GatewaySku } from "./config/gateway";
import { GatewayNetworkSchema } from "./config/gateway-network";

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

/** Creates the fleet's network and its account endpoints, after the accounts and their deployments. */
export function createFleetNetwork(networkPlan: NetworkPlan, plan: FleetPlan, fleet: AoaiFleet): FleetNetwork {
  return new FleetNetwork(`${plan.name}-network`, {
    plan: networkPlan,
    resourceGroupName: fleet.resourceGroupName,
    namePrefix: plan.name,
    accounts: plan.accounts.map((planned) => {
      const account = fleet.accounts[planned.region];
      if (!account) throw new Error(`network: the fleet has no account in ${planned.region}`);
      return { region: planned.region, accountId: account.accountId, lastWrite: account.lastWrite };
    }),
    protect: plan.protect,
    tags: { ...plan.tags },
  });
}

/** The gateway's network arguments from the plan and the created network (undefined when it joins none). */
export function gatewayNetworkArgs(networkPlan: NetworkPlan | undefined, network: FleetNetwork | undefined): AiGatewayArgs["network"] {
  const gateway = networkPlan?.gateway;
  if (!networkPlan || !gateway || !network) return undefined;
  const handles = network.networks[gateway.networkRegion];
  if (!handles?.gatewaySubnetId) throw new Error(`network: the ${gateway.networkRegion} network has no gateway subnet`);
  const inbound = networkPlan.endpoints.find((endpoint) => endpoint.target.kind === "gateway");
  const zone = inbound?.zones[0];
  return {
    virtualNetworkType: gateway.virtualNetworkType,
    subnetId: handles.gatewaySubnetId,
    publicNetworkAccess: gateway.publicNetworkAccess,
    dependsOn: network.gatewayDependencies,
    ...(inbound && zone && handles.privateEndpointSubnetId
      ? {
          inboundPrivateEndpoint: {
            privateEndpointName: inbound.name,
            location: inbound.networkRegion,
            subnetId: handles.privateEndpointSubnetId,
            zoneName: zone,
            zoneId: network.zoneIds[zone] as string,
          },
        }
      : {}),
  };
}
