import { z } from "zod";
import { deploymentFacts, normalizeRegion, regionOf, types } from "./inputs";
import { defineStackRule, type Finding, type PlannedResource } from "./types";
import { regionNameOption } from "./region-names";
import { isType } from "./resource-kinds";

const quotaEntry = z
  .object({
    // A misspelt region ("eastu2") would match no deployment, so its quota would silently never apply.
    region: regionNameOption.describe("Azure region, ARM (eastus2) or display (East US 2) spelling."),
    model: z
      .string()
      .min(1)
      .optional()
      .describe("Model name, e.g. gpt-4o; omit for a provisioned SKU's model-independent PTU pool."),
    sku: z.string().min(1).describe("Deployment SKU name, e.g. GlobalStandard."),
    capacity: z.number().int().min(0).describe("Declared quota in capacity units (K TPM or PTU)."),
  })
  .strict();

interface Planned {
  resource: PlannedResource;
  region: string;
  model: string;
  sku: string;
  capacity: number;
}

/**
 * Sums sku.capacity over all deployments per region, model and SKU and compares the total with the
 * quota declared for that combination, so an over-quota plan fails in preview instead of with
 * InsufficientQuota half-way through an update.
 * @severity high
 */
export const aoaiDeploymentEnforceCapacityQuota = defineStackRule({
  name: "aoai-deployment-enforce-capacity-quota",
  description: "The summed capacity of Azure OpenAI deployments per region, model and SKU must stay within the declared quota.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      quotas: z.array(quotaEntry).default([]).describe("Declared quota per region, model and SKU."),
      requireDeclaredQuota: z
        .boolean()
        .default(false)
        .describe("Report deployments whose region/model/SKU has no declared quota."),
    })
    .strict(),
  validate(resources, options) {
    const findings: Finding[] = [];
    const planned: Planned[] = [];
    for (const resource of resources.filter((r) => isType(r, types.deployment))) {
      const { model, skuName, capacity } = deploymentFacts(resource);
      if (model === undefined || skuName === undefined || capacity === undefined) continue; // other rules report these
      const region = regionOf(resource, resources);
      if (region !== undefined) {
        planned.push({ resource, region, model, sku: skuName, capacity });
      } else if (options.quotas.length > 0 || options.requireDeclaredQuota) {
        findings.push({
          resource,
          message: `Deployment "${resource.name}" cannot be matched to an account with a known location, so its capacity cannot be counted against a regional quota; set accountName to the name of an account in this stack that sets location.`,
        });
      }
    }
    for (const quota of options.quotas) {
      // Compared like account locations ("East US 2" is eastus2), so a declaration in either spelling counts.
      const region = normalizeRegion(quota.region);
      const counted = planned.filter(
        (p) => p.region === region && p.sku === quota.sku && (quota.model === undefined || p.model === quota.model),
      );
      const total = counted.reduce((sum, p) => sum + p.capacity, 0);
      const first = counted[0];
      if (first === undefined || total <= quota.capacity) continue;
      const label = quota.model === undefined ? `the ${quota.sku} PTU pool in ${region}` : `${quota.model} ${quota.sku} in ${region}`;
      const parts = counted.map((p) => `${p.resource.name}: ${p.capacity}`).join(", ");
      findings.push({
        resource: first.resource,
        message: `Deployments of ${label} request ${total} capacity units (${parts}), above the declared quota of ${quota.capacity}; lower sku.capacity or raise the declared quota after Azure grants it.`,
      });
    }
    if (options.requireDeclaredQuota) {
      const reported = new Set<string>();
      for (const p of planned) {
        const declared = options.quotas.some(
          (q) => normalizeRegion(q.region) === p.region && q.sku === p.sku && (q.model === undefined || q.model === p.model),
        );
        const key = `${p.region}|${p.model}|${p.sku}`;
        if (declared || reported.has(key)) continue;
        reported.add(key);
        findings.push({
          resource: p.resource,
          message: `Deployments of ${p.model} ${p.sku} in ${p.region} have no declared quota; add { region: "${p.region}", model: "${p.model}", sku: "${p.sku}", capacity: <units> } to this rule's quotas option.`,
        });
      }
    }
    return findings;
  },
});
