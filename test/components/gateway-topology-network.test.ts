// The network on the topology: VNet box with the gateway subnet (APIM inside) and the endpoint
// subnet (endpoints inside), gateway → route and gateway → endpoint edges, endpoint → account box.
import { describe, expect, it } from "vitest";
import { renderDotSvg } from "../../cli/plan/gateway-artifacts";
import type { GatewayDesign } from "../../components/gateway/design";
import { topologyDot, topologyGraph } from "../../components/gateway/topology-dot";
import { planNetwork } from "../../core/plan/network";
import type { NetworkPlan } from "../../core/plan/network/types";
import { NetworkConfigSchema } from "../../stacks/config/network";

const design: GatewayDesign = {
  singles: [
    { id: "chat-eastus2", deployment: "chat", region: "eastus2", capacity: 100, tokensPerMinute: 100_000, sku: "DataZoneStandard" },
    { id: "chat-westus3", deployment: "chat", region: "westus3", capacity: 100, tokensPerMinute: 100_000, sku: "DataZoneStandard" },
  ],
  pools: [{ id: "chat-stable", route: "chat", role: "stable", members: [{ backendId: "chat-eastus2", weight: 50 }, { backendId: "chat-westus3", weight: 50 }] }],
  namedValues: [],
  apiPolicy: { scope: "api", xml: "<policies />\n" },
  warnings: [],
};

const network = planNetwork({
  fleetName: "f",
  kind: "OpenAI",
  publicNetworkAccess: "Disabled",
  accountRegions: ["eastus2", "westus3"],
  gatewayRegion: "eastus2",
  gateway: { sku: "StandardV2", capacity: 1 },
  network: NetworkConfigSchema.parse({ regions: { eastus2: {} } }),
}).plan as NetworkPlan;

describe("topology with a network", () => {
  it("nests the subnets in the VNet and links gateway → routes, gateway → endpoints, endpoint → account", () => {
    const graph = topologyGraph(design, {}, network);
    expect(graph.graph.compound).toBe("true");
    const vnet = graph.clusters[0];
    expect(vnet?.id).toBe("vnet:eastus2");
    expect(vnet?.attributes.label).toBe("VNet vnet-f-eastus2\neastus2 · 10.170.0.0/24\nDNS: privatelink.openai.azure.com");
    expect(vnet?.clusters?.map((c) => [c.id, c.attributes.label, c.nodes.map((n) => n.id)])).toEqual([
      ["eastus2/gateway", "snet-gateway 10.170.0.0/26\ndelegated to Microsoft.Web/serverFarms", ["gateway:apim"]],
      ["eastus2/endpoints", "snet-private-endpoints 10.170.0.64/26", ["endpoint:pe-f-eastus2", "endpoint:pe-f-westus3"]],
    ]);
    expect(graph.clusters.slice(1).map((c) => c.attributes.label)).toEqual(["eastus2\naccount f-eastus2", "westus3\naccount f-westus3"]);
    expect(graph.edges.slice(0, 5).map((e) => [e.from, e.to, e.attributes.label ?? e.attributes.lhead ?? ""])).toEqual([
      ["gateway:apim", "route:chat", ""],
      ["gateway:apim", "endpoint:pe-f-eastus2", "private link"],
      ["gateway:apim", "endpoint:pe-f-westus3", "private link"],
      ["endpoint:pe-f-eastus2", "backend:chat-eastus2", "cluster_eastus2"],
      ["endpoint:pe-f-westus3", "backend:chat-westus3", "cluster_westus3"],
    ]);
  });

  it("renders to an SVG naming the VNet, subnets, gateway and endpoints", async () => {
    const svg = await renderDotSvg(topologyDot(design, {}, network));
    // Graphviz writes '-' as &#45; inside <text>.
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => (match[1] ?? "").replace(/&#45;/g, "-"));
    for (const text of ["VNet vnet-f-eastus2", "snet-gateway 10.170.0.0/26", "API Management StandardV2", "outbound VNet integration", "pe-f-westus3", "→ f-westus3", "account f-westus3", "private link"]) {
      expect(texts).toContain(text);
    }
  });

  it("without a network the graph is unchanged", () => {
    expect(topologyDot(design, {}, undefined)).toBe(topologyDot(design));
    expect(topologyDot(design)).not.toContain("vnet");
  });
});
