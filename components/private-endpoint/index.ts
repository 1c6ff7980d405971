/**
 * PrivateEndpoint: a `network.PrivateEndpoint` to one target sub-resource plus its DNS zone group,
 * so the target's host name resolves to the endpoint's private address in every VNet linked to the
 * zones. The zone group waits for the endpoint; callers wait for the zone group (DNS race: a caller
 * that starts before the record exists resolves the public address and gets 403).
 */
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { zoneConfigName } from "../../core/plan/network/zones";
import type { PrivateEndpointArgs } from "./args";

export type * from "./args";

/** ARM allows at most 5 zone configs per zone group. */
export const MAX_ZONES_PER_GROUP = 5;

export class PrivateEndpoint extends pulumi.ComponentResource {
  /** The endpoint. */
  public readonly endpoint: network.PrivateEndpoint;
  /** Its DNS zone group (the A records in the zones). */
  public readonly zoneGroup: network.PrivateDnsZoneGroup;
  /** Resource id of the endpoint. */
  public readonly endpointId: pulumi.Output<string>;

  constructor(name: string, args: PrivateEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-fleet:network:PrivateEndpoint", name, {}, opts);
    if (args.zones.length === 0 || args.zones.length > MAX_ZONES_PER_GROUP) {
      throw new Error(`PrivateEndpoint ${name}: a DNS zone group holds 1–${MAX_ZONES_PER_GROUP} zones, got ${args.zones.length}`);
    }
    const protect = args.protect ?? false;
    this.endpoint = new network.PrivateEndpoint(
      name,
      {
        privateEndpointName: args.privateEndpointName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnet: { id: args.subnetId },
        customNetworkInterfaceName: `${args.privateEndpointName}-nic`,
        // `name` is optional in the type but ARM answers 400 "Cannot parse the request." without it.
        privateLinkServiceConnections: [{ name: args.privateEndpointName, privateLinkServiceId: args.privateLinkServiceId, groupIds: [args.groupId] }],
        ...(args.tags ? { tags: { ...args.tags } } : {}),
      },
      { parent: this, protect, dependsOn: [...(args.dependsOn ?? [])] },
    );
    this.zoneGroup = new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        privateDnsZoneGroupName: "default",
        privateEndpointName: this.endpoint.name,
        resourceGroupName: args.resourceGroupName,
        privateDnsZoneConfigs: args.zones.map((zone) => ({ name: zoneConfigName(zone.name), privateDnsZoneId: zone.id })),
      },
      { parent: this, protect, dependsOn: [this.endpoint] },
    );
    this.endpointId = this.endpoint.id;
    this.registerOutputs({ endpoint: this.endpoint, zoneGroup: this.zoneGroup, endpointId: this.endpointId });
  }
}
