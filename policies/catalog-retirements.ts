// Adapts the project's model catalog (core/catalog) to the retirement lookup the rules use.
import { DEPLOYMENT_SKUS, type DeploymentSku } from "../stacks/config/fleet";
import { loadCatalog, type ModelCatalog } from "../core/catalog/catalog";
import type { RetirementLookup } from "./rules/types";

function isDeploymentSku(sku: string | undefined): sku is DeploymentSku {
  return sku !== undefined && (DEPLOYMENT_SKUS as readonly string[]).includes(sku);
}

/** Retirement dates per model version and SKU from a catalog (the bundled one by default). */
export function catalogRetirements(catalog: ModelCatalog = loadCatalog()): RetirementLookup {
  return {
    retirementOf(model, version, sku) {
      const entry = catalog.version(model, version);
      if (entry === undefined) return undefined;
      // Unknown SKU names fall back to the version-wide date (per-SKU dates only exist for real SKUs).
      const retiresOn = isDeploymentSku(sku) ? catalog.retirementDate(model, version, sku) : entry.retires.value;
      return { retiresOn };
    },
  };
}
