import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GatewayDesign } from "../../components/gateway/design";
import { memberLabel, routeTableRows, topologyMermaid, topologyNotes } from "../../components/gateway/topology";
import { parseGatewayConfig } from "../../stacks/config/gateway";
import { topologyDot } from "../../components/gateway/topology-dot";
import { renderDotSvg, routeTable, writeGatewayArtifacts } from "../../cli/plan/gateway-artifacts";

/** A small hand-written design: one route, a priority pool over two regions and a canary pool. */
const design: GatewayDesign = {
  singles: [
    { id: "chat-ptu-eastus2", deployment: "chat-ptu", region: "eastus2", capacity: 100, tokensPerMinute: 2_500_000, sku: "ProvisionedManaged" },
    { id: "chat-eastus2", deployment: "chat", region: "eastus2", capacity: 300, tokensPerMinute: 300_000, sku: "DataZoneStandard" },
    { id: "chat-westus3", deployment: "chat", region: "westus3", capacity: 150, tokensPerMinute: 150_000, sku: "DataZoneStandard" },
    { id: "chat-next-eastus2", deployment: "chat-next", region: "eastus2", capacity: 50, tokensPerMinute: null, sku: "DataZoneStandard" },
    { id: "embeddings-eastus2", deployment: "embeddings", region: "eastus2", capacity: 100, tokensPerMinute: 100_000, sku: "Standard" },
  ],
  pools: [
    {
      id: "chat-stable",
      route: "chat",
      role: "stable 90%",
      members: [
        { backendId: "chat-ptu-eastus2", priority: 1, weight: 100 },
        { backendId: "chat-eastus2", priority: 2, weight: 67 },
        { backendId: "chat-westus3", priority: 2, weight: 33 },
      ],
    },
    { id: "chat-canary", route: "chat", role: "canary 10%", members: [{ backendId: "chat-next-eastus2" }] },
  ],
  namedValues: [{ id: "chat-canary-percent", value: "10", purpose: "canary share" }],
  apiPolicy: { scope: "api", xml: "<policies />\n" },
  warnings: [],
};

