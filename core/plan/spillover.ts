/**
 * Spillover rules: set on a provisioned deployment, naming a standard deployment in the same account
 * (so present in every region of the source) with the matching data-processing level.
 */
import type { ConfigIssue } from "../../stacks/config/errors";
import type { DeploymentSku, FleetConfig } from "../../stacks/config/fleet";
import { isProvisioned } from "../catalog/catalog";

/** Provisioned SKU → the standard SKU its spillover target must use. */
export const SPILLOVER_TARGET_SKU: Partial<Record<DeploymentSku, DeploymentSku>> = {
  GlobalProvisionedManaged: "GlobalStandard",
  DataZoneProvisionedManaged: "DataZoneStandard",
  ProvisionedManaged: "Standard",
};

export function checkSpillover(config: FleetConfig, regionsOf: ReadonlyMap<string, readonly string[]>): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  for (const [name, d] of Object.entries(config.deployments)) {
    if (d.spillover === undefined) continue;
    const path = `aoai-fleet:fleet.deployments.${name}.spillover`;
    if (!isProvisioned(d.sku)) {
      errors.push({ path, message: `spillover is only for provisioned deployments (ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged); ${name} is ${d.sku}` });
      continue;
    }
    const target = config.deployments[d.spillover];
    if (!target || d.spillover === name) {
      const others = Object.keys(config.deployments).filter((n) => n !== name);
      errors.push({ path, message: `"${d.spillover}" is not another deployment of this fleet; deployments: ${others.join(", ") || "none"}` });
      continue;
    }
    const wanted = SPILLOVER_TARGET_SKU[d.sku];
    if (target.sku !== wanted) {
      errors.push({ path, message: `${d.sku} spills over only to a ${wanted} deployment; "${d.spillover}" is ${target.sku}` });
    }
    const targetRegions = regionsOf.get(d.spillover) ?? [];
    const missing = (regionsOf.get(name) ?? []).filter((r) => !targetRegions.includes(r));
    if (missing.length > 0) {
      errors.push({ path, message: `"${d.spillover}" must be in the same account, but it is not deployed in ${missing.join(", ")}; add those regions to deployments.${d.spillover}.regions` });
    }
    if (target.model !== d.model) {
      warnings.push({ path, message: `spills ${d.model} over to ${target.model} ("${d.spillover}"); clients will see a different model on overflow` });
    }
  }
  return { errors, warnings };
}
