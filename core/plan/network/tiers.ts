/**
 * What each API Management tier can do on a network (shared/reference/private-networking.md §2),
 * and what this project deploys for it with azure-native 3.28.0's APIM API (2024-05-01). The
 * PremiumV2 row keeps Microsoft's facts, but the tier is not deployable here: its SKU is not in
 * that API version (issue 15 refuses it in config).
 */
import type { GatewaySku } from "../../../stacks/config/gateway";
import { addressCount } from "./cidr";

/** How the gateway joins the network: v2 outbound integration, or classic injection (external / internal). */
export const GATEWAY_NETWORK_MODES = ["integration", "external", "internal"] as const;
export type GatewayNetworkMode = (typeof GATEWAY_NETWORK_MODES)[number];

export interface TierNetworking {
  /** Modes Azure offers the tier (Microsoft Learn feature matrix). */
  readonly azureModes: readonly ("integration" | "injection")[];
  /** Modes this project deploys for the tier (empty: the tier cannot reach a private endpoint here). */
  readonly modes: readonly GatewayNetworkMode[];
  /** Mode used when `aoai-fleet:gateway.network.mode` is not set. */
  readonly defaultMode?: GatewayNetworkMode;
  /** Whether clients can reach the gateway through an inbound private endpoint (groupId Gateway) while it also reaches private backends. */
  readonly inboundPrivateEndpoint: boolean;
  /** Delegation the gateway subnet needs (none for classic injection). */
  readonly delegation?: "Microsoft.Web/serverFarms" | "Microsoft.Web/hostingEnvironments";
  /** Addresses the gateway takes per scale unit (classic injection). */
  readonly addressesPerUnit?: number;
  /** One sentence for messages and the docs. */
  readonly summary: string;
}

/** Every APIM tier Microsoft documents: the deployable ones plus PremiumV2, which the config refuses. */
export type ApimTier = GatewaySku | "PremiumV2";

export const TIER_NETWORKING: Readonly<Record<ApimTier, TierNetworking>> = {
  Consumption: { azureModes: [], modes: [], inboundPrivateEndpoint: false, summary: "Consumption has no VNet injection, no outbound integration and no private endpoint" },
  Basic: { azureModes: [], modes: [], inboundPrivateEndpoint: false, summary: "classic Basic has only an inbound private endpoint, no outbound path into a VNet" },
  Standard: { azureModes: [], modes: [], inboundPrivateEndpoint: false, summary: "classic Standard has only an inbound private endpoint, no outbound path into a VNet" },
  BasicV2: { azureModes: [], modes: [], inboundPrivateEndpoint: false, summary: "Basic v2 has no outbound VNet integration; only Standard v2 and Premium v2 have it" },
  Developer: {
    azureModes: ["injection"], modes: ["external", "internal"], defaultMode: "external", inboundPrivateEndpoint: false, addressesPerUnit: 1,
    summary: "Developer is injected into the VNet (external or internal mode; no SLA)",
  },
  Premium: {
    azureModes: ["injection"], modes: ["external", "internal"], defaultMode: "external", inboundPrivateEndpoint: false, addressesPerUnit: 2,
    summary: "Premium is injected into the VNet (external or internal mode)",
  },
  StandardV2: {
    azureModes: ["integration"], modes: ["integration"], defaultMode: "integration", inboundPrivateEndpoint: true, delegation: "Microsoft.Web/serverFarms",
    summary: "Standard v2 reaches the VNet through outbound VNet integration (a dedicated subnet delegated to Microsoft.Web/serverFarms)",
  },
  PremiumV2: {
    azureModes: ["integration", "injection"], modes: [], inboundPrivateEndpoint: true,
    summary: "Premium v2 supports outbound integration (Microsoft.Web/serverFarms) and injection (Microsoft.Web/hostingEnvironments), but its SKU is not in APIM API 2024-05-01, the version azure-native 3.28.0 deploys",
  },
};

/** Addresses Azure reserves in every subnet. */
export const AZURE_RESERVED_ADDRESSES = 5;
/** Smallest subnet Azure allows. */
export const MIN_SUBNET_PREFIX_LENGTH = 29;
/** Outbound integration subnets: at least /27 (Learn: minimum /27, /24 recommended). */
export const INTEGRATION_MAX_PREFIX_LENGTH = 27;
/** Default size of the subnets the stack creates: room for any tier's scale units and ~59 endpoints. */
export const DEFAULT_SUBNET_PREFIX_LENGTH = 26;

/** Why a gateway subnet of this prefix length is too small for the tier and mode, or undefined. */
export function gatewaySubnetSizeProblem(sku: GatewaySku, mode: GatewayNetworkMode, capacity: number, prefixLength: number): string | undefined {
  const have = addressCount(prefixLength);
  if (mode === "integration") {
    return prefixLength > INTEGRATION_MAX_PREFIX_LENGTH
      ? `/${prefixLength} has ${have} addresses; ${sku} outbound VNet integration needs at least /${INTEGRATION_MAX_PREFIX_LENGTH} (32 addresses; /24 recommended)`
      : undefined;
  }
  const perUnit = TIER_NETWORKING[sku].addressesPerUnit ?? 2;
  const need = Math.max(addressCount(MIN_SUBNET_PREFIX_LENGTH), AZURE_RESERVED_ADDRESSES + capacity * perUnit + (mode === "internal" ? 1 : 0));
  return have < need
    ? `/${prefixLength} has ${have} addresses; ${sku} × ${capacity} in ${mode} mode needs ${need} (${AZURE_RESERVED_ADDRESSES} reserved by Azure + ${perUnit} per unit${mode === "internal" ? " + 1 for the internal load balancer" : ""}, at least a /${MIN_SUBNET_PREFIX_LENGTH})`
    : undefined;
}

/** Why a private-endpoint subnet of this prefix length cannot hold `endpoints` endpoints, or undefined. */
export function endpointSubnetSizeProblem(endpoints: number, prefixLength: number): string | undefined {
  const have = addressCount(prefixLength);
  if (prefixLength > MIN_SUBNET_PREFIX_LENGTH) return `/${prefixLength} is smaller than the smallest subnet Azure allows (/${MIN_SUBNET_PREFIX_LENGTH})`;
  return have - AZURE_RESERVED_ADDRESSES < endpoints
    ? `/${prefixLength} has ${have - AZURE_RESERVED_ADDRESSES} usable addresses (${have} minus ${AZURE_RESERVED_ADDRESSES} Azure reserves) but ${endpoints} private endpoints go here`
    : undefined;
}
