import { describe, expect, it } from "vitest";
import { svgTexts } from "../support/svg";
import type { GatewayDesign } from "../../components/gateway/design";
import { dotString, renderDot } from "../../components/gateway/dot";
import { roleColours, topologyDot } from "../../components/gateway/topology-dot";
import { renderDotSvg } from "../../cli/plan/gateway-artifacts";
import { LAYOUT_FONT, SVG_FONT_FAMILY } from "../../components/gateway/dot-fonts";

/** One route, a stable pool over two regions and a canary pool sharing a backend; one backend unused. */
const design: GatewayDesign = {
  singles: [
    { id: "chat-eastus2", deployment: "chat", region: "eastus2", capacity: 300, tokensPerMinute: 300_000, sku: "DataZoneStandard" },
    { id: "chat-westus3", deployment: "chat", region: "westus3", capacity: 150, tokensPerMinute: null, sku: "DataZoneStandard" },
    { id: "chat-next-eastus2", deployment: "chat-next", region: "eastus2", capacity: 50, tokensPerMinute: 2_500_000, sku: "ProvisionedManaged" },
    { id: "unused-eastus2", deployment: "unused", region: "eastus2", capacity: 1, tokensPerMinute: 1000, sku: "Standard" },
  ],
  pools: [
    {
      id: "chat-stable",
      route: "chat",
      role: "stable",
      members: [
        { backendId: "chat-eastus2", priority: 1, weight: 67 },
        { backendId: "chat-westus3", priority: 2, weight: 33 },
      ],
    },
    { id: "chat-canary", route: "chat", role: "canary", members: [{ backendId: "chat-next-eastus2" }, { backendId: "chat-eastus2", priority: 2 }] },
  ],
  namedValues: [],
  apiPolicy: { scope: "api", xml: "<policies />\n" },
  warnings: [],
};
const notes = { routes: { chat: "priority failover · canary 10% → chat-next" }, pools: { "chat-stable": "stable 90%", "chat-canary": "canary 10%" } };

describe("DOT model", () => {
  it("escapes quotes, backslashes, entities and line breaks, and nothing else", () => {
    expect(dotString('say "hi"')).toBe('"say \\"hi\\""');
    expect(dotString("C:\\path\\n")).toBe('"C:\\\\path\\\\n"');
    expect(dotString("<b>a & b &amp; c</b>")).toBe('"<b>a &amp; b &amp;amp; c</b>"');
    expect(dotString("one\ntwo\r\nthree")).toBe('"one\\ntwo\\nthree"');
    expect(dotString("")).toBe('""');
  });

  it("renders graph, defaults, clusters and edges, refusing attribute names and numbers DOT cannot read", () => {
    const graph = { id: "g", graph: { rankdir: "LR" }, nodeDefaults: {}, edgeDefaults: { penwidth: 1.5 }, nodes: [{ id: "a", attributes: {} }], clusters: [{ id: "r", attributes: { label: "r" }, nodes: [{ id: "b", attributes: { label: "B" } }] }], edges: [{ from: "a", to: "b", attributes: {} }] };
    expect(renderDot(graph)).toBe(['digraph "g" {', '  rankdir="LR";', "  node;", "  edge [penwidth=1.5];", '  "a";', '  subgraph "cluster_r" {', '    label="r";', '    "b" [label="B"];', "  }", '  "a" -> "b";', "}", ""].join("\n"));
    expect(() => renderDot({ ...graph, graph: { "label=x": "y" } })).toThrow('dot: invalid attribute name "label=x"');
    expect(() => renderDot({ ...graph, graph: { nodesep: 1e-7 } })).toThrow("dot: attribute value 1e-7 is not a plain decimal number");
    expect(() => renderDot({ ...graph, graph: { nodesep: Number.NaN } })).toThrow("dot: attribute value NaN is not a plain decimal number");
  });
});

