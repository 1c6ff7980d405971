// The network through the real stack program under the offline mocks: resource counts and the key
// properties per tier (StandardV2 integration, Premium internal, Developer external), existing
// subnets, existing zones, AIServices zones, spokes, and the creation order networks → endpoints →
// zone groups → gateway.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../cli/plan/capture";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/runner";
import { readStackConfigFile } from "../../cli/plan/stack-config";
import { TODAY } from "../support/plan";

const prod = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
const prodFleet = prod["aoai-fleet:fleet"] as Record<string, unknown>;
const prodGateway = prod["aoai-fleet:gateway"] as Record<string, unknown>;
const RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-contoso-ai-prod/providers";
const HUB = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-hub/providers";

const NETWORK_TYPES = [
  "aoai-fleet:network:FleetNetwork",
  "aoai-fleet:network:PrivateEndpoint",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:NetworkSecurityGroup",
  "azure-native:network:Subnet",
  "azure-native:network:VirtualNetworkPeering",
  "azure-native:network:PrivateEndpoint",
  "azure-native:network:PrivateDnsZoneGroup",
  "azure-native:privatedns:PrivateZone",
  "azure-native:privatedns:VirtualNetworkLink",
];

function plan(fleet: Record<string, unknown> = {}, gateway: Record<string, unknown> = {}): Promise<OfflinePlan> {
  return runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:fleet": { ...prodFleet, ...fleet }, "aoai-fleet:gateway": { ...prodGateway, ...gateway } } });
}

function networkCounts(result: OfflinePlan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of result.resources.filter((x) => NETWORK_TYPES.includes(x.type))) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

const ofType = (result: OfflinePlan, type: string) => result.resources.filter((r) => r.type === `azure-native:${type}`);
const one = (result: OfflinePlan, type: string): PlannedResource => {
  const found = ofType(result, type);
  expect(found, type).toHaveLength(1);
  return found[0] as PlannedResource;
};
const service = (result: OfflinePlan) => one(result, "apimanagement:ApiManagementService");
const urnOf = (result: OfflinePlan, type: string, name: string) => result.resources.find((r) => r.type === `azure-native:${type}` && r.name === name)?.urn;

