// Which resources the rules govern, whatever provider or API version declared them. A rule names
// the azure-native default token (`types` in inputs.ts); these helpers also match
//  - azure-native's explicit API-version tokens, `azure-native:<module>/v<date>[preview]:<Resource>`
//    (e.g. `azure-native:cognitiveservices/v20250901:Deployment`), which have the same inputs;
//  - the classic `azure` provider's Cognitive Services account and deployment
//    (`azure:cognitive/account:Account`, `azure:cognitive/deployment:Deployment`), whose inputs are
//    presented in the azure-native shape the rules read (see the mappings below).
// Every rule goes through them (defineResourceRule/defineStackRule, the CrossGuard adapter), so a
// new rule matches every token by naming the default one.
import type { PlannedResource } from "./types";

/** The azure-native default tokens the rules govern. */
export const types = {
  account: "azure-native:cognitiveservices:Account",
  deployment: "azure-native:cognitiveservices:Deployment",
  apimService: "azure-native:apimanagement:ApiManagementService",
  backend: "azure-native:apimanagement:Backend",
  api: "azure-native:apimanagement:Api",
  apiPolicy: "azure-native:apimanagement:ApiPolicy",
  apiOperationPolicy: "azure-native:apimanagement:ApiOperationPolicy",
  productPolicy: "azure-native:apimanagement:ProductPolicy",
  servicePolicy: "azure-native:apimanagement:Policy",
  namedValue: "azure-native:apimanagement:NamedValue",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
} as const;

const AZURE_NATIVE_VERSIONED = /^azure-native:([a-z0-9]+)\/v\d{8}(?:preview)?:([A-Za-z0-9]+)$/;

const CLASSIC = {
  account: "azure:cognitive/account:Account",
  deployment: "azure:cognitive/deployment:Deployment",
} as const;

/** The azure-native default token a type token stands for (unchanged when it is not a governed alias). */
export function canonicalType(type: string): string {
  const versioned = AZURE_NATIVE_VERSIONED.exec(type);
  if (versioned) return `azure-native:${versioned[1]}:${versioned[2]}`;
  if (type === CLASSIC.account) return types.account;
  if (type === CLASSIC.deployment) return types.deployment;
  return type;
}

/** True when `resource` is a `token` (an azure-native default token) under any of its spellings. */
export function isType(resource: Pick<PlannedResource, "type">, token: string): boolean {
  return canonicalType(resource.type) === token;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * An object whose properties are computed on first read. CrossGuard hands resource rules a proxy
 * that throws on reading a value unknown during preview (turned into an advisory note); mapping
 * lazily keeps a rule's verdict depending only on the inputs it reads.
 */
function lazy(fields: Record<string, () => unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, get] of Object.entries(fields)) {
    Object.defineProperty(out, key, { enumerable: true, get });
  }
  return out;
}

const lastSegment = (id: unknown): string | undefined => (typeof id === "string" && id.includes("/") ? id.split("/").filter(Boolean).at(-1) : undefined);
const flag = (enabled: unknown, on: string, off: string): string | undefined => (typeof enabled === "boolean" ? (enabled ? on : off) : undefined);

/**
 * `azure:cognitive/deployment:Deployment` (pulumi-azure v6: `cognitiveAccountId`, `name`,
 * `model {format,name,version}`, `sku {name,capacity}` — `scale {type,capacity}` before v6 —,
 * `versionUpgradeOption`, `raiPolicyName`) as azure-native Deployment inputs.
 */
function classicDeployment(inputs: Record<string, unknown>): Record<string, unknown> {
  const sku = () => record(inputs.sku) ?? record(inputs.scale);
  return lazy({
    accountName: () => lastSegment(inputs.cognitiveAccountId),
    deploymentName: () => inputs.name,
    sku: () => {
      const s = sku();
      if (s === undefined) return undefined;
      const name = s.name ?? s.type;
      return { ...(name === undefined ? {} : { name }), ...(s.capacity === undefined ? {} : { capacity: s.capacity }) };
    },
    properties: () =>
      lazy({
        model: () => inputs.model,
        versionUpgradeOption: () => inputs.versionUpgradeOption,
        raiPolicyName: () => inputs.raiPolicyName,
      }),
  });
}

/**
 * `azure:cognitive/account:Account` (`name`, `kind`, `location`, `skuName`, `identity {type}`,
 * `localAuthEnabled` and `publicNetworkAccessEnabled` — both default true —, `networkAcls
 * {defaultAction}`, `customSubdomainName`) as azure-native Account inputs. An unset flag stays
 * unset, which the rules treat like azure-native's unset (local auth on, public access on).
 */
function classicAccount(inputs: Record<string, unknown>): Record<string, unknown> {
  return lazy({
    accountName: () => inputs.name,
    kind: () => inputs.kind,
    location: () => inputs.location,
    identity: () => inputs.identity,
    sku: () => (inputs.skuName === undefined ? undefined : { name: inputs.skuName }),
    properties: () =>
      lazy({
        disableLocalAuth: () => (typeof inputs.localAuthEnabled === "boolean" ? !inputs.localAuthEnabled : undefined),
        publicNetworkAccess: () => flag(inputs.publicNetworkAccessEnabled, "Enabled", "Disabled"),
        networkAcls: () => inputs.networkAcls,
        customSubDomainName: () => inputs.customSubdomainName,
      }),
  });
}

/** The resource with its inputs in the azure-native shape; type, name, URN and links unchanged. */
export function canonicalResource(resource: PlannedResource): PlannedResource {
  if (resource.type === CLASSIC.deployment) return { ...resource, inputs: classicDeployment(resource.inputs) };
  if (resource.type === CLASSIC.account) return { ...resource, inputs: classicAccount(resource.inputs) };
  return resource;
}
