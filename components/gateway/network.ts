/**
 * The gateway's place on the fleet's network: ARM properties of the API Management service per
 * mode (`virtualNetworkType` + `virtualNetworkConfiguration.subnetResourceId`, APIM API 2024-05-01)
 * and the optional inbound private endpoint (groupId `Gateway`). StandardV2 outbound integration
 * and Developer/Premium external injection are both `External` with a subnet; internal injection
 * is `Internal`. The subnet's delegation and NSG come from the network component.
 */
import type * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as pulumi from "@pulumi/pulumi";
import { PrivateEndpoint } from "../private-endpoint";
import type { GatewayNetworkArgs } from "./args";

/** Service properties for the network mode (nothing when the gateway is not on a network). */
export function serviceNetworkProperties(
  network: GatewayNetworkArgs | undefined,
): Pick<apimanagement.ApiManagementServiceArgs, "virtualNetworkType" | "virtualNetworkConfiguration" | "publicNetworkAccess"> {
  if (!network) return {};
  return {
    virtualNetworkType: network.virtualNetworkType,
    virtualNetworkConfiguration: { subnetResourceId: network.subnetId },
    publicNetworkAccess: network.publicNetworkAccess,
  };
}

/** The inbound private endpoint to the service, when the network asks for one. */
export function createInboundEndpoint(
  parent: pulumi.ComponentResource,
  name: string,
  network: GatewayNetworkArgs | undefined,
  service: apimanagement.ApiManagementService,
  options: { resourceGroupName: pulumi.Input<string>; protect: boolean; tags?: Readonly<Record<string, string>> },
): PrivateEndpoint | undefined {
  const inbound = network?.inboundPrivateEndpoint;
  if (!inbound) return undefined;
  return new PrivateEndpoint(
    `${name}-inbound`,
    {
      resourceGroupName: options.resourceGroupName,
      location: inbound.location,
      privateEndpointName: inbound.privateEndpointName,
      subnetId: inbound.subnetId,
      privateLinkServiceId: service.id,
      groupId: "Gateway",
      zones: [{ name: inbound.zoneName, id: inbound.zoneId }],
      dependsOn: [service],
      protect: options.protect,
      ...(options.tags ? { tags: options.tags } : {}),
    },
    { parent },
  );
}
