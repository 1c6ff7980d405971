/**
 * FleetNetwork: the fleet's private networking from a `NetworkPlan`. Per created network: VNet
 * (no inline subnets, which would fight the Subnet resources), gateway subnet with its NSG and
 * delegation, private-endpoint subnet, peerings with the gateway network; private DNS zones with
 * links to every network (or existing zones used as given); one private endpoint per account.
 * Creation order: networks → endpoints → zone groups; the gateway waits on `gatewayDependencies`.
 */
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedNetwork, PlannedZone } from "../../core/plan/network/types";
import { PrivateEndpoint } from "../private-endpoint";
import type { FleetNetworkArgs } from "./args";

export type * from "./args";

/** The VNets, subnets and DNS zones of one region's network, as the stack sees them. */
export interface NetworkHandles {
  /** VNet resource id (created, or derived from the existing subnet ids). */
  readonly virtualNetworkId: pulumi.Input<string>;
  readonly gatewaySubnetId?: pulumi.Input<string>;
  readonly privateEndpointSubnetId?: pulumi.Input<string>;
  /** Created resources of this network, for dependsOn. */
  readonly resources: readonly pulumi.Resource[];
  /** The gateway subnet resource (created networks), so the gateway waits for it. */
  readonly gatewaySubnet?: pulumi.Resource;
  readonly privateEndpointSubnet?: pulumi.Resource;
}

const zoneKey = (zone: string) => zone.replace(/^privatelink\./, "").replace(/\./g, "-");

export class FleetNetwork extends pulumi.ComponentResource {
  /** Each region's network. */
  public readonly networks: Readonly<Record<string, NetworkHandles>>;
  /** Zone id by zone name (created or existing). */
  public readonly zoneIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Account endpoints by account region. */
  public readonly endpoints: Readonly<Record<string, PrivateEndpoint>>;
  /** What the gateway waits for: its subnet, every zone group, VNet link and peering (no DNS race). */
  public readonly gatewayDependencies: readonly pulumi.Resource[];

