// Reference inputs for the golden policies: a small fleet and one route per strategy, plus the shipped
// stacks (dev, prod) and the large data-zone fixture stack. Goldens are the DEPLOYED documents: they go
// through the gateway component's own post-processing (`deployedPolicyXml`: the member-path rewrite).
import { join } from "node:path";
import { deployedPolicyXml } from "../../../components/gateway/design";
import type { BackendInventory, EdgeSpec, RouteSpec, StrategyResult } from "../../../gateway-policy/index";
import { composeGatewayPolicy, composeRoutePolicy } from "../../../gateway-policy/index";
import { designStackFile } from "../../../simulator/stack";

const backend = (deployment: string, region: string, capacity: number, account: string) => ({
  backendId: `${deployment}-${region}`,
  deployment,
  region,
  capacity,
  tpm: capacity * 1000,
  // Only `embed` answers embeddings (the gateway golden's embeddings route): it gets no Responses twin.
  embeddings: deployment === "embed",
  url: `https://${account}.openai.azure.com/openai`,
});

export const inventory: BackendInventory = {
  backends: [
    backend("chat-ptu", "eastus2", 100, "contoso-eus2"),
    backend("chat-ptu", "swedencentral", 50, "contoso-swc"),
    backend("chat", "eastus", 30, "contoso-eus"),
    backend("chat", "westus3", 20, "contoso-wus3"),
    backend("chat", "francecentral", 40, "contoso-frc"),
    backend("chat-next", "eastus2", 10, "contoso-eus2"),
    backend("chat-next", "swedencentral", 10, "contoso-swc"),
    backend("chat-v2", "eastus", 20, "contoso-eus"),
    backend("chat-eval", "eastus", 30, "contoso-eus"),
    backend("chat-eval", "swedencentral", 10, "contoso-swc"),
    backend("embed", "eastus", 50, "contoso-eus"),
  ],
};

/** The breaker rule the gateway component deploys with `circuitBreaker: { failures: 1, interval: PT1M, trip: PT1M }`. */
export const breaker: NonNullable<EdgeSpec["circuitBreaker"]> = {
  tripSeconds: 60,
  acceptRetryAfter: true,
  statusRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 500, max: 599 }],
  errorReasons: ["BackendConnectionFailure"],
};

export const subscriptionEdge: EdgeSpec = { auth: { subscriptionKeys: true }, limits: { tokensPerMinute: 20000, counterKey: "subscription" }, circuitBreaker: breaker };
export const API_CLIENT_ID = "7d3c1f9e-2b4a-4e6f-9a8b-0c1d2e3f4a5b";
export const TESTER_APP = "0b6e6f4e-3c2d-4a1b-8e9f-1a2b3c4d5e6f";
export const entraEdge: EdgeSpec = {
  auth: { entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", audiences: [`api://${API_CLIENT_ID}`], requiredClaims: { roles: ["AI.Caller", "AI.Tester"] } } },
  limits: { tokensPerMinute: 20000, counterKey: "user", tokenQuota: 5_000_000, tokenQuotaPeriod: "Monthly" },
  overrides: { clientApplicationIds: [TESTER_APP], roles: ["AI.Tester"] },
  expose: { region: true, target: true },
  circuitBreaker: breaker,
};
/** Keys with steering allowed for one subscription (the smoke tests'). */
export const steeringEdge: EdgeSpec = { ...subscriptionEdge, overrides: { subscriptionIds: ["smoke-tests"] } };

const tiers: RouteSpec["backends"] = [
  { deployment: "chat-ptu", priority: 1 },
  { deployment: "chat", priority: 2 },
];

export const routes: Record<string, RouteSpec> = {
  priority: { name: "chat", strategy: "priority", backends: tiers },
  weighted: { name: "chat", strategy: "weighted", backends: [{ deployment: "chat" }, { deployment: "chat-ptu" }] },
  canary: { name: "chat", strategy: "priority", backends: tiers, canary: { deployment: "chat-next", percent: 10, sticky: true } },
  // Stable may fail over into the canary: the policy logs each request's assignment (select.ts armTrace).
  "canary-failover": { name: "chat", strategy: "priority", backends: tiers, canary: { deployment: "chat-next", percent: 10, sticky: true, failover: true } },
  "blue-green": { name: "chat", strategy: "priority", backends: tiers, blueGreen: { blue: "chat", green: "chat-next", active: "blue" } },
  ab: {
    name: "chat",
    strategy: "weighted",
    backends: [{ deployment: "chat" }],
    abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } },
  },
  shadow: { name: "chat", strategy: "priority", backends: tiers, shadow: { deployment: "chat-eval", percent: 5, maxTokensPerMinute: 20000 } },
  combined: {
    name: "chat",
    strategy: "priority",
    backends: tiers,
    canary: { deployment: "chat-next", percent: 10, sticky: true },
    blueGreen: { blue: "chat", green: "chat-v2", active: "blue" },
    abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } },
    shadow: { deployment: "chat-eval", percent: 5 },
  },
};

export const embeddingsRoute: RouteSpec = { name: "embeddings", strategy: "weighted", backends: [{ deployment: "embed" }], timeoutSeconds: 60 };

/** Every strategy golden case: file name → strategy result. */
export function goldenCases(): Map<string, StrategyResult> {
  const out = new Map<string, StrategyResult>();
  for (const [name, route] of Object.entries(routes)) out.set(`${name}.xml`, composeRoutePolicy(route, name === "combined" ? entraEdge : subscriptionEdge, inventory));
  out.set("gateway-api.xml", composeGatewayPolicy({ routes: [routes.combined as RouteSpec, embeddingsRoute], edge: entraEdge, inventory }));
  return out;
}

/** The date the shipped stacks are checked against (retirement), as in test/support/plan.ts. */
const STACK_TODAY = new Date("2026-11-23T00:00:00Z");
const root = join(__dirname, "..", "..", "..");
/** Stacks with a golden: name → stack file. */
export const GOLDEN_STACKS: Record<string, string> = {
  dev: join(root, "Pulumi.dev.yaml"),
  prod: join(root, "Pulumi.prod.yaml"),
  datazone: join(root, "test", "stacks", "fixtures", "datazone-large.yaml"),
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Golden file name → exact content. Per strategy: `<case>.xml` (the deployed policy), `<case>.entities.json`
 * (pools, named values) and, with a shadow, `<case>.shadow-relay.xml`. Per stack: `stack-<name>.xml` (the
 * deployed API policy), `stack-<name>.entities.json` and `stack-<name>.shadow-relay.xml` when it has one.
 */
export function goldenFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [file, result] of goldenCases()) {
    files.set(file, deployedPolicyXml(result.document));
    if (result.shadow) files.set(file.replace(/\.xml$/, ".shadow-relay.xml"), deployedPolicyXml(result.shadow.document));
    files.set(file.replace(/\.xml$/, ".entities.json"), json({ pools: result.pools, namedValues: result.namedValues, ...(result.shadow ? { shadowPools: result.shadow.pools, shadowBackends: result.shadow.backends } : {}) }));
  }
  for (const [stack, file] of Object.entries(GOLDEN_STACKS)) {
    const { design } = designStackFile(file, STACK_TODAY);
    files.set(`stack-${stack}.xml`, design.apiPolicy.xml);
    if (design.shadowRelay) files.set(`stack-${stack}.shadow-relay.xml`, design.shadowRelay.policy.xml);
    files.set(`stack-${stack}.entities.json`, json({ singles: design.singles.map((s) => s.id), pools: design.pools, namedValues: design.namedValues }));
  }
  return files;
}
