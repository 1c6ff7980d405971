/**
 * Keyless access from the gateway to the fleet: built-in role ids and deterministic role-assignment
 * names. Role assignment names must be GUIDs, unique per scope, and stable between runs (a new name
 * means delete + create, and a second assignment of the same role to the same principal fails with
 * RoleAssignmentExists), so they are RFC 9562 version-5 UUIDs (the `uuid` package) of exactly what
 * makes an assignment unique: scope, principal and role definition. Pure: no Pulumi imports.
 */
import { v5 as uuidv5 } from "uuid";

/** Built-in "Cognitive Services OpenAI User": inference calls only, no keys, no deployment writes. */
export const COGNITIVE_SERVICES_OPENAI_USER_ROLE = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
/** Built-in "Monitoring Metrics Publisher": lets the APIM identity send telemetry to App Insights without a key. */
export const MONITORING_METRICS_PUBLISHER_ROLE = "3913510d-42f4-4e42-8a64-420c390055eb";

/** Namespace for aoai-fleet's v5 UUIDs (itself the v5 UUID of "aoai-fleet" in the URL namespace). */
export const AOAI_FLEET_NAMESPACE = "4b5b0aa6-c46f-54a9-8856-08dd7142db83";

/**
 * Name of the assignment of `roleDefinitionId` to `principalId` at `scope`. ARM ids and GUIDs are
 * case-insensitive, so they are lower-cased first: a casing difference in an id Azure returns must
 * not rename (and so replace) the assignment. A new principal (the APIM service replaced, new
 * identity) or another scope (another stack's account) gives another name, never a collision.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionId: string): string {
  for (const [what, value] of [["scope", scope], ["principalId", principalId], ["roleDefinitionId", roleDefinitionId]] as const) {
    if (value.trim() === "") throw new Error(`roleAssignmentName: ${what} is empty`);
  }
  return uuidv5([scope, principalId, roleDefinitionId].map((part) => part.toLowerCase()).join("|"), AOAI_FLEET_NAMESPACE);
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
