// The topology of a design with more backends than GRAPH_BACKEND_LIMIT is a route × region table:
// an HTML-like label (dot-html.ts) rendered by the same Graphviz as the graph.
import { describe, expect, it } from "vitest";
import { svgTexts } from "../support/svg";
import { renderDotSvg } from "../../cli/plan/gateway-artifacts";
import type { GatewayDesign, PoolDesign, SingleBackendDesign } from "../../components/gateway/design";
import { renderDot } from "../../components/gateway/dot";
import { renderHtmlLabel } from "../../components/gateway/dot-html";
import { escapeXml } from "../../core/text/escape-xml";
import { GRAPH_BACKEND_LIMIT, topologyDot, topologyGraph } from "../../components/gateway/topology-dot";
import { MATRIX_NODE_ID } from "../../components/gateway/topology-matrix";
import { planNetwork } from "../../core/plan/network";
import type { NetworkPlan } from "../../core/plan/network/types";
import { NetworkConfigSchema } from "../../stacks/config/network";

const REGIONS = ["eastus2", "westus3", "swedencentral"];

/** `routes` routes over the three regions: route r<i> has a stable pool with one member per region; r1 also a canary pool in eastus2 only, unless `canary` is false. */
function bigDesign(routes: number, canary = true): GatewayDesign {
  const singles: SingleBackendDesign[] = [];
  const pools: PoolDesign[] = [];
  for (let i = 1; i <= routes; i++) {
    for (const region of REGIONS) singles.push({ id: `d${i}-${region}`, deployment: `d${i}`, region, capacity: 10, tokensPerMinute: 10_000, sku: "DataZoneStandard" });
    pools.push({ id: `r${i}-stable`, route: `r${i}`, role: "stable", members: REGIONS.map((region, k) => ({ backendId: `d${i}-${region}`, priority: 1, weight: k === 0 ? 50 : 25 })) });
  }
  if (canary) {
    singles.push({ id: "next-eastus2", deployment: "next", region: "eastus2", capacity: 50, tokensPerMinute: 2_500_000, sku: "ProvisionedManaged" });
    pools.push({ id: "r1-canary", route: "r1", role: "canary", members: [{ backendId: "next-eastus2" }, { backendId: "d1-eastus2", priority: 2 }] });
  }
  // Twins are left out of every picture (drawnDesign), here as in the graph.
  pools.push({ id: "r1-stable-resp", route: "r1", role: "stable-resp", family: "account", members: [{ backendId: "d1-eastus2" }] });
  return { singles, pools, namedValues: [], apiPolicy: { scope: "api", xml: "<policies />\n" }, warnings: [] };
}

describe("HTML-like labels", () => {
  it("escapes text and ports by construction and refuses colours, sizes and spans Graphviz cannot read", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    const label = { html: { rows: [[{ lines: [[{ text: "x</TD></TR></TABLE>>", bold: true, colour: "#112233", pointSize: 10 }], [{ text: "two\nwords" }]], fill: "#ffffff", align: "left" as const, port: 'p"1', span: 2 }], [{ lines: [] }]] } };
    expect(renderHtmlLabel(label)).toBe(
      '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="9"><TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#ffffff" PORT="p&quot;1" COLSPAN="2"><FONT COLOR="#112233" POINT-SIZE="10"><B>x&lt;/TD&gt;&lt;/TR&gt;&lt;/TABLE&gt;&gt;</B></FONT><BR/>two words</TD></TR><TR><TD></TD></TR></TABLE>>',
    );
    const cell = (overrides: object) => ({ html: { rows: [[{ lines: [[{ text: "x", ...overrides }]] }]] } });
    expect(() => renderHtmlLabel(cell({ colour: 'red" X="1' }))).toThrow('dot: colour "red\\" X=\\"1" is not #rrggbb');
    expect(() => renderHtmlLabel(cell({ pointSize: 0 }))).toThrow("dot: point size 0 is outside 0–100");
    expect(() => renderHtmlLabel({ html: { rows: [[{ lines: [], span: 1.5 }]] } })).toThrow("dot: column span 1.5 is not a whole number from 1");
  });

  it("is written unquoted as a label, and an edge can end at a port", () => {
    const graph = { id: "g", graph: {}, nodeDefaults: {}, edgeDefaults: {}, nodes: [{ id: "t", attributes: { label: { html: { rows: [[{ lines: [[{ text: "a" }]], port: "p0" }]] } } } }], clusters: [], edges: [{ from: "s", to: "t", toPort: "p0", attributes: {} }] };
    expect(renderDot(graph).split("\n").slice(3, 5)).toEqual(['  "t" [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="9"><TR><TD PORT="p0">a</TD></TR></TABLE>>];', '  "s" -> "t":"p0";']);
    expect(renderDot({ ...graph, edges: [{ from: "s", to: "t", toPort: "p0", toSide: "n" as const, attributes: {} }] }).split("\n")[4]).toBe('  "s" -> "t":"p0":n;');
  });
});

