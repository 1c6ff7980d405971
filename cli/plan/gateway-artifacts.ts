/**
 * Gateway plan artifacts: the generated policies (`policies/<route>.xml`, `policies/_api.xml` and, with
 * a shadow, the relay API's `policies/_shadow-relay.xml`),
 * the topology diagram (`topology.mmd` for Mermaid viewers, `topology.svg` drawn by Graphviz from
 * the same design) and the console table of routes with their backends, priorities and weights.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { instance, type Viz } from "@viz-js/viz";
import type { GatewayDesign, PolicyDocumentDesign } from "../../components/gateway/design";
import type { NetworkPlan } from "../../core/plan/network/types";
import { topologyDot } from "../../components/gateway/topology-dot";
import { withFontFallbacks } from "../../components/gateway/dot-fonts";
import { routeTableRows, topologyMermaid, type TopologyNotes } from "../../components/gateway/topology";
import { compactTable } from "../../core/console/table";
import { capacityCell, numberCell } from "../../core/console/cells";

/** File name of the API-level policy next to the route policies (a leading `_` is not a valid route name, so it never collides). */
export const API_POLICY_FILE = "_api.xml";
/** File name of the shadow relay API's policy, written when a route has a shadow. */
export const SHADOW_RELAY_POLICY_FILE = "_shadow-relay.xml";

/** Files written for one stack, relative to `out/<stack>/`. */
export interface GatewayArtifacts {
  readonly policies: readonly string[];
  readonly mermaid: string;
  readonly svg: string;
}

/** One Graphviz WASM instance per process: compiling the module is the slow part, rendering is cheap. */
let graphviz: Promise<Viz> | undefined;

/**
 * Renders DOT to a self-contained SVG with Graphviz (`@viz-js/viz`, WASM, no browser). Graphviz
 * writes plain fill/stroke attributes; the layout font gets its fallbacks (dot-fonts.ts); the XML prolog is dropped because its
 * DOCTYPE names the SVG 1.1 DTD by URL, which some viewers try to fetch.
 */
export async function renderDotSvg(dot: string): Promise<string> {
  graphviz ??= instance();
  const svg = (await graphviz).renderString(dot, { format: "svg", engine: "dot" });
  const start = svg.indexOf("<svg");
  if (start < 0) throw new Error("topology: Graphviz returned no <svg> element");
  return withFontFallbacks(svg.slice(start));
}

/**
 * Writes policies and topology under `outDir` (= `out/<stack>`); stale route files are removed
 * first. `routePolicies` are the standalone per-route documents (`designRoutePolicies`), written for
 * review next to the deployed API policy. `notes` adds route and pool annotations to the diagram.
 */
export async function writeGatewayArtifacts(
  outDir: string,
  design: GatewayDesign,
  routePolicies: readonly PolicyDocumentDesign[],
  notes: TopologyNotes = {},
  network?: NetworkPlan,
): Promise<GatewayArtifacts> {
  const policyDir = join(outDir, "policies");
  await rm(policyDir, { recursive: true, force: true });
  await mkdir(policyDir, { recursive: true });
  const policies: string[] = [];
  const documents = [
    ...routePolicies.map((policy) => ({ file: `${policy.scope}.xml`, xml: policy.xml })),
    { file: API_POLICY_FILE, xml: design.apiPolicy.xml },
    ...(design.shadowRelay ? [{ file: SHADOW_RELAY_POLICY_FILE, xml: design.shadowRelay.policy.xml }] : []),
  ];
  for (const document of documents) {
    await writeFile(join(policyDir, document.file), document.xml, "utf8");
    policies.push(join("policies", document.file));
  }
  const mermaid = topologyMermaid(design, notes);
  await writeFile(join(outDir, "topology.mmd"), mermaid, "utf8");
  await writeFile(join(outDir, "topology.svg"), await renderDotSvg(topologyDot(design, notes, network)), "utf8");
  return { policies, mermaid: "topology.mmd", svg: "topology.svg" };
}

/** The console table: one row per pool member, grouped by route and pool. */
export function routeTable(design: GatewayDesign): string {
  const table = compactTable(
    ["route", "pool (role)", "deployment", "region", "sku", "capacity", "TPM", "priority", "weight"],
    ["left", "left", "left", "left", "left", "right", "right", "right", "right"],
  );
  for (const row of routeTableRows(design)) {
    table.push([
      row.route,
      `${row.pool} (${row.role})`,
      row.deployment,
      row.region,
      row.sku,
      capacityCell(row.capacity, row.sku),
      numberCell(row.tokensPerMinute),
      row.priority === undefined ? "—" : String(row.priority),
      row.weight === undefined ? "—" : String(row.weight),
    ]);
  }
  return table.toString();
}
