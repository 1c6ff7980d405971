// Every spelling of a governed resource gets the same verdicts: azure-native's versioned tokens and
// the classic `azure` provider's Cognitive Services account and deployment (inputs mapped to the
// azure-native shape the rules read).
import { describe, expect, it } from "vitest";
import { allRules, type PlannedResource } from "../../policies/rules";
import { aoaiAccountDisableLocalAuth } from "../../policies/rules/aoai-account-disable-local-auth";
import { aoaiAccountConfigurePublicNetwork } from "../../policies/rules/aoai-account-configure-public-network";
import { aoaiDeploymentEnforceCapacityQuota } from "../../policies/rules/aoai-deployment-enforce-capacity-quota";
import { aoaiDeploymentMissingModelVersion } from "../../policies/rules/aoai-deployment-missing-model-version";
import { canonicalResource, canonicalType, isType, types } from "../../policies/rules/resource-kinds";
import { aoaiApiEnforceAuthentication } from "../../policies/rules/aoai-api-enforce-authentication";
import { aoaiBackendEnforcePoolResilience } from "../../policies/rules/aoai-backend-enforce-pool-resilience";
import { account, api, apiPolicy, backend, compliantPolicyXml, deployment, gateway, messagesOf, pool, testContext, withInput } from "./support/resources";

const classicAccountId = "/subscriptions/0000/resourceGroups/rg-fleet/providers/Microsoft.CognitiveServices/accounts/legacy-eastus2";
const classicAccount = (inputs: Record<string, unknown> = {}): PlannedResource => ({
  type: "azure:cognitive/account:Account",
  name: "legacy-eastus2",
  urn: "urn:pulumi:test::p::azure:cognitive/account:Account::legacy-eastus2",
  inputs: { name: "legacy-eastus2", resourceGroupName: "rg-fleet", kind: "OpenAI", location: "eastus2", skuName: "S0", identity: { type: "SystemAssigned" }, localAuthEnabled: false, publicNetworkAccessEnabled: false, ...inputs },
});
const classicDeployment = (model: Record<string, unknown>, capacity = 100): PlannedResource => ({
  type: "azure:cognitive/deployment:Deployment",
  name: "legacy-chat",
  urn: "urn:pulumi:test::p::azure:cognitive/deployment:Deployment::legacy-chat",
  inputs: { name: "chat", cognitiveAccountId: classicAccountId, model, sku: { name: "DataZoneStandard", capacity }, versionUpgradeOption: "NoAutoUpgrade" },
});

describe("type tokens", () => {
  it("maps versioned azure-native and classic azure tokens to the default azure-native token", () => {
    expect(canonicalType("azure-native:cognitiveservices/v20250901:Deployment")).toBe(types.deployment);
    expect(canonicalType("azure-native:cognitiveservices/v20240401preview:Account")).toBe(types.account);
    expect(canonicalType("azure-native:apimanagement/v20240601preview:Backend")).toBe(types.backend);
    expect(canonicalType("azure:cognitive/deployment:Deployment")).toBe(types.deployment);
    expect(canonicalType("azure:cognitive/account:Account")).toBe(types.account);
    expect(canonicalType("azure-native:storage:StorageAccount")).toBe("azure-native:storage:StorageAccount");
    expect(isType({ type: "azure-native:cognitiveservices/v20250901:Deployment" }, types.account)).toBe(false);
  });

  it("presents classic inputs in the azure-native shape", () => {
    expect(JSON.parse(JSON.stringify(canonicalResource(classicDeployment({ format: "OpenAI", name: "gpt-4o", version: "2024-11-20" })).inputs))).toEqual({
      accountName: "legacy-eastus2",
      deploymentName: "chat",
      sku: { name: "DataZoneStandard", capacity: 100 },
      properties: { model: { format: "OpenAI", name: "gpt-4o", version: "2024-11-20" }, versionUpgradeOption: "NoAutoUpgrade" },
    });
    expect(JSON.parse(JSON.stringify(canonicalResource(classicAccount()).inputs))).toEqual({
      accountName: "legacy-eastus2",
      kind: "OpenAI",
      location: "eastus2",
      identity: { type: "SystemAssigned" },
      sku: { name: "S0" },
      properties: { disableLocalAuth: true, publicNetworkAccess: "Disabled" },
    });
  });
});

