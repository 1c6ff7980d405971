/**
 * The network plan: plain, JSON-serialisable data the network component turns into resources and
 * the plan steps print and draw. Produced by `planNetwork` (pure) from the validated config.
 */
import type { PrivateDnsZoneName } from "../../../stacks/config/network";
import type { GatewaySku } from "../../../stacks/config/gateway";
import type { PlannedSecurityRule } from "./nsg";
import type { GatewayNetworkMode } from "./tiers";

/** One subnet: created (name + prefix) or existing (id + declared facts). */
export interface PlannedSubnet {
  /** Subnet name (created) or the last segment of the existing id. */
  readonly name: string;
  readonly addressPrefix: string;
  /** Service the subnet is delegated to (created: what the stack sets; existing: what you declared). */
  readonly delegation?: string;
  /** Resource id when the subnet exists already. */
  readonly existingId?: string;
  /** NSG rules (created gateway subnets only). */
  readonly securityRules?: readonly PlannedSecurityRule[];
}

/** One region's network. */
export interface PlannedNetwork {
  readonly region: string;
  /** `gateway`: the network in the gateway's region (holds the gateway and, by default, every endpoint); `spoke`: any other. */
  readonly role: "gateway" | "spoke";
  readonly mode: "create" | "existing";
  /** VNet name (created) or the VNet segment of the existing subnet ids. */
  readonly vnetName: string;
  /** Address space (created: given or defaulted; existing: as declared, when declared). */
  readonly addressSpace?: string;
  /** Existing VNet id, derived from its subnet ids. */
  readonly existingVnetId?: string;
  readonly gatewaySubnet?: PlannedSubnet;
  readonly privateEndpointSubnet?: PlannedSubnet;
  /** Whether the gateway network reaches this one (same VNet, a peering the stack creates, or one you declared). */
  readonly reachableFromGateway: boolean;
  /** Created spokes: the stack creates both directions of a peering with the gateway network. */
  readonly peerWithGatewayNetwork: boolean;
}

/** One private endpoint. */
export interface PlannedEndpoint {
  /** Private endpoint name, `pe-<account>` or `pe-<fleet>-gateway`. */
  readonly name: string;
  /** What it connects to: an account (by its region) or the gateway's inbound side. */
  readonly target: { readonly kind: "account"; readonly region: string; readonly accountName: string } | { readonly kind: "gateway" };
  /** Region of the network (and so of the endpoint itself). */
  readonly networkRegion: string;
  /** `privateLinkServiceConnections[].groupIds[0]`. */
  readonly groupId: "account" | "Gateway";
  /** Zones its DNS zone group registers in. */
  readonly zones: readonly PrivateDnsZoneName[];
}

/** One private DNS zone: created and linked to networks, or an existing one used as is. */
export interface PlannedZone {
  readonly name: PrivateDnsZoneName;
  /** Existing zone id (hub-and-spoke); the stack creates no zone and no links then. */
  readonly existingId?: string;
  /** Regions of the networks the zone is linked to (created zones). */
  readonly linkedNetworks: readonly string[];
}

/** How the gateway sits on the network. */
export interface GatewayNetworkPlan {
  readonly sku: GatewaySku;
  readonly mode: GatewayNetworkMode;
  /** ARM `virtualNetworkType`: External for integration and external injection, Internal for internal injection. */
  readonly virtualNetworkType: "External" | "Internal";
  /** Region of the network (the gateway's region). */
  readonly networkRegion: string;
  /** Whether an inbound private endpoint (groupId Gateway) is created. */
  readonly inboundPrivateEndpoint: boolean;
  readonly publicNetworkAccess: "Enabled" | "Disabled";
}

export interface NetworkPlan {
  /** Region of the gateway (the fleet's first region). */
  readonly gatewayRegion: string;
  /** Networks in config order, the gateway network first. */
  readonly networks: readonly PlannedNetwork[];
  readonly endpoints: readonly PlannedEndpoint[];
  readonly zones: readonly PlannedZone[];
  /** Absent when there is no gateway, or its tier does not join the network (public accounts only). */
  readonly gateway?: GatewayNetworkPlan;
}
