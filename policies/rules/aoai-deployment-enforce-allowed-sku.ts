import { z } from "zod";
import { knownDeploymentSkus } from "./azure-facts";
import { DEPLOYMENT_SKUS } from "../../stacks/config/fleet";
import { deploymentFacts, listOf, types } from "./inputs";
import { defineResourceRule } from "./types";

/**
 * Requires an explicit deployment SKU with a capacity, from the environment's allow-list.
 * Omitting `sku` makes Azure assume Standard (often unsupported) and leaves a permanent diff.
 * @severity high
 */
export const aoaiDeploymentEnforceAllowedSku = defineResourceRule({
  name: "aoai-deployment-enforce-allowed-sku",
  description: "Azure OpenAI model deployments must set sku.name from the allowed SKUs and a positive sku.capacity.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      allowedSkus: z
        .array(z.enum(knownDeploymentSkus))
        .min(1)
        .default([...DEPLOYMENT_SKUS])
        .describe("Deployment SKU names this environment accepts."),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options) {
    const { skuName, capacity } = deploymentFacts(resource);
    if (skuName === undefined) {
      return [`Deployment "${resource.name}" does not set sku.name, so Azure assumes Standard (unsupported by many models) and every refresh shows drift; set sku.name to ${listOf(options.allowedSkus)} and sku.capacity.`];
    }
    const problems: string[] = [];
    if (!(options.allowedSkus as readonly string[]).includes(skuName)) {
      problems.push(`Deployment "${resource.name}" uses SKU ${skuName}, which this environment does not allow; use ${listOf(options.allowedSkus)}.`);
    }
    if (capacity === undefined || !Number.isInteger(capacity) || capacity <= 0) {
      problems.push(`Deployment "${resource.name}" does not set a positive whole sku.capacity (got ${capacity === undefined ? "none" : String(capacity)}); set the capacity units it needs (1 unit = 1,000 TPM on standard SKUs, 1 PTU on provisioned ones).`);
    }
    return problems;
  },
});
