// Typed readers over raw resource inputs. Inputs come from arbitrary programs (ours or
// hand-written azure-native code), so every reader tolerates missing or oddly typed values.
import { isType, types } from "./resource-kinds";
import type { PlannedResource } from "./types";

export { types } from "./resource-kinds";

/** Resource types whose `value` input is an APIM policy document. */
export const policyDocumentTypes: readonly string[] = [
  types.apiPolicy,
  types.apiOperationPolicy,
  types.productPolicy,
  types.servicePolicy,
];

/** A plain object (not null, not an array): what a nested input must be to read a key from it. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a nested input by path; undefined when any step is missing. */
export function inputAt(resource: PlannedResource, ...path: string[]): unknown {
  let current: unknown = resource.inputs;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringAt(resource: PlannedResource, ...path: string[]): string | undefined {
  const value = inputAt(resource, ...path);
  return typeof value === "string" ? value : undefined;
}

export function numberAt(resource: PlannedResource, ...path: string[]): number | undefined {
  const value = inputAt(resource, ...path);
  return typeof value === "number" ? value : undefined;
}

export function arrayAt(resource: PlannedResource, ...path: string[]): unknown[] {
  const value = inputAt(resource, ...path);
  return Array.isArray(value) ? value : [];
}

/** The fields of a Cognitive Services deployment the rules reason about. */
export interface DeploymentFacts {
  model: string | undefined;
  version: unknown;
  skuName: string | undefined;
  capacity: number | undefined;
  upgradeOption: unknown;
}

export function deploymentFacts(resource: PlannedResource): DeploymentFacts {
  return {
    model: stringAt(resource, "properties", "model", "name"),
    version: inputAt(resource, "properties", "model", "version"),
    skuName: stringAt(resource, "sku", "name"),
    capacity: numberAt(resource, "sku", "capacity"),
    upgradeOption: inputAt(resource, "properties", "versionUpgradeOption"),
  };
}

/** Azure spells regions many ways ("East US 2", "eastus2"); compare the ARM short form. */
export function normalizeRegion(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** A stack's accounts and its resources by URN, built once per resources array (rules never change it). */
interface StackIndex {
  readonly accounts: readonly PlannedResource[];
  readonly byUrn: ReadonlyMap<string, PlannedResource>;
}

// A rule asks for the account of every deployment: scanning the whole stack each time was quadratic
// (200 deployments × 793 resources in the benchmark plan).
const indexes = new WeakMap<readonly PlannedResource[], StackIndex>();

function stackIndex(resources: readonly PlannedResource[]): StackIndex {
  let index = indexes.get(resources);
  if (index === undefined) {
    index = {
      accounts: resources.filter((r) => isType(r, types.account)),
      byUrn: new Map(resources.filter((r) => r.urn !== undefined).map((r) => [r.urn as string, r])),
    };
    indexes.set(resources, index);
  }
  return index;
}

/**
 * The account a deployment belongs to: matched by account name; when the name is an unknown
 * output (a preview of a new account), by following dependsOn links (deployments on one account
 * are chained, the first one depends on the account), then by a single account sharing its parent.
 */
export function accountOf(
  deployment: PlannedResource,
  resources: readonly PlannedResource[],
): PlannedResource | undefined {
  const { accounts, byUrn } = stackIndex(resources);
  const accountName = stringAt(deployment, "accountName");
  if (accountName !== undefined) {
    const byName = accounts.find((a) => stringAt(a, "accountName") === accountName);
    if (byName) return byName;
  }
  const seen = new Set<string>();
  const queue = [...(deployment.dependsOn ?? [])];
  while (queue.length > 0) {
    const urn = queue.shift() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const linked = byUrn.get(urn);
    if (linked !== undefined && isType(linked, types.account)) return linked;
    if (linked !== undefined && isType(linked, types.deployment)) queue.push(...(linked.dependsOn ?? []));
  }
  const siblings = accounts.filter((a) => deployment.parent !== undefined && a.parent === deployment.parent);
  return siblings.length === 1 ? siblings[0] : undefined;
}

/** The region of a deployment's account, normalized, when it can be resolved. */
export function regionOf(deployment: PlannedResource, resources: readonly PlannedResource[]): string | undefined {
  const account = accountOf(deployment, resources);
  const location = account ? stringAt(account, "location") : undefined;
  return location === undefined ? undefined : normalizeRegion(location);
}

/** Formats a list for messages: `a, b and c`. */
export function listOf(values: readonly string[], conjunction = "or"): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} ${conjunction} ${values[values.length - 1]}`;
}
