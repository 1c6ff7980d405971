// Wide fleets fit APIM's 256 KiB per policy document with the routing defaults (wait within a budget,
// avoidSlow twins, spill): 20 routes, each one deployment in 10 regions (10 members per pool), the
// plan benchmark's large case. The target is 200 KiB, leaving room for longer account names and more
// routes. Sizes are bytes of the deployed document (deployedPolicyXml), the string the limit applies to.
import { describe, expect, it } from "vitest";
import { designGateway, type InventoryEntry } from "../../components/gateway/design";
import { parseGatewayConfig } from "../../stacks/config/gateway";

const REGIONS = ["eastus", "eastus2", "westus", "westus3", "northcentralus", "southcentralus", "swedencentral", "francecentral", "germanywestcentral", "polandcentral"];
const DEPLOYMENTS = Array.from({ length: 20 }, (_, i) => `d${String(i + 1).padStart(2, "0")}`);

// Account names as the fleet names them (`<fleet>-<region>-<6-character suffix>`).
const inventory: InventoryEntry[] = DEPLOYMENTS.flatMap((deployment) =>
  REGIONS.map((region) => ({ deployment, region, capacity: 10, tokensPerMinute: 10_000, sku: "DataZoneStandard", embeddings: false, accountOpenAiUrl: `https://bench-fleet-${region}-x7k2qp.openai.azure.com/openai` })),
);

const config = parseGatewayConfig({
  sku: "StandardV2",
  capacity: 1,
  publisher: { name: "Bench", email: "bench@example.com" },
  auth: { subscriptionKeys: true },
  circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M", acceptRetryAfter: true },
  // No `routing` block: every route takes the defaults.
  routes: Object.fromEntries(DEPLOYMENTS.map((d) => [d, { strategy: "weighted", backends: [{ deployment: d }] }])),
});

describe("API policy size of a wide fleet with the routing defaults", () => {
  const design = designGateway(config, inventory);
  const xml = design.apiPolicy.xml;

  it("keeps every per-member mechanism (so the size below is theirs)", () => {
    // Four avoiding twins per route (its 10-member tier in runs of 3, 3, 2, 2), each of the 200
    // members in the member → twin table, the wait budget, the records of all 200 deployments.
    const twins = design.pools.filter((p) => p.role.startsWith("stable-avoid-"));
    expect(twins.map((p) => p.id).filter((id) => id.startsWith("d01-"))).toEqual(["d01-stable-avoid-tier1-run1", "d01-stable-avoid-tier1-run2", "d01-stable-avoid-tier1-run3", "d01-stable-avoid-tier1-run4"]);
    expect(twins).toHaveLength(80);
    expect(xml.match(/d01-stable-avoid-tier1-run\d/g)).toHaveLength(10);
    expect(xml).toContain('<set-variable name="aoai-wait-budget-ms" value="@(10000)"/>');
    expect(xml.match(/<cache-lookup-value key="aoai-free-at\|/g)).toHaveLength(400);
  });

  it("is under 200 KiB", () => {
    expect(Buffer.byteLength(xml, "utf8")).toBeLessThanOrEqual(200 * 1024);
  });
});
