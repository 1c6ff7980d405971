/**
 * How the gateway joins the fleet's network: its tier decides what is possible (`TIER_NETWORKING`),
 * `aoai-fleet:gateway.network` chooses among that. Every refusal names its config path. Pure.
 */
import type { ConfigIssue } from "../../../stacks/config/errors";
import type { GatewaySku } from "../../../stacks/config/gateway";
import type { GatewayNetworkConfig } from "../../../stacks/config/gateway-network";
import type { GatewayNetworkPlan } from "./types";
import { TIER_NETWORKING } from "./tiers";

const G = "aoai-fleet:gateway";
const REACHING_TIERS = "StandardV2 (outbound VNet integration), Developer or Premium (VNet injection)";

/** The gateway part of the stack config the network planner needs. */
export interface GatewayNetworkInput {
  readonly sku: GatewaySku;
  readonly capacity: number;
  readonly network?: GatewayNetworkConfig;
}

export interface GatewayModeResult {
  /** Present when the gateway joins the network. */
  readonly gateway?: GatewayNetworkPlan;
  readonly errors: ConfigIssue[];
}

export function planGatewayMode(gateway: GatewayNetworkInput, options: { hasNetwork: boolean; accountsPrivate: boolean; gatewayRegion: string }): GatewayModeResult {
  const errors: ConfigIssue[] = [];
  const tier = TIER_NETWORKING[gateway.sku];
  const explicit = gateway.network;
  if (explicit && !options.hasNetwork) {
    errors.push({ path: `${G}.network`, message: `needs aoai-fleet:fleet.network: the gateway joins the fleet's network in ${options.gatewayRegion} (its region); add aoai-fleet:fleet.network.regions.${options.gatewayRegion} or remove aoai-fleet:gateway.network` });
  }
  if (tier.modes.length === 0) {
    if (options.accountsPrivate) {
      errors.push({ path: `${G}.sku`, message: `${gateway.sku} cannot reach private endpoints (${tier.summary}), and aoai-fleet:fleet.publicNetworkAccess is Disabled; choose ${REACHING_TIERS}` });
    } else if (explicit) {
      errors.push({ path: `${G}.network`, message: `${gateway.sku} cannot join a virtual network (${tier.summary}); remove aoai-fleet:gateway.network or choose ${REACHING_TIERS}` });
    }
    return { errors };
  }
  if (!options.hasNetwork) return { errors };
  const asked = explicit?.mode ?? tier.defaultMode ?? "integration";
  // An unavailable mode is reported; the tier's default stands in so the subnet checks still run.
  const mode = tier.modes.includes(asked) ? asked : (tier.defaultMode ?? asked);
  if (!tier.modes.includes(asked)) {
    const why = gateway.sku === "StandardV2" && asked === "internal" ? " (Azure refuses an Internal virtual network type for StandardV2; for private inbound access use privateEndpoint: true)" : "";
    errors.push({ path: `${G}.network.mode`, message: `"${asked}" is not available on ${gateway.sku}${why}; allowed values: ${tier.modes.join(", ")}` });
  }
  const privateEndpoint = explicit?.privateEndpoint ?? false;
  if (privateEndpoint && !tier.inboundPrivateEndpoint) {
    errors.push({ path: `${G}.network.privateEndpoint`, message: `${gateway.sku} is injected into the VNet, and Azure refuses private endpoints on injected classic instances; for private inbound access use mode: internal` });
  }
  const publicNetworkAccess = explicit?.publicNetworkAccess ?? "Enabled";
  if (publicNetworkAccess === "Disabled" && !privateEndpoint) {
    errors.push({ path: `${G}.network.publicNetworkAccess`, message: `"Disabled" needs privateEndpoint: true (Azure refuses to disable the gateway's public access unless a Gateway private endpoint exists${mode === "internal" ? "; internal mode already keeps the gateway off the internet, so leave it Enabled" : ""})` });
  }
  return {
    errors,
    gateway: {
      sku: gateway.sku,
      mode,
      virtualNetworkType: mode === "internal" ? "Internal" : "External",
      networkRegion: options.gatewayRegion,
      inboundPrivateEndpoint: privateEndpoint,
      publicNetworkAccess,
    },
  };
}
