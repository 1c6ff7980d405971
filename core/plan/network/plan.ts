/**
 * planNetwork: the fleet's private networking from `aoai-fleet:fleet.network` and the gateway's
 * tier → NetworkPlan (networks, subnets, endpoints, zones, the gateway's mode), or every problem
 * at its config path. Runs before any resource is declared. Pure.
 */
import type { ConfigIssue } from "../../../stacks/config/errors";
import type { NetworkConfig, PrivateDnsZoneName } from "../../../stacks/config/network";
import { PRIVATE_DNS_ZONE_ID } from "../../../stacks/config/network";
import { block } from "./cidr";
import { planGatewayMode, type GatewayNetworkInput } from "./gateway-mode";
import { resolveNetworks, regionPath } from "./networks";
import { gatewaySubnetRules } from "./nsg";
import { endpointSubnetSizeProblem, gatewaySubnetSizeProblem, TIER_NETWORKING } from "./tiers";
import type { NetworkPlan, PlannedEndpoint, PlannedNetwork, PlannedZone } from "./types";
import { ACCOUNT_ZONES, GATEWAY_ZONE } from "./zones";

const F = "aoai-fleet:fleet";

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export interface NetworkPlanInput {
  /** `aoai-fleet:fleet.name`; prefixes resource names. */
  readonly fleetName: string;
  readonly kind: "OpenAI" | "AIServices";
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  /** Regions that get an account, in plan order. */
  readonly accountRegions: readonly string[];
  /** Region of the gateway (the fleet's first region). */
  readonly gatewayRegion: string;
  readonly network?: NetworkConfig;
  /** The gateway, when `aoai-fleet:gateway` is set. */
  readonly gateway?: GatewayNetworkInput;
}

