import { z } from "zod";
import { types } from "./inputs";
import { describeModel, replacementHint, retirementOf } from "./retirement";
import { defineResourceRule } from "./types";

/**
 * Flags deployments of a model version that retires within the configured window (default 90 days),
 * so the move to a newer version is planned rather than forced by a 410 or an auto-upgrade.
 * @severity medium
 */
export const aoaiDeploymentDisallowRetiringVersion = defineResourceRule({
  name: "aoai-deployment-disallow-retiring-version",
  description: "Azure OpenAI model deployments should not use a model version that retires within the configured number of days.",
  severity: "medium",
  enforcementLevel: "advisory",
  options: z
    .object({
      withinDays: z.number().int().min(1).max(3650).default(90).describe("Flag versions retiring within this many days."),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options, ctx) {
    const r = retirementOf(resource, ctx);
    // Retired versions belong to aoai-deployment-disallow-retired-version; unknown ones are reported there too.
    if (r?.info === undefined || r.daysLeft === undefined || r.daysLeft <= 0) return [];
    if (r.daysLeft > options.withinDays) return [];
    const days = r.daysLeft === 1 ? "1 day" : `${r.daysLeft} days`;
    return [`Deployment "${resource.name}" uses ${describeModel(r)}, which retires on ${r.info.retiresOn} (in ${days}, within the ${options.withinDays}-day window); move to a newer version before then${replacementHint(r.info)}.`];
  },
});
