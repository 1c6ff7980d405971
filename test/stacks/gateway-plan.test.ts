import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { roleAssignmentName } from "../../components/gateway/identity";
import { runOfflinePlan, runOfflineProgram, type OfflinePlan } from "../../cli/plan/runner";
import { readStackConfigFile } from "../../cli/plan/stack-config";
import stackProgram from "../../stacks/index";
import { TODAY_ENV } from "../../stacks/program";
import type { PlannedResource } from "../../cli/plan/capture";
import { parsePolicy } from "../../gateway-policy";
import { ofType, TODAY } from "../support/plan";

const APIM = "azure-native:apimanagement";
const OFFLINE_SUB = "/subscriptions/00000000-0000-0000-0000-000000000000";
const OPENAI_USER = `${OFFLINE_SUB}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd`;
const BREAKER = {
  rules: [
    {
      name: "aoai-throttling-and-errors",
      failureCondition: { count: 1, interval: "PT1M", statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 500, max: 599 }], errorReasons: ["BackendConnectionFailure"] },
      tripDuration: "PT1M",
      acceptRetryAfter: true,
    },
  ],
};

/** Resource counts of the gateway's part of a plan (the fleet's part is tested by the foundation). */
function gatewayCounts(plan: OfflinePlan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of plan.resources.filter((r) => r.urn.includes("aoai-fleet:gateway:AiGateway"))) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

/** Deployment-path Singles (the Responses API's account twins, `…-resp`, are checked on their own). */
const singles = (plan: OfflinePlan) => ofType(plan, `${APIM}:Backend`).filter((b) => b.inputs.type === "Single" && !String(b.inputs.backendId).endsWith("-resp"));
const twins = (plan: OfflinePlan) => ofType(plan, `${APIM}:Backend`).filter((b) => b.inputs.type === "Single" && String(b.inputs.backendId).endsWith("-resp"));
const pools = (plan: OfflinePlan) => ofType(plan, `${APIM}:Backend`).filter((b) => b.inputs.type === "Pool");
/** `[member backend id, priority, weight]` per pool, pool ids as keys. */
function poolMembers(plan: OfflinePlan): Record<string, [string, number, number][]> {
  const out: Record<string, [string, number, number][]> = {};
  for (const pool of pools(plan)) {
    const services = (pool.inputs.pool as { services: { id: string; priority: number; weight: number }[] }).services;
    out[pool.inputs.backendId as string] = services.map((s) => [s.id.replace(/^.*\/backends\//, ""), s.priority, s.weight]);
  }
  return out;
}

/** Every string and key anywhere in a resource's inputs, with its path. */
function leaves(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, `${path}[${index}]`));
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => [[`${path}.${key}`, key] as [string, string], ...leaves(item, `${path}.${key}`)]);
  return [];
}

