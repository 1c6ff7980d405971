import { networkPlanOfConfig, TIER_NETWORKING, type NetworkPlan } from "../../../core/plan/network";
import { compactTable } from "../../../core/console/table";
import { definePlanStep } from "../steps";

const MODE_TEXT = { integration: "outbound VNet integration", external: "VNet injection, external mode", internal: "VNet injection, internal mode" } as const;

/** Console rows of the network: VNets, subnets, private endpoints, DNS zones. */
export function networkRows(plan: NetworkPlan): string[][] {
  const rows: string[][] = [];
  for (const network of plan.networks) {
    const origin = network.mode === "existing" ? "existing" : "created";
    const reach = network.role === "gateway" ? "gateway network" : network.peerWithGatewayNetwork ? "spoke, peered with the gateway network" : network.reachableFromGateway ? "spoke, peered (declared)" : "spoke, not peered";
    rows.push([network.region, "VNet", network.vnetName, network.addressSpace ?? "—", `${origin}; ${reach}`]);
    if (network.gatewaySubnet) {
      const subnet = network.gatewaySubnet;
      const rules = subnet.securityRules ? `NSG with ${subnet.securityRules.length} rules` : "NSG yours";
      rows.push([network.region, "subnet (gateway)", subnet.name, subnet.addressPrefix, `${subnet.delegation ? `delegated to ${subnet.delegation}` : "no delegation"}; ${rules}`]);
    }
    if (network.privateEndpointSubnet) {
      const count = plan.endpoints.filter((endpoint) => endpoint.networkRegion === network.region).length;
      rows.push([network.region, "subnet (endpoints)", network.privateEndpointSubnet.name, network.privateEndpointSubnet.addressPrefix, `${count} private endpoint${count === 1 ? "" : "s"}; endpoint network policies off`]);
    }
  }
  for (const endpoint of plan.endpoints) {
    const target = endpoint.target.kind === "account" ? `account ${endpoint.target.accountName} (${endpoint.target.region})` : "the gateway (inbound)";
    rows.push([endpoint.networkRegion, "private endpoint", endpoint.name, "—", `→ ${target}; groupId ${endpoint.groupId}; zones ${endpoint.zones.join(", ")}`]);
  }
  for (const zone of plan.zones) {
    rows.push(["global", "private DNS zone", zone.name, "—", zone.existingId ? `existing ${zone.existingId}` : `created; linked to ${zone.linkedNetworks.map((region) => plan.networks.find((n) => n.region === region)?.vnetName ?? region).join(", ")}`]);
  }
  return rows;
}

/** One sentence on how the gateway reaches the endpoints. */
export function gatewayNetworkLine(plan: NetworkPlan): string {
  const gateway = plan.gateway;
  if (!gateway) return "Gateway: not on the network (no gateway, or a tier that cannot join a VNet; it reaches the accounts publicly).";
  const network = plan.networks.find((n) => n.region === gateway.networkRegion);
  const inbound = gateway.inboundPrivateEndpoint ? `, inbound private endpoint, public access ${gateway.publicNetworkAccess}` : gateway.mode === "internal" ? ", reachable only from the network" : "";
  return `Gateway: ${gateway.sku} joins ${network?.vnetName ?? gateway.networkRegion}/${network?.gatewaySubnet?.name ?? "?"} by ${MODE_TEXT[gateway.mode]} (virtualNetworkType ${gateway.virtualNetworkType}${inbound}); ${TIER_NETWORKING[gateway.sku].summary}.`;
}

/**
 * The network part of a plan: redraws the network plan from the config the program ran with (the
 * same pure planner), prints VNets, subnets, private endpoints and zones, and adds a `network`
 * section to plan.json.
 */
export const networkStep = definePlanStep({
  name: "network",
  order: 25,
  run({ plan, print, planJsonExtras }) {
    const accountRegions = [...new Set(plan.outputs.backends.map((backend) => backend.region))];
    const network = networkPlanOfConfig(plan.config, accountRegions);
    if (!network) {
      print("Network: none (no aoai-fleet:fleet.network; accounts and gateway use public endpoints).");
      return;
    }
    print(`Network (${network.networks.length} VNet${network.networks.length === 1 ? "" : "s"}, ${network.endpoints.length} private endpoints, ${network.zones.length} private DNS zone${network.zones.length === 1 ? "" : "s"}):`);
    const table = compactTable(["region", "kind", "name", "address", "detail"], ["left", "left", "left", "left", "left"]);
    for (const row of networkRows(network)) table.push(row);
    print(table.toString());
    print(`  ${gatewayNetworkLine(network)}`);
    planJsonExtras.network = network;
  },
});