describe("gateway topology as DOT", () => {
  it("draws route → pools → backends by region, exactly", () => {
    expect(topologyDot(design, notes).split("\n")).toEqual([
      'digraph "gateway topology" {',
      '  rankdir="LR";',
      '  bgcolor="white";',
      '  fontname="DejaVu Sans";',
      '  fontsize=13;',
      '  nodesep=0.3;',
      '  ranksep=1.6;',
      '  pad=0.3;',
      '  node [shape="box", style="rounded,filled", fontname="DejaVu Sans", fontsize=12, color="#52525b", fillcolor="white", margin="0.3,0.1"];',
      '  edge [fontname="DejaVu Sans", fontsize=11, arrowsize=0.7];',
      '  "route:chat" [label="route chat\\npriority failover\\ncanary 10% → chat-next", color="#1e293b", fillcolor="#1e293b", fontcolor="white"];',
      '  "pool:chat-stable" [label="pool chat-stable", shape="hexagon", color="#475569", fillcolor="#f1f5f9"];',
      '  "pool:chat-canary" [label="pool chat-canary", shape="hexagon", color="#b45309", fillcolor="#fef3c7"];',
      '  subgraph "cluster_eastus2" {',
      '    label="eastus2";',
      '    style="rounded,filled";',
      '    color="#cbd5e1";',
      '    fillcolor="#f8fafc";',
      '    fontname="DejaVu Sans";',
      '    labeljust="l";',
      '    "backend:chat-eastus2" [label="chat\\nDataZoneStandard · 300 units\\n300k TPM"];',
      '    "backend:chat-next-eastus2" [label="chat-next\\nProvisionedManaged · 50 PTU\\n2.5M TPM"];',
      '  }',
      '  subgraph "cluster_westus3" {',
      '    label="westus3";',
      '    style="rounded,filled";',
      '    color="#cbd5e1";',
      '    fillcolor="#f8fafc";',
      '    fontname="DejaVu Sans";',
      '    labeljust="l";',
      '    "backend:chat-westus3" [label="chat\\nDataZoneStandard · 150 units\\nTPM unknown"];',
      '  }',
      '  "route:chat" -> "pool:chat-stable" [label="stable 90%", color="#475569", fontcolor="#475569", penwidth=2];',
      '  "route:chat" -> "pool:chat-canary" [label="canary 10%", color="#b45309", fontcolor="#b45309", penwidth=2];',
      '  "pool:chat-stable" -> "backend:chat-eastus2" [headlabel="p1 · w67", labeldistance=4, labelangle=15, color="#475569", fontcolor="#475569"];',
      '  "pool:chat-stable" -> "backend:chat-westus3" [headlabel="p2 · w33", labeldistance=4, labelangle=15, color="#475569", fontcolor="#475569"];',
      '  "pool:chat-canary" -> "backend:chat-next-eastus2" [headlabel="member", labeldistance=4, labelangle=15, color="#b45309", fontcolor="#b45309"];',
      '  "pool:chat-canary" -> "backend:chat-eastus2" [headlabel="p2", labeldistance=4, labelangle=-15, color="#b45309", fontcolor="#b45309"];',
      '}',
      "",
    ]);
  });

  it("colours pools by role, shares and variants included", () => {
    expect(roleColours("stable 90%")).toEqual(roleColours("stable"));
    expect(roleColours("ab-b")).toEqual({ stroke: "#6d28d9", fill: "#ede9fe" });
    expect(roleColours("blue").stroke).toBe("#1d4ed8");
    expect(roleColours("green").stroke).toBe("#15803d");
    expect(roleColours("shadow")).toEqual({ stroke: "#3f3f46", fill: "#f4f4f5" });
  });

  it("refuses a pool member that is not a backend of the design", () => {
    const broken: GatewayDesign = { ...design, pools: [{ id: "p", route: "chat", role: "stable", members: [{ backendId: "nope" }] }] };
    expect(() => topologyDot(broken)).toThrow("topology: pool p names unknown backend nope");
  });

  it("escapes hostile names exactly in DOT and shows them verbatim in the SVG", async () => {
    const deployment = 'x "q\\ <b>&amp;';
    const hostile: GatewayDesign = {
      ...design,
      singles: [{ id: 'x-"\\-eastus2', deployment, region: "east<us>", capacity: 1, tokensPerMinute: 1000, sku: "Standard" }],
      pools: [{ id: 'p"\\<&>', route: 'r"\\<&>', role: 'canary "&amp;"', members: [{ backendId: 'x-"\\-eastus2', weight: 5 }] }],
    };
    const lines = topologyDot(hostile).split("\n");
    expect(lines).toContain('  "route:r\\"\\\\<&amp;>" [label="route r\\"\\\\<&amp;>", color="#1e293b", fillcolor="#1e293b", fontcolor="white"];');
    expect(lines).toContain('  "pool:p\\"\\\\<&amp;>" [label="pool p\\"\\\\<&amp;>", shape="hexagon", color="#b45309", fillcolor="#fef3c7"];');
    expect(lines).toContain('  subgraph "cluster_east<us>" {');
    expect(lines).toContain('    "backend:x-\\"\\\\-eastus2" [label="x \\"q\\\\ <b>&amp;amp;\\nStandard · 1 units\\n1k TPM"];');
    expect(lines).toContain('  "route:r\\"\\\\<&amp;>" -> "pool:p\\"\\\\<&amp;>" [label="canary \\"&amp;amp;\\"", color="#b45309", fontcolor="#b45309", penwidth=2];');
    const texts = svgTexts(await renderDotSvg(topologyDot(hostile)));
    expect(texts).toEqual(expect.arrayContaining(['route r"\\<&>', 'pool p"\\<&>', "east<us>", deployment, 'canary "&amp;"', "w5"]));
  });
});

