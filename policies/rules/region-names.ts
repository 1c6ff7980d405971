// Region names in pack options. A misspelt allowed region ("swedencentrl") would never match an
// account's location, so the rule would report every account while the config looked right; names
// are normalised the way the rules read locations and checked against Azure's region list
// (core/catalog azure-regions.json). Not against the model catalog's regions: a policy may allow a
// region ahead of the catalog (one Azure opened recently, or one without Azure OpenAI yet), and a
// typo is told apart from such a region by the full list, not by the catalog's few regions.
import { z } from "zod";
import { azureRegionNamesWith, closestNames, loadAzureRegions } from "../../core/catalog/regions";
import { loadCatalog } from "../../core/catalog/catalog";
import { normalizeRegion } from "./inputs";

let catalogued: readonly string[] | undefined;
let azure: readonly string[] | undefined;

/** Azure's region names (core/catalog azure-regions.json, plus any the catalog names), sorted; read on first use. */
export function azureRegions(): readonly string[] {
  azure ??= azureRegionNamesWith(loadCatalog());
  return azure;
}

/**
 * The regions the model catalog has Azure OpenAI facts for (data zones and per-version availability),
 * sorted; read on first use, so loading the pack does not parse the catalog for configs without regions.
 */
export function catalogRegions(): readonly string[] {
  catalogued ??= loadCatalog().knownRegions();
  return catalogued;
}

/** Of `regions` (ARM names), those the model catalog lists no Azure OpenAI model in, in order. */
export function regionsWithoutCatalogModels(regions: readonly string[]): string[] {
  return regions.filter((region) => !catalogRegions().includes(region));
}

/** The Azure region names nearest to `value` in either spelling (at most three, by name). */
export function closestRegions(value: string): string[] {
  return closestNames(normalizeRegion(value), azureRegions());
}

/**
 * One region name as an option value: an ARM short name or display name (`swedencentral`,
 * `Sweden Central`), stored normalised; a name that is not an Azure region is an option error naming
 * the value and the closest Azure region names.
 */
export const regionNameOption = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    if (value === "" || azureRegions().includes(normalizeRegion(value))) return;
    ctx.addIssue({
      code: "custom",
      message:
        `${JSON.stringify(value)} is not an Azure region; closest names: ${closestRegions(value).join(", ")} ` +
        `(an ARM name such as swedencentral or a display name such as "Sweden Central"; a region Azure opened after ${loadAzureRegions().asOf} is added to core/catalog/azure-regions.json)`,
    });
  })
  .transform(normalizeRegion);
