/**
 * The gateway topology as a Mermaid flowchart and as table rows: route → pools (with their role in
 * the route) → backends (deployment, SKU, capacity, TPM) grouped by region, edges labelled with
 * pool priority and weight. Pure text generation; the SVG next to it is drawn by Graphviz from the
 * same design (`topology-dot.ts`), since Mermaid renderers need a browser or emit CSS-only SVG.
 */
import { createHash } from "node:crypto";
import type { GatewayConfig } from "../../stacks/config/gateway";
import type { GatewayDesign, PoolDesign, SingleBackendDesign } from "./design";

/**
 * Mermaid node ids: letters, digits and `_` only, prefixed by kind; a hash of the full key keeps
 * keys that sanitize alike (`chat-std`, `chat_std`) apart.
 */
function nodeId(kind: "R" | "P" | "B" | "G", key: string): string {
  return `${kind}_${key.replace(/[^A-Za-z0-9]/g, "_")}_${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

/** Capacity with its unit: PTU for provisioned SKUs, capacity units otherwise. */
export function capacityText(single: SingleBackendDesign): string {
  return `${single.capacity} ${single.sku.includes("Provisioned") ? "PTU" : "units"}`;
}

/** Mermaid label inside `"..."`: each line's quotes and markup as Mermaid entity codes, lines joined by `<br/>`. */
function label(...lines: string[]): string {
  return `"${lines.map((line) => line.replace(/[#"<>]/g, (character) => `#${character.charCodeAt(0)};`)).join("<br/>")}"`;
}

/** Tokens per minute, short (`2.5M TPM`, `300k TPM`) or `TPM unknown`. */
export function formatTpm(tokensPerMinute: number | null): string {
  if (tokensPerMinute === null) return "TPM unknown";
  if (tokensPerMinute >= 1_000_000) return `${Number((tokensPerMinute / 1_000_000).toFixed(2))}M TPM`;
  if (tokensPerMinute >= 1_000) return `${Number((tokensPerMinute / 1_000).toFixed(1))}k TPM`;
  return `${tokensPerMinute} TPM`;
}

/** Edge label of a pool member: `p1 · w60`, `w100` or `member`. */
export function memberLabel(member: { readonly priority?: number; readonly weight?: number }): string {
  const parts = [member.priority === undefined ? undefined : `p${member.priority}`, member.weight === undefined ? undefined : `w${member.weight}`].filter(
    (part): part is string => part !== undefined,
  );
  return parts.length > 0 ? parts.join(" · ") : "member";
}

/** Extra text for the diagram: a line under each route, a label on each route → pool edge. */
export interface TopologyNotes {
  /** Route name → second line of its node (strategy, canary share…). */
  readonly routes?: Readonly<Record<string, string>>;
  /** Pool id → label of the edge from its route (defaults to the pool's role). */
  readonly pools?: Readonly<Record<string, string>>;
}

/**
 * What the pictures and the route table show: the deployment-path pools and Singles. The Responses
 * API's account twins (`…-resp`) mirror single-named pools member for member, so drawing them would
 * only double every edge; so do the routing options' twins of a stable pool (`stable-avoid-<backend>`,
 * latency.ts; `stable-spill`, spill.ts: the same members reordered), one per member with the
 * defaults — 200 more pools for 20 routes × 10 regions, which made the picture unreadable and its
 * layout take seconds. The plan's pool list and plan.json keep them all.
 */
export function drawnDesign(design: GatewayDesign): GatewayDesign {
  const routingTwin = (role: string): boolean => role.startsWith("stable-avoid-") || role === "stable-spill";
  const drawn = design.pools.filter((p) => p.family !== "account" && !routingTwin(p.role));
  // The design lists shadow pools after every route's own pools (the relay is built last); the route
  // table and the table picture read one route's rows together, so pools are grouped by route here.
  const routes = [...new Set(drawn.map((pool) => pool.route))];
  const pools = routes.flatMap((route) => drawn.filter((pool) => pool.route === route));
  return { ...design, singles: design.singles.filter((s) => s.family !== "account"), pools };
}

