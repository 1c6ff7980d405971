import { describe, expect, it } from "vitest";
import { runOfflineProgram } from "../../cli/plan/runner";
import { AiGateway } from "../../components/gateway";
import type { GatewayDesign } from "../../components/gateway/design";
import { FleetConfigError } from "../../stacks/config/errors";
import { parseGatewayConfig } from "../../stacks/config/gateway";

const APIM = "azure-native:apimanagement";
const endpoint = (region: string) => `https://acct-${region}-abc123.openai.azure.com/`;
const accountId = (region: string) => `/subscriptions/1111/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct-${region}`;
const target = (deployment: string, region: string, capacity: number) => ({ deployment, region, capacity, tokensPerMinute: capacity * 1000, sku: "GlobalStandard", embeddings: false, endpoint: endpoint(region) });

const backends = [
  target("chat", "eastus2", 300),
  target("chat", "swedencentral", 100),
  target("chat-next", "eastus2", 50),
  target("chat-v2", "swedencentral", 40),
  target("chat-eval", "swedencentral", 20),
];
const accounts = [
  { region: "eastus2", accountId: accountId("eastus2") },
  { region: "swedencentral", accountId: accountId("swedencentral") },
];

const everyStrategy = parseGatewayConfig({
  sku: "BasicV2",
  capacity: 1,
  publisher: { name: "Contoso", email: "ai@contoso.com" },
  auth: { subscriptionKeys: true },
  circuitBreaker: { failures: 2, interval: "PT30S", trip: "PT1M", acceptRetryAfter: false },
  routes: {
    chat: {
      strategy: "weighted",
      backends: [{ deployment: "chat" }],
      canary: { deployment: "chat-next", percent: 10, sticky: true },
      blueGreen: { blue: "chat", green: "chat-v2", active: "green" },
      shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 30000 },
    },
  },
});