describe("rules over every spelling", () => {
  it("a versioned azure-native Deployment without a version is reported like the default token", () => {
    const versioned = { ...deployment("raw"), type: "azure-native:cognitiveservices/v20250901:Deployment" };
    delete (versioned.inputs.properties as { model: Record<string, unknown> }).model.version;
    expect(messagesOf(aoaiDeploymentMissingModelVersion, [versioned])).toEqual([expect.stringContaining('Deployment "raw" does not set properties.model.version')]);
  });

  it("a classic azure Deployment without a version is reported, and with one it is not", () => {
    expect(messagesOf(aoaiDeploymentMissingModelVersion, [classicDeployment({ format: "OpenAI", name: "gpt-4o" })])).toEqual([expect.stringContaining('Deployment "legacy-chat" does not set properties.model.version')]);
    expect(messagesOf(aoaiDeploymentMissingModelVersion, [classicDeployment({ format: "OpenAI", name: "gpt-4o", version: "2024-11-20" })])).toEqual([]);
  });

  it("classic accounts: local auth left on (the provider's default) and public access on are reported", () => {
    expect(messagesOf(aoaiAccountDisableLocalAuth, [classicAccount()])).toEqual([]);
    expect(messagesOf(aoaiAccountDisableLocalAuth, [classicAccount({ localAuthEnabled: undefined })])).toHaveLength(1);
    expect(messagesOf(aoaiAccountDisableLocalAuth, [classicAccount({ localAuthEnabled: true })])).toHaveLength(1);
    expect(messagesOf(aoaiAccountConfigurePublicNetwork, [classicAccount({ publicNetworkAccessEnabled: true })])).toHaveLength(1);
    const versioned = { ...account(), type: "azure-native:cognitiveservices/v20250901:Account" };
    expect(messagesOf(aoaiAccountDisableLocalAuth, [{ ...versioned, inputs: { ...versioned.inputs, properties: {} } }])).toHaveLength(1);
  });

  it("the capacity rule matches a classic deployment to its classic account through cognitiveAccountId", () => {
    const options = { quotas: [{ region: "eastus2", model: "gpt-4o", sku: "DataZoneStandard", capacity: 50 }] };
    const findings = aoaiDeploymentEnforceCapacityQuota.evaluate([classicAccount(), classicDeployment({ format: "OpenAI", name: "gpt-4o", version: "2024-11-20" }, 80)], options, testContext);
    expect(findings.map((f) => [f.resource.type, f.resource.name])).toEqual([["azure:cognitive/deployment:Deployment", "legacy-chat"]]);
    expect(findings[0]?.message).toContain("eastus2");
  });

  it("every resource rule declares default tokens only (aliases are matched by the helpers)", () => {
    for (const rule of allRules) for (const type of rule.resourceTypes) expect(canonicalType(type)).toBe(type);
  });
});

describe("gateway rules over API-version tokens", () => {
  // policyDocuments compared the raw type, so a versioned ApiPolicy routing to a pool was never
  // checked for its retry (the secret rule, which canonicalizes, did see it).
  it("the pool rule reads a versioned ApiPolicy and reports its missing retry", () => {
    const noRetry = compliantPolicyXml.replace(/<backend>.*<\/backend>/, "<backend><forward-request /></backend>");
    const versioned = { ...apiPolicy("openai-policy", noRetry), type: "azure-native:apimanagement/v20240601preview:ApiPolicy" };
    const resources = [...gateway().filter((r) => r.name !== "openai-policy"), versioned];
    expect(messagesOf(aoaiBackendEnforcePoolResilience, resources)).toEqual([
      'Policy document "openai-policy" sends requests to backend pool "openai-pool" (2 backends) without a retry around forward-request, so a throttled member\'s 429 reaches the caller; wrap forward-request in <retry> (with buffer-request-body="true").',
    ]);
  });

  it("the pool rule checks breakers of versioned Backends and the tier of a versioned service", () => {
    const member = { ...withInput(backend("swedencentral"), "circuitBreaker", undefined), type: "azure-native:apimanagement/v20240501:Backend" };
    expect(messagesOf(aoaiBackendEnforcePoolResilience, [backend("eastus2"), member, pool(), apiPolicy()])).toEqual([
      'Backend "swedencentral" is a member of pool "openai-pool" (2 backends) but has no circuit breaker, so the pool never fails over away from it; add a circuitBreaker rule (for example 429 and 5xx with acceptRetryAfter: true).',
    ]);
    const consumption = { type: "azure-native:apimanagement/v20240501:ApiManagementService", name: "apim", urn: "urn:apim", inputs: { serviceName: "apim-fleet", sku: { name: "Consumption", capacity: 0 } } };
    expect(messagesOf(aoaiBackendEnforcePoolResilience, [...gateway(), consumption])).toHaveLength(1);
  });

  it("the authentication rule credits a versioned ApiPolicy's token check to its API", () => {
    const jwt = compliantPolicyXml.replace("<inbound><base />", '<inbound><base /><validate-jwt header-name="Authorization" />');
    const anonymousApi = { ...withInput(api(), "subscriptionRequired", false), type: "azure-native:apimanagement/v20240601preview:Api" };
    const versioned = { ...apiPolicy("openai-policy", jwt), type: "azure-native:apimanagement/v20240601preview:ApiPolicy" };
    expect(messagesOf(aoaiApiEnforceAuthentication, [anonymousApi, versioned])).toEqual([]);
    expect(messagesOf(aoaiApiEnforceAuthentication, [anonymousApi])).toHaveLength(1);
  });
});