describe("prod (StandardV2, outbound VNet integration) as shipped", () => {
  it("creates one VNet with a delegated gateway subnet, an endpoint subnet, a private endpoint + zone group per account and one linked zone", async () => {
    const result = await runOfflinePlan("prod", { today: TODAY });
    expect(networkCounts(result)).toEqual({
      "aoai-fleet:network:FleetNetwork": 1,
      "azure-native:network:VirtualNetwork": 1,
      "azure-native:network:NetworkSecurityGroup": 1,
      "azure-native:network:Subnet": 2,
      "azure-native:privatedns:PrivateZone": 1,
      "azure-native:privatedns:VirtualNetworkLink": 1,
      "aoai-fleet:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateDnsZoneGroup": 3,
    });
    const vnet = one(result, "network:VirtualNetwork");
    expect(vnet.inputs).toMatchObject({ virtualNetworkName: "vnet-contoso-ai-eastus2", location: "eastus2", addressSpace: { addressPrefixes: ["10.170.0.0/24"] } });
    expect(vnet.inputs.subnets).toBeUndefined();
    const [gatewaySubnet, endpointSubnet] = ofType(result, "network:Subnet");
    expect(gatewaySubnet?.inputs).toMatchObject({
      subnetName: "snet-gateway",
      addressPrefix: "10.170.0.0/26",
      delegations: [{ name: "Microsoft.Web-serverFarms", serviceName: "Microsoft.Web/serverFarms" }],
      networkSecurityGroup: { id: `${RG}/Microsoft.Network/networkSecurityGroups/nsg-contoso-ai-eastus2-gateway` },
    });
    expect(endpointSubnet?.inputs).toMatchObject({ subnetName: "snet-private-endpoints", addressPrefix: "10.170.0.64/26", privateEndpointNetworkPolicies: "Disabled" });
    const rules = one(result, "network:NetworkSecurityGroup").inputs.securityRules as { name: string; direction: string; destinationAddressPrefix: string; destinationPortRanges: string[] }[];
    expect(rules.map((r) => [r.name, r.direction, r.destinationAddressPrefix, r.destinationPortRanges])).toEqual([
      ["AllowStorageOutbound", "Outbound", "Storage", ["443"]],
      ["AllowKeyVaultOutbound", "Outbound", "AzureKeyVault", ["443"]],
    ]);
    expect(service(result).inputs).toMatchObject({
      sku: { name: "StandardV2", capacity: 1 },
      virtualNetworkType: "External",
      virtualNetworkConfiguration: { subnetResourceId: `${RG}/Microsoft.Network/virtualNetworks/vnet-contoso-ai-eastus2/subnets/snet-gateway` },
      publicNetworkAccess: "Enabled",
    });
  });

  it("every account is private with one endpoint whose zone group's zone is linked to the gateway's VNet", async () => {
    const result = await runOfflinePlan("prod", { today: TODAY });
    const zone = one(result, "privatedns:PrivateZone");
    expect(zone.inputs).toMatchObject({ privateZoneName: "privatelink.openai.azure.com", location: "global" });
    const link = one(result, "privatedns:VirtualNetworkLink");
    expect(link.inputs).toMatchObject({ privateZoneName: "privatelink.openai.azure.com", registrationEnabled: false, location: "global", virtualNetwork: { id: `${RG}/Microsoft.Network/virtualNetworks/vnet-contoso-ai-eastus2` } });
    const gatewaySubnetId = (service(result).inputs.virtualNetworkConfiguration as { subnetResourceId: string }).subnetResourceId;
    expect(gatewaySubnetId.startsWith(`${(link.inputs.virtualNetwork as { id: string }).id}/subnets/`)).toBe(true);
    for (const account of ofType(result, "cognitiveservices:Account")) {
      const name = account.inputs.accountName as string;
      expect(account.inputs.properties, name).toMatchObject({ publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] } });
      const endpoints = ofType(result, "network:PrivateEndpoint").filter((e) =>
        (e.inputs.privateLinkServiceConnections as { privateLinkServiceId: string }[]).some((c) => c.privateLinkServiceId === `${RG}/Microsoft.CognitiveServices/accounts/${name}`),
      );
      expect(endpoints, name).toHaveLength(1);
      const endpoint = endpoints[0] as PlannedResource;
      expect(endpoint.inputs).toMatchObject({
        privateEndpointName: `pe-${name}`,
        location: "eastus2",
        subnet: { id: `${RG}/Microsoft.Network/virtualNetworks/vnet-contoso-ai-eastus2/subnets/snet-private-endpoints` },
        privateLinkServiceConnections: [{ name: `pe-${name}`, groupIds: ["account"] }],
      });
      const groups = ofType(result, "network:PrivateDnsZoneGroup").filter((g) => g.inputs.privateEndpointName === `pe-${name}`);
      expect(groups.map((g) => g.inputs.privateDnsZoneConfigs)).toEqual([[{ name: "privatelink-openai-azure-com", privateDnsZoneId: `${RG}/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com` }]]);
    }
  });

  it("orders creation: networks → endpoints (after each account's last deployment) → zone groups → gateway", async () => {
    const result = await runOfflinePlan("prod", { today: TODAY });
    const endpointSubnet = urnOf(result, "network:Subnet", "contoso-ai-network-eastus2-endpoints");
    expect(ofType(result, "network:Subnet").find((s) => s.urn === endpointSubnet)?.dependsOn).toEqual([urnOf(result, "network:Subnet", "contoso-ai-network-eastus2-gateway")]);
    for (const region of ["eastus2", "eastus", "westus3"]) {
      const endpoint = ofType(result, "network:PrivateEndpoint").find((e) => e.name === `contoso-ai-network-pe-${region}`) as PlannedResource;
      const lastDeployment = region === "westus3" ? "contoso-ai-westus3-embeddings" : `contoso-ai-${region}-embeddings`;
      expect(endpoint.dependsOn).toEqual([endpointSubnet, urnOf(result, "cognitiveservices:Deployment", lastDeployment)]);
      const group = ofType(result, "network:PrivateDnsZoneGroup").find((g) => g.name === `contoso-ai-network-pe-${region}-dns`) as PlannedResource;
      expect(group.dependsOn).toEqual([endpoint.urn]);
    }
    expect(service(result).dependsOn).toEqual([
      urnOf(result, "network:Subnet", "contoso-ai-network-eastus2-gateway"),
      ...["eastus2", "eastus", "westus3"].map((region) => urnOf(result, "network:PrivateDnsZoneGroup", `contoso-ai-network-pe-${region}-dns`)),
      urnOf(result, "privatedns:VirtualNetworkLink", "contoso-ai-network-zone-openai-azure-com-eastus2"),
    ]);
  });
});

