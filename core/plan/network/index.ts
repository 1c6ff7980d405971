/** Pure network planning: config → networks, subnets, private endpoints, DNS zones, the gateway's mode. */
export { planNetwork, type NetworkPlanInput, type NetworkPlanResult } from "./plan";
export { TIER_NETWORKING, GATEWAY_NETWORK_MODES, type GatewayNetworkMode, type TierNetworking } from "./tiers";
export { ACCOUNT_ZONES, GATEWAY_ZONE, zoneConfigName } from "./zones";
export { subnetIdParts } from "./networks";
export type * from "./types";
export { gatewayNetworkInput, networkOf, networkPlanOfConfig } from "./from-config";
