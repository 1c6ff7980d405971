/**
 * Private DNS zones a private endpoint's zone group needs, by target (shared/reference/
 * private-networking.md §1.3, §2.5): Azure OpenAI accounts resolve in the openai zone; AIServices
 * (Foundry) accounts answer on all three AI host names; the APIM gateway in azure-api.net.
 */
import type { PrivateDnsZoneName } from "../../../stacks/config/network";

export const ACCOUNT_ZONES: Readonly<Record<"OpenAI" | "AIServices", readonly PrivateDnsZoneName[]>> = {
  OpenAI: ["privatelink.openai.azure.com"],
  AIServices: ["privatelink.cognitiveservices.azure.com", "privatelink.openai.azure.com", "privatelink.services.ai.azure.com"],
};

export const GATEWAY_ZONE: PrivateDnsZoneName = "privatelink.azure-api.net";

/** Name of a zone config inside a zone group: the zone name with dots as dashes (`privatelink-openai-azure-com`). */
export function zoneConfigName(zone: string): string {
  return zone.replace(/\./g, "-");
}
