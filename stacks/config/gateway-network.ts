/**
 * `aoai-fleet:gateway.network` (issue 13): how the API Management gateway sits on the fleet's
 * network (`aoai-fleet:fleet.network`). Optional: without it the gateway joins the network in the
 * mode its tier supports (StandardV2: outbound integration; Developer/Premium: external injection).
 * Tier rules are checked by the network planner (`core/plan/network/`). Pure: no Pulumi imports.
 */
import { z } from "zod";

export const GatewayNetworkSchema = z.strictObject({
  /**
   * `integration` (StandardV2 outbound VNet integration), `external` or `internal` (Developer and
   * Premium VNet injection; internal makes the gateway reachable only from the network).
   */
  mode: z.enum(["integration", "external", "internal"]).optional(),
  /** Inbound private endpoint (groupId Gateway, zone privatelink.azure-api.net) in the gateway network; StandardV2 only. */
  privateEndpoint: z.boolean().default(false),
  /** Public access to the gateway. `Disabled` needs `privateEndpoint: true`, and Azure accepts it only once the endpoint exists. */
  publicNetworkAccess: z.enum(["Enabled", "Disabled"]).default("Enabled"),
});

export type GatewayNetworkConfig = z.output<typeof GatewayNetworkSchema>;