describe("prod gateway plan", () => {
  let prod: OfflinePlan;
  beforeAll(async () => {
    prod = await runOfflinePlan("prod", { today: TODAY });
  });

  it("declares exactly the gateway resources", async () => {
    const plan = prod;
    expect(gatewayCounts(plan)).toEqual({
      "aoai-fleet:gateway:AiGateway": 1,
      [`${APIM}:ApiManagementService`]: 1,
      "azure-native:authorization:RoleAssignment": 4,
      // 11 deployment Singles + 4 pools; for the Responses API the 8 account twins of the chat-style
      // deployments (the 3 embeddings Singles have none: an embeddings route never forwards a Responses
      // call), 2 twin pools (chat-canary, chat-mini-stable; none for embeddings-stable) and 2 per-name
      // groups of chat-stable (chat, chat-std);
      // the routing defaults' twin pools: chat's spill pool and 11 avoid twins (one per member with tier peers).
      [`${APIM}:Backend`]: 11 + 4 + 8 + 2 + 2 + 1 + 11,
      [`${APIM}:NamedValue`]: 1,
      [`${APIM}:Api`]: 1,
      [`${APIM}:ApiOperation`]: 22,
      "azure-native:operationalinsights:Workspace": 1,
      "azure-native:applicationinsights:Component": 1,
      // Application Insights' logger, and APIM's azuremonitor logger for the resource logs.
      [`${APIM}:Logger`]: 2,
      [`${APIM}:ApiDiagnostic`]: 1,
      [`${APIM}:ApiPolicy`]: 1,
      // Resource logs (appInsights.resourceLogs, default on): the service's diagnostic setting and the
      // API's azuremonitor diagnostic (a generic resource: azure-native's type has no LLM-log block).
      "azure-native:monitor:DiagnosticSetting": 1,
      "azure-native:resources:Resource": 1,
    });
    // prod protects everything, the gateway included.
    for (const resource of plan.resources.filter((r) => r.urn.includes("AiGateway$"))) expect(resource.protect, resource.name).toBe(true);
  });

  it("runs a StandardV2 service with a system-assigned identity", async () => {
    const plan = prod;
    const [service] = ofType(plan, `${APIM}:ApiManagementService`);
    expect(service?.name).toBe("contoso-ai-gateway");
    expect(service?.inputs).toMatchObject({
      sku: { name: "StandardV2", capacity: 1 },
      identity: { type: "SystemAssigned" },
      publisherName: "Contoso AI Platform",
      publisherEmail: "ai-platform@contoso.com",
      location: "eastus2",
      resourceGroupName: "rg-contoso-ai-prod",
    });
  });

  it("uses the configured service name when one is given", async () => {
    const gateway = { ...(prod.config["aoai-fleet:gateway"] as Record<string, unknown>), serviceName: "contoso-ai-gw" };
    const named = await runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:gateway": gateway } });
    expect(ofType(named, `${APIM}:ApiManagementService`)[0]?.inputs.serviceName).toBe("contoso-ai-gw");
    expect(ofType(named, `${APIM}:Api`)[0]?.inputs.serviceName).toBe("contoso-ai-gw");
    expect(ofType(prod, `${APIM}:ApiManagementService`)[0]?.inputs).not.toHaveProperty("serviceName");
  });

  it("has one Single backend per deployment × region, at its own deployment, with the breaker", async () => {
    const plan = prod;
    const expected = plan.outputs.backends.map((b) => ({
      backendId: `${b.name}-${b.region}`,
      url: `${b.endpoint}openai/deployments/${b.name}`,
    }));
    expect(singles(plan).map((b) => ({ backendId: b.inputs.backendId, url: b.inputs.url }))).toEqual(expected);
    // The Responses API's account twins, one per chat-style deployment × region (none for embeddings):
    // the account URL, the same breaker.
    expect(twins(plan).map((b) => ({ backendId: b.inputs.backendId, url: b.inputs.url }))).toEqual(
      plan.outputs.backends.filter((b) => b.name !== "embeddings").map((b) => ({ backendId: `${b.name}-${b.region}-resp`, url: `${b.endpoint}openai` })),
    );
    for (const backend of [...singles(plan), ...twins(plan)]) {
      expect(backend.inputs.protocol).toBe("http");
      expect(backend.inputs.circuitBreaker).toEqual(BREAKER);
      expect(backend.inputs).not.toHaveProperty("credentials");
    }
  });

  it("pools members with priorities by tier and weights from capacity", async () => {
    const plan = prod;
    // chat: PTU 50 (eastus2) + 25 (eastus) → 67/33 at priority 1; chat-std 200 × 3 → 34/33/33 at priority 2.
    const members = poolMembers(plan);
    const routingTwins = Object.keys(members).filter((id) => /-stable-(avoid-.+|spill)$/.test(id));
    expect(Object.fromEntries(Object.entries(members).filter(([id]) => !routingTwins.includes(id)))).toEqual({
      "chat-stable": [
        ["chat-eastus", 1, 33],
        ["chat-eastus2", 1, 67],
        ["chat-std-eastus", 2, 34],
        ["chat-std-eastus2", 2, 33],
        ["chat-std-westus3", 2, 33],
      ],
      "chat-canary": [
        ["chat-mini-eastus", 1, 34],
        ["chat-mini-eastus2", 1, 33],
        ["chat-mini-westus3", 1, 33],
      ],
      "chat-mini-stable": [
        ["chat-mini-eastus", 1, 34],
        ["chat-mini-eastus2", 1, 33],
        ["chat-mini-westus3", 1, 33],
      ],
      "embeddings-stable": [
        ["embeddings-eastus", 1, 34],
        ["embeddings-eastus2", 1, 33],
        ["embeddings-westus3", 1, 33],
      ],
      // Twins of the single-named pools; chat-stable mixes chat and chat-std: one twin pool per name,
      // members keeping their tier and weight (Responses creates try chat, then chat-std).
      "chat-stable-chat-resp": [
        ["chat-eastus-resp", 1, 33],
        ["chat-eastus2-resp", 1, 67],
      ],
      "chat-stable-chat-std-resp": [
        ["chat-std-eastus-resp", 2, 34],
        ["chat-std-eastus2-resp", 2, 33],
        ["chat-std-westus3-resp", 2, 33],
      ],
      "chat-canary-resp": [
        ["chat-mini-eastus-resp", 1, 34],
        ["chat-mini-eastus2-resp", 1, 33],
        ["chat-mini-westus3-resp", 1, 33],
      ],
      "chat-mini-stable-resp": [
        ["chat-mini-eastus-resp", 1, 34],
        ["chat-mini-eastus2-resp", 1, 33],
        ["chat-mini-westus3-resp", 1, 33],
      ],
      // embeddings-stable has no twin pool: the embeddings route answers Responses creates with 400.
    });
    // The routing defaults' twins (routes.<r>.routing): chat's spill pool (its first two tiers swapped)
    // and one avoid twin per member that has tier peers, that member right after them.
    expect(routingTwins).toEqual([
      "chat-stable-spill",
      "chat-stable-avoid-chat-eastus",
      "chat-stable-avoid-chat-eastus2",
      "chat-stable-avoid-chat-std-eastus",
      "chat-stable-avoid-chat-std-eastus2",
      "chat-stable-avoid-chat-std-westus3",
      "chat-mini-stable-avoid-chat-mini-eastus",
      "chat-mini-stable-avoid-chat-mini-eastus2",
      "chat-mini-stable-avoid-chat-mini-westus3",
      "embeddings-stable-avoid-embeddings-eastus",
      "embeddings-stable-avoid-embeddings-eastus2",
      "embeddings-stable-avoid-embeddings-westus3",
    ]);
    expect(members["chat-stable-spill"]).toEqual([
      ["chat-std-eastus", 1, 34],
      ["chat-std-eastus2", 1, 33],
      ["chat-std-westus3", 1, 33],
      ["chat-eastus", 2, 33],
      ["chat-eastus2", 2, 67],
    ]);
    expect(members["chat-stable-avoid-chat-std-eastus"]).toEqual([
      ["chat-eastus", 1, 33],
      ["chat-eastus2", 1, 67],
      ["chat-std-eastus2", 3, 50],
      ["chat-std-westus3", 3, 50],
      ["chat-std-eastus", 4, 100],
    ]);
    for (const pool of pools(plan)) {
      expect(pool.inputs).not.toHaveProperty("url");
      expect(pool.inputs).not.toHaveProperty("protocol");
      for (const service of (pool.inputs.pool as { services: { id: string }[] }).services) {
        expect(service.id).toMatch(new RegExp(`^${OFFLINE_SUB}/resourceGroups/rg-contoso-ai-prod/providers/Microsoft.ApiManagement/service/contoso-ai-gateway/backends/`));
      }
    }
  });

  it("weights follow a skewed capacity split exactly", async () => {
    const plan = prod;
    const fleet = plan.config["aoai-fleet:fleet"] as { deployments: Record<string, Record<string, unknown>> };
    const skewed = { ...fleet, deployments: { ...fleet.deployments, "chat-std": { ...fleet.deployments["chat-std"], capacity: { eastus2: 300, eastus: 100, westus3: 50 } } } };
    const replanned = await runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:fleet": skewed } });
    expect(poolMembers(replanned)["chat-stable"]?.filter(([id]) => id.startsWith("chat-std"))).toEqual([
      ["chat-std-eastus", 2, 22],
      ["chat-std-eastus2", 2, 67],
      ["chat-std-westus3", 2, 11],
    ]);
  });

  it("grants Cognitive Services OpenAI User to the gateway identity on every account, with stable names", async () => {
    const plan = prod;
    const accounts = ofType(plan, "azure-native:cognitiveservices:Account").map((a) => `${OFFLINE_SUB}/resourceGroups/rg-contoso-ai-prod/providers/Microsoft.CognitiveServices/accounts/${a.inputs.accountName as string}`);
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs.roleDefinitionId === OPENAI_USER);
    expect(grants.map((g) => g.inputs.scope)).toEqual(accounts);
    const principals = new Set(grants.map((g) => g.inputs.principalId));
    expect(principals.size).toBe(1);
    expect([...principals][0]).toMatch(/^[0-9a-f-]{36}$/);
    for (const grant of grants) expect(grant.inputs.principalType).toBe("ServicePrincipal");
    const again = await runOfflinePlan("prod", { today: TODAY });
    const names = (p: OfflinePlan) => ofType(p, "azure-native:authorization:RoleAssignment").map((r) => r.inputs.roleAssignmentName);
    expect(names(again)).toEqual(names(plan));
    expect(new Set(names(plan)).size).toBe(4);
    // Each name is the v5 UUID of the assignment's own scope, principal and role definition.
    for (const grant of ofType(plan, "azure-native:authorization:RoleAssignment")) {
      expect(grant.inputs.roleAssignmentName).toBe(roleAssignmentName(grant.inputs.scope as string, grant.inputs.principalId as string, grant.inputs.roleDefinitionId as string));
    }
  });

  it("exposes /openai with Entra auth and attaches the generated API policy as xml", async () => {
    const plan = prod;
    const [api] = ofType(plan, `${APIM}:Api`);
    expect(api?.inputs).toMatchObject({ apiId: "openai", path: "openai", protocols: ["https"], subscriptionRequired: false });
    expect(ofType(plan, `${APIM}:ApiOperation`).map((o) => `${o.inputs.method as string} ${o.inputs.urlTemplate as string}`)).toEqual([
      "POST /deployments/{deployment-id}/chat/completions",
      "POST /deployments/{deployment-id}/completions",
      "POST /deployments/{deployment-id}/embeddings",
      "POST /deployments/{deployment-id}/images/generations",
      "POST /deployments/{deployment-id}/images/edits",
      "POST /deployments/{deployment-id}/audio/transcriptions",
      "POST /deployments/{deployment-id}/audio/translations",
      "POST /deployments/{deployment-id}/audio/speech",
      "POST /v1/chat/completions",
      "POST /v1/completions",
      "POST /v1/embeddings",
      "POST /v1/responses",
      "GET /v1/responses/{response-id}",
      "DELETE /v1/responses/{response-id}",
      "GET /v1/responses/{response-id}/input_items",
      "POST /v1/responses/{response-id}/cancel",
      "POST /responses",
      "GET /responses/{response-id}",
      "DELETE /responses/{response-id}",
      "GET /responses/{response-id}/input_items",
      "POST /responses/{response-id}/cancel",
      "GET /v1/models",
    ]);
    expect(ofType(plan, `${APIM}:ApiOperation`)[0]?.inputs).toEqual({
      resourceGroupName: "rg-contoso-ai-prod",
      serviceName: "contoso-ai-gateway",
      apiId: "openai",
      operationId: "chat-completions",
      displayName: "Chat completions",
      method: "POST",
      urlTemplate: "/deployments/{deployment-id}/chat/completions",
      templateParameters: [{ name: "deployment-id", type: "string", required: true }],
      request: {
        queryParameters: [{ name: "api-version", type: "string", required: false, description: "Azure OpenAI api-version, passed through to the backend (default 2024-10-21 when absent)" }],
      },
    });
    const [policy] = ofType(plan, `${APIM}:ApiPolicy`);
    expect(policy?.inputs.format).toBe("xml");
    const document = parsePolicy(policy?.inputs.value as string);
    const inbound = document.inbound.map((statement) => statement.kind);
    // Edge, surface (operation → surface, api-version default), route (path or body model), managed
    // identity, Responses (affinity or account twin), metrics, backend (owner / rewrite + pool / twin pool).
    expect(inbound).toEqual([
      "base",
      "validate-jwt",
      "set-variable",
      "choose",
      "choose",
      // Route selection (404 for unknown routes) comes before the token limit, so a 404 consumes nothing.
      "choose",
      "azure-openai-token-limit",
      // Steering headers: counted when sent (nobody may steer in prod), then deleted.
      "choose",
      "choose",
      "choose",
      "set-header",
      "set-header",
      "set-header",
      // Credentials: the managed identity's token in, the caller's keys (header and query) out.
      "authentication-managed-identity",
      "set-header",
      "set-header",
      "set-header",
      "set-query-parameter",
      "set-query-parameter",
      "set-header",
      // Responses: affinity to a stored response, or the pool's account twin.
      "choose",
      // Routing (routes.<r>.routing): large prompts spill first, then a slow member is avoided.
      "choose",
      "choose",
      "azure-openai-emit-token-metric",
      "choose",
    ]);
    // The policy waits for what it references: pools, named values, role assignments, the diagnostic.
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r] as [string, PlannedResource]));
    const dependsOnTypes = (policy?.dependsOn ?? []).map((urn) => byUrn.get(urn)?.type);
    // 4 pools, the 2 account twins of the single-named chat-style ones (embeddings-stable has none) and
    // the 2 per-name groups of chat-stable (the Responses API), and the routing defaults' 12 twin pools
    // (a spill pool and 11 avoid twins).
    expect(dependsOnTypes.filter((t) => t === `${APIM}:Backend`)).toHaveLength(4 + 2 + 2 + 12);
    expect(dependsOnTypes).toContain(`${APIM}:NamedValue`);
    expect(dependsOnTypes).toContain(`${APIM}:ApiDiagnostic`);
    expect(dependsOnTypes.filter((t) => t === "azure-native:authorization:RoleAssignment")).toHaveLength(3);
  });

  it("keeps the canary percent in a plain named value and logs to App Insights without a key", async () => {
    const plan = prod;
    expect(ofType(plan, `${APIM}:NamedValue`).map((n) => n.inputs)).toEqual([
      { namedValueId: "chat-canary-percent", displayName: "chat-canary-percent", value: "5", secret: false, tags: ["aoai-fleet"], resourceGroupName: "rg-contoso-ai-prod", serviceName: "contoso-ai-gateway" },
    ]);
    const [insights] = ofType(plan, "azure-native:applicationinsights:Component");
    expect(insights?.inputs.disableLocalAuth).toBe(true);
    const [diagnostic] = ofType(plan, `${APIM}:ApiDiagnostic`);
    expect(diagnostic?.inputs).toMatchObject({ apiId: "openai", metrics: true, sampling: { samplingType: "fixed", percentage: 25 } });
    const publisher = ofType(plan, "azure-native:authorization:RoleAssignment").find((r) => r.name.endsWith("-metrics-publisher"));
    expect(publisher?.inputs.roleDefinitionId).toBe(`${OFFLINE_SUB}/providers/Microsoft.Authorization/roleDefinitions/3913510d-42f4-4e42-8a64-420c390055eb`);
  });

  it("sends gateway and LLM resource logs to the workspace, resource-specific, every request, no message text", async () => {
    const plan = prod;
    const [setting] = ofType(plan, "azure-native:monitor:DiagnosticSetting");
    const [workspace] = ofType(plan, "azure-native:operationalinsights:Workspace");
    expect(setting?.inputs).toEqual({
      name: "aoai-fleet-gateway-logs",
      resourceUri: `${OFFLINE_SUB}/resourceGroups/rg-contoso-ai-prod/providers/Microsoft.ApiManagement/service/contoso-ai-gateway`,
      workspaceId: `${workspace?.name}-id`,
      logAnalyticsDestinationType: "Dedicated",
      logs: [
        { category: "GatewayLogs", enabled: true },
        { category: "GatewayLlmLogs", enabled: true },
      ],
    });
    const logger = ofType(plan, `${APIM}:Logger`).find((l) => l.inputs.loggerId === "azuremonitor");
    expect(logger?.inputs).toEqual({ resourceGroupName: "rg-contoso-ai-prod", serviceName: "contoso-ai-gateway", loggerId: "azuremonitor", loggerType: "azureMonitor", isBuffered: true });
    const [diagnostic] = ofType(plan, "azure-native:resources:Resource");
    expect(diagnostic?.inputs).toEqual({
      resourceGroupName: "rg-contoso-ai-prod",
      resourceProviderNamespace: "Microsoft.ApiManagement",
      parentResourcePath: "service/contoso-ai-gateway/apis/openai",
      resourceType: "diagnostics",
      resourceName: "azuremonitor",
      apiVersion: "2024-10-01-preview",
      properties: {
        loggerId: `${logger?.name}-id`,
        alwaysLog: "allErrors",
        // information: the canary split's trace record (severity information) reaches TraceRecords.
        verbosity: "information",
        logClientIp: false,
        sampling: { samplingType: "fixed", percentage: 100 },
        largeLanguageModel: { logs: "enabled" },
      },
    });
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r.type]));
    expect(diagnostic?.dependsOn.map((urn) => byUrn.get(urn)).sort()).toEqual([`${APIM}:Api`, "azure-native:monitor:DiagnosticSetting"]);
  });

  it("leaves the resource logs out with appInsights.resourceLogs: false, App Insights kept", async () => {
    const config = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
    const gateway = config["aoai-fleet:gateway"] as Record<string, unknown>;
    const plan = await runOfflinePlan("prod", { today: TODAY, configOverride: { "aoai-fleet:gateway": { ...gateway, appInsights: { samplingPercentage: 25, resourceLogs: false } } } });
    const counts = gatewayCounts(plan);
    expect([counts["azure-native:monitor:DiagnosticSetting"], counts["azure-native:resources:Resource"], counts[`${APIM}:Logger`], counts[`${APIM}:ApiDiagnostic`]]).toEqual([undefined, undefined, 1, 1]);
  });

  it("carries no account key anywhere: no key-bearing inputs, no credentials, no secret named values", async () => {
    const plan = prod;
    const gatewayAndFleet = plan.resources.filter((r) => r.type.startsWith("azure-native:"));
    for (const resource of gatewayAndFleet) {
      for (const [path, text] of leaves(resource.inputs)) {
        // Allowed: the account's disableLocalAuth flag; anything else naming a key or secret fails.
        if (path.endsWith(".disableLocalAuth")) continue;
        expect(`${resource.name}${path}: ${text}`).not.toMatch(/\b(key1|key2|listKeys|accountKey|primaryKey|secondaryKey|instrumentationKey)\b/i);
      }
    }
    for (const backend of ofType(plan, `${APIM}:Backend`)) expect(backend.inputs.credentials).toBeUndefined();
    for (const value of ofType(plan, `${APIM}:NamedValue`)) expect(value.inputs.secret).toBe(false);
    const [policy] = ofType(plan, `${APIM}:ApiPolicy`);
    // The only api-key handling in the policy deletes the caller's header and query parameter before forwarding.
    expect((policy?.inputs.value as string).match(/api-key/g)).toEqual(["api-key", "api-key"]);
    expect(policy?.inputs.value as string).toContain('<set-header name="api-key" exists-action="delete"/>');
    expect(policy?.inputs.value as string).toContain('<set-query-parameter name="api-key" exists-action="delete"/>');
  });
});

