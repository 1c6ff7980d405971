// Links between APIM resources in one stack: which policy documents belong to which API, and
// which backend a pool member id points at. Ids are matched by their trailing name segment,
// because programs pass either the plain id or the full ARM resource id.
import { policyDocumentTypes, stringAt, types } from "./inputs";
import type { PlannedResource } from "./types";
import { isType } from "./resource-kinds";

function lastSegment(id: string): string {
  const parts = id.split("/").filter((p) => p !== "");
  return (parts[parts.length - 1] ?? id).toLowerCase();
}

/** Policy documents (API and operation level) attached to an API resource. */
export function policiesOfApi(api: PlannedResource, resources: readonly PlannedResource[]): PlannedResource[] {
  const apiId = stringAt(api, "apiId");
  return resources.filter((r) => {
    if (!isType(r, types.apiPolicy) && !isType(r, types.apiOperationPolicy)) return false;
    const policyApiId = stringAt(r, "apiId");
    if (apiId !== undefined && policyApiId !== undefined) return lastSegment(policyApiId) === apiId.toLowerCase();
    return api.urn !== undefined && ((r.dependsOn ?? []).includes(api.urn) || r.parent === api.urn);
  });
}

/** All policy documents in the stack, whatever token spells their type (API-version tokens too). */
export function policyDocuments(resources: readonly PlannedResource[]): PlannedResource[] {
  return resources.filter((r) => policyDocumentTypes.some((type) => isType(r, type)));
}

/**
 * Finds the Backend resource a pool member id refers to, if it is in the stack. Built once per rule
 * run: a wide gateway has hundreds of pool members and backends (a search per member was quadratic).
 */
export function backendLookup(resources: readonly PlannedResource[]): (id: string) => PlannedResource | undefined {
  const byId = new Map<string, PlannedResource>();
  for (const r of resources) {
    if (!isType(r, types.backend)) continue;
    const id = (stringAt(r, "backendId") ?? "").toLowerCase();
    if (!byId.has(id)) byId.set(id, r);
  }
  return (id) => byId.get(lastSegment(id));
}

/** The id a policy uses to address a backend (`backend-id`), i.e. the backendId input or the logical name. */
export function backendIdOf(backend: PlannedResource): string {
  return stringAt(backend, "backendId") ?? backend.name;
}
