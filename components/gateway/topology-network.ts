/**
 * The network on the gateway topology (issue 13): the VNets as boxes with their subnets inside —
 * the API Management service in its gateway subnet, the private endpoints in theirs — an edge from
 * the service to every route it serves and to every endpoint it reaches, and from each endpoint
 * to the account (region box) it connects to. Pure: a DotGraph in, a DotGraph out.
 */
import { LAYOUT_FONT } from "./dot-fonts";
import type { NetworkPlan, PlannedNetwork } from "../../core/plan/network/types";
import type { DotCluster, DotEdge, DotGraph, DotNode } from "./dot";

const MODE_TEXT = { integration: "outbound VNet integration", external: "VNet injection (external)", internal: "VNet injection (internal)" } as const;
export const NETWORK_COLOUR = { stroke: "#0f766e", fill: "#f0fdfa", subnet: "#ccfbf1" } as const;

export const gatewayNodeId = "gateway:apim";
export const endpointId = (name: string) => `endpoint:${name}`;

function subnetCluster(id: string, title: string, nodes: DotNode[]): DotCluster {
  return { id, attributes: { label: title, style: "rounded,filled", color: NETWORK_COLOUR.stroke, fillcolor: NETWORK_COLOUR.subnet, fontname: LAYOUT_FONT, labeljust: "l" }, nodes };
}

/** A VNet box with its gateway and endpoint subnets inside. */
export function vnetCluster(network: NetworkPlan["networks"][number], plan: NetworkPlan): DotCluster {
  const children: DotCluster[] = [];
  const gateway = plan.gateway;
  if (network.gatewaySubnet && gateway && gateway.networkRegion === network.region) {
    const subnet = network.gatewaySubnet;
    const apim: DotNode = {
      id: gatewayNodeId,
      attributes: { label: [`API Management ${gateway.sku}`, MODE_TEXT[gateway.mode], ...(gateway.inboundPrivateEndpoint ? [`inbound private endpoint · public ${gateway.publicNetworkAccess}`] : [])].join("\n"), color: NETWORK_COLOUR.stroke, fillcolor: "white", penwidth: 2 },
    };
    children.push(subnetCluster(`${network.region}/gateway`, [`${subnet.name} ${subnet.addressPrefix}`, ...(subnet.delegation ? [`delegated to ${subnet.delegation}`] : [])].join("\n"), [apim]));
  }
  const endpoints = plan.endpoints.filter((endpoint) => endpoint.networkRegion === network.region);
  if (network.privateEndpointSubnet && endpoints.length > 0) {
    const nodes = endpoints.map((endpoint): DotNode => ({
      id: endpointId(endpoint.name),
      attributes: { label: [endpoint.name, endpoint.target.kind === "account" ? `→ ${endpoint.target.accountName}` : "→ gateway (inbound)"].join("\n"), shape: "cds", color: NETWORK_COLOUR.stroke, fillcolor: "white" },
    }));
    children.push(subnetCluster(`${network.region}/endpoints`, `${network.privateEndpointSubnet.name} ${network.privateEndpointSubnet.addressPrefix}`, nodes));
  }
  const zones = plan.zones.filter((zone) => zone.existingId !== undefined || zone.linkedNetworks.includes(network.region)).map((zone) => zone.name);
  const title = [
    `VNet ${network.vnetName}${network.mode === "existing" ? " (existing)" : ""}`,
    `${network.region}${network.addressSpace ? ` · ${network.addressSpace}` : ""}`,
    ...(network.role === "spoke" ? [peeringText(network, plan)] : []),
    ...(zones.length > 0 ? [`DNS: ${zones.join(", ")}`] : []),
  ].join("\n");
  return { id: `vnet:${network.region}`, attributes: { label: title, style: "rounded,filled", color: NETWORK_COLOUR.stroke, fillcolor: NETWORK_COLOUR.fill, fontname: LAYOUT_FONT, labeljust: "c", labelloc: "b", penwidth: 1.5 }, nodes: [], clusters: children };
}

function peeringText(network: PlannedNetwork, plan: NetworkPlan): string {
  const hub = plan.networks.find((n) => n.role === "gateway")?.vnetName ?? "the gateway network";
  return network.peerWithGatewayNetwork ? `peered with ${hub}` : network.reachableFromGateway ? `peered with ${hub} (declared)` : `not peered with ${hub}`;
}

/** Colours of every network edge. */
const NETWORK_EDGE = { color: NETWORK_COLOUR.stroke, fontcolor: NETWORK_COLOUR.stroke } as const;

/** A private endpoint that reaches an account: the endpoint's name and the account's. */
export interface AccountEndpoint {
  readonly name: string;
  readonly accountName: string;
}

/** The private endpoints that reach accounts, by the account's region. */
export function accountEndpointsByRegion(plan: NetworkPlan): Map<string, AccountEndpoint> {
  return new Map(plan.endpoints.flatMap((e) => (e.target.kind === "account" ? [[e.target.region, { name: e.name, accountName: e.target.accountName }] as const] : [])));
}

/**
 * The gateway's edges: a bold one to each node it serves (routes, or the topology table), a dashed
 * "private link" to each account endpoint; none when the plan has no gateway on the network.
 */
export function gatewayEdges(plan: NetworkPlan, served: readonly { readonly id: string; readonly label?: string }[]): DotEdge[] {
  if (!plan.gateway) return [];
  return [
    ...served.map((node): DotEdge => ({ from: gatewayNodeId, to: node.id, attributes: { ...NETWORK_EDGE, style: "bold", ...(node.label === undefined ? {} : { label: node.label }) } })),
    ...[...accountEndpointsByRegion(plan).values()].map((endpoint): DotEdge => ({ from: gatewayNodeId, to: endpointId(endpoint.name), attributes: { ...NETWORK_EDGE, style: "dashed", label: "private link" } })),
  ];
}

/** An account endpoint's dashed edge to what stands for its account in the picture. */
export function endpointEdge(endpoint: AccountEndpoint, to: Omit<DotEdge, "from" | "attributes">, attributes: DotEdge["attributes"] = {}): DotEdge {
  return { from: endpointId(endpoint.name), ...to, attributes: { ...NETWORK_EDGE, style: "dashed", ...attributes } };
}

/**
 * Adds the network to a topology graph whose routes are `route:<name>` nodes and whose backends sit
 * in one cluster per region (`backend:<id>` nodes). Region boxes get their account's name.
 */
export function withNetwork(graph: DotGraph, plan: NetworkPlan, routeIds: readonly string[]): DotGraph {
  const edges = gatewayEdges(plan, routeIds.map((id) => ({ id })));
  const accountOf = accountEndpointsByRegion(plan);
  const regions = graph.clusters.map((cluster) => {
    const endpoint = accountOf.get(cluster.id);
    if (!endpoint) return cluster;
    const first = cluster.nodes[0];
    if (first) edges.push(endpointEdge(endpoint, { to: first.id }, { lhead: `cluster_${cluster.id}`, arrowhead: "normal" }));
    return { ...cluster, attributes: { ...cluster.attributes, label: `${cluster.id}\naccount ${endpoint.accountName}`, fontname: LAYOUT_FONT } };
  });
  return {
    ...graph,
    graph: { ...graph.graph, compound: "true" },
    clusters: [...plan.networks.map((network) => vnetCluster(network, plan)), ...regions],
    edges: [...edges, ...graph.edges],
  };
}
