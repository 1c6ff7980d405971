import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { configErrorOf } from "../support/config-errors";
import { APIM_API_VERSION, parseGatewayConfig } from "../../stacks/config/gateway";
import { checkGatewayAgainstFleet, mixedReasoningWarnings, type DeploymentFacts } from "../../stacks/config/gateway-fleet-check";

const baseline = {
  sku: "StandardV2",
  capacity: 1,
  publisher: { name: "Contoso AI Platform", email: "ai-platform@contoso.com" },
  auth: { entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", audiences: ["api://contoso-ai"] } },
  limits: { tokensPerMinute: 20000, counterKey: "user" },
  circuitBreaker: { failures: 3, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true },
  routes: {
    chat: {
      strategy: "priority",
      backends: [
        { deployment: "chat-ptu", priority: 1 },
        { deployment: "chat", priority: 2 },
      ],
      canary: { deployment: "chat-next", percent: 10, sticky: true },
    },
  },
};

const fleet = new Map<string, readonly string[]>([
  ["chat", ["eastus2", "swedencentral", "westus3"]],
  ["chat-ptu", ["eastus2"]],
  ["chat-next", ["eastus2"]],
  ["chat-eval", ["eastus2"]],
  ["embeddings", ["eastus2"]],
]);
/** Nothing known of `fleet`'s deployments beyond their regions (no batch SKU, model kinds unknown). */
const noBatch: ReadonlyMap<string, DeploymentFacts> = new Map();


const withChanges = (changes: Record<string, unknown>) => ({ ...baseline, ...changes });

describe("aoai-fleet:gateway schema", () => {
  it("accepts the issue's contract and fills defaults", () => {
    const parsed = parseGatewayConfig({ ...baseline, limits: { tokensPerMinute: 20000 }, circuitBreaker: { failures: 3, interval: "PT1M", trip: "PT1M" } });
    // counterKey is resolved by the gateway design: user with Entra, subscription with keys.
    expect(parsed.limits).toEqual({ tokensPerMinute: 20000 });
    expect(parsed.circuitBreaker).toEqual({ failures: 3, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true });
    expect(parsed.routes.chat).toEqual({
      strategy: "priority",
      backends: [
        { deployment: "chat-ptu", priority: 1 },
        { deployment: "chat", priority: 2 },
      ],
      canary: { deployment: "chat-next", percent: 10, sticky: true },
    });
    expect(() => checkGatewayAgainstFleet(parsed, fleet, noBatch)).not.toThrow();
  });

  it("accepts subscription keys and every optional route feature", () => {
    const parsed = parseGatewayConfig(
      withChanges({
        sku: "Developer",
        auth: { subscriptionKeys: true },
        routes: {
          chat: {
            backends: [{ deployment: "chat" }],
            blueGreen: { blue: "chat", green: "chat-next", active: "green" },
            abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-next", percent: 50 } } },
            shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 10000 },
          },
        },
        limits: { tokensPerMinute: 20000 },
      }),
    );
    expect(parsed.auth).toEqual({ subscriptionKeys: true });
    expect(parsed.routes.chat?.blueGreen?.active).toBe("green");
    expect(() => checkGatewayAgainstFleet(parsed, fleet, noBatch)).not.toThrow();
  });

  it("names the path and the allowed values for an unknown sku", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ sku: "Standardv2" })))).toBe(
      'aoai-fleet:gateway.sku: "Standardv2" is not allowed; allowed values: Developer, Basic, BasicV2, Standard, StandardV2, Premium, Consumption',
    );
  });

  it("refuses PremiumV2, naming the APIM API version in use and why a newer one is out of reach", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ sku: "PremiumV2", capacity: 1 })))).toBe(
      'aoai-fleet:gateway.sku: "PremiumV2" is not available: this toolkit deploys API Management with API version 2024-05-01 (azure-native 3.28.0), which has no PremiumV2 SKU; ' +
        "a newer version needs a local SDK generated with the Pulumi CLI (pulumi package add azure-native apimanagement <version>). " +
        "Use one of: Developer, Basic, BasicV2, Standard, StandardV2, Premium, Consumption (Premium for VNet injection and multi-region)",
    );
  });

  it("APIM_API_VERSION is the API version of the installed azure-native APIM module, whose SKU enum has no PremiumV2", () => {
    const root = path.join(__dirname, "..", "..", "node_modules", "@pulumi", "azure-native");
    const service = fs.readFileSync(path.join(root, "apimanagement", "apiManagementService.d.ts"), "utf8");
    expect(service).toContain(`Uses Azure REST API version ${APIM_API_VERSION}.`);
    const enums = fs.readFileSync(path.join(root, "types", "enums", "apimanagement", "index.d.ts"), "utf8");
    const skuType = /export declare const SkuType: \{([^}]*)\}/.exec(enums)?.[1] ?? "";
    expect([...skuType.matchAll(/readonly (\w+):/g)].map((m) => m[1]).sort()).toEqual(["Basic", "BasicV2", "Consumption", "Developer", "Isolated", "Premium", "Standard", "StandardV2"]);
  });

  it("rejects a circuit breaker and token limits on Consumption", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ sku: "Consumption", capacity: 0 })))).toBe(
      [
        "aoai-fleet:gateway.circuitBreaker: the Consumption tier has no backend circuit breaker; remove circuitBreaker or choose another sku (e.g. BasicV2)",
        "aoai-fleet:gateway.limits: token limits are unavailable in the Consumption tier; remove limits or choose another sku (e.g. BasicV2)",
      ].join("\n"),
    );
  });

  it("rejects priority tiers without a breaker (no failover would ever happen)", () => {
    const { circuitBreaker: _omitted, ...noBreaker } = baseline;
    expect(configErrorOf(() => parseGatewayConfig(noBreaker))).toBe(
      "aoai-fleet:gateway.routes.chat.backends: priority failover needs a circuit breaker (APIM sends to a lower priority only when every backend above it has tripped); add aoai-fleet:gateway.circuitBreaker",
    );
  });

  it("counts tiers the way the policy assigns them: backends without a priority are tiered by list position", () => {
    const { circuitBreaker: _omitted, ...noBreaker } = baseline;
    const implicitTiers = { ...noBreaker, routes: { chat: { strategy: "priority", backends: [{ deployment: "chat-ptu" }, { deployment: "chat" }] } } };
    expect(configErrorOf(() => parseGatewayConfig(implicitTiers))).toBe(
      "aoai-fleet:gateway.routes.chat.backends: priority failover needs a circuit breaker (APIM sends to a lower priority only when every backend above it has tripped); add aoai-fleet:gateway.circuitBreaker",
    );
    const oneTier = { ...noBreaker, routes: { chat: { strategy: "priority", backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 1 }] } } };
    expect(parseGatewayConfig(oneTier).routes.chat?.backends).toHaveLength(2);
  });

  it("names a bad route name", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ routes: { "chat v2": { backends: [{ deployment: "chat" }] } } })))).toBe(
      `aoai-fleet:gateway.routes.chat v2: the name "chat v2" is not allowed: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (Azure OpenAI's deployment-name rule; it also names backends and named values)`,
    );
  });

  it("checks the optional service name", () => {
    expect(parseGatewayConfig(withChanges({ serviceName: "contoso-ai-gw" })).serviceName).toBe("contoso-ai-gw");
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ serviceName: "1-gw-" })))).toBe(
      "aoai-fleet:gateway.serviceName: \"1-gw-\" is not 1–50 letters, digits or '-', starting with a letter and not ending with '-'",
    );
  });

  it("checks capacity against the tier's scale units", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ sku: "Developer", capacity: 2 })))).toBe("aoai-fleet:gateway.capacity: 2 is not allowed for sku Developer; allowed: 1");
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ capacity: 11 })))).toBe("aoai-fleet:gateway.capacity: 11 is not allowed for sku StandardV2; allowed: 1–10");
  });

  it("requires exactly one auth mode", () => {
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ auth: {} })))).toBe(
      "aoai-fleet:gateway.auth: set exactly one of { entra: { tenantId, audiences } } or { subscriptionKeys: true }",
    );
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ auth: { entra: { tenantId: "contoso", audiences: [] } } })))).toBe(
      ['aoai-fleet:gateway.auth.entra.tenantId: "contoso" is not a tenant GUID', "aoai-fleet:gateway.auth.entra.audiences: needs at least 1 item(s)"].join("\n"),
    );
  });

  it("reports unknown keys, bad durations and bad counter keys with their paths", () => {
    expect(
      configErrorOf(() =>
        parseGatewayConfig(
          withChanges({ circuitBreaker: { failures: 0, interval: "1m", trip: "PT1M" }, limits: { tokensPerMinute: 1000, counterKey: "tenant" }, publisher: { name: "x", email: "x", phone: "1" } }),
        ),
      ),
    ).toBe(
      [
        'aoai-fleet:gateway.publisher.email: "x" is not a valid email',
        'aoai-fleet:gateway.publisher: unknown key "phone"; remove or fix the spelling',
        'aoai-fleet:gateway.limits.counterKey: "tenant" is not allowed; allowed values: subscription, user, ip',
        "aoai-fleet:gateway.circuitBreaker.failures: 0 is below the minimum 1",
        'aoai-fleet:gateway.circuitBreaker.interval: "1m" is not an ISO-8601 duration such as PT1M, PT30S or PT1H',
      ].join("\n"),
    );
  });

  it("rejects route-level mistakes: duplicates, priority on weighted, A/B sums, same blue/green", () => {
    const route = {
      strategy: "weighted",
      backends: [{ deployment: "chat", priority: 1 }, { deployment: "chat" }],
      abTest: { id: "x", variants: { a: { deployment: "chat", percent: 60 }, b: { deployment: "chat-next", percent: 50 } } },
      blueGreen: { blue: "chat", green: "chat" },
    };
    expect(configErrorOf(() => parseGatewayConfig(withChanges({ routes: { chat: route } })))).toBe(
      [
        "aoai-fleet:gateway.routes.chat.backends.0.priority: priority is not allowed with strategy: weighted (one tier); use strategy: priority or remove it",
        'aoai-fleet:gateway.routes.chat.backends.1.deployment: "chat" is listed twice in this route; list each deployment once',
        "aoai-fleet:gateway.routes.chat.abTest.variants: variant percents sum to 110; they must sum to 100",
        "aoai-fleet:gateway.routes.chat.blueGreen.green: green must name a different deployment than blue",
      ].join("\n"),
    );
  });
});