describe("gateway tiers on the network", () => {
  it("Premium internal: undelegated subnet, the injection NSG rules for internal mode, virtualNetworkType Internal", async () => {
    const result = await plan({}, { sku: "Premium", capacity: 2, network: { mode: "internal" } });
    const subnet = ofType(result, "network:Subnet").find((s) => s.inputs.subnetName === "snet-gateway") as PlannedResource;
    expect(subnet.inputs.delegations).toEqual([]);
    const rules = one(result, "network:NetworkSecurityGroup").inputs.securityRules as { name: string; direction: string; sourceAddressPrefix: string; destinationAddressPrefix: string; destinationPortRanges: string[] }[];
    expect(rules.map((r) => [r.direction, r.sourceAddressPrefix, r.destinationAddressPrefix, r.destinationPortRanges.join(",")])).toEqual([
      ["Inbound", "VirtualNetwork", "VirtualNetwork", "443"],
      ["Inbound", "ApiManagement", "VirtualNetwork", "3443"],
      ["Inbound", "AzureLoadBalancer", "VirtualNetwork", "6390"],
      ["Outbound", "VirtualNetwork", "Storage", "443"],
      ["Outbound", "VirtualNetwork", "Sql", "1433"],
      ["Outbound", "VirtualNetwork", "AzureKeyVault", "443"],
      ["Outbound", "VirtualNetwork", "AzureMonitor", "1886,443"],
      ["Outbound", "VirtualNetwork", "Internet", "80"],
    ]);
    expect(service(result).inputs).toMatchObject({ sku: { name: "Premium", capacity: 2 }, virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: `${RG}/Microsoft.Network/virtualNetworks/vnet-contoso-ai-eastus2/subnets/snet-gateway` } });
    expect(service(result).inputs.publicIpAddressId).toBeUndefined();
  });

  it("Developer external: clients from the internet and Traffic Manager allowed in, virtualNetworkType External", async () => {
    const result = await plan({}, { sku: "Developer", capacity: 1 });
    const rules = one(result, "network:NetworkSecurityGroup").inputs.securityRules as { direction: string; sourceAddressPrefix: string; destinationPortRanges: string[] }[];
    expect(rules.filter((r) => r.direction === "Inbound").map((r) => [r.sourceAddressPrefix, r.destinationPortRanges.join(",")])).toEqual([
      ["Internet", "443"],
      ["ApiManagement", "3443"],
      ["AzureLoadBalancer", "6390"],
      ["AzureTrafficManager", "443"],
    ]);
    expect(service(result).inputs).toMatchObject({ virtualNetworkType: "External" });
  });

  it("StandardV2 with an inbound private endpoint: groupId Gateway to the service, privatelink.azure-api.net created and linked", async () => {
    const result = await plan({}, { network: { privateEndpoint: true } });
    expect(networkCounts(result)).toMatchObject({ "azure-native:network:PrivateEndpoint": 4, "azure-native:privatedns:PrivateZone": 2, "azure-native:privatedns:VirtualNetworkLink": 2 });
    const inbound = ofType(result, "network:PrivateEndpoint").find((e) => e.inputs.privateEndpointName === "pe-contoso-ai-gateway") as PlannedResource;
    expect(inbound.inputs.privateLinkServiceConnections).toEqual([{ name: "pe-contoso-ai-gateway", groupIds: ["Gateway"], privateLinkServiceId: `${RG}/Microsoft.ApiManagement/service/contoso-ai-gateway` }]);
    expect(inbound.dependsOn).toEqual([service(result).urn]);
    const group = ofType(result, "network:PrivateDnsZoneGroup").find((g) => g.inputs.privateEndpointName === "pe-contoso-ai-gateway");
    expect(group?.inputs.privateDnsZoneConfigs).toEqual([{ name: "privatelink-azure-api-net", privateDnsZoneId: `${RG}/Microsoft.Network/privateDnsZones/privatelink.azure-api.net` }]);
  });
});

