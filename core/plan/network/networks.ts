/**
 * The networks of `aoai-fleet:fleet.network`, resolved: address spaces (given, declared or
 * defaulted), subnets (given, existing or carved from the space), overlaps and sizes checked, each
 * problem at its config path. Pure.
 */
import type { ConfigIssue } from "../../../stacks/config/errors";
import type { ExistingSubnetConfig, NetworkConfig, RegionNetworkConfig } from "../../../stacks/config/network";
import { block, contains, firstFreeBlock, overlaps, type Block } from "./cidr";
import type { PlannedNetwork, PlannedSubnet } from "./types";
import { DEFAULT_SUBNET_PREFIX_LENGTH } from "./tiers";

const N = "aoai-fleet:fleet.network";
export const regionPath = (region: string) => `${N}.regions.${region}`;

/** Default address spaces: 10.170.0.0/24, 10.171.0.0/24, … (Citadel's layout), skipping taken blocks. */
const DEFAULT_SPACE_BASE = 170;

export interface NetworkShape {
  readonly fleetName: string;
  readonly gatewayRegion: string;
  /** Whether the gateway joins the gateway network (a gateway subnet is needed there). */
  readonly gatewayJoins: boolean;
}

export interface ResolvedNetworks {
  readonly networks: PlannedNetwork[];
  /** Config path of each network's private-endpoint subnet (for size messages). */
  readonly endpointSubnetPaths: ReadonlyMap<string, string>;
  /** Config path of the gateway subnet, when it was given or declared. */
  readonly gatewaySubnetPath?: string;
  readonly errors: ConfigIssue[];
}

/** `/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>` → its VNet id, VNet name and subnet name. */
export function subnetIdParts(id: string): { vnetId: string; vnetName: string; subnetName: string } {
  const marker = id.toLowerCase().lastIndexOf("/subnets/");
  const vnetId = id.slice(0, marker);
  return { vnetId, vnetName: vnetId.slice(vnetId.lastIndexOf("/") + 1), subnetName: id.slice(marker + "/subnets/".length) };
}

function existingSubnet(subnet: ExistingSubnetConfig | Omit<ExistingSubnetConfig, "delegation">): PlannedSubnet {
  return {
    name: subnetIdParts(subnet.id).subnetName,
    addressPrefix: subnet.addressPrefix,
    existingId: subnet.id,
    ...("delegation" in subnet && subnet.delegation !== undefined ? { delegation: subnet.delegation } : {}),
  };
}

/** Regions in plan order: the gateway's region first, then the others as written. */
function orderedRegions(config: NetworkConfig, gatewayRegion: string): [string, RegionNetworkConfig][] {
  const entries = Object.entries(config.regions);
  return [...entries.filter(([region]) => region === gatewayRegion), ...entries.filter(([region]) => region !== gatewayRegion)];
}

