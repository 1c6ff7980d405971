/**
 * A small typed model of a Graphviz DOT digraph and its one renderer. Every id and string value
 * goes through `dotString`, so names from config (routes, pools, deployments, regions) can never
 * end a string, start an attribute or be read as an escape or entity by Graphviz.
 */

import { renderHtmlLabel, type DotHtmlLabel } from "./dot-html";

/** An attribute value: strings are quoted and escaped, numbers written as they are, HTML-like labels rendered by dot-html.ts. */
export type DotValue = string | number | DotHtmlLabel;

/** Attributes of a graph, node, edge or cluster, written in insertion order. */
export type DotAttributes = Readonly<Record<string, DotValue>>;

/** A node: its id (any text, escaped on output) and attributes. */
export interface DotNode {
  /** Node id; unique in the graph. */
  readonly id: string;
  /** Node attributes (label, shape, colours…). */
  readonly attributes: DotAttributes;
}

/** A directed edge between two node ids. */
export interface DotEdge {
  /** Id of the tail node. */
  readonly from: string;
  /** Id of the head node. */
  readonly to: string;
  /** Optional. Port of the head node the edge ends at (a cell of an HTML-like label). */
  readonly toPort?: string;
  /** Optional. Side of the head (port) the edge enters: `n` is the top. */
  readonly toSide?: "n" | "e" | "s" | "w";
  /** Edge attributes (label, colour…). */
  readonly attributes: DotAttributes;
}

/** A cluster subgraph: a box drawn around its nodes. */
export interface DotCluster {
  /** Subgraph id without the `cluster_` prefix Graphviz needs (added on output). */
  readonly id: string;
  /** Cluster attributes (label, style, colours…). */
  readonly attributes: DotAttributes;
  /** Nodes drawn inside the cluster. */
  readonly nodes: readonly DotNode[];
  /** Optional. Clusters drawn inside this one (a subnet inside its VNet). */
  readonly clusters?: readonly DotCluster[];
}

/** A directed graph. */
export interface DotGraph {
  /** Graph id (becomes the SVG title). */
  readonly id: string;
  /** Graph attributes (rankdir, fonts, spacing…). */
  readonly graph: DotAttributes;
  /** Defaults for every node. */
  readonly nodeDefaults: DotAttributes;
  /** Defaults for every edge. */
  readonly edgeDefaults: DotAttributes;
  /** Nodes outside any cluster. */
  readonly nodes: readonly DotNode[];
  /** Clusters with their nodes. */
  readonly clusters: readonly DotCluster[];
  /** Edges, written after all nodes. */
  readonly edges: readonly DotEdge[];
}

/**
 * A DOT double-quoted string. DOT itself only unescapes `\"`, but Graphviz labels also read `\n`,
 * `\l`, `\N`… (so `\` is doubled) and HTML entities such as `&amp;` (so `&` becomes `&amp;`).
 * Line breaks in the value become `\n`, the label line break.
 */
export function dotString(value: string): string {
  const escaped = value.replace(/[\\"&]/g, (character) => (character === "&" ? "&amp;" : `\\${character}`)).replace(/\r\n|\r|\n/g, "\\n");
  return `"${escaped}"`;
}

/** Attribute names are ours, never user input; anything else is a programming error. */
function attributeName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`dot: invalid attribute name ${JSON.stringify(name)}`);
  return name;
}

function dotValue(value: DotValue): string {
  if (typeof value === "object") return renderHtmlLabel(value);
  if (typeof value === "number") {
    const text = String(value);
    // DOT numerals have no exponent form, so 1e-7 or Infinity would not parse.
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`dot: attribute value ${text} is not a plain decimal number`);
    return text;
  }
  return dotString(value);
}

function attributeList(attributes: DotAttributes): string {
  return Object.entries(attributes)
    .map(([name, value]) => `${attributeName(name)}=${dotValue(value)}`)
    .join(", ");
}

function statement(indent: string, head: string, attributes: DotAttributes): string {
  return Object.keys(attributes).length === 0 ? `${indent}${head};` : `${indent}${head} [${attributeList(attributes)}];`;
}

function clusterLines(cluster: DotCluster, indent: string): string[] {
  const inner = `${indent}  `;
  const lines = [`${indent}subgraph ${dotString(`cluster_${cluster.id}`)} {`];
  for (const [name, value] of Object.entries(cluster.attributes)) lines.push(`${inner}${attributeName(name)}=${dotValue(value)};`);
  for (const node of cluster.nodes) lines.push(statement(inner, dotString(node.id), node.attributes));
  for (const child of cluster.clusters ?? []) lines.push(...clusterLines(child, inner));
  lines.push(`${indent}}`);
  return lines;
}

/** DOT source of the graph, one statement per line. */
export function renderDot(graph: DotGraph): string {
  const lines = [`digraph ${dotString(graph.id)} {`];
  for (const [name, value] of Object.entries(graph.graph)) lines.push(`  ${attributeName(name)}=${dotValue(value)};`);
  lines.push(statement("  ", "node", graph.nodeDefaults), statement("  ", "edge", graph.edgeDefaults));
  for (const node of graph.nodes) lines.push(statement("  ", dotString(node.id), node.attributes));
  for (const cluster of graph.clusters) lines.push(...clusterLines(cluster, "  "));
  for (const edge of graph.edges) lines.push(statement("  ", `${dotString(edge.from)} -> ${dotString(edge.to)}${edge.toPort === undefined ? "" : `:${dotString(edge.toPort)}`}${edge.toSide === undefined ? "" : `:${edge.toSide}`}`, edge.attributes));
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