export interface NetworkPlanResult {
  /** Absent when the stack declares no network, or when there are errors. */
  readonly plan?: NetworkPlan;
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

export function planNetwork(input: NetworkPlanInput): NetworkPlanResult {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const accountsPrivate = input.publicNetworkAccess === "Disabled";
  const { network, gatewayRegion } = input;
  const mode = input.gateway ? planGatewayMode(input.gateway, { hasNetwork: network !== undefined, accountsPrivate, gatewayRegion }) : undefined;
  errors.push(...(mode?.errors ?? []));

  if (!network) {
    if (accountsPrivate && input.gateway) {
      errors.push({
        path: `${F}.publicNetworkAccess`,
        message: `is "Disabled" and aoai-fleet:gateway is set, but the gateway has no network path to the accounts (only private endpoints reach them, so every gateway call would get 403); add aoai-fleet:fleet.network with a network in ${gatewayRegion}, the gateway's region (network: { regions: { ${gatewayRegion}: {} } } creates a VNet, subnets, private endpoints and DNS zones), or set publicNetworkAccess: Enabled`,
      });
    } else if (accountsPrivate) {
      warnings.push({ path: `${F}.publicNetworkAccess`, message: `is "Disabled" and aoai-fleet:fleet.network is not set: nothing this stack creates can reach the accounts; add network to create private endpoints, or create them yourself` });
    }
    return { errors, warnings };
  }
  // A network where the fleet has no account holds no private endpoint: most likely a misspelt region
  // (`westus` for `westus3`), which would also leave that account's endpoint in the gateway's network.
  const fleetRegions = new Set([gatewayRegion, ...input.accountRegions]);
  const strangers = Object.keys(network.regions).filter((region) => !fleetRegions.has(region));
  for (const region of strangers) {
    errors.push({
      path: regionPath(region),
      message: `"${region}" is not a region of this fleet, so its network would hold no private endpoint; network regions must be fleet regions: ${[...fleetRegions].sort().join(", ")}`,
    });
  }
  if (strangers.length > 0) return { errors, warnings };
  if (network.regions[gatewayRegion] === undefined) {
    errors.push({ path: `${F}.network.regions`, message: `has no network in ${gatewayRegion}, the fleet's first region, where the gateway and the private endpoints live; add ${gatewayRegion}: {} (or an existing one)` });
    return { errors, warnings };
  }

  const gateway = mode?.gateway;
  const resolved = resolveNetworks(network, { fleetName: input.fleetName, gatewayRegion, gatewayJoins: gateway !== undefined });
  errors.push(...resolved.errors);
  const networks = resolved.networks;
  const byRegion = new Map(networks.map((n) => [n.region, n]));
  const gatewayNetwork = byRegion.get(gatewayRegion) as PlannedNetwork;

  // The gateway subnet: present, big enough, delegated as the tier needs; NSG rules for created ones.
  if (gateway && input.gateway) {
    const subnet = gatewayNetwork.gatewaySubnet;
    if (!subnet) {
      if (gatewayNetwork.mode === "existing") {
        errors.push({ path: `${regionPath(gatewayRegion)}.existing.gatewaySubnet`, message: `is required: the ${gateway.sku} gateway joins this network (${gateway.mode} mode); add { id, addressPrefix${TIER_NETWORKING[gateway.sku].delegation ? ", delegation" : ""} }` });
      }
    } else {
      const path = resolved.gatewaySubnetPath;
      const size = gatewaySubnetSizeProblem(gateway.sku, gateway.mode, input.gateway.capacity, block(subnet.addressPrefix).prefixLength);
      if (size) errors.push({ path: path === undefined ? `${regionPath(gatewayRegion)}.addressSpace` : gatewayNetwork.mode === "existing" ? `${path}.addressPrefix` : path, message: size });
      const needed = TIER_NETWORKING[gateway.sku].delegation;
      if (gatewayNetwork.mode === "existing" && subnet.delegation !== needed) {
        errors.push({
          path: `${path ?? regionPath(gatewayRegion)}.delegation`,
          message: needed
            ? `the subnet is ${subnet.delegation ? `delegated to ${subnet.delegation}` : "not delegated"}, but ${gateway.sku} outbound integration needs it delegated to ${needed}; delegate it (az network vnet subnet update --delegations ${needed}) and declare delegation: ${needed}`
            : `${gateway.sku} VNet injection needs a subnet without delegation, and this one is delegated to ${subnet.delegation}; remove the delegation in Azure and here`,
        });
      }
    }
  }
  const plannedNetworks = networks.map((n): PlannedNetwork =>
    n.mode === "create" && n.gatewaySubnet && gateway
      ? { ...n, gatewaySubnet: { ...n.gatewaySubnet, ...(TIER_NETWORKING[gateway.sku].delegation ? { delegation: TIER_NETWORKING[gateway.sku].delegation } : {}), securityRules: gatewaySubnetRules(gateway.mode) } }
      : n,
  );

  // Endpoints: each account's in its own region's network when that has an endpoint subnet, else in the gateway's.
  const endpoints: PlannedEndpoint[] = [];
  const accountZones = ACCOUNT_ZONES[input.kind];
  const homeless: string[] = [];
  for (const region of input.accountRegions) {
    const own = byRegion.get(region);
    const home = own?.privateEndpointSubnet ? own : gatewayNetwork.privateEndpointSubnet ? gatewayNetwork : undefined;
    if (!home) {
      homeless.push(region);
      continue;
    }
    if (gateway && !home.reachableFromGateway) {
      errors.push({
        path: `${regionPath(home.region)}.existing.peeredWithGatewayNetwork`,
        message: `the ${region} account's private endpoint goes into the ${home.region} network, which the gateway cannot reach (not peered with the ${gatewayRegion} network); peer the VNets and set peeredWithGatewayNetwork: true, or remove this network's privateEndpointSubnet so the endpoint goes into the gateway's network`,
      });
    }
    const accountName = `${input.fleetName}-${region}`;
    endpoints.push({ name: `pe-${accountName}`, target: { kind: "account", region, accountName }, networkRegion: home.region, groupId: "account", zones: accountZones });
  }
  // A created gateway network always gets an endpoint subnet unless its space is full (reported above).
  if (homeless.length > 0 && gatewayNetwork.mode === "existing") {
    const accounts = homeless.length === 1 ? `the ${homeless[0]} account has` : `the ${listOf(homeless)} accounts have`;
    errors.push({
      path: `${regionPath(gatewayRegion)}.existing.privateEndpointSubnet`,
      message: `is required: ${accounts} no private endpoint reachable from the gateway${accountsPrivate ? " although public access is disabled" : ""} (the gateway's ${gatewayRegion} network has no private-endpoint subnet${homeless.some((r) => r !== gatewayRegion) ? ", and no network of their own region has one" : ""}); add { id, addressPrefix } of a subnet in the gateway's VNet`,
    });
  }
  if (gateway?.inboundPrivateEndpoint) {
    if (!gatewayNetwork.privateEndpointSubnet) {
      errors.push({ path: "aoai-fleet:gateway.network.privateEndpoint", message: `needs a private-endpoint subnet in the ${gatewayRegion} network; add aoai-fleet:fleet.network.regions.${gatewayRegion}.existing.privateEndpointSubnet` });
    } else {
      endpoints.push({ name: `pe-${input.fleetName}-gateway`, target: { kind: "gateway" }, networkRegion: gatewayRegion, groupId: "Gateway", zones: [GATEWAY_ZONE] });
    }
  }
  for (const n of plannedNetworks) {
    const count = endpoints.filter((e) => e.networkRegion === n.region).length;
    const problem = n.privateEndpointSubnet ? endpointSubnetSizeProblem(count, block(n.privateEndpointSubnet.addressPrefix).prefixLength) : undefined;
    if (problem) errors.push({ path: resolved.endpointSubnetPaths.get(n.region) ?? regionPath(n.region), message: problem });
  }

  const users = [
    ...(input.accountRegions.length > 0 ? [{ who: `${input.kind} accounts' private endpoints`, zones: accountZones }] : []),
    ...(gateway?.inboundPrivateEndpoint ? [{ who: "the gateway's private endpoint", zones: [GATEWAY_ZONE] }] : []),
  ];
  const zones = planZones(network, users, plannedNetworks, errors);
  if (errors.length > 0) return { errors, warnings };
  return { plan: { gatewayRegion, networks: plannedNetworks, endpoints, zones, ...(gateway ? { gateway } : {}) }, errors, warnings };
}

/** Who needs which zones: the account kind's endpoints, the gateway's inbound endpoint. */
interface ZoneUser {
  readonly who: string;
  readonly zones: readonly PrivateDnsZoneName[];
}

/** Zones the endpoints need: existing ones (every needed zone must be given) or created and linked to every network. */
function planZones(network: NetworkConfig, users: readonly ZoneUser[], networks: readonly PlannedNetwork[], errors: ConfigIssue[]): PlannedZone[] {
  const needed = [...new Set(users.flatMap((u) => u.zones))].sort() as PrivateDnsZoneName[];
  if (!network.dnsZones) return needed.map((name) => ({ name, linkedNetworks: networks.map((n) => n.region) }));
  for (const [zone, id] of Object.entries(network.dnsZones)) {
    const named = PRIVATE_DNS_ZONE_ID.exec(id ?? "")?.[1];
    if (named !== undefined && named.toLowerCase() !== zone) {
      errors.push({ path: `${F}.network.dnsZones.${zone}`, message: `names zone "${named}", not ${zone}; give the id of the ${zone} zone` });
    }
  }
  for (const user of users) {
    const missing = user.zones.filter((zone) => network.dnsZones?.[zone] === undefined);
    if (missing.length === 0) continue;
    errors.push({
      path: `${F}.network.dnsZones`,
      message: `misses ${missing.join(", ")}, which ${user.who} need (${user.zones.join(", ")}); with dnsZones set the stack creates no zones, so add their resource ids, or remove dnsZones to let the stack create and link the zones`,
    });
  }
  return needed.flatMap((name) => {
    const id = network.dnsZones?.[name];
    return id === undefined ? [] : [{ name, existingId: id, linkedNetworks: [] }];
  });
}