describe("AiGateway", () => {
  it("creates pools per slot, canary and shadow, named values for the slot and the percent, the shadow relay, and the policies", async () => {
    const run = await runOfflineProgram("unit", async () => {
      const gateway = new AiGateway("gw", { resourceGroupName: "rg", location: "eastus2", config: everyStrategy, backends, accounts });
      return { design: gateway.design, url: gateway.gatewayUrl };
    });
    const byType = (type: string) => run.resources.filter((r) => r.type === type);
    // Every pool names one deployment, so each has an account-level twin for the Responses API.
    expect(byType(`${APIM}:Backend`).map((b) => [b.name, b.inputs.type])).toEqual([
      ["gw-chat-eastus2", "Single"],
      ["gw-chat-swedencentral", "Single"],
      ["gw-chat-next-eastus2", "Single"],
      ["gw-chat-v2-swedencentral", "Single"],
      ["gw-chat-eval-swedencentral", "Single"],
      ["gw-chat-eastus2-resp", "Single"],
      ["gw-chat-swedencentral-resp", "Single"],
      ["gw-chat-next-eastus2-resp", "Single"],
      ["gw-chat-v2-swedencentral-resp", "Single"],
      ["gw-chat-eval-swedencentral-resp", "Single"],
      // The shadow's own twin of the same deployment: same URL, its own breaker.
      ["gw-chat-eval-swedencentral-shadow", "Single"],
      ["gw-chat-blue", "Pool"],
      ["gw-chat-green", "Pool"],
      ["gw-chat-canary", "Pool"],
      ["gw-chat-blue-resp", "Pool"],
      ["gw-chat-green-resp", "Pool"],
      ["gw-chat-canary-resp", "Pool"],
      ["gw-chat-shadow", "Pool"],
    ]);
    const backendUrls = byType(`${APIM}:Backend`).filter((b) => b.inputs.type === "Single").map((b) => [b.name, b.inputs.url]);
    expect(backendUrls.filter(([name]) => name === "gw-chat-eastus2" || name === "gw-chat-eastus2-resp")).toEqual([
      ["gw-chat-eastus2", "https://acct-eastus2-abc123.openai.azure.com/openai/deployments/chat"],
      ["gw-chat-eastus2-resp", "https://acct-eastus2-abc123.openai.azure.com/openai"],
    ]);
    const twin = byType(`${APIM}:Backend`).find((b) => b.name === "gw-chat-eval-swedencentral-shadow");
    expect(twin?.inputs).toMatchObject({ backendId: "chat-eval-swedencentral-shadow", url: "https://acct-swedencentral-abc123.openai.azure.com/openai/deployments/chat-eval" });
    expect(twin?.inputs.circuitBreaker).toEqual(byType(`${APIM}:Backend`)[0]?.inputs.circuitBreaker);
    const green = byType(`${APIM}:Backend`).find((b) => b.name === "gw-chat-green");
    expect((green?.inputs.pool as { services: unknown[] }).services).toEqual([
      { id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/gw/backends/chat-v2-swedencentral", priority: 1, weight: 100 },
    ]);
    expect(byType(`${APIM}:Backend`)[0]?.inputs.circuitBreaker).toEqual({
      rules: [
        {
          name: "aoai-throttling-and-errors",
          failureCondition: { count: 2, interval: "PT30S", statusCodeRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 500, max: 599 }], errorReasons: ["BackendConnectionFailure"] },
          tripDuration: "PT1M",
          acceptRetryAfter: false,
        },
      ],
    });
    const namedValues = byType(`${APIM}:NamedValue`);
    expect(namedValues.map((n) => [n.inputs.displayName, n.inputs.secret])).toEqual([
      ["chat-active-slot", false],
      ["chat-canary-percent", false],
      ["aoai-shadow-relay-url", false],
      ["aoai-shadow-relay-key", true],
    ]);
    expect(namedValues.slice(0, 3).map((n) => n.inputs.value)).toEqual(["green", "10", "https://gw.azure-api.net/openai-shadow"]);
    // The relay: its own API behind a subscription whose key is that secret named value.
    const apis = byType(`${APIM}:Api`);
    expect(apis.map((a) => [a.inputs.apiId, a.inputs.path, a.inputs.subscriptionRequired])).toEqual([
      ["openai", "openai", true],
      ["openai-shadow", "openai-shadow", true],
    ]);
    expect(byType(`${APIM}:Subscription`).map((s) => [s.inputs.sid, s.inputs.scope, s.inputs.state])).toEqual([
      ["aoai-shadow-relay", "/apis/openai-shadow", "active"],
      // The callers' subscription (subscription keys), to the product holding the openai API.
      ["aoai-fleet", "/products/aoai-fleet", "active"],
    ]);
    const policies = byType(`${APIM}:ApiPolicy`);
    expect(policies.map((p) => [p.name, p.inputs.apiId])).toEqual([
      ["gw-shadow-api-policy", "openai-shadow"],
      ["gw-api-policy", "openai"],
    ]);
    const policy = policies[1]?.inputs.value as string;
    const relayPolicy = policies[0]?.inputs.value as string;
    // Shadow copies go to the relay (never to an account directly), which forwards through chat-shadow.
    expect(policy).toContain("{{aoai-shadow-relay-url}}");
    // Account URLs appear only where the Responses API needs the account itself (locating a stored
    // response, sending its follow-up there); no copy is ever sent to one.
    for (const copy of policy.match(/<send-one-way-request[\s\S]*?<\/send-one-way-request>/g) ?? []) expect(copy).not.toContain("openai.azure.com");
    expect(relayPolicy).toContain('<set-variable name="aoai-target" value="chat-shadow"/>');
    expect(relayPolicy).toContain('<azure-openai-token-limit counter-key="aoai-shadow:chat" tokens-per-minute="30000" estimate-prompt-tokens="true"/>');
    expect(policy).not.toContain(".invalid");
    expect(policy).toContain("{{chat-active-slot}}");
    expect(policy).toContain("{{chat-canary-percent}}");
    const design = run.outputs.design as GatewayDesign;
    expect(design.apiPolicy.xml).toBe(policy);
    expect(design.shadowRelay?.policy.xml).toBe(relayPolicy);
    expect(run.outputs.url).toBe("https://gw.azure-api.net");
    expect(byType("azure-native:authorization:RoleAssignment").map((r) => [r.name, r.inputs.scope, r.inputs.roleDefinitionId])).toEqual([
      ["gw-openai-user-eastus2", accountId("eastus2"), "/subscriptions/1111/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
      ["gw-openai-user-swedencentral", accountId("swedencentral"), "/subscriptions/1111/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"],
    ]);
  });

  it("on Consumption: capacity 0, no breaker on any backend, no telemetry", async () => {
    const config = parseGatewayConfig({
      sku: "Consumption",
      capacity: 0,
      publisher: { name: "Contoso", email: "ai@contoso.com" },
      auth: { subscriptionKeys: true },
      routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat" }] } },
    });
    const run = await runOfflineProgram("unit", async () => {
      new AiGateway("gw", { resourceGroupName: "rg", location: "eastus2", config, backends, accounts });
      return {};
    });
    const service = run.resources.find((r) => r.type === `${APIM}:ApiManagementService`);
    expect(service?.inputs.sku).toEqual({ name: "Consumption", capacity: 0 });
    for (const backend of run.resources.filter((r) => r.type === `${APIM}:Backend`)) expect(backend.inputs).not.toHaveProperty("circuitBreaker");
    expect(run.resources.filter((r) => r.type.startsWith("azure-native:applicationinsights") || r.type.endsWith(":Logger"))).toEqual([]);
  });

  it("rejects a design whose deployment is missing from the backends before declaring anything", async () => {
    const config = parseGatewayConfig({ ...everyStrategy, routes: { chat: { strategy: "weighted", backends: [{ deployment: "chat-mini" }] } } });
    let caught: unknown;
    const run = await runOfflineProgram("unit", async () => {
      try {
        new AiGateway("gw", { resourceGroupName: "rg", location: "eastus2", config, backends, accounts });
      } catch (error) {
        caught = error;
      }
      return {};
    });
    expect(caught).toBeInstanceOf(FleetConfigError);
    expect((caught as FleetConfigError).message).toBe(
      'Invalid stack config (1 problem):\n  - aoai-fleet:gateway.routes.chat.backends.0.deployment: "chat-mini" is not a deployment of the fleet; known deployments: chat, chat-eval, chat-next, chat-v2; fix the name or add the deployment to aoai-fleet:fleet',
    );
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});
