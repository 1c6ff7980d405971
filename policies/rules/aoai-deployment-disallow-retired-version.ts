import { z } from "zod";
import { types } from "./inputs";
import { describeModel, replacementHint, retirementOf } from "./retirement";
import { defineResourceRule } from "./types";

/**
 * Blocks deployments of a model version whose retirement date has passed: inference answers 410 Gone.
 * Dates come from the project's model catalog, per SKU where Azure retires per SKU.
 * @severity critical
 */
export const aoaiDeploymentDisallowRetiredVersion = defineResourceRule({
  name: "aoai-deployment-disallow-retired-version",
  description: "Azure OpenAI model deployments must not use a model version that has already retired.",
  severity: "critical",
  enforcementLevel: "mandatory",
  options: z
    .object({
      reportUncatalogued: z
        .boolean()
        .default(true)
        .describe("Report versions the model catalog does not list (their retirement date is unknown)."),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options, ctx) {
    const r = retirementOf(resource, ctx);
    if (r === undefined) return [];
    if (r.info === undefined) {
      return options.reportUncatalogued
        ? [`Deployment "${resource.name}" uses ${describeModel(r)}, which the model catalog does not list, so its retirement date is unknown; use a catalogued version or add this one to core/catalog with its retirement date.`]
        : [];
    }
    if (r.daysLeft === undefined || r.daysLeft > 0) return [];
    return [`Deployment "${resource.name}" uses ${describeModel(r)}, which retired on ${r.info.retiresOn} and now answers 410 Gone; move to a supported version${replacementHint(r.info)}.`];
  },
});