describe("prod stack outputs", () => {
  it("export the gateway URL and routes, and no key", async () => {
    process.env[TODAY_ENV] = "2026-11-23";
    const config = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"));
    const run = await runOfflineProgram("prod", async () => (await stackProgram()) as unknown as Record<string, unknown>, config);
    delete process.env[TODAY_ENV];
    expect(run.outputs.gateway).toEqual({
      gatewayUrl: "https://contoso-ai-gateway.azure-api.net",
      routes: ["chat", "chat-mini", "embeddings"],
      appInsightsId: "contoso-ai-gateway-insights-id",
      // The mocks' customer id for the workspace: a GUID derived from stack and resource name.
      logWorkspaceId: "c77952b1-8478-e932-cc85-519f4b744283",
    });
    expect(JSON.stringify(run.outputs)).not.toMatch(/key1|key2|listKeys|accountKey|primaryKey|secondaryKey|instrumentationKey/i);
  });
});

describe("gateway warnings against the fleet", () => {
  it("warns, and plans, when a route mixes a reasoning model with a chat model; the shipped dev stack mixes none", async () => {
    const dev = readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.dev.yaml"));
    const fleet = dev["aoai-fleet:fleet"] as { deployments: Record<string, unknown> };
    const gateway = dev["aoai-fleet:gateway"] as { routes: Record<string, { backends: unknown[] }> };
    const think = { model: "gpt-5-mini", version: "2025-08-07", sku: "GlobalStandard", capacity: 20, upgrade: "OnceCurrentVersionExpired" };
    const mixed = await runOfflinePlan("dev", {
      today: TODAY,
      configOverride: {
        "aoai-fleet:fleet": { ...fleet, deployments: { ...fleet.deployments, think } },
        "aoai-fleet:gateway": { ...gateway, routes: { ...gateway.routes, chat: { ...gateway.routes.chat, backends: [...(gateway.routes.chat?.backends ?? []), { deployment: "think" }] } } },
      },
    });
    expect(mixed.warnings.filter((w) => w.path.startsWith("aoai-fleet:gateway"))).toEqual([
      {
        path: "aoai-fleet:gateway.routes.chat.backends.1.deployment",
        message:
          'deployment "think" is a reasoning model (gpt-5-mini) in a route whose first backend "chat" is a chat model (gpt-4.1-mini); reasoning models refuse what chat models take (max_tokens: 400 unsupported_parameter, "use max_completion_tokens"; a temperature other than the default), so a request written for one kind fails wherever the route sends it to the other: clients of this route must send only what both accept (max_completion_tokens, the default temperature), or give each kind its own route',
      },
    ]);
    const shipped = await runOfflinePlan("dev", { today: TODAY });
    expect(shipped.warnings.filter((w) => w.path.startsWith("aoai-fleet:gateway"))).toEqual([]);
  });
});

