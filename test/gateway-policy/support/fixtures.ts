// Reference inputs for the golden policies: a small fleet and one route per strategy.
import type { BackendInventory, EdgeSpec, RouteSpec, StrategyResult } from "../../../gateway-policy/index";
import { composeGatewayPolicy, composeRoutePolicy, renderPolicy } from "../../../gateway-policy/index";

const backend = (deployment: string, region: string, capacity: number, account: string) => ({
  backendId: `${deployment}-${region}`,
  deployment,
  region,
  capacity,
  tpm: capacity * 1000,
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
    backend("embed", "eastus", 50, "contoso-eus"),
  ],
};

/** The breaker rule the gateway component deploys with `circuitBreaker: { failures: 1, interval: PT1M, trip: PT1M }`. */
export const breaker: NonNullable<EdgeSpec["circuitBreaker"]> = {
  tripSeconds: 60,
  acceptRetryAfter: true,
  statusRanges: [{ min: 408, max: 408 }, { min: 429, max: 429 }, { min: 500, max: 599 }],
  errorReasons: ["BackendConnectionFailure", "Timeout"],
};

export const subscriptionEdge: EdgeSpec = { auth: { subscriptionKeys: true }, limits: { tokensPerMinute: 20000, counterKey: "subscription" }, circuitBreaker: breaker };
export const entraEdge: EdgeSpec = {
  auth: { entra: { tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", audiences: ["api://contoso-ai"] } },
  limits: { tokensPerMinute: 20000, counterKey: "user" },
  circuitBreaker: breaker,
};

const tiers: RouteSpec["backends"] = [
  { deployment: "chat-ptu", priority: 1 },
  { deployment: "chat", priority: 2 },
];

export const routes: Record<string, RouteSpec> = {
  priority: { name: "chat", strategy: "priority", backends: tiers },
  weighted: { name: "chat", strategy: "weighted", backends: [{ deployment: "chat" }, { deployment: "chat-ptu" }] },
  canary: { name: "chat", strategy: "priority", backends: tiers, canary: { deployment: "chat-next", percent: 10, sticky: true } },
  "blue-green": { name: "chat", strategy: "priority", backends: tiers, blueGreen: { blue: "chat", green: "chat-next", active: "blue" } },
  ab: {
    name: "chat",
    strategy: "weighted",
    backends: [{ deployment: "chat" }],
    abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } },
  },
  shadow: { name: "chat", strategy: "priority", backends: tiers, shadow: { deployment: "chat-next", percent: 5 } },
  combined: {
    name: "chat",
    strategy: "priority",
    backends: tiers,
    canary: { deployment: "chat-next", percent: 10, sticky: true },
    blueGreen: { blue: "chat", green: "chat-v2", active: "blue" },
    abTest: { id: "prompt-v2", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "chat-v2", percent: 50 } } },
    shadow: { deployment: "chat-next", percent: 5 },
  },
};

export const embeddingsRoute: RouteSpec = { name: "embeddings", strategy: "weighted", backends: [{ deployment: "embed" }] };

/** Every golden case: file name → strategy result. */
export function goldenCases(): Map<string, StrategyResult> {
  const out = new Map<string, StrategyResult>();
  for (const [name, route] of Object.entries(routes)) out.set(`${name}.xml`, composeRoutePolicy(route, name === "combined" ? entraEdge : subscriptionEdge, inventory));
  out.set("gateway-api.xml", composeGatewayPolicy({ routes: [routes.combined as RouteSpec, embeddingsRoute], edge: entraEdge, inventory }));
  return out;
}

/** Golden file name → exact content: `<case>.xml` (policy) and `<case>.entities.json` (pools, named values). */
export function goldenFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [file, result] of goldenCases()) {
    files.set(file, renderPolicy(result.document));
    files.set(file.replace(/\.xml$/, ".entities.json"), `${JSON.stringify({ pools: result.pools, namedValues: result.namedValues }, null, 2)}\n`);
  }
  return files;
}
