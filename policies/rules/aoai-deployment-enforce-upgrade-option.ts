import { z } from "zod";
import { versionUpgradeOptions } from "./azure-facts";
import { deploymentFacts, listOf, types } from "./inputs";
import { defineResourceRule } from "./types";

/**
 * Requires every model deployment to state its versionUpgradeOption, from an allow-list per environment.
 * Left unset, Azure behaves as OnceCurrentVersionExpired and omits the field on read, so nobody has
 * decided how the model may change; production usually forbids OnceNewDefaultVersionAvailable.
 * @severity high
 */
export const aoaiDeploymentEnforceUpgradeOption = defineResourceRule({
  name: "aoai-deployment-enforce-upgrade-option",
  description: "Azure OpenAI model deployments must set properties.versionUpgradeOption to a value this environment allows.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      allowed: z
        .array(z.enum(versionUpgradeOptions))
        .min(1)
        .default(["NoAutoUpgrade", "OnceCurrentVersionExpired"])
        .describe("versionUpgradeOption values this environment accepts."),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options) {
    const { upgradeOption } = deploymentFacts(resource);
    const allowed = listOf(options.allowed);
    if (upgradeOption === undefined || upgradeOption === null || upgradeOption === "") {
      return [`Deployment "${resource.name}" does not set properties.versionUpgradeOption, leaving Azure's implicit upgrade behaviour in charge; set it to ${allowed}.`];
    }
    if (!(options.allowed as readonly unknown[]).includes(upgradeOption)) {
      return [`Deployment "${resource.name}" sets properties.versionUpgradeOption to "${String(upgradeOption)}", which this environment does not allow; use ${allowed}.`];
    }
    return [];
  },
});
