import { z } from "zod";
import { deploymentFacts, types } from "./inputs";
import { defineResourceRule } from "./types";

/** The version value Azure resolves to its current default: a violation whatever the options say. */
const ALWAYS_FLOATING = "latest";

/**
 * Blocks model deployments that do not pin `properties.model.version`.
 * Without a pinned version Azure picks the current default and may replace it on its own schedule,
 * so the same program deploys different models over time. "latest" (any case) is always blocked;
 * `floatingVersions` adds other values that float.
 * @severity critical
 */
export const aoaiDeploymentMissingModelVersion = defineResourceRule({
  name: "aoai-deployment-missing-model-version",
  description: "Azure OpenAI model deployments must pin properties.model.version to an explicit version.",
  severity: "critical",
  enforcementLevel: "mandatory",
  options: z
    .object({
      // "latest" is not an option value: it never pins, so no config may make it pass (an empty list
      // once did). The option can only add markers.
      floatingVersions: z
        .array(z.string().min(1))
        .default([])
        .describe('More version values that float rather than pin, besides "latest", which always does (compared case-insensitively).'),
    })
    .strict(),
  resourceTypes: [types.deployment],
  validate(resource, options) {
    const { version } = deploymentFacts(resource);
    const fix = "pin an explicit version from the model catalog, e.g. properties.model.version: \"2024-11-20\"";
    if (version === undefined || version === null) {
      return [`Deployment "${resource.name}" does not set properties.model.version, so Azure deploys whatever version is the default and may swap it later; ${fix}.`];
    }
    if (typeof version !== "string" || version.trim() === "") {
      return [`Deployment "${resource.name}" sets properties.model.version to an empty value; ${fix}.`];
    }
    const floating = [ALWAYS_FLOATING, ...options.floatingVersions.map((v) => v.toLowerCase())];
    if (floating.includes(version.trim().toLowerCase())) {
      return [`Deployment "${resource.name}" sets properties.model.version to "${version}", which floats to whatever version Azure ships next; ${fix}.`];
    }
    return [];
  },
});