describe("gateway topology", () => {
  it("labels pool edges with priority and weight", () => {
    expect(memberLabel({ priority: 1, weight: 100 })).toBe("p1 · w100");
    expect(memberLabel({ weight: 40 })).toBe("w40");
    expect(memberLabel({})).toBe("member");
  });

  it("draws route → pools → backends grouped by region, unused backends left out", () => {
    const mermaid = topologyMermaid(design);
    const lines = mermaid.trimEnd().split("\n");
    expect(lines[0]).toBe("flowchart LR");
    expect(lines.filter((line) => line.includes("-->")).length).toBe(2 + 4);
    expect(lines.filter((line) => line.trim().startsWith("subgraph")).map((line) => line.replace(/G_\w+/, "G"))).toEqual([
      '  subgraph G["eastus2"]',
      '  subgraph G["westus3"]',
    ]);
    expect(mermaid).toContain('"chat-ptu<br/>ProvisionedManaged · 100 PTU<br/>2.5M TPM"');
    expect(mermaid).toContain('"chat-next<br/>DataZoneStandard · 50 units<br/>TPM unknown"');
    expect(mermaid).toContain('-->|"p2 · w67"|');
    expect(mermaid).not.toContain("embeddings");
  });

  it("keeps node ids apart for keys that sanitize alike, and shows route notes", () => {
    const twins: GatewayDesign = {
      ...design,
      pools: [
        { id: "chat-std", route: "chat", role: "stable", members: [{ backendId: "chat-eastus2" }] },
        { id: "chat_std", route: "chat", role: "canary", members: [{ backendId: "chat-westus3" }] },
      ],
    };
    const ids = topologyMermaid(twins, { routes: { chat: "weighted · canary 10%" } })
      .split("\n")
      .filter((line) => line.includes("{{"))
      .map((line) => line.trim().split("{{")[0]);
    expect(new Set(ids).size).toBe(2);
    const annotated = topologyMermaid(twins, { routes: { chat: "weighted · canary 10%" }, pools: { chat_std: "canary 10%" } });
    expect(annotated).toContain('(["route chat<br/>weighted · canary 10%"])');
    expect(annotated).toContain('-->|"canary 10%"|');
  });

  it("escapes quotes and markup in labels", () => {
    const odd: GatewayDesign = { ...design, pools: [{ ...design.pools[1]!, role: 'say "hi" <b>' }] };
    expect(topologyMermaid(odd)).toContain('|"say #34;hi#34; #60;b#62;"|');
  });

  it("lists one table row per pool member", () => {
    expect(routeTableRows(design).map((row) => [row.route, row.pool, row.deployment, row.region, row.priority, row.weight])).toEqual([
      ["chat", "chat-stable", "chat-ptu", "eastus2", 1, 100],
      ["chat", "chat-stable", "chat", "eastus2", 2, 67],
      ["chat", "chat-stable", "chat", "westus3", 2, 33],
      ["chat", "chat-canary", "chat-next", "eastus2", undefined, undefined],
    ]);
    const table = routeTable(design);
    expect(table).toContain("chat-stable (stable 90%)");
    expect(table).toContain("2,500,000");
    const cells = (deployment: string) => table.split("\n").find((line) => line.includes(` ${deployment} `))?.split("│").map((cell) => cell.trim());
    expect(cells("chat-ptu")?.slice(5, 8)).toEqual(["ProvisionedManaged", "100 PTU", "2,500,000"]);
    expect(cells("chat-next")?.slice(5, 8)).toEqual(["DataZoneStandard", "50", "—"]);
  });

  it("keeps a route's rows together when its shadow pool comes after other routes' pools (the design lists shadow pools last)", () => {
    const withShadow: GatewayDesign = {
      ...design,
      pools: [
        ...design.pools,
        { id: "embeddings-stable", route: "embeddings", role: "stable", members: [{ backendId: "embeddings-eastus2", priority: 1, weight: 100 }] },
        { id: "chat-shadow", route: "chat", role: "shadow", members: [{ backendId: "chat-next-eastus2", priority: 1, weight: 100 }] },
      ],
    };
    expect(routeTableRows(withShadow).map((row) => [row.route, row.pool, row.deployment])).toEqual([
      ["chat", "chat-stable", "chat-ptu"],
      ["chat", "chat-stable", "chat"],
      ["chat", "chat-stable", "chat"],
      ["chat", "chat-canary", "chat-next"],
      ["chat", "chat-shadow", "chat-next"],
      ["embeddings", "embeddings-stable", "embeddings"],
    ]);
    const poolLines = topologyMermaid(withShadow).split("\n").filter((line) => line.includes("{{"));
    expect(poolLines.map((line) => line.replace(/.*"pool ([^"]+)".*/, "$1"))).toEqual(["chat-stable", "chat-canary", "chat-shadow", "embeddings-stable"]);
  });

  it("leaves out the routing options' twins of the stable pool (same members reordered), as it does the Responses twins", () => {
    const stable = design.pools[0]!;
    const withTwins: GatewayDesign = {
      ...design,
      pools: [
        ...design.pools,
        { ...stable, id: "chat-stable-spill", role: "stable-spill" },
        { ...stable, id: "chat-stable-avoid-chat-eastus2", role: "stable-avoid-chat-eastus2" },
        { ...stable, id: "chat-stable-resp", role: "stable-resp", family: "account" },
      ],
    };
    expect(routeTableRows(withTwins)).toEqual(routeTableRows(design));
    expect(topologyMermaid(withTwins)).toBe(topologyMermaid(design));
    expect(topologyDot(withTwins)).toBe(topologyDot(design));
  });

  it("writes policies, Mermaid source and the Graphviz SVG of the same design and notes", async () => {
    const out = await mkdtemp(join(tmpdir(), "gateway-artifacts-"));
    const notes = { routes: { chat: "weighted · canary 10%" } };
    const artifacts = await writeGatewayArtifacts(out, design, [{ scope: "chat", xml: "<policies>\n  <inbound />\n</policies>\n" }], notes);
    expect(artifacts).toEqual({ policies: ["policies/chat.xml", "policies/_api.xml"], mermaid: "topology.mmd", svg: "topology.svg" });
    expect((await readdir(join(out, "policies"))).sort()).toEqual(["_api.xml", "chat.xml"]);
    expect(await readFile(join(out, "policies", "chat.xml"), "utf8")).toBe("<policies>\n  <inbound />\n</policies>\n");
    expect(await readFile(join(out, "topology.mmd"), "utf8")).toBe(topologyMermaid(design, notes));
    const svg = await readFile(join(out, "topology.svg"), "utf8");
    expect(svg).toBe(await renderDotSvg(topologyDot(design, notes)));
    expect(svg).toContain(">weighted</text>");
    expect(svg).toContain(">westus3</text>");
  });
});

/** A BasicV2 gateway with subscription keys and these routes; with a one-failure breaker unless `breaker` is false. */
function gatewayConfig(routes: Record<string, unknown>, { breaker = true } = {}) {
  return parseGatewayConfig({
    sku: "BasicV2",
    capacity: 1,
    publisher: { name: "Contoso", email: "ai@contoso.com" },
    auth: { subscriptionKeys: true },
    ...(breaker ? { circuitBreaker: { failures: 1, interval: "PT1M", trip: "PT1M" } } : {}),
    routes,
  });
}

describe("topology notes from config", () => {
  it("describes each route and each pool's share", () => {
    const config = gatewayConfig({
      chat: { backends: [{ deployment: "chat-ptu", priority: 1 }, { deployment: "chat", priority: 2 }], canary: { deployment: "chat-next", percent: 10, sticky: true }, shadow: { deployment: "chat-eval", percent: 5 } },
      slots: { strategy: "weighted", backends: [{ deployment: "chat" }], blueGreen: { blue: "chat", green: "chat-next", active: "green" }, abTest: { id: "p2", variants: { a: { deployment: "chat", percent: 70 }, b: { deployment: "chat-next", percent: 30 } } } },
    });
    const pools = ["chat-stable", "chat-canary", "chat-shadow", "slots-blue", "slots-green", "slots-ab-a", "slots-ab-b"].map((id) => ({ id, route: id.split("-")[0]!, role: id.split("-").slice(1).join("-"), members: [] }));
    expect(topologyNotes(config, { ...design, pools })).toEqual({
      routes: { chat: "priority failover · canary 10% → chat-next (sticky) · shadow 5% → chat-eval", slots: "weighted · blue-green, green active · A/B p2: a 70% / b 30%" },
      pools: { "chat-stable": "stable 90%", "chat-canary": "canary 10%", "chat-shadow": "shadow copies 5%", "slots-blue": "blue (idle)", "slots-green": "green (active) · idle during A/B p2", "slots-ab-a": "variant a 70%", "slots-ab-b": "variant b 30%" },
    });
  });

  it("calls a route whose stable pool has one member 'one backend', not 'priority failover'", () => {
    const config = gatewayConfig({ solo: { backends: [{ deployment: "chat" }] }, pair: { backends: [{ deployment: "chat" }] } });
    const pools = [
      { id: "solo-stable", route: "solo", role: "stable", members: [{ backendId: "chat-eastus2", priority: 1, weight: 100 }] },
      { id: "pair-stable", route: "pair", role: "stable", members: [{ backendId: "chat-eastus2", priority: 1, weight: 50 }, { backendId: "chat-westus3", priority: 1, weight: 50 }] },
    ];
    expect(topologyNotes(config, { ...design, pools }).routes).toEqual({ solo: "one backend", pair: "priority failover" });
  });

  it("says the stable pool is idle while an A/B test runs, also beside a canary (the test assigns every request a variant)", () => {
    const config = gatewayConfig({ chat: { strategy: "weighted", backends: [{ deployment: "chat" }], canary: { deployment: "chat-4o", percent: 20 }, abTest: { id: "exp1", variants: { a: { deployment: "chat", percent: 50 }, b: { deployment: "mini", percent: 50 } } } } }, { breaker: false });
    const pools = ["chat-stable", "chat-canary", "chat-ab-a", "chat-ab-b"].map((id) => ({ id, route: "chat", role: id.slice(5), members: [] }));
    expect(topologyNotes(config, { ...design, pools }).pools).toEqual({ "chat-stable": "stable · idle during A/B exp1", "chat-canary": "canary 20%", "chat-ab-a": "variant a 50% of non-canary (40%)", "chat-ab-b": "variant b 50% of non-canary (40%)" });
  });
});
