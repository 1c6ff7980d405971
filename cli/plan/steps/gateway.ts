import { relative } from "node:path";
import { countOf } from "../../../core/console/count";
import { openAiBaseUrl } from "../../../components/gateway/backends";
import { designGateway, designRoutePolicies } from "../../../components/gateway/design";
import { topologyNotes } from "../../../components/gateway/topology";
import { loadCatalog } from "../../../core/catalog/catalog";
import { networkPlanOfConfig } from "../../../core/plan/network";
import { embeddingsDeployments } from "../../../core/plan/types";
import { GATEWAY_CONFIG_KEY, parseGatewayConfig } from "../../../stacks/config/gateway";
import { routeTable, writeGatewayArtifacts } from "../gateway-artifacts";
import { definePlanStep } from "../steps";

/**
 * The AI gateway part of a plan: recomputes the design with the same pure function the component
 * uses (same config, same backend inventory with the plan's endpoints), writes every policy to
 * `policies/`, the topology to `topology.mmd`/`.svg`, prints the route table and adds a `gateway`
 * section (pools, weights, named values, files) to plan.json.
 */
export const gatewayStep = definePlanStep({
  name: "gateway",
  order: 30,
  async run({ plan, outDir, print, planJsonExtras, warnings }) {
    const raw = plan.config[GATEWAY_CONFIG_KEY];
    if (raw === undefined) {
      print(`Gateway: none (no ${GATEWAY_CONFIG_KEY} in this stack).`);
      return;
    }
    const config = parseGatewayConfig(raw);
    const embeddings = embeddingsDeployments(plan.outputs.backends, loadCatalog());
    const inventory = plan.outputs.backends.map((backend) => ({
      deployment: backend.name,
      region: backend.region,
      capacity: backend.capacity,
      tokensPerMinute: backend.tpm,
      sku: backend.sku,
      embeddings: embeddings.has(backend.name),
      accountOpenAiUrl: openAiBaseUrl(backend.endpoint),
    }));
    const design = designGateway(config, inventory);
    const network = networkPlanOfConfig(plan.config, [...new Set(plan.outputs.backends.map((backend) => backend.region))]);
    const files = await writeGatewayArtifacts(outDir, design, designRoutePolicies(config, inventory), topologyNotes(config, design), network);
    const auth = "entra" in config.auth ? "Entra ID tokens" : "subscription keys";
    print(`Gateway: API Management ${config.sku} × ${config.capacity}, ${auth}, ${countOf(design.singles.length, "backend")}, ${countOf(design.pools.length, "pool")}, ${countOf(Object.keys(config.routes).length, "route")}:`);
    print(routeTable(design));
    for (const value of design.namedValues) print(`  named value ${value.id} = ${value.value} (${value.purpose})`);
    const relay = design.shadowRelay;
    if (relay) {
      print(`  shadow relay: API ${relay.apiPath} behind its own subscription; named values ${relay.urlNamedValue} = <gateway URL>/${relay.apiPath} and ${relay.keyNamedValue} (secret, generated)`);
    }
    warnings.push(...design.warnings);
    const shown = (file: string) => relative(process.cwd(), `${outDir}/${file}`) || file;
    print(`Wrote ${files.policies.map(shown).join(", ")}, ${shown(files.mermaid)}, ${shown(files.svg)}`);
    planJsonExtras.gateway = {
      sku: config.sku,
      capacity: config.capacity,
      routes: Object.keys(config.routes).sort(),
      pools: design.pools,
      namedValues: design.namedValues,
      ...(relay ? { shadowRelay: { apiPath: relay.apiPath, namedValues: [relay.urlNamedValue, relay.keyNamedValue] } } : {}),
      files: { policies: files.policies, topology: [files.mermaid, files.svg] },
    };
  },
});
