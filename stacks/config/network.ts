/**
 * The `aoai-fleet:fleet.network` config contract (issue 13): the virtual networks the fleet's
 * private endpoints live in and the gateway reaches them from, created by the stack or existing
 * ones named by resource id, plus existing private DNS zones for hub-and-spoke setups. Shape only
 * (CIDR syntax, ARM id shapes); sizes, overlaps, tiers and reachability are checked by the network
 * planner in `core/plan/network/`. Extend this contract, never break it. Pure: no Pulumi imports.
 */
import { Address4 } from "ip-address";
import { z } from "zod";

/** `10.170.0.0/24`: an IPv4 network in CIDR form whose address is the network's first address. */
export const Cidr = z.string().superRefine((value, ctx) => {
  const problem = cidrProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Why a string is not an aligned IPv4 CIDR block, or undefined when it is one. */
export function cidrProblem(value: string): string | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) || !Address4.isValid(value)) {
    return `must be an IPv4 network in CIDR form, e.g. 10.170.0.0/24`;
  }
  const address = new Address4(value);
  const start = address.startAddress().address;
  if (start !== address.addressMinusSuffix) return `is not the start of its /${address.subnetMask} block; use ${start}/${address.subnetMask}`;
  return undefined;
}

const SEGMENT = "[^/]+";
/** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>` */
export const SUBNET_ID = new RegExp(`^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}/providers/Microsoft\\.Network/virtualNetworks/${SEGMENT}/subnets/${SEGMENT}$`, "i");
/** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/privateDnsZones/<zone>` */
export const PRIVATE_DNS_ZONE_ID = new RegExp(`^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}/providers/Microsoft\\.Network/privateDnsZones/(${SEGMENT})$`, "i");

const SubnetId = z.string().regex(SUBNET_ID, {
  message: "must be a subnet resource id: /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
});

/** Subnet delegations the gateway tiers use (none for classic injection and private endpoints). */
export const SUBNET_DELEGATIONS = ["Microsoft.Web/serverFarms", "Microsoft.Web/hostingEnvironments"] as const;

/** An existing subnet: its id, plus the facts the offline plan cannot read from Azure (you declare them). */
const ExistingSubnetSchema = z.strictObject({
  /** Subnet resource id. */
  id: SubnetId,
  /** The subnet's address prefix as it is in Azure; checked for size and overlap. */
  addressPrefix: Cidr,
  /** The service the subnet is delegated to, as it is in Azure; absent means not delegated. */
  delegation: z.enum(SUBNET_DELEGATIONS).optional(),
});

/**
 * One region's network: created by the stack (`addressSpace`, `gatewaySubnet`, `privateEndpointSubnet`,
 * all optional) or existing (`existing: {...}`). One object with a refinement rather than a union, so a
 * mistake inside `existing` is reported at its own path.
 */
export const RegionNetworkSchema = z
  .strictObject({
    /** VNet address space; default 10.<170 + index>.0.0/24, skipping blocks other networks use. */
    addressSpace: Cidr.optional(),
    /** Subnet for the gateway (only in the gateway's region); default: a /26 at the start of the space. */
    gatewaySubnet: Cidr.optional(),
    /** Subnet for private endpoints; default: the next free /26. */
    privateEndpointSubnet: Cidr.optional(),
    /** Subnets that already exist (their VNet is implied by the subnet ids); nothing is created in this region. */
    existing: z
      .strictObject({
        /** Subnet the gateway joins (the gateway's region only). */
        gatewaySubnet: ExistingSubnetSchema.optional(),
        /** Subnet private endpoints are created in. */
        privateEndpointSubnet: ExistingSubnetSchema.omit({ delegation: true }).optional(),
        /** The VNet's address space, when you want it checked for overlaps with the other networks. */
        addressSpace: Cidr.optional(),
        /** Whether this VNet is peered with the gateway's VNet (the stack cannot see or create peerings of existing VNets). */
        peeredWithGatewayNetwork: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((network, ctx) => {
    if (network.existing === undefined) return;
    for (const key of ["addressSpace", "gatewaySubnet", "privateEndpointSubnet"] as const) {
      if (network[key] !== undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: "cannot be combined with existing (a region's network is either created or existing); move it under existing or remove existing" });
      }
    }
  });

/** Private DNS zone names for private endpoints, by the names ARM gives them. */
export const PRIVATE_DNS_ZONES = [
  "privatelink.openai.azure.com",
  "privatelink.cognitiveservices.azure.com",
  "privatelink.services.ai.azure.com",
  "privatelink.azure-api.net",
] as const;
export type PrivateDnsZoneName = (typeof PRIVATE_DNS_ZONES)[number];

export const NetworkConfigSchema = z.strictObject({
  /** One network per region, keyed by region; the gateway's region (the fleet's first region) holds the gateway. */
  regions: z.record(z.string().regex(/^[a-z][a-z0-9]{2,30}$/, { error: "must be an Azure region name in lowercase letters and digits, e.g. eastus2" }), RegionNetworkSchema).refine((regions) => Object.keys(regions).length > 0, { error: "must declare at least one region's network" }),
  /**
   * Existing private DNS zones by zone name (hub-and-spoke: a central team owns DNS). When set, the
   * stack creates no zones and no VNet links: every zone the account kind needs must be listed.
   */
  dnsZones: z
    .partialRecord(
      z.enum(PRIVATE_DNS_ZONES),
      z.string().regex(PRIVATE_DNS_ZONE_ID, { message: "must be a private DNS zone resource id: /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>" }),
    )
    .optional(),
});

export type NetworkConfig = z.output<typeof NetworkConfigSchema>;
export type RegionNetworkConfig = z.output<typeof RegionNetworkSchema>;
export type ExistingNetworkConfig = NonNullable<RegionNetworkConfig["existing"]>;
export type ExistingSubnetConfig = z.output<typeof ExistingSubnetSchema>;
