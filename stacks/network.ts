/**
 * Network wiring of the stack program (issue 13): the network plan (core/plan/network, validated
 * before anything is declared) → `FleetNetwork` after the fleet → the gateway's network arguments. Without `aoai-fleet:fleet.network` nothing here creates a resource.
 */
import type { AiGatewayArgs } from "../components/gateway/args";
import type { AoaiFleet } from "../components/fleet";
import { FleetNetwork } from "../components/network";
import type { NetworkPlan } from "../core/plan/network";
import type { FleetPlan } from "../core/plan/types";

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
  const zoneId = zone === undefined ? undefined : network.zoneIds[zone];
  if (inbound && zoneId === undefined) throw new Error(`network: no zone id for the gateway's inbound endpoint (${zone ?? "no zone"})`);
  return {
    virtualNetworkType: gateway.virtualNetworkType,
    subnetId: handles.gatewaySubnetId,
    publicNetworkAccess: gateway.publicNetworkAccess,
    dependsOn: network.gatewayDependencies,
    ...(inbound && zone && zoneId !== undefined && handles.privateEndpointSubnetId
      ? {
          inboundPrivateEndpoint: {
            privateEndpointName: inbound.name,
            location: inbound.networkRegion,
            subnetId: handles.privateEndpointSubnetId,
            zoneName: zone,
            zoneId,
          },
        }
      : {}),
  };
}

