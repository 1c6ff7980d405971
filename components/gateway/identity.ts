/**
 * Keyless access from the gateway to the fleet: built-in role ids and deterministic role-assignment
 * names. Role assignment names must be GUIDs and must not change between runs (a new name means a
 * delete + create, and a duplicate assignment under a new name fails with RoleAssignmentExists), so
 * they are RFC 4122 version-5 UUIDs of stable strings. Pure: no Pulumi imports.
 */
import { createHash } from "node:crypto";

/** Built-in "Cognitive Services OpenAI User": inference calls only, no keys, no deployment writes. */
export const COGNITIVE_SERVICES_OPENAI_USER_ROLE = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
/** Built-in "Monitoring Metrics Publisher": lets the APIM identity send telemetry to App Insights without a key. */
export const MONITORING_METRICS_PUBLISHER_ROLE = "3913510d-42f4-4e42-8a64-420c390055eb";

/** Namespace for aoai-fleet's v5 UUIDs (itself the v5 UUID of "aoai-fleet" in the URL namespace). */
const AOAI_FLEET_NAMESPACE = "4b5b0aa6-c46f-54a9-8856-08dd7142db83";

/** RFC 4122 §4.3 name-based UUID (SHA-1, version 5) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string = AOAI_FLEET_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ""), "hex");
  if (namespaceBytes.length !== 16) throw new Error(`uuidV5: namespace "${namespace}" is not a UUID`);
  const hash = createHash("sha1").update(namespaceBytes).update(name, "utf8").digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Name of the assignment of `roleId` to gateway `gatewayName` on the account in `region`. Only
 * stable inputs: the component name, the region key and the role (never an Output such as an id).
 */
export function roleAssignmentName(gatewayName: string, scopeKey: string, roleId: string): string {
  return uuidV5(`${gatewayName}/${scopeKey}/${roleId}`);
}

/**
 * Subscription-scoped role definition id for a built-in role, taken from any resource id in the
 * same subscription (so no `getClientConfig` invoke is needed).
 */
export function roleDefinitionIdFor(resourceId: string, roleId: string): string {
  const match = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
  if (!match) throw new Error(`roleDefinitionIdFor: "${resourceId}" is not an Azure resource id (/subscriptions/<id>/...)`);
  return `/subscriptions/${match[1]}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}