describe("topology as a route × region table", () => {
  it("stays a graph up to the limit and becomes a table above it", () => {
    // Each route draws 3 backends; r1's canary adds one more.
    const drawn = (design: GatewayDesign) => new Set(design.pools.flatMap((p) => (p.family === "account" ? [] : p.members.map((m) => m.backendId)))).size;
    const atLimit = bigDesign(GRAPH_BACKEND_LIMIT / 3, false);
    expect(drawn(atLimit)).toBe(GRAPH_BACKEND_LIMIT);
    expect(topologyGraph(atLimit).nodes.map((n) => n.id)).toContain("route:r1");
    expect(drawn(bigDesign(GRAPH_BACKEND_LIMIT / 3))).toBe(GRAPH_BACKEND_LIMIT + 1);
    const above = topologyGraph(bigDesign(GRAPH_BACKEND_LIMIT / 3));
    expect(above.nodes.map((n) => n.id)).toEqual([MATRIX_NODE_ID]);
    expect(above.edges).toEqual([]);
  });

  it("has one row per drawn pool and one column per region, each cell the pool's members there", () => {
    const node = topologyGraph(bigDesign(11), { routes: { r1: "weighted · canary 10% → next" }, pools: { "r1-canary": "canary 10%" } }).nodes[0];
    const label = node?.attributes.label;
    if (typeof label !== "object") throw new Error("the table node has no HTML label");
    const text = (cell: { lines: readonly (readonly { text: string }[])[] }) => cell.lines.map((line) => line.map((run) => run.text).join("")).join(" / ");
    const rows = label.html.rows.map((row) => row.map(text));
    expect(rows.at(-1)).toEqual(["gateway topology: 11 routes, 12 pools, 34 backends in 3 regions, drawn as a table (a graph of this many backends is unreadable)"]);
    expect(label.html.rows.at(-1)?.[0]?.span).toBe(4);
    expect(rows[0]).toEqual(["route · pool", "eastus2", "westus3", "swedencentral"]);
    expect(rows.length).toBe(1 + 12 + 1);
    expect(rows[1]).toEqual([
      "route r1 / weighted / canary 10% → next / pool r1-stable: stable",
      "d1 / DataZoneStandard / 10 units · 10k TPM / p1 · w50",
      "d1 / DataZoneStandard / 10 units · 10k TPM / p1 · w25",
      "d1 / DataZoneStandard / 10 units · 10k TPM / p1 · w25",
    ]);
    const canary = rows.find((row) => row[0]?.endsWith("pool r1-canary: canary 10%"));
    expect(canary).toEqual([
      "route r1 / weighted / canary 10% → next / pool r1-canary: canary 10%",
      "next / ProvisionedManaged / 50 PTU · 2.5M TPM / member /   / d1 / DataZoneStandard / 10 units · 10k TPM / p2",
      "—",
      "—",
    ]);
    expect(label.html.rows[1]?.[1]?.fill).toBe("#f1f5f9");
    expect(label.html.rows.find((row) => text(row[0]!).includes("r1-canary"))?.[1]?.fill).toBe("#fef3c7");
    expect(rows.some((row) => row[0]?.includes("stable-resp"))).toBe(false);
  });

  it("renders to an SVG with every route, region and member label, hostile names verbatim", async () => {
    const design = bigDesign(11);
    const hostile: GatewayDesign = { ...design, singles: design.singles.map((s) => (s.id === "d2-westus3" ? { ...s, deployment: 'x "q\\ <b>&amp;' } : s)) };
    const texts = svgTexts(await renderDotSvg(topologyDot(hostile)));
    for (const label of ["route r1", "route r11", "eastus2", "swedencentral", "next", "ProvisionedManaged", "50 PTU · 2.5M TPM", "p1 · w50", "p2", "—", 'x "q\\ <b>&amp;', "pool r11-stable: stable"]) expect(texts).toContain(label);
  });

  it("with a network: the VNet beside the table, gateway → table, each endpoint → its region's column", async () => {
    const network = planNetwork({
      fleetName: "f",
      kind: "OpenAI",
      publicNetworkAccess: "Disabled",
      accountRegions: REGIONS,
      gatewayRegion: "eastus2",
      gateway: { sku: "StandardV2", capacity: 1 },
      network: NetworkConfigSchema.parse({ regions: { eastus2: {} } }),
    }).plan as NetworkPlan;
    const graph = topologyGraph(bigDesign(11), {}, network);
    expect(graph.clusters.map((c) => c.id)).toEqual(["vnet:eastus2"]);
    expect(graph.edges.map((e) => [e.from, e.to, e.toPort === undefined ? "" : `${e.toPort}:${e.toSide ?? ""}`, e.attributes.label ?? ""])).toEqual([
      ["gateway:apim", MATRIX_NODE_ID, "", "11 routes"],
      ["gateway:apim", "endpoint:pe-f-eastus2", "", "private link"],
      ["gateway:apim", "endpoint:pe-f-westus3", "", "private link"],
      ["gateway:apim", "endpoint:pe-f-swedencentral", "", "private link"],
      ["endpoint:pe-f-eastus2", MATRIX_NODE_ID, "region0:n", ""],
      ["endpoint:pe-f-westus3", MATRIX_NODE_ID, "region1:n", ""],
      ["endpoint:pe-f-swedencentral", MATRIX_NODE_ID, "region2:n", ""],
    ]);
    const texts = svgTexts(await renderDotSvg(topologyDot(bigDesign(11), {}, network)));
    for (const label of ["VNet vnet-f-eastus2", "API Management StandardV2", "account f-westus3", "private endpoint pe-f-swedencentral", "11 routes"]) expect(texts).toContain(label);
  });
});