describe("aoai-fleet:gateway against the fleet", () => {
  it("formats as one stack-config error naming each path", () => {
    const parsed = parseGatewayConfig(withChanges({ routes: { chat: { backends: [{ deployment: "chat-mini" }] } } }));
    expect(() => checkGatewayAgainstFleet(parsed, fleet, noBatch)).toThrow(
      'Invalid stack config (1 problem):\n  - aoai-fleet:gateway.routes.chat.backends.0.deployment: deployment "chat-mini" is not in aoai-fleet:fleet.deployments; known deployments: chat, chat-eval, chat-next, chat-ptu, embeddings',
    );
  });

  it("names the path and the known deployments for an unknown deployment", () => {
    const parsed = parseGatewayConfig(withChanges({ routes: { chat: { ...baseline.routes.chat, canary: { deployment: "chat-nxt", percent: 10 } } } }));
    expect(configErrorOf(() => checkGatewayAgainstFleet(parsed, fleet, noBatch))).toBe(
      'aoai-fleet:gateway.routes.chat.canary.deployment: deployment "chat-nxt" is not in aoai-fleet:fleet.deployments; known deployments: chat, chat-eval, chat-next, chat-ptu, embeddings',
    );
  });

  it("refuses a batch deployment wherever a route would send it online requests, naming the online ones", () => {
    const batch = new Map<string, DeploymentFacts>([["chat-next", { batchSku: "GlobalBatch" }], ["chat-eval", { batchSku: "DataZoneBatch" }]]);
    const parsed = parseGatewayConfig(
      withChanges({ routes: { chat: { backends: [{ deployment: "chat" }, { deployment: "chat-next" }], shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 10000 } } } }),
    );
    expect(configErrorOf(() => checkGatewayAgainstFleet(parsed, fleet, batch))).toBe(
      [
        'aoai-fleet:gateway.routes.chat.backends.1.deployment: deployment "chat-next" is a GlobalBatch deployment, which takes only Batch API jobs (files of requests), never the online requests a gateway sends; route to one of: chat, chat-ptu, embeddings',
        'aoai-fleet:gateway.routes.chat.shadow.deployment: deployment "chat-eval" is a DataZoneBatch deployment, which takes only Batch API jobs (files of requests), never the online requests a gateway sends; route to one of: chat, chat-ptu, embeddings',
      ].join("\n"),
    );
    expect(() => checkGatewayAgainstFleet(parseGatewayConfig(baseline), fleet, new Map([["chat-eval", { batchSku: "DataZoneBatch" }]]))).not.toThrow();
  });

  it("refuses a route that mixes embeddings and chat-style models, at each deployment of the other kind", () => {
    const facts = new Map<string, DeploymentFacts>([["chat", { embeddings: false }], ["chat-next", { embeddings: false }], ["chat-eval", {}], ["embeddings", { embeddings: true }]]);
    const mixed = parseGatewayConfig(
      withChanges({
        routes: {
          chat: { backends: [{ deployment: "chat" }], canary: { deployment: "embeddings", percent: 5 }, shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 10000 } },
          vectors: { backends: [{ deployment: "embeddings" }, { deployment: "chat-next" }] },
        },
      }),
    );
    expect(configErrorOf(() => checkGatewayAgainstFleet(mixed, fleet, facts))).toBe(
      [
        'aoai-fleet:gateway.routes.chat.canary.deployment: deployment "embeddings" answers embeddings but the route\'s first backend "chat" answers chat-style calls (chat completions, Responses); a call suits one kind only, so give embeddings its own route',
        'aoai-fleet:gateway.routes.vectors.backends.1.deployment: deployment "chat-next" answers chat-style calls (chat completions, Responses) but the route\'s first backend "embeddings" answers embeddings; a call suits one kind only, so give chat-next its own route',
      ].join("\n"),
    );
    const separate = parseGatewayConfig(withChanges({ routes: { chat: { backends: [{ deployment: "chat" }, { deployment: "chat-next" }] }, vectors: { backends: [{ deployment: "embeddings" }] } } }));
    expect(() => checkGatewayAgainstFleet(separate, fleet, facts)).not.toThrow();
  });

  it("warns at each reasoning or chat model of the other kind than the route's first backend, and never for embeddings or unknown models", () => {
    const facts = new Map<string, DeploymentFacts>([
      ["chat", { reasoning: true, model: "gpt-5.4" }],
      ["chat-ptu", { reasoning: true, model: "gpt-5.4" }],
      ["chat-next", { reasoning: false, model: "gpt-4.1" }],
      ["chat-eval", {}],
      ["embeddings", { embeddings: true, model: "text-embedding-3-large" }],
    ]);
    const parsed = parseGatewayConfig(withChanges({ routes: { chat: { backends: [{ deployment: "chat-ptu" }, { deployment: "chat" }, { deployment: "chat-eval" }], canary: { deployment: "chat-next", percent: 5 } }, vectors: { backends: [{ deployment: "embeddings" }] } } }));
    expect(mixedReasoningWarnings(parsed, facts).map((w) => `${w.path}: ${w.message.slice(0, 120)}`)).toEqual([
      'aoai-fleet:gateway.routes.chat.canary.deployment: deployment "chat-next" is a chat model (gpt-4.1) in a route whose first backend "chat-ptu" is a reasoning model (gpt-5.4',
    ]);
    expect(mixedReasoningWarnings(parseGatewayConfig(baseline), new Map())).toEqual([]);
  });

  it("rejects a pool over 30 members", () => {
    const wide = new Map(fleet);
    wide.set("chat", Array.from({ length: 31 }, (_, index) => `region${index}`));
    const parsed = parseGatewayConfig(baseline);
    expect(configErrorOf(() => checkGatewayAgainstFleet(parsed, wide, noBatch))).toBe(
      "aoai-fleet:gateway.routes.chat.backends: pool chat-stable would have 32 members (one per deployment × region, all priorities); APIM allows at most 30; split the route or use fewer regions",
    );
  });
});
