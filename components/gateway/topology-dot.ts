/**
 * The gateway topology as a Graphviz graph, drawn left to right: route → pools (edge label: the
 * pool's role or share) → backends boxed by region (deployment, SKU, capacity, TPM), pool → backend
 * edges labelled with priority and weight. Same design and notes as the Mermaid source; Graphviz
 * turns it into an SVG with plain fill/stroke attributes that any viewer draws.
 */
import { LAYOUT_FONT } from "./dot-fonts";
import type { GatewayDesign, SingleBackendDesign } from "./design";
import { renderDot, type DotCluster, type DotEdge, type DotGraph, type DotNode } from "./dot";
import type { NetworkPlan } from "../../core/plan/network/types";
import { capacityText, drawnDesign, formatTpm, memberLabel, type TopologyNotes } from "./topology";
import { withNetwork } from "./topology-network";
import { roleColours } from "./topology-colours";
import { topologyMatrixGraph } from "./topology-matrix";

export { roleColours } from "./topology-colours";

/**
 * Above this many drawn backends the topology is a route × region table (topology-matrix.ts): the
 * dev and prod stacks draw 4 and 11, a 10-region × 20-deployment fleet 200, which as a graph was an
 * unreadable strip of crossing edges.
 */
export const GRAPH_BACKEND_LIMIT = 30;

const routeId = (route: string) => `route:${route}`;
const poolId = (pool: string) => `pool:${pool}`;
const backendId = (backend: string) => `backend:${backend}`;

function backendNode(single: SingleBackendDesign): DotNode {
  return { id: backendId(single.id), attributes: { label: [single.deployment, `${single.sku} · ${capacityText(single)}`, formatTpm(single.tokensPerMinute)].join("\n") } };
}

/**
 * The topology graph model; throws when a pool names a backend the design does not have. With a
 * network plan, the VNets, the gateway and its private endpoints are drawn too (topology-network.ts).
 */
export function topologyGraph(full: GatewayDesign, notes: TopologyNotes = {}, network?: NetworkPlan): DotGraph {
  const design = drawnDesign(full);
  const singles = new Map(design.singles.map((single) => [single.id, single]));
  for (const pool of design.pools) {
    for (const member of pool.members) {
      if (!singles.has(member.backendId)) throw new Error(`topology: pool ${pool.id} names unknown backend ${member.backendId}`);
    }
  }
  const drawn = new Set(design.pools.flatMap((pool) => pool.members.map((member) => member.backendId)));
  if (drawn.size > GRAPH_BACKEND_LIMIT) return topologyMatrixGraph(design, notes, network);
  const routes = [...new Set(design.pools.map((pool) => pool.route))];
  const nodes: DotNode[] = routes.map((route) => {
    const note = notes.routes?.[route];
    // Notes join their parts with " · "; one part per line keeps the route box narrow.
    const label = [`route ${route}`, ...(note === undefined ? [] : note.split(" · "))].join("\n");
    return { id: routeId(route), attributes: { label, color: "#1e293b", fillcolor: "#1e293b", fontcolor: "white" } };
  });
  for (const pool of design.pools) {
    const colours = roleColours(pool.role);
    nodes.push({ id: poolId(pool.id), attributes: { label: `pool ${pool.id}`, shape: "hexagon", color: colours.stroke, fillcolor: colours.fill } });
  }
  const used = new Set(design.pools.flatMap((pool) => pool.members.map((member) => member.backendId)));
  const regions = new Map<string, SingleBackendDesign[]>();
  for (const single of design.singles.filter((candidate) => used.has(candidate.id))) {
    regions.set(single.region, [...(regions.get(single.region) ?? []), single]);
  }
  const clusters: DotCluster[] = [...regions].map(([region, members]) => ({
    id: region,
    attributes: { label: region, style: "rounded,filled", color: "#cbd5e1", fillcolor: "#f8fafc", fontname: LAYOUT_FONT, labeljust: "l" },
    nodes: members.map(backendNode),
  }));
  const edges: DotEdge[] = [];
  for (const pool of design.pools) {
    const { stroke } = roleColours(pool.role);
    edges.push({ from: routeId(pool.route), to: poolId(pool.id), attributes: { label: notes.pools?.[pool.id] ?? pool.role, color: stroke, fontcolor: stroke, penwidth: 2 } });
  }
  // Priority/weight sit at the arrow head, next to the backend they describe; when several pools
  // reach one backend their edges arrive together, so alternate labels go above and below.
  const arrivals = new Map<string, number>();
  for (const pool of design.pools) {
    const { stroke } = roleColours(pool.role);
    for (const member of pool.members) {
      const arrival = arrivals.get(member.backendId) ?? 0;
      arrivals.set(member.backendId, arrival + 1);
      const labelangle = arrival % 2 === 0 ? 15 : -15;
      edges.push({ from: poolId(pool.id), to: backendId(member.backendId), attributes: { headlabel: memberLabel(member), labeldistance: 4, labelangle, color: stroke, fontcolor: stroke } });
    }
  }
  const graph: DotGraph = {
    id: "gateway topology",
    graph: { rankdir: "LR", bgcolor: "white", fontname: LAYOUT_FONT, fontsize: 13, nodesep: 0.3, ranksep: 1.6, pad: 0.3 },
    nodeDefaults: { shape: "box", style: "rounded,filled", fontname: LAYOUT_FONT, fontsize: 12, color: "#52525b", fillcolor: "white", margin: "0.3,0.1" },
    edgeDefaults: { fontname: LAYOUT_FONT, fontsize: 11, arrowsize: 0.7 },
    nodes,
    clusters,
    edges,
  };
  return network ? withNetwork(graph, network, routes.map(routeId)) : graph;
}

/** DOT source of the topology (`topologyGraph` rendered). */
export function topologyDot(design: GatewayDesign, notes: TopologyNotes = {}, network?: NetworkPlan): string {
  return renderDot(topologyGraph(design, notes, network));
}
