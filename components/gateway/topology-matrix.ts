/**
 * The gateway topology as one route × region table, for designs too big to read as a graph: one row
 * per drawn pool (route, its note, the pool and its role), one column per region, and in each cell
 * the pool's members there (deployment, SKU, capacity, TPM, `p<priority> · w<weight>`), tinted by
 * the pool's role, and a last row with the counts. A 10-region × 20-route fleet drawn as a graph was a 16,000-pixel strip of crossing
 * edges whose layout cost Graphviz a quarter of a second; as a table it fits a screen. Graphviz still
 * renders it (an HTML-like label, dot-html.ts), so the SVG is self-contained like the graph's.
 */
import { LAYOUT_FONT } from "./dot-fonts";
import { countOf } from "../../core/console/count";
import type { NetworkPlan } from "../../core/plan/network/types";
import type { DotEdge, DotGraph } from "./dot";
import type { HtmlCell, HtmlRun } from "./dot-html";
import type { GatewayDesign, PoolDesign, SingleBackendDesign } from "./design";
import { capacityText, formatTpm, memberLabel, type TopologyNotes } from "./topology";
import { roleColours } from "./topology-colours";
import { accountEndpointsByRegion, endpointEdge, gatewayEdges, NETWORK_COLOUR, vnetCluster, type AccountEndpoint } from "./topology-network";

/** Id of the table's node; edges from the network end at it or at one of its region ports. */
export const MATRIX_NODE_ID = "topology:matrix";

const HEADER = { dark: "#1e293b", light: "#e2e8f0" } as const;
const EMPTY_CELL = { fill: "#ffffff", text: "#94a3b8" } as const;

/** Regions in the order their first used backend appears in the design (the graph's cluster order). */
function regionsOf(singles: readonly SingleBackendDesign[]): string[] {
  return [...new Set(singles.map((single) => single.region))];
}

const portOf = (index: number) => `region${index}`;

function headerRow(regions: readonly string[], network: NetworkPlan | undefined): HtmlCell[] {
  const accountEndpoint = network === undefined ? new Map<string, AccountEndpoint>() : accountEndpointsByRegion(network);
  const corner: HtmlCell = { lines: [[{ text: "route · pool", bold: true, colour: "#ffffff" }]], fill: HEADER.dark, align: "left" };
  const cells = regions.map((region, index): HtmlCell => {
    const endpoint = accountEndpoint.get(region);
    const lines: HtmlRun[][] = [[{ text: region, bold: true }]];
    if (endpoint) lines.push([{ text: `account ${endpoint.accountName}`, pointSize: 10 }], [{ text: `private endpoint ${endpoint.name}`, pointSize: 10, colour: NETWORK_COLOUR.stroke }]);
    return { lines, fill: HEADER.light, port: portOf(index) };
  });
  return [corner, ...cells];
}

function memberLines(single: SingleBackendDesign, label: string, stroke: string): HtmlRun[][] {
  return [[{ text: single.deployment, bold: true }], [{ text: single.sku, pointSize: 10 }], [{ text: `${capacityText(single)} · ${formatTpm(single.tokensPerMinute)}`, pointSize: 10 }], [{ text: label, colour: stroke }]];
}

function poolRow(pool: PoolDesign, regions: readonly string[], singles: ReadonlyMap<string, SingleBackendDesign>, notes: TopologyNotes): HtmlCell[] {
  const { stroke, fill } = roleColours(pool.role);
  const note = notes.routes?.[pool.route];
  const title: HtmlCell = {
    lines: [[{ text: `route ${pool.route}`, bold: true }], ...(note === undefined ? [] : note.split(" · ").map((part) => [{ text: part, pointSize: 10 }])), [{ text: `pool ${pool.id}: ${notes.pools?.[pool.id] ?? pool.role}`, colour: stroke }]],
    fill,
    align: "left",
  };
  const cells = regions.map((region): HtmlCell => {
    const members = pool.members.flatMap((member) => {
      const single = singles.get(member.backendId);
      if (!single) throw new Error(`topology: pool ${pool.id} names unknown backend ${member.backendId}`);
      return single.region === region ? [{ single, label: memberLabel(member) }] : [];
    });
    if (members.length === 0) return { lines: [[{ text: "—", colour: EMPTY_CELL.text }]], fill: EMPTY_CELL.fill };
    // Two members of one pool in a region (two deployments) are stacked with a blank line between.
    return { lines: members.flatMap(({ single, label }, index) => [...(index > 0 ? [[{ text: " " }]] : []), ...memberLines(single, label, stroke)]), fill };
  });
  return [title, ...cells];
}

/** The network beside the table: the VNets as in the graph, the gateway → table, endpoints → their region's column. */
function networkParts(network: NetworkPlan, regions: readonly string[], routes: number): { clusters: DotGraph["clusters"]; edges: DotEdge[] } {
  const edges = gatewayEdges(network, [{ id: MATRIX_NODE_ID, label: countOf(routes, "route") }]);
  for (const [region, endpoint] of accountEndpointsByRegion(network)) {
    const index = regions.indexOf(region);
    if (index >= 0) edges.push(endpointEdge(endpoint, { to: MATRIX_NODE_ID, toPort: portOf(index), toSide: "n" }));
  }
  return { clusters: network.networks.map((vnet) => vnetCluster(vnet, network)), edges };
}

/**
 * The table graph of an already drawn design (twin pools left out, `drawnDesign`): a title, the
 * table node and, with a network plan, the VNets and their edges.
 */
export function topologyMatrixGraph(design: GatewayDesign, notes: TopologyNotes, network?: NetworkPlan): DotGraph {
  const singles = new Map(design.singles.map((single) => [single.id, single]));
  const used = new Set(design.pools.flatMap((pool) => pool.members.map((member) => member.backendId)));
  const regions = regionsOf(design.singles.filter((single) => used.has(single.id)));
  const routes = new Set(design.pools.map((pool) => pool.route)).size;
  const title = `gateway topology: ${countOf(routes, "route")}, ${countOf(design.pools.length, "pool")}, ${countOf(used.size, "backend")} in ${countOf(regions.length, "region")}, drawn as a table (a graph of this many backends is unreadable)`;
  const titleRow: HtmlCell[] = [{ lines: [[{ text: title, bold: true, pointSize: 14 }]], span: regions.length + 1, align: "left", fill: "#ffffff" }];
  // The title is the last row: the network's endpoint edges come down onto the region headers, so nothing may sit above them.
  const rows = [headerRow(regions, network), ...design.pools.map((pool) => poolRow(pool, regions, singles, notes)), titleRow];
  const parts = network ? networkParts(network, regions, routes) : { clusters: [], edges: [] };
  return {
    id: "gateway topology",
    graph: { rankdir: "LR", bgcolor: "white", fontname: LAYOUT_FONT, fontsize: 13, pad: 0.3, ranksep: 1.2 },
    nodeDefaults: { shape: "box", style: "rounded,filled", fontname: LAYOUT_FONT, fontsize: 12, color: "#52525b", fillcolor: "white", margin: "0.3,0.1" },
    edgeDefaults: { fontname: LAYOUT_FONT, fontsize: 11, arrowsize: 0.7 },
    nodes: [{ id: MATRIX_NODE_ID, attributes: { shape: "plain", style: "solid", label: { html: { rows } } } }],
    clusters: parts.clusters,
    edges: parts.edges,
  };
}