describe("existing networks and zones", () => {
  const existingHub = {
    existing: {
      gatewaySubnet: { id: `${HUB}/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apim`, addressPrefix: "10.20.0.0/26", delegation: "Microsoft.Web/serverFarms" },
      privateEndpointSubnet: { id: `${HUB}/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe`, addressPrefix: "10.20.0.64/26" },
    },
  };

  it("existing subnets: no VNet, subnet or NSG is created; endpoints and the gateway use the given ids; the created zone links the existing VNet", async () => {
    const result = await plan({ network: { regions: { eastus2: existingHub } } });
    expect(networkCounts(result)).toEqual({
      "aoai-fleet:network:FleetNetwork": 1,
      "azure-native:privatedns:PrivateZone": 1,
      "azure-native:privatedns:VirtualNetworkLink": 1,
      "aoai-fleet:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateDnsZoneGroup": 3,
    });
    for (const endpoint of ofType(result, "network:PrivateEndpoint")) expect(endpoint.inputs.subnet).toMatchObject({ id: existingHub.existing.privateEndpointSubnet.id });
    expect(service(result).inputs.virtualNetworkConfiguration).toEqual({ subnetResourceId: existingHub.existing.gatewaySubnet.id });
    expect(one(result, "privatedns:VirtualNetworkLink").inputs.virtualNetwork).toEqual({ id: `${HUB}/Microsoft.Network/virtualNetworks/vnet-hub` });
  });

  it("existing zones (hub-and-spoke): no zone or link is created; zone groups point at the given zones", async () => {
    const zoneId = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com";
    const result = await plan({ network: { regions: { eastus2: existingHub }, dnsZones: { "privatelink.openai.azure.com": zoneId } } });
    expect(networkCounts(result)).toEqual({
      "aoai-fleet:network:FleetNetwork": 1,
      "aoai-fleet:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateEndpoint": 3,
      "azure-native:network:PrivateDnsZoneGroup": 3,
    });
    for (const group of ofType(result, "network:PrivateDnsZoneGroup")) expect(group.inputs.privateDnsZoneConfigs).toEqual([{ name: "privatelink-openai-azure-com", privateDnsZoneId: zoneId }]);
    expect(service(result).dependsOn).toHaveLength(3);
  });

  it("AIServices accounts register in the cognitiveservices, openai and services.ai zones", async () => {
    const result = await plan({ kind: "AIServices" });
    expect(ofType(result, "privatedns:PrivateZone").map((z) => z.inputs.privateZoneName)).toEqual(["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.services.ai.azure.com"]);
    const group = ofType(result, "network:PrivateDnsZoneGroup")[0] as PlannedResource;
    expect((group.inputs.privateDnsZoneConfigs as { name: string }[]).map((c) => c.name)).toEqual(["privatelink-cognitiveservices-azure-com", "privatelink-openai-azure-com", "privatelink-services-ai-azure-com"]);
  });

  it("a spoke network holds its region's endpoint, is peered both ways with the gateway network and linked to the zone", async () => {
    const result = await plan({ network: { regions: { eastus2: { addressSpace: "10.170.0.0/24" }, westus3: {} } } });
    const spoke = ofType(result, "network:VirtualNetwork").find((v) => v.inputs.location === "westus3") as PlannedResource;
    expect(spoke.inputs).toMatchObject({ virtualNetworkName: "vnet-contoso-ai-westus3", addressSpace: { addressPrefixes: ["10.171.0.0/24"] } });
    const endpoint = ofType(result, "network:PrivateEndpoint").find((e) => e.inputs.privateEndpointName === "pe-contoso-ai-westus3");
    expect(endpoint?.inputs).toMatchObject({ location: "westus3", subnet: { id: `${RG}/Microsoft.Network/virtualNetworks/vnet-contoso-ai-westus3/subnets/snet-private-endpoints` } });
    expect(ofType(result, "network:VirtualNetworkPeering").map((p) => [p.inputs.virtualNetworkName, (p.inputs.remoteVirtualNetwork as { id: string }).id.split("/").pop()])).toEqual([
      ["vnet-contoso-ai-westus3", "vnet-contoso-ai-eastus2"],
      ["vnet-contoso-ai-eastus2", "vnet-contoso-ai-westus3"],
    ]);
    expect(ofType(result, "privatedns:VirtualNetworkLink").map((l) => l.inputs.virtualNetworkLinkName)).toEqual(["link-eastus2", "link-westus3"]);
  });
});
