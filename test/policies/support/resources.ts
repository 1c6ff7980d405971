// Compliant baseline resources for the guardrail rule tests. Each spec starts from these and
// changes one field per case, so a case reads as a diff against a known-good resource.
import type { PlannedResource, RetirementLookup, Rule, RuleContext } from "../../../policies/rules";

const urn = (type: string, name: string) => `urn:pulumi:test::aoai-fleet::${type}::${name}`;

function resource(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
  return { type, name, urn: urn(type, name), inputs };
}

export function account(name = "aoai-eastus2", location = "eastus2"): PlannedResource {
  return resource("azure-native:cognitiveservices:Account", name, {
    accountName: name,
    resourceGroupName: "rg-fleet",
    kind: "OpenAI",
    location,
    sku: { name: "S0" },
    identity: { type: "SystemAssigned" },
    properties: { customSubDomainName: name, disableLocalAuth: true, publicNetworkAccess: "Disabled" },
  });
}

export function deployment(name = "chat", accountName = "aoai-eastus2"): PlannedResource {
  return resource("azure-native:cognitiveservices:Deployment", name, {
    accountName,
    resourceGroupName: "rg-fleet",
    deploymentName: name,
    sku: { name: "DataZoneStandard", capacity: 100 },
    properties: {
      model: { format: "OpenAI", name: "gpt-4o", version: "2024-11-20" },
      versionUpgradeOption: "NoAutoUpgrade",
      raiPolicyName: "Microsoft.DefaultV2",
    },
  });
}

export function backend(name: string, backendId = name): PlannedResource {
  return resource("azure-native:apimanagement:Backend", name, {
    backendId,
    serviceName: "apim-fleet",
    resourceGroupName: "rg-fleet",
    protocol: "http",
    url: `https://${backendId}.openai.azure.com/openai`,
    circuitBreaker: {
      rules: [
        {
          name: "throttled",
          failureCondition: { count: 1, interval: "PT1M", statusCodeRanges: [{ min: 429, max: 429 }] },
          tripDuration: "PT1M",
          acceptRetryAfter: true,
        },
      ],
    },
  });
}

export function pool(name = "openai-pool", members = ["eastus2", "swedencentral"]): PlannedResource {
  return resource("azure-native:apimanagement:Backend", name, {
    backendId: name,
    serviceName: "apim-fleet",
    resourceGroupName: "rg-fleet",
    type: "Pool",
    pool: {
      services: members.map((m, i) => ({
        id: `/subscriptions/0000/resourceGroups/rg-fleet/providers/Microsoft.ApiManagement/service/apim-fleet/backends/${m}`,
        priority: i + 1,
        weight: 100,
      })),
    },
  });
}

export function api(name = "openai", apiId = "openai"): PlannedResource {
  return resource("azure-native:apimanagement:Api", name, {
    apiId,
    serviceName: "apim-fleet",
    resourceGroupName: "rg-fleet",
    path: "openai",
    protocols: ["https"],
    subscriptionRequired: true,
  });
}

export const compliantPolicyXml = [
  "<policies>",
  "<inbound><base /><authentication-managed-identity resource=\"https://cognitiveservices.azure.com\" />",
  "<set-header name=\"api-key\" exists-action=\"delete\" />",
  "<set-backend-service backend-id=\"openai-pool\" /></inbound>",
  "<backend><retry condition=\"@(context.Response != null &amp;&amp; context.Response.StatusCode == 429)\" count=\"2\" interval=\"0\" first-fast-retry=\"true\">",
  "<set-backend-service backend-id=\"openai-pool\" /><forward-request buffer-request-body=\"true\" /></retry></backend>",
  "<outbound><base /></outbound><on-error><base /></on-error>",
  "</policies>",
].join("");

export function apiPolicy(name = "openai-policy", xml = compliantPolicyXml, apiId = "openai"): PlannedResource {
  return resource("azure-native:apimanagement:ApiPolicy", name, {
    apiId,
    serviceName: "apim-fleet",
    resourceGroupName: "rg-fleet",
    policyId: "policy",
    format: "rawxml",
    value: xml,
  });
}

export function namedValue(name = "tenant-id", inputs: Record<string, unknown> = {}): PlannedResource {
  return resource("azure-native:apimanagement:NamedValue", name, {
    namedValueId: name,
    displayName: name,
    serviceName: "apim-fleet",
    resourceGroupName: "rg-fleet",
    secret: false,
    value: "contoso.onmicrosoft.com",
    ...inputs,
  });
}

/** A whole compliant gateway: two member backends with breakers, a pool, an API and its policy. */
export function gateway(): PlannedResource[] {
  return [backend("eastus2"), backend("swedencentral"), pool(), api(), apiPolicy(), namedValue()];
}

/** Returns a deep copy with the input at `path` set (or removed when value is undefined). */
export function withInput(r: PlannedResource, path: string, value: unknown): PlannedResource {
  const copy = structuredClone(r);
  const keys = path.split(".");
  let target: Record<string, unknown> = copy.inputs;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== "object" || next === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

/** A fixed clock and a small retirement table, so rule tests do not depend on today's date. */
export const testNow = new Date("2026-11-23T12:00:00Z");

export const testRetirements: RetirementLookup = {
  retirementOf(model, version, sku) {
    const table: Record<string, string | null> = {
      "gpt-4o@2024-11-20": "2027-04-14",
      "gpt-4o@2024-05-13": "2026-10-01",
      "gpt-4o@2024-08-06": "2027-01-15",
      "gpt-4o@2024-08-06@Standard": "2026-03-31",
      "text-embedding-3-large@1": "2028-02-09",
      "gpt-5.6-sol@2026-07-09": null,
    };
    const key = `${model}@${version}`;
    const perSku = table[`${key}@${sku}`];
    if (perSku !== undefined) return { retiresOn: perSku };
    const value = table[key];
    return value === undefined ? undefined : { retiresOn: value };
  },
};

export const testContext: RuleContext = { now: testNow, retirements: testRetirements };

/** The messages a rule reports for these resources (options as the pack config would give them). */
export function messagesOf(rule: Rule, resources: PlannedResource[], options?: unknown, ctx = testContext): string[] {
  return rule.evaluate(resources, options, ctx).map((f) => f.message);
}