  constructor(name: string, args: FleetNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aoai-fleet:network:FleetNetwork", name, {}, opts);
    const { plan } = args;
    const protect = args.protect ?? false;
    const tags = args.tags ? { tags: { ...args.tags } } : {};
    const child = { parent: this, protect };

    const networks: Record<string, NetworkHandles> = {};
    for (const planned of plan.networks) {
      networks[planned.region] = planned.mode === "existing" ? existingNetwork(planned) : this.createNetwork(name, planned, args, tags);
    }
    const gatewayNetwork = networks[plan.gatewayRegion];
    if (!gatewayNetwork) throw new Error(`FleetNetwork ${name}: the plan has no network in the gateway region ${plan.gatewayRegion}`);

    const peerings: pulumi.Resource[] = [];
    const gatewayPlanned = plan.networks.find((n) => n.region === plan.gatewayRegion) as PlannedNetwork;
    for (const spoke of plan.networks.filter((n) => n.peerWithGatewayNetwork)) {
      const handles = networks[spoke.region] as NetworkHandles;
      const peer = (from: PlannedNetwork, to: NetworkHandles, key: string, after: readonly pulumi.Resource[]) =>
        new network.VirtualNetworkPeering(
          `${name}-${key}`,
          {
            resourceGroupName: args.resourceGroupName,
            virtualNetworkName: from.vnetName,
            virtualNetworkPeeringName: `peer-${key}`,
            remoteVirtualNetwork: { id: to.virtualNetworkId },
            allowVirtualNetworkAccess: true,
            allowForwardedTraffic: false,
          },
          { ...child, dependsOn: [...after] },
        );
      // Peerings write to both VNets: wait for each VNet's subnets so writes to one VNet do not race.
      const after = [...gatewayNetwork.resources, ...handles.resources];
      peerings.push(peer(spoke, gatewayNetwork, `${spoke.region}-to-${plan.gatewayRegion}`, after), peer(gatewayPlanned, handles, `${plan.gatewayRegion}-to-${spoke.region}`, after));
    }

    const zoneIds: Record<string, pulumi.Input<string>> = {};
    const links: pulumi.Resource[] = [];
    for (const zone of plan.zones) {
      zoneIds[zone.name] = zone.existingId ?? this.createZone(name, zone, networks, args, links).id;
    }

    const endpoints: Record<string, PrivateEndpoint> = {};
    for (const planned of plan.endpoints) {
      if (planned.target.kind !== "account") continue;
      const { region } = planned.target;
      const account = args.accounts.find((candidate) => candidate.region === region);
      if (!account) throw new Error(`FleetNetwork ${name}: no account in ${region} for endpoint ${planned.name}`);
      const home = networks[planned.networkRegion];
      if (!home?.privateEndpointSubnetId) throw new Error(`FleetNetwork ${name}: the ${planned.networkRegion} network has no private-endpoint subnet`);
      endpoints[region] = new PrivateEndpoint(
        `${name}-pe-${region}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: planned.networkRegion,
          privateEndpointName: planned.name,
          subnetId: home.privateEndpointSubnetId,
          privateLinkServiceId: account.accountId,
          groupId: "account",
          zones: planned.zones.map((zone) => {
            const id = zoneIds[zone];
            if (id === undefined) throw new Error(`FleetNetwork ${name}: endpoint ${planned.name} needs zone ${zone}, which the plan does not have`);
            return { name: zone, id };
          }),
          dependsOn: [...(home.privateEndpointSubnet ? [home.privateEndpointSubnet] : []), account.lastWrite],
          protect,
          ...(args.tags ? { tags: args.tags } : {}),
        },
        { parent: this },
      );
    }

    this.networks = networks;
    this.zoneIds = zoneIds;
    this.endpoints = endpoints;
    this.gatewayDependencies = [
      ...(gatewayNetwork.gatewaySubnet ? [gatewayNetwork.gatewaySubnet] : []),
      ...Object.values(endpoints).map((endpoint) => endpoint.zoneGroup),
      ...links,
      ...peerings,
    ];
    this.registerOutputs({ networks, zoneIds, endpoints });
  }

  private createNetwork(name: string, planned: PlannedNetwork, args: FleetNetworkArgs, tags: { tags?: Record<string, string> }): NetworkHandles {
    const child = { parent: this, protect: args.protect ?? false };
    const key = `${name}-${planned.region}`;
    const vnet = new network.VirtualNetwork(
      key,
      { virtualNetworkName: planned.vnetName, resourceGroupName: args.resourceGroupName, location: planned.region, addressSpace: { addressPrefixes: [planned.addressSpace as string] }, ...tags },
      child,
    );
    const resources: pulumi.Resource[] = [vnet];
    let gatewaySubnet: network.Subnet | undefined;
    if (planned.gatewaySubnet) {
      const subnet = planned.gatewaySubnet;
      const nsg = new network.NetworkSecurityGroup(
        `${key}-gateway-nsg`,
        {
          networkSecurityGroupName: `nsg-${args.namePrefix}-${planned.region}-gateway`,
          resourceGroupName: args.resourceGroupName,
          location: planned.region,
          securityRules: (subnet.securityRules ?? []).map((rule) => ({ ...rule, destinationPortRanges: [...rule.destinationPortRanges] })),
          ...tags,
        },
        child,
      );
      gatewaySubnet = new network.Subnet(
        `${key}-gateway`,
        {
          subnetName: subnet.name,
          virtualNetworkName: vnet.name,
          resourceGroupName: args.resourceGroupName,
          addressPrefix: subnet.addressPrefix,
          networkSecurityGroup: { id: nsg.id },
          delegations: subnet.delegation ? [{ name: subnet.delegation.replace("/", "-"), serviceName: subnet.delegation }] : [],
        },
        { ...child, dependsOn: [vnet, nsg] },
      );
      resources.push(nsg, gatewaySubnet);
    }
    let privateEndpointSubnet: network.Subnet | undefined;
    if (planned.privateEndpointSubnet) {
      privateEndpointSubnet = new network.Subnet(
        `${key}-endpoints`,
        {
          subnetName: planned.privateEndpointSubnet.name,
          virtualNetworkName: vnet.name,
          resourceGroupName: args.resourceGroupName,
          addressPrefix: planned.privateEndpointSubnet.addressPrefix,
          // Endpoints ignore NSGs and route tables unless enabled; none are used on this subnet.
          privateEndpointNetworkPolicies: "Disabled",
        },
        // One subnet write per VNet at a time: the second subnet waits for the first.
        { ...child, dependsOn: [gatewaySubnet ?? vnet] },
      );
      resources.push(privateEndpointSubnet);
    }
    return {
      virtualNetworkId: vnet.id,
      ...(gatewaySubnet ? { gatewaySubnetId: gatewaySubnet.id, gatewaySubnet } : {}),
      ...(privateEndpointSubnet ? { privateEndpointSubnetId: privateEndpointSubnet.id, privateEndpointSubnet } : {}),
      resources,
    };
  }

  private createZone(name: string, zone: PlannedZone, networks: Record<string, NetworkHandles>, args: FleetNetworkArgs, links: pulumi.Resource[]): privatedns.PrivateZone {
    const child = { parent: this, protect: args.protect ?? false };
    const tags = args.tags ? { tags: { ...args.tags } } : {};
    const created = new privatedns.PrivateZone(`${name}-zone-${zoneKey(zone.name)}`, { privateZoneName: zone.name, resourceGroupName: args.resourceGroupName, location: "global", ...tags }, child);
    for (const region of zone.linkedNetworks) {
      const handles = networks[region];
      if (!handles) continue;
      links.push(
        new privatedns.VirtualNetworkLink(
          `${name}-zone-${zoneKey(zone.name)}-${region}`,
          {
            privateZoneName: created.name,
            resourceGroupName: args.resourceGroupName,
            virtualNetworkLinkName: `link-${region}`,
            location: "global",
            virtualNetwork: { id: handles.virtualNetworkId },
            // Private-link zones hold endpoint records only; VMs must not auto-register in them.
            registrationEnabled: false,
            ...tags,
          },
          { ...child, dependsOn: [...handles.resources] },
        ),
      );
    }
    return created;
  }
}

function existingNetwork(planned: PlannedNetwork): NetworkHandles {
  return {
    virtualNetworkId: planned.existingVnetId as string,
    ...(planned.gatewaySubnet?.existingId ? { gatewaySubnetId: planned.gatewaySubnet.existingId } : {}),
    ...(planned.privateEndpointSubnet?.existingId ? { privateEndpointSubnetId: planned.privateEndpointSubnet.existingId } : {}),
    resources: [],
  };
}
