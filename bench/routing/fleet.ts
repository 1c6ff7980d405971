// The benchmark's fleet and gateway: one `chat` route with a provisioned primary (priority 1) and
// pay-as-you-go deployments in three regions (priority 2), plus `chat-next` for the canary. Our
// policy comes from the real gateway design (the same code path `plan` and `pulumi up` use).
import { designGateway, type InventoryEntry } from "../../components/gateway/design";
import { breakerFromConfig, callerHeadersFor, type SimSetup } from "../../simulator/stack";
import type { WorldBackend } from "../../simulator/world";
import { parseGatewayConfig } from "../../stacks/config/gateway";
import type { RoutingConfig } from "../../stacks/config/gateway-routing";

const account = (region: string) => `https://bench-${region}.openai.azure.com/openai`;

/** gpt-4o: 2,500 input TPM per PTU; GlobalStandard 1,000 TPM and 6 RPM per unit (catalog figures). */
export const BENCH_BACKENDS: WorldBackend[] = [
  { backendId: "chat-ptu-eastus2", deployment: "chat-ptu", region: "eastus2", model: "gpt-4o", sku: "ProvisionedManaged", capacity: 50, tpm: 125_000, rpm: null, url: `${account("eastus2")}/deployments/chat-ptu` },
  { backendId: "chat-std-eastus2", deployment: "chat-std", region: "eastus2", model: "gpt-4o", sku: "GlobalStandard", capacity: 100, tpm: 100_000, rpm: 600, url: `${account("eastus2")}/deployments/chat-std` },
  { backendId: "chat-std-swedencentral", deployment: "chat-std", region: "swedencentral", model: "gpt-4o", sku: "GlobalStandard", capacity: 100, tpm: 100_000, rpm: 600, url: `${account("swedencentral")}/deployments/chat-std` },
  { backendId: "chat-std-westus3", deployment: "chat-std", region: "westus3", model: "gpt-4o", sku: "GlobalStandard", capacity: 100, tpm: 100_000, rpm: 600, url: `${account("westus3")}/deployments/chat-std` },
  { backendId: "chat-next-westus3", deployment: "chat-next", region: "westus3", model: "gpt-4o", sku: "GlobalStandard", capacity: 100, tpm: 100_000, rpm: 600, url: `${account("westus3")}/deployments/chat-next` },
];

export const STABLE_IDS = BENCH_BACKENDS.filter((b) => b.deployment !== "chat-next").map((b) => b.backendId);
export const PRIMARY = "chat-ptu-eastus2";

const BREAKER = { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true };

/**
 * Our generated policy for the route, with or without a 10% sticky canary. `routing`: the route's
 * routing options (a scenario's `strategy` block); absent keys keep the defaults users deploy.
 */
export function ourSetup(withCanary: boolean, routing: RoutingConfig = {}): SimSetup {
  const config = parseGatewayConfig({
    sku: "StandardV2",
    capacity: 1,
    publisher: { name: "Bench", email: "bench@example.com" },
    auth: { subscriptionKeys: true },
    circuitBreaker: BREAKER,
    routes: {
      chat: {
        strategy: "priority",
        backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat-std", priority: 2 }],
        ...(withCanary ? { canary: { deployment: "chat-next", percent: 10, sticky: true } } : {}),
        ...(Object.keys(routing).length > 0 ? { routing } : {}),
      },
    },
  });
  const inventory: InventoryEntry[] = BENCH_BACKENDS.filter((b) => withCanary || b.deployment !== "chat-next").map((b) => ({
    deployment: b.deployment,
    region: b.region,
    capacity: b.capacity,
    tokensPerMinute: b.tpm,
    sku: b.sku ?? "GlobalStandard",
    // The benchmark fleet is chat models only (its scenarios send chat completions and Responses).
    embeddings: false,
    accountOpenAiUrl: account(b.region),
  }));
  const design = designGateway(config, inventory);
  return {
    label: "ours",
    policyXml: design.apiPolicy.xml,
    namedValues: new Map(design.namedValues.map((v) => [v.id, v.value])),
    // The deployment backends, plus the Responses API's account twins the design's twin pools name.
    backends: [
      ...BENCH_BACKENDS,
      ...design.singles
        .filter((single) => single.family === "account")
        .map((single): WorldBackend => {
          const of = BENCH_BACKENDS.find((b) => b.deployment === single.deployment && b.region === single.region)!;
          return { ...of, backendId: single.id, url: account(single.region), family: "account" };
        }),
    ],
    pools: design.pools.map((p) => ({ poolId: p.id, members: p.members.map((m) => ({ backendId: m.backendId, ...(m.priority !== undefined ? { priority: m.priority } : {}), ...(m.weight !== undefined ? { weight: m.weight } : {}) })) })),
    // The component's own rule (status ranges and transport error reasons), as deployed.
    breaker: breakerFromConfig(BREAKER),
    routes: { chat: { backendIds: STABLE_IDS, sides: withCanary ? { canaryDeployment: "chat-next", canaryPercent: 10 } : {} } },
    callerHeaders: callerHeadersFor(config),
  };
}

