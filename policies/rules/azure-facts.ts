// Azure OpenAI facts the rules enforce against. Data zones and SKU names come from the project's
// model catalog and config contract, so the pack and the planner agree on them.
import { loadCatalog } from "../../core/catalog/catalog";
import { UPGRADE_OPTIONS } from "../../stacks/config/fleet";

/** Deployment SKU names grouped by where inference may run (Microsoft Learn, deployment types). */
export const skusByProcessing = {
  global: ["GlobalStandard", "GlobalProvisionedManaged", "GlobalBatch", "DeveloperTier"],
  dataZone: ["DataZoneStandard", "DataZoneProvisionedManaged", "DataZoneBatch"],
  regional: ["Standard", "ProvisionedManaged"],
} as const;

/** Every SKU name the pack knows (DeveloperTier is for fine-tuned model evaluation only), so an allow-list with a misspelled SKU is refused. */
export const knownDeploymentSkus = [...skusByProcessing.global, ...skusByProcessing.dataZone, ...skusByProcessing.regional] as const;


/** The closest SKU that keeps data inside the required boundary (used to suggest a fix). */
export const residentAlternative: Record<string, { dataZone: string; regional: string | undefined }> = {
  GlobalStandard: { dataZone: "DataZoneStandard", regional: "Standard" },
  GlobalProvisionedManaged: { dataZone: "DataZoneProvisionedManaged", regional: "ProvisionedManaged" },
  GlobalBatch: { dataZone: "DataZoneBatch", regional: undefined },
  DeveloperTier: { dataZone: "DataZoneStandard", regional: "Standard" },
  DataZoneStandard: { dataZone: "DataZoneStandard", regional: "Standard" },
  DataZoneProvisionedManaged: { dataZone: "DataZoneProvisionedManaged", regional: "ProvisionedManaged" },
  DataZoneBatch: { dataZone: "DataZoneBatch", regional: undefined },
};

/** Microsoft data zones and their member regions, from the model catalog. */
export const dataZoneRegions: Readonly<Record<string, readonly string[]>> = loadCatalog().data.dataZones.value;
export const dataZones: readonly string[] = Object.keys(dataZoneRegions).sort();

export const versionUpgradeOptions = UPGRADE_OPTIONS;
