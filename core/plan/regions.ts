/**
 * Fleet regions checked against Azure's region list and the model catalog. Two different problems,
 * told apart: a name that is no Azure region at all (a typo ARM would refuse only mid-deployment),
 * and a real Azure region the catalog lists no Azure OpenAI model in (an account there could hold
 * none of the deployments placed in it). Both are errors: a fleet region is where models get deployed,
 * unlike a policy's allowed regions, which may run ahead of the catalog. Pure.
 */
import type { ConfigIssue } from "../../stacks/config/errors";
import { azureRegionNamesWith, closestNames, loadAzureRegions } from "../catalog/regions";
import type { ModelCatalog } from "../catalog/catalog";

const rpath = (region: string) => `aoai-fleet:fleet.regions.${region}`;

/**
 * Problems of each fleet region; `placed(region)` names the deployments placed there. A catalogued
 * region is left to the per-deployment checks (availability per version and SKU); an uncatalogued one
 * with nothing placed creates no account, which the plan already warns about.
 */
export function fleetRegionProblems(regions: readonly string[], placed: (region: string) => readonly string[], catalog: ModelCatalog): ConfigIssue[] {
  const azure = azureRegionNamesWith(catalog);
  const catalogued = catalog.knownRegions();
  const problems: ConfigIssue[] = [];
  for (const region of regions) {
    if (!azure.includes(region)) {
      problems.push({
        path: rpath(region),
        message:
          `${region} is not an Azure region; closest names: ${closestNames(region, azure).join(", ")} ` +
          `(ARM refuses an unknown location only when it deploys; a region Azure opened after ${loadAzureRegions().asOf} is added to core/catalog/azure-regions.json)`,
      });
      continue;
    }
    const here = placed(region);
    if (catalogued.includes(region) || here.length === 0) continue;
    problems.push({
      path: rpath(region),
      message:
        `${region} is an Azure region, but the model catalog lists no Azure OpenAI model offered there, so the deployments placed in it (${here.join(", ")}) cannot be deployed; ` +
        `remove the region or leave it out of their regions, or refresh the catalog if Azure now offers models there (npm run catalog -- refresh)`,
    });
  }
  return problems;
}
