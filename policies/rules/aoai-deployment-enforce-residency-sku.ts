import { z } from "zod";
import { residentAlternative, skusByProcessing } from "./azure-facts";
import { deploymentFacts, types } from "./inputs";
import { defineResourceRule } from "./types";

const processingScope = { global: 0, dataZone: 1, regional: 2 } as const;

function scopeOfSku(sku: string): keyof typeof processingScope | undefined {
  if ((skusByProcessing.global as readonly string[]).includes(sku)) return "global";
  if ((skusByProcessing.dataZone as readonly string[]).includes(sku)) return "dataZone";
  if ((skusByProcessing.regional as readonly string[]).includes(sku)) return "regional";
  return undefined;
}

/**
 * Blocks deployment SKUs that process data outside the boundary the environment requires:
 * Global* SKUs may run inference in any Azure region, DataZone* SKUs anywhere in the data zone.
 * @severity high
 */
export const aoaiDeploymentEnforceResidencySku = defineResourceRule({
  name: "aoai-deployment-enforce-residency-sku",
  description: "Azure OpenAI model deployments must use a SKU whose data processing stays within the required residency boundary.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      residency: z
        .enum(["global", "dataZone", "regional"])
        .default("dataZone")
        .describe("Where inference may run: global (any SKU), dataZone (no Global* SKUs) or regional (Standard/ProvisionedManaged only)."),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options) {
    const { skuName } = deploymentFacts(resource);
    if (skuName === undefined) return []; // aoai-deployment-enforce-allowed-sku reports a missing SKU
    const scope = scopeOfSku(skuName);
    if (scope === undefined || processingScope[scope] >= processingScope[options.residency]) return [];
    const where = scope === "global" ? "any Azure region" : "any region of its data zone";
    const alternative = residentAlternative[skuName];
    const suggestion = options.residency === "dataZone" ? alternative?.dataZone : alternative?.regional;
    const fix = suggestion ? `use ${suggestion} instead` : "use a regional SKU (Standard or ProvisionedManaged)";
    const required = options.residency === "dataZone" ? "data-zone" : "regional";
    return [`Deployment "${resource.name}" uses SKU ${skuName}, which may process data in ${where}, but this environment requires ${required} residency; ${fix}.`];
  },
});