describe("topology SVG (Graphviz)", () => {
  it("is self-contained: plain attributes, no CSS variables, imports or remote URLs", async () => {
    const svg = await renderDotSvg(topologyDot(design, notes));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).not.toContain("var(");
    expect(svg).not.toContain("@import");
    expect(svg).not.toContain("<style");
    expect([...new Set(svg.match(/https?:\/\/[^"'\s)]+/g))].sort()).toEqual(["http://www.w3.org/1999/xlink", "http://www.w3.org/2000/svg"]);
    expect(svg).toContain('fill="#fef3c7" stroke="#b45309"');
  });

  it("is laid out for DejaVu Sans and names it with fallbacks, so boxes hold the text where Helvetica is missing", async () => {
    const svg = await renderDotSvg(topologyDot(design, notes));
    const families = [...new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((match) => match[1]))];
    expect(families).toEqual([SVG_FONT_FAMILY]);
    expect(SVG_FONT_FAMILY).toBe("DejaVu Sans,Verdana,Helvetica,Arial,sans-serif");
    // The same label is wider laid out for DejaVu Sans than for Helvetica (Graphviz's own metrics).
    const width = async (font: string) => Number((await renderDotSvg(`digraph { node [shape=plaintext, margin=0, fontname="${font}"]; a [label="pool embeddings-large-stable: stable"]; }`)).match(/<svg width="([\d.]+)pt"/)?.[1]);
    expect(await width(LAYOUT_FONT)).toBeGreaterThan((await width("Helvetica")) * 1.1);
  });

  it("contains every route, pool and backend label and every priority/weight", async () => {
    const texts = svgTexts(await renderDotSvg(topologyDot(design, notes)));
    for (const label of [
      "route chat",
      "priority failover",
      "canary 10% → chat-next",
      "pool chat-stable",
      "pool chat-canary",
      "stable 90%",
      "canary 10%",
      "eastus2",
      "westus3",
      "chat",
      "chat-next",
      "DataZoneStandard · 300 units",
      "DataZoneStandard · 150 units",
      "ProvisionedManaged · 50 PTU",
      "300k TPM",
      "2.5M TPM",
      "TPM unknown",
      "p1 · w67",
      "p2 · w33",
      "member",
      "p2",
    ]) {
      expect(texts).toContain(label);
    }
    expect(texts).not.toContain("unused");
  });
});