describe("dev gateway plan", () => {
  it("is a Developer gateway with subscription keys, weighted chat and embeddings routes and no telemetry", async () => {
    const plan = await runOfflinePlan("dev", { today: TODAY });
    expect(gatewayCounts(plan)).toEqual({
      "aoai-fleet:gateway:AiGateway": 1,
      [`${APIM}:ApiManagementService`]: 1,
      "azure-native:authorization:RoleAssignment": 2,
      // 4 deployment Singles + 2 pools, and chat's 2 account twins + 1 twin pool (Responses API; the
      // embeddings deployments and route get none, their Responses creates are answered 400)…
      // …and an avoid twin per member of chat's and embeddings' two-region pools (routing.avoidSlow).
      [`${APIM}:Backend`]: 4 + 2 + 2 + 1 + 4,
      [`${APIM}:Api`]: 1,
      [`${APIM}:ApiOperation`]: 22,
      [`${APIM}:ApiPolicy`]: 1,
      [`${APIM}:Product`]: 1,
      [`${APIM}:ProductApi`]: 1,
      [`${APIM}:Subscription`]: 1,
      "random:index/randomPassword:RandomPassword": 1,
    });
    const [service] = ofType(plan, `${APIM}:ApiManagementService`);
    expect(service?.inputs).toMatchObject({ sku: { name: "Developer", capacity: 1 }, identity: { type: "SystemAssigned" } });
    const [api] = ofType(plan, `${APIM}:Api`);
    expect(api?.inputs).toMatchObject({ subscriptionRequired: true, subscriptionKeyParameterNames: { header: "api-key", query: "api-key" } });
    expect(poolMembers(plan)).toEqual({
      "chat-stable": [["chat-eastus2", 1, 50], ["chat-swedencentral", 1, 50]],
      "embeddings-stable": [["embeddings-eastus2", 1, 50], ["embeddings-swedencentral", 1, 50]],
      "chat-stable-resp": [["chat-eastus2-resp", 1, 50], ["chat-swedencentral-resp", 1, 50]],
      // routing.avoidSlow: each region behind the other while it is slow.
      "chat-stable-avoid-chat-eastus2": [["chat-swedencentral", 1, 100], ["chat-eastus2", 2, 100]],
      "chat-stable-avoid-chat-swedencentral": [["chat-eastus2", 1, 100], ["chat-swedencentral", 2, 100]],
      "embeddings-stable-avoid-embeddings-eastus2": [["embeddings-swedencentral", 1, 100], ["embeddings-eastus2", 2, 100]],
      "embeddings-stable-avoid-embeddings-swedencentral": [["embeddings-eastus2", 1, 100], ["embeddings-swedencentral", 2, 100]],
    });
    expect(singles(plan).map((b) => b.inputs.backendId)).toEqual(["chat-eastus2", "embeddings-eastus2", "chat-swedencentral", "embeddings-swedencentral"]);
    for (const resource of plan.resources.filter((r) => r.urn.includes("AiGateway$"))) expect(resource.protect, resource.name).toBe(false);
  });

  it("publishes the API in a product with one subscription whose key is a secret stack output", async () => {
    const plan = await runOfflinePlan("dev", { today: TODAY });
    const [product] = ofType(plan, `${APIM}:Product`);
    expect(product?.inputs).toMatchObject({ productId: "aoai-fleet", subscriptionRequired: true, approvalRequired: false, state: "published" });
    expect(ofType(plan, `${APIM}:ProductApi`)[0]?.inputs).toMatchObject({ productId: "aoai-fleet", apiId: "openai" });
    const [password] = ofType(plan, "random:index/randomPassword:RandomPassword");
    expect(password?.inputs).toMatchObject({ length: 32, special: false });
    const [subscription] = ofType(plan, `${APIM}:Subscription`);
    expect(subscription?.inputs).toMatchObject({ sid: "aoai-fleet", scope: "/products/aoai-fleet", state: "active" });
    expect(subscription?.inputs.primaryKey).toMatch(/^offline[a-z0-9]{25}$/);
    expect(subscription?.dependsOn).toEqual([ofType(plan, `${APIM}:ProductApi`)[0]?.urn]);

    process.env[TODAY_ENV] = "2026-11-23";
    let secret: Promise<boolean> | undefined;
    const run = await runOfflineProgram(
      "dev",
      async () => {
        const outputs = (await stackProgram()) as unknown as { gateway: { subscriptionKey: pulumi.Output<string> } };
        secret = pulumi.isSecret(outputs.gateway.subscriptionKey);
        return outputs as unknown as Record<string, unknown>;
      },
      readStackConfigFile(path.join(__dirname, "..", "..", "Pulumi.dev.yaml")),
    );
    delete process.env[TODAY_ENV];
    expect(await secret).toBe(true);
    expect((run.outputs.gateway as { subscriptionKey: string }).subscriptionKey).toBe(subscription?.inputs.primaryKey);
  });
});
