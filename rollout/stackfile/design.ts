import { parse } from "yaml";
import { designGateway, type GatewayDesign, type InventoryEntry } from "../../components/gateway/design";
import { loadCatalog } from "../../core/catalog/catalog";
import { planFromRawConfig, plannedInventory, type FleetPlan } from "../../core/plan/index";
import { embeddingsDeployments } from "../../core/plan/types";
import { parseGatewayConfig, type GatewayConfig } from "../../stacks/config/gateway";
import { RolloutError } from "../errors";
import { STACK_FILE_YAML } from "../../stacks/config/yaml";

/** A stack's fleet plan and gateway design from file text, computed exactly as the stack program does (no Pulumi); used to validate edits before they are written. */
export interface StackDesign {
  plan: FleetPlan;
  gateway: GatewayConfig;
  design: GatewayDesign;
  /** Account OpenAI base URL per region (placeholder hosts: real subdomains exist only after deploy). */
  accountUrl: (region: string) => string;
}

/** Stack file text → plan → gateway design, with the fleet and gateway validated on the way. */
export function designStack(text: string, today: Date = new Date()): StackDesign {
  const config = (parse(text, STACK_FILE_YAML) as { config?: Record<string, unknown> } | null)?.config ?? {};
  let plan: FleetPlan;
  let gateway: GatewayConfig;
  try {
    plan = planFromRawConfig(config["aoai-fleet:fleet"], { catalog: loadCatalog(), today });
    gateway = parseGatewayConfig(config["aoai-fleet:gateway"]);
  } catch (error) {
    throw new RolloutError(`the stack does not plan:\n${error instanceof Error ? error.message : String(error)}`, 2);
  }
  const accountUrl = (region: string): string => `https://${plan.name}-${region}.openai.azure.com/openai`;
  const embeddings = embeddingsDeployments(plannedInventory(plan), loadCatalog());
  const inventory: InventoryEntry[] = plan.accounts.flatMap((account) =>
    account.deployments.map((d) => ({ deployment: d.name, region: account.region, capacity: d.capacity, tokensPerMinute: d.tpm, sku: d.sku, embeddings: embeddings.has(d.name), accountOpenAiUrl: accountUrl(account.region) })),
  );
  try {
    return { plan, gateway, design: designGateway(gateway, inventory), accountUrl };
  } catch (error) {
    throw new RolloutError(`the stack does not plan:\n${error instanceof Error ? error.message : String(error)}`, 2);
  }
}
