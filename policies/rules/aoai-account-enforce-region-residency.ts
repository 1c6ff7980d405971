import { z } from "zod";
import { dataZoneRegions, dataZones } from "./azure-facts";
import { accountKindsOption, isGovernedAccount } from "./accounts";
import { normalizeRegion, stringAt, types } from "./inputs";
import { regionNameOption, regionsWithoutCatalogModels } from "./region-names";
import { defineResourceRule } from "./types";

/**
 * Keeps Azure OpenAI accounts inside the regions or Microsoft data zones the environment allows.
 * With neither list configured every region is accepted.
 * @severity high
 */
export const aoaiAccountEnforceRegionResidency = defineResourceRule({
  name: "aoai-account-enforce-region-residency",
  description: "Azure OpenAI accounts must be located in an allowed region or data zone.",
  severity: "high",
  enforcementLevel: "mandatory",
  options: z
    .object({
      allowedRegions: z
        .array(regionNameOption)
        .default([])
        .describe(
          "Allowed regions: Azure region names, ARM (swedencentral) or display (Sweden Central) spelling; a region the model catalog has no Azure OpenAI model in is allowed (a policy may run ahead of the catalog).",
        ),
      allowedDataZones: z
        .array(z.string().refine((zone) => dataZones.includes(zone), { error: `must be a data zone of the model catalog: ${dataZones.join(", ")}` }))
        .default([])
        .describe(`Allowed Microsoft data zones (${dataZones.join(", ")}); every member region is allowed.`),
      accountKinds: accountKindsOption,
    })
    .strict(),
  resourceTypes: [types.account],
  validate(resource, options) {
    if (!isGovernedAccount(resource, options.accountKinds)) return [];
    const allowed = [
      ...options.allowedRegions,
      ...options.allowedDataZones.flatMap((zone) => dataZoneRegions[zone] ?? []),
    ];
    if (allowed.length === 0) return [];
    const scope = [
      ...(options.allowedRegions.length > 0 ? [`regions ${options.allowedRegions.join(", ")}`] : []),
      ...(options.allowedDataZones.length > 0 ? [`data zones ${options.allowedDataZones.join(", ")}`] : []),
    ].join("; ");
    const location = stringAt(resource, "location");
    if (location === undefined) {
      return [`Account "${resource.name}" does not set location, so it lands in its resource group's region, which this rule cannot check; set location to a region within the allowed residency (${scope}).`];
    }
    if (allowed.includes(normalizeRegion(location))) return [];
    const targets = [...new Set(allowed)];
    // Moving an account to an allowed region the catalog has no Azure OpenAI model in may leave its
    // deployments nowhere to go: say so next to the advice rather than drop the region from it.
    const unmodelled = regionsWithoutCatalogModels(targets);
    const note = unmodelled.length > 0 ? ` (the model catalog lists no Azure OpenAI models in ${unmodelled.join(", ")})` : "";
    return [`Account "${resource.name}" is in region "${location}", outside the allowed residency (${scope}); move it to one of: ${targets.join(", ")}${note}.`];
  },
});