/** Mermaid source (flowchart LR) of the routes, pools and the backends they use. */
export function topologyMermaid(full: GatewayDesign, notes: TopologyNotes = {}): string {
  const design = drawnDesign(full);
  const singles = new Map(design.singles.map((single) => [single.id, single]));
  const used = new Set(design.pools.flatMap((pool) => pool.members.map((member) => member.backendId)));
  const lines = ["flowchart LR"];
  const routes = [...new Set(design.pools.map((pool) => pool.route))];
  for (const route of routes) {
    const note = notes.routes?.[route];
    lines.push(`  ${nodeId("R", route)}([${note === undefined ? label(`route ${route}`) : label(`route ${route}`, note)}])`);
  }
  for (const pool of design.pools) {
    lines.push(`  ${nodeId("P", pool.id)}{{${label(`pool ${pool.id}`)}}}`);
    lines.push(`  ${nodeId("R", pool.route)} -->|${label(notes.pools?.[pool.id] ?? pool.role)}| ${nodeId("P", pool.id)}`);
  }
  const regions = new Map<string, SingleBackendDesign[]>();
  for (const single of design.singles.filter((candidate) => used.has(candidate.id))) {
    regions.set(single.region, [...(regions.get(single.region) ?? []), single]);
  }
  for (const [region, members] of regions) {
    lines.push(`  subgraph ${nodeId("G", region)}[${label(region)}]`);
    for (const single of members) {
      lines.push(`    ${nodeId("B", single.id)}[${label(single.deployment, `${single.sku} · ${capacityText(single)}`, formatTpm(single.tokensPerMinute))}]`);
    }
    lines.push("  end");
  }
  for (const pool of design.pools) {
    for (const member of pool.members) {
      if (!singles.has(member.backendId)) throw new Error(`topology: pool ${pool.id} names unknown backend ${member.backendId}`);
      lines.push(`  ${nodeId("P", pool.id)} -->|${label(memberLabel(member))}| ${nodeId("B", member.backendId)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** One console/table row: a pool member with everything a reader needs to check the weights. */
export interface RouteTableRow {
  readonly route: string;
  readonly pool: string;
  readonly role: string;
  readonly deployment: string;
  readonly region: string;
  readonly sku: string;
  readonly capacity: number;
  readonly tokensPerMinute: number | null;
  readonly priority: number | undefined;
  readonly weight: number | undefined;
}

/** Rows for the plan's route table, in route → pool → member order. */
export function routeTableRows(full: GatewayDesign): RouteTableRow[] {
  const design = drawnDesign(full);
  const singles = new Map(design.singles.map((single) => [single.id, single]));
  return design.pools.flatMap((pool: PoolDesign) =>
    pool.members.map((member) => {
      const single = singles.get(member.backendId);
      if (!single) throw new Error(`route table: pool ${pool.id} names unknown backend ${member.backendId}`);
      return {
        route: pool.route,
        pool: pool.id,
        role: pool.role,
        deployment: single.deployment,
        region: single.region,
        sku: single.sku,
        capacity: single.capacity,
        tokensPerMinute: single.tokensPerMinute,
        priority: member.priority,
        weight: member.weight,
      };
    }),
  );
}

/** Diagram notes from the config: each route's strategy and features, each pool's share of its route. */
export function topologyNotes(config: GatewayConfig, design: GatewayDesign): TopologyNotes {
  const routes: Record<string, string> = {};
  for (const [name, route] of Object.entries(config.routes)) {
    // A stable pool of one member has nothing to fail over to or balance across, whatever the strategy says.
    const stable = design.pools.find((pool) => pool.route === name && pool.role === "stable");
    const parts = [stable?.members.length === 1 ? "one backend" : route.strategy === "priority" ? "priority failover" : "weighted"];
    if (route.canary) parts.push(`canary ${route.canary.percent}% → ${route.canary.deployment}${route.canary.sticky ? " (sticky)" : ""}`);
    if (route.blueGreen) parts.push(`blue-green, ${route.blueGreen.active} active`);
    if (route.abTest) parts.push(`A/B ${route.abTest.id}: ${Object.entries(route.abTest.variants).map(([variant, spec]) => `${variant} ${spec.percent}%`).join(" / ")}`);
    if (route.shadow) parts.push(`shadow ${route.shadow.percent}% → ${route.shadow.deployment}`);
    routes[name] = parts.join(" · ");
  }
  const pools: Record<string, string> = {};
  for (const pool of design.pools) {
    const route = config.routes[pool.route];
    const canary = route?.canary?.percent;
    const variant = pool.role.startsWith("ab-") ? route?.abTest?.variants[pool.role.slice(3)] : undefined;
    // An A/B test assigns every request a variant after the stable pool or active slot was chosen
    // (gateway-policy select.ts), so while it runs those pools serve nothing.
    const abIdle = route?.abTest === undefined ? "" : ` · idle during A/B ${route.abTest.id}`;
    if (pool.role === "canary" && canary !== undefined) pools[pool.id] = `canary ${canary}%`;
    else if (pool.role === "stable" && route?.abTest) pools[pool.id] = `stable${abIdle}`;
    else if (pool.role === "stable" && canary !== undefined) pools[pool.id] = `stable ${100 - canary}%`;
    else if ((pool.role === "blue" || pool.role === "green") && route?.blueGreen) pools[pool.id] = route.blueGreen.active === pool.role ? `${pool.role} (active)${abIdle}` : `${pool.role} (idle)`;
    // Beside a canary the variants split what the canary leaves: 50% of the other 80% is 40% of the route.
    else if (variant) pools[pool.id] = canary === undefined ? `variant ${pool.role.slice(3)} ${variant.percent}%` : `variant ${pool.role.slice(3)} ${variant.percent}% of non-canary (${Number(((variant.percent * (100 - canary)) / 100).toFixed(1))}%)`;
    else if (pool.role === "shadow" && route?.shadow) pools[pool.id] = `shadow copies ${route.shadow.percent}%`;
  }
  return { routes, pools };
}
