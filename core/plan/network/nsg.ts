/**
 * NSG rules of the gateway subnet, per mode, as the APIM docs list them
 * (shared/reference/private-networking.md §2.2 for classic injection, §2.3 for v2 integration).
 * Azure's default rules already allow VNet-internal traffic and outbound internet; these rules
 * are explicit so the subnet keeps working under a later deny-all and so reviewers see the intent.
 */
import type { GatewayNetworkMode } from "./tiers";

/** One security rule, in the shape of azure-native's `SecurityRuleArgs`. */
export interface PlannedSecurityRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow";
  readonly protocol: "Tcp";
  readonly sourceAddressPrefix: string;
  readonly sourcePortRange: "*";
  readonly destinationAddressPrefix: string;
  readonly destinationPortRanges: readonly string[];
  readonly description: string;
}

function rule(
  name: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  source: string,
  destination: string,
  ports: readonly string[],
  description: string,
): PlannedSecurityRule {
  return { name, priority, direction, access: "Allow", protocol: "Tcp", sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: destination, destinationPortRanges: ports, description };
}

/** Rules for the gateway subnet in this mode. */
export function gatewaySubnetRules(mode: GatewayNetworkMode): PlannedSecurityRule[] {
  if (mode === "integration") {
    return [
      rule("AllowStorageOutbound", 100, "Outbound", "VirtualNetwork", "Storage", ["443"], "API Management dependency on Azure Storage"),
      rule("AllowKeyVaultOutbound", 110, "Outbound", "VirtualNetwork", "AzureKeyVault", ["443"], "API Management dependency on Azure Key Vault"),
    ];
  }
  const clients =
    mode === "external"
      ? [
          rule("AllowClientsInbound", 100, "Inbound", "Internet", "VirtualNetwork", ["443"], "Clients to the API Management gateway (external mode)"),
          rule("AllowTrafficManagerInbound", 130, "Inbound", "AzureTrafficManager", "VirtualNetwork", ["443"], "Azure Traffic Manager routing (external mode)"),
        ]
      : [rule("AllowVirtualNetworkClientsInbound", 100, "Inbound", "VirtualNetwork", "VirtualNetwork", ["443"], "Clients in the virtual network to the gateway (internal mode)")];
  return [
    ...clients,
    rule("AllowManagementInbound", 110, "Inbound", "ApiManagement", "VirtualNetwork", ["3443"], "Management endpoint for the Azure portal and ARM"),
    rule("AllowLoadBalancerInbound", 120, "Inbound", "AzureLoadBalancer", "VirtualNetwork", ["6390"], "Azure infrastructure load balancer"),
    rule("AllowStorageOutbound", 100, "Outbound", "VirtualNetwork", "Storage", ["443"], "API Management dependency on Azure Storage"),
    rule("AllowSqlOutbound", 110, "Outbound", "VirtualNetwork", "Sql", ["1433"], "API Management dependency on Azure SQL"),
    rule("AllowKeyVaultOutbound", 120, "Outbound", "VirtualNetwork", "AzureKeyVault", ["443"], "API Management dependency on Azure Key Vault"),
    rule("AllowMonitorOutbound", 130, "Outbound", "VirtualNetwork", "AzureMonitor", ["1886", "443"], "Diagnostics, metrics, Resource Health and Application Insights"),
    rule("AllowCertificateValidationOutbound", 140, "Outbound", "VirtualNetwork", "Internet", ["80"], "Certificate validation and management"),
  ].sort((a, b) => (a.direction === b.direction ? a.priority - b.priority : a.direction === "Inbound" ? -1 : 1));
}
