/**
 * Plain data produced by planning. The fleet component turns it into resources, and the gateway
 * (issue 5) consumes the backend inventory. No Pulumi types here: everything is JSON-serialisable.
 */
import { BATCH_SKUS, type ModelCatalog } from "../catalog/catalog";
import type { DeploymentFacts } from "../../stacks/config/gateway-fleet-check";
import type { ConfigIssue } from "../../stacks/config/errors";
import type { DeploymentSku, UpgradeOption } from "../../stacks/config/fleet";
import type { NetworkConfig } from "../../stacks/config/network";

/** One model deployment in one region, with its capacity resolved to a number. */
export interface PlannedDeployment {
  /** Deployment name (the config key); identical in every region. */
  readonly name: string;
  /** Azure region of the account holding it. */
  readonly region: string;
  readonly model: string;
  readonly version: string;
  readonly format: string;
  readonly sku: DeploymentSku;
  /** Capacity units (standard: 1 unit = the model's TPM per unit; provisioned: PTU). */
  readonly capacity: number;
  readonly upgrade: UpgradeOption;
  /** Tokens per minute this capacity gives (provisioned: input TPM per PTU × PTU; batch: null). */
  readonly tpm: number | null;
  /** Requests per minute this capacity gives (null for provisioned: no fixed request rate). */
  readonly rpm: number | null;
  readonly raiPolicy?: string;
  /** Standard deployment in the same account that takes overflow (provisioned only). */
  readonly spillover?: string;
  /** Retirement date of this model version on this SKU (YYYY-MM-DD), null when none is announced. */
  readonly retires: string | null;
}

/** One account (one per region) and its deployments in creation order (spillover targets first). */
export interface PlannedAccount {
  readonly region: string;
  readonly deployments: readonly PlannedDeployment[];
}

/** Capacity used in one region against one quota key. */
export interface QuotaUse {
  readonly region: string;
  /** `model/sku`, or a provisioned SKU name for the model-independent PTU pool. */
  readonly key: string;
  readonly used: number;
  /** Declared quota (null when the config declares none for this key). */
  readonly limit: number | null;
  /** Deployments that use it, `name=capacity`. */
  readonly deployments: readonly string[];
}

/** Everything the program needs to create the fleet; the output of `planFleet`. */
export interface FleetPlan {
  readonly name: string;
  readonly resourceGroup: { readonly name: string; readonly create: boolean; readonly location: string };
  readonly protect: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly kind: "OpenAI" | "AIServices";
  readonly publicNetworkAccess: "Enabled" | "Disabled";
  readonly disableLocalAuth: boolean;
  /** `aoai-fleet:fleet.network` as validated by the schema; the network planner (core/plan/network) resolves it. */
  readonly network?: NetworkConfig;
  readonly accounts: readonly PlannedAccount[];
  readonly quota: readonly QuotaUse[];
  readonly warnings: readonly ConfigIssue[];
}

/**
 * One gateway backend: a deployment in one region's account, with the account's identity and
 * endpoint (known once the account exists; offline plans use the mock engine's values).
 */
export interface Backend extends PlannedDeployment {
  /** Account endpoint, e.g. `https://contoso-ai-eastus2-x1y2z3.openai.azure.com/`. */
  readonly endpoint: string;
  /** ARM id of the account. */
  readonly accountId: string;
  /** Account name. */
  readonly accountName: string;
}

/** The backend inventory: every planned deployment × region (pure; no endpoints yet). */
export function plannedInventory(plan: FleetPlan): PlannedDeployment[] {
  return plan.accounts.flatMap((account) => account.deployments);
}

/**
 * What the gateway's check against the fleet needs to know of each deployment beyond its regions:
 * its SKU when that is a batch SKU (Batch API jobs only, never a gateway's online requests), whether
 * its model answers embeddings (the catalog's `embeddings` family) rather than chat-style calls, and
 * for chat-style models whether it is a reasoning model (the `reasoning` family) or a chat model.
 */
export function gatewayDeploymentFacts(deployments: readonly { readonly name: string; readonly sku: string; readonly model: string }[], catalog: ModelCatalog): Map<string, DeploymentFacts> {
  return new Map(
    deployments.map((d) => {
      const family = catalog.model(d.model)?.family;
      const facts: DeploymentFacts = {
        model: d.model,
        ...((BATCH_SKUS as readonly string[]).includes(d.sku) ? { batchSku: d.sku } : {}),
        ...(family === undefined ? {} : { embeddings: family === "embeddings" }),
        ...(family === "reasoning" || family === "chat" ? { reasoning: family === "reasoning" } : {}),
      };
      return [d.name, facts];
    }),
  );
}

/**
 * Names of the deployments whose model answers embeddings, by the same facts the gateway's fleet
 * check uses: every builder of the gateway's backend inventory takes the flag from here, so the
 * design (no Responses twins for them) and the check (no route mixing kinds) agree.
 */
export function embeddingsDeployments(deployments: readonly { readonly name: string; readonly sku: string; readonly model: string }[], catalog: ModelCatalog): ReadonlySet<string> {
  return new Set([...gatewayDeploymentFacts(deployments, catalog)].filter(([, facts]) => facts.embeddings === true).map(([name]) => name));
}