export function resolveNetworks(config: NetworkConfig, shape: NetworkShape): ResolvedNetworks {
  const errors: ConfigIssue[] = [];
  const endpointSubnetPaths = new Map<string, string>();
  let gatewaySubnetPath: string | undefined;
  const regions = orderedRegions(config, shape.gatewayRegion);
  const gatewayNetworkCreated = config.regions[shape.gatewayRegion]?.existing === undefined;

  // Address spaces: fixed ones first (given or declared), then defaults that avoid them.
  const spaces = new Map<string, { block: Block; path: string }[]>();
  for (const [region, network] of regions) {
    const path = regionPath(region);
    if (network.existing) {
      const known = network.existing.addressSpace !== undefined
        ? [{ block: block(network.existing.addressSpace), path: `${path}.existing.addressSpace` }]
        : (["gatewaySubnet", "privateEndpointSubnet"] as const).flatMap((key) => {
            const subnet = network.existing?.[key];
            return subnet ? [{ block: block(subnet.addressPrefix), path: `${path}.existing.${key}.addressPrefix` }] : [];
          });
      spaces.set(region, known);
    } else if (network.addressSpace !== undefined) {
      spaces.set(region, [{ block: block(network.addressSpace), path: `${path}.addressSpace` }]);
    }
  }
  const assigned = new Map<string, string>();
  let next = DEFAULT_SPACE_BASE;
  for (const [region, network] of regions) {
    if (network.existing || network.addressSpace !== undefined) continue;
    const taken = [...spaces.values()].flat().map((entry) => entry.block);
    let candidate = block(`10.${next}.0.0/24`);
    while (taken.some((used) => overlaps(used, candidate)) && next < 255) candidate = block(`10.${++next}.0.0/24`);
    next += 1;
    assigned.set(region, candidate.cidr);
    spaces.set(region, [{ block: candidate, path: `${regionPath(region)}.addressSpace` }]);
  }
  // Overlaps between networks: peered VNets (and zone-linked ones) need distinct address spaces.
  const seen: { region: string; block: Block }[] = [];
  for (const [region] of regions) {
    for (const entry of spaces.get(region) ?? []) {
      const clash = seen.find((other) => other.region !== region && overlaps(other.block, entry.block));
      if (clash) {
        errors.push({ path: entry.path, message: `${entry.block.cidr} overlaps the ${clash.region} network's ${clash.block.cidr}; networks the gateway reaches (peered or linked) need distinct address spaces` });
      }
    }
    for (const entry of spaces.get(region) ?? []) seen.push({ region, block: entry.block });
  }

  const networks: PlannedNetwork[] = [];
  for (const [region, network] of regions) {
    const path = regionPath(region);
    const role = region === shape.gatewayRegion ? "gateway" : "spoke";
    if (network.existing) {
      const existing = network.existing;
      const ids = [existing.gatewaySubnet?.id, existing.privateEndpointSubnet?.id].filter((id): id is string => id !== undefined);
      const vnets = [...new Set(ids.map((id) => subnetIdParts(id).vnetId.toLowerCase()))];
      if (vnets.length > 1) {
        errors.push({ path: `${path}.existing.privateEndpointSubnet.id`, message: `is in another VNet than gatewaySubnet (${vnets.join(" and ")}); one region's network is one VNet` });
      }
      if (ids.length === 0) {
        errors.push({ path: `${path}.existing`, message: "names no subnet; give privateEndpointSubnet (and gatewaySubnet in the gateway's region) as { id, addressPrefix }" });
      }
      if (existing.gatewaySubnet && existing.privateEndpointSubnet && existing.gatewaySubnet.id.toLowerCase() === existing.privateEndpointSubnet.id.toLowerCase()) {
        errors.push({ path: `${path}.existing.privateEndpointSubnet.id`, message: "is the gateway subnet; the gateway needs a dedicated subnet, so give private endpoints another one" });
      }
      if (existing.gatewaySubnet && existing.privateEndpointSubnet && overlaps(block(existing.gatewaySubnet.addressPrefix), block(existing.privateEndpointSubnet.addressPrefix))) {
        errors.push({ path: `${path}.existing.privateEndpointSubnet.addressPrefix`, message: `${existing.privateEndpointSubnet.addressPrefix} overlaps gatewaySubnet ${existing.gatewaySubnet.addressPrefix}` });
      }
      if (existing.gatewaySubnet && role === "spoke") {
        errors.push({ path: `${path}.existing.gatewaySubnet`, message: `only the gateway's region (${shape.gatewayRegion}) has a gateway subnet; remove it here` });
      }
      if (existing.gatewaySubnet) gatewaySubnetPath = `${path}.existing.gatewaySubnet`;
      if (existing.privateEndpointSubnet) endpointSubnetPaths.set(region, `${path}.existing.privateEndpointSubnet.addressPrefix`);
      const parts = ids[0] === undefined ? undefined : subnetIdParts(ids[0]);
      networks.push({
        region, role, mode: "existing",
        vnetName: parts?.vnetName ?? "",
        ...(existing.addressSpace !== undefined ? { addressSpace: existing.addressSpace } : {}),
        ...(parts ? { existingVnetId: parts.vnetId } : {}),
        ...(existing.gatewaySubnet ? { gatewaySubnet: existingSubnet(existing.gatewaySubnet) } : {}),
        ...(existing.privateEndpointSubnet ? { privateEndpointSubnet: existingSubnet(existing.privateEndpointSubnet) } : {}),
        reachableFromGateway: role === "gateway" || existing.peeredWithGatewayNetwork,
        peerWithGatewayNetwork: false,
      });
      continue;
    }
    const space = network.addressSpace ?? assigned.get(region) ?? "10.0.0.0/24";
    const spaceBlock = block(space);
    const spacePath = `${path}.addressSpace`;
    if (network.gatewaySubnet !== undefined && (role === "spoke" || !shape.gatewayJoins)) {
      errors.push({ path: `${path}.gatewaySubnet`, message: role === "spoke" ? `only the gateway's region (${shape.gatewayRegion}) has a gateway subnet; remove it here` : "no gateway joins this network (no aoai-fleet:gateway, or its tier cannot join a VNet); remove gatewaySubnet" });
    }
    const wanted: { key: "gatewaySubnet" | "privateEndpointSubnet"; given?: string }[] = [
      ...(role === "gateway" && shape.gatewayJoins ? [{ key: "gatewaySubnet" as const, ...(network.gatewaySubnet !== undefined ? { given: network.gatewaySubnet } : {}) }] : []),
      { key: "privateEndpointSubnet", ...(network.privateEndpointSubnet !== undefined ? { given: network.privateEndpointSubnet } : {}) },
    ];
    const taken: Block[] = [];
    const prefixes = new Map<string, string>();
    for (const { key, given } of wanted) {
      if (given === undefined) continue;
      const subnet = block(given);
      if (!contains(spaceBlock, subnet)) {
        errors.push({ path: `${path}.${key}`, message: `${given} is outside the network's address space ${space}` });
      } else if (taken.some((used) => overlaps(used, subnet))) {
        errors.push({ path: `${path}.${key}`, message: `${given} overlaps ${[...prefixes.values()].join(", ")}; subnets of one VNet must not overlap` });
      }
      taken.push(subnet);
      prefixes.set(key, given);
    }
    for (const { key, given } of wanted) {
      if (given !== undefined) continue;
      const free = firstFreeBlock(spaceBlock, Math.max(DEFAULT_SUBNET_PREFIX_LENGTH, spaceBlock.prefixLength), taken);
      if (!free) {
        errors.push({ path: spacePath, message: `${space} has no room for a /${DEFAULT_SUBNET_PREFIX_LENGTH} ${key}${prefixes.size > 0 ? ` next to ${[...prefixes.values()].join(", ")}` : ""}; use a larger address space (a /24 fits both subnets) or give ${key} explicitly` });
        continue;
      }
      taken.push(free);
      prefixes.set(key, free.cidr);
    }
    if (network.gatewaySubnet !== undefined) gatewaySubnetPath = `${path}.gatewaySubnet`;
    endpointSubnetPaths.set(region, network.privateEndpointSubnet !== undefined ? `${path}.privateEndpointSubnet` : spacePath);
    const gatewayPrefix = prefixes.get("gatewaySubnet");
    const endpointPrefix = prefixes.get("privateEndpointSubnet");
    if (role === "spoke" && !gatewayNetworkCreated) {
      errors.push({ path, message: `is created by the stack, but the gateway's network (${shape.gatewayRegion}) is existing, so the stack cannot peer them; create this VNet yourself, peer it and declare it under existing with peeredWithGatewayNetwork: true` });
    }
    networks.push({
      region, role, mode: "create",
      vnetName: `vnet-${shape.fleetName}-${region}`,
      addressSpace: space,
      ...(gatewayPrefix ? { gatewaySubnet: { name: "snet-gateway", addressPrefix: gatewayPrefix } } : {}),
      ...(endpointPrefix ? { privateEndpointSubnet: { name: "snet-private-endpoints", addressPrefix: endpointPrefix } } : {}),
      reachableFromGateway: true,
      peerWithGatewayNetwork: role === "spoke",
    });
  }
  return { networks, endpointSubnetPaths, ...(gatewaySubnetPath ? { gatewaySubnetPath } : {}), errors };
}
