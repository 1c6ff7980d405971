// Links between accounts, private endpoints and DNS zone groups in one stack. Ids are compared by
// their trailing segments, because a preview may not know them yet; then the links CrossGuard
// reports (property dependencies) decide.
import { arrayAt, isRecord, stringAt, types } from "./inputs";
import type { PlannedResource } from "./types";
import { isType } from "./resource-kinds";

/** The endpoint's connections (automatic and manual) as plain records. */
function connectionsOf(endpoint: PlannedResource): Record<string, unknown>[] {
  return [...arrayAt(endpoint, "privateLinkServiceConnections"), ...arrayAt(endpoint, "manualPrivateLinkServiceConnections")].filter(isRecord);
}

/** Whether the endpoint connects to the account's `account` sub-resource. */
export function endpointTargetsAccount(endpoint: PlannedResource, account: PlannedResource): boolean {
  const accountName = (stringAt(account, "accountName") ?? account.name).toLowerCase();
  return connectionsOf(endpoint).some((connection) => {
    const groupIds = Array.isArray(connection.groupIds) ? connection.groupIds : [];
    if (!groupIds.some((group) => typeof group === "string" && group.toLowerCase() === "account")) return false;
    const target = connection.privateLinkServiceId;
    if (typeof target === "string") return target.toLowerCase().endsWith(`/microsoft.cognitiveservices/accounts/${accountName}`);
    // Unknown during a preview: the endpoint's inputs depend on the account it targets.
    return account.urn !== undefined && (endpoint.dependsOn ?? []).includes(account.urn);
  });
}

/** The DNS zone groups of an endpoint (by endpoint name, or by dependency when the name is unknown). */
export function zoneGroupsOf(endpoint: PlannedResource, resources: readonly PlannedResource[]): PlannedResource[] {
  const name = stringAt(endpoint, "privateEndpointName")?.toLowerCase();
  return resources.filter((r) => {
    if (!isType(r, types.privateDnsZoneGroup)) return false;
    const target = stringAt(r, "privateEndpointName")?.toLowerCase();
    if (target !== undefined && name !== undefined) return target === name;
    return endpoint.urn !== undefined && (r.dependsOn ?? []).includes(endpoint.urn);
  });
}

/** Zone names a zone group registers in (from `privateDnsZoneId`; ids unknown during a preview are skipped). */
export function zoneNamesOf(zoneGroup: PlannedResource): string[] {
  return arrayAt(zoneGroup, "privateDnsZoneConfigs").flatMap((config) => {
    const id = isRecord(config) ? config.privateDnsZoneId : undefined;
    const match = typeof id === "string" ? /\/privateDnsZones\/([^/]+)$/i.exec(id) : null;
    return match?.[1] ? [match[1].toLowerCase()] : [];
  });
}

/** Whether any zone config's id is still unknown (a preview of a new zone). */
export function hasUnknownZoneIds(zoneGroup: PlannedResource): boolean {
  return arrayAt(zoneGroup, "privateDnsZoneConfigs").some((config) => !isRecord(config) || typeof config.privateDnsZoneId !== "string");
}
