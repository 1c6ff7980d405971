/** Pure planning: config → validated plan → backend inventory. */
export { parseFleetConfig } from "./parse";
export { planFleet, quotaKeys, MAX_DEPLOYMENTS_PER_ACCOUNT, type PlanOptions } from "./plan";
export { spreadTotal, type SpreadSlot, type SpreadResult } from "./spread";
export { orderForCreation } from "./order";
export { SPILLOVER_TARGET_SKU } from "./spillover";
export { isoDate, daysBetween } from "./dates";
export { plannedInventory, type Backend, type FleetPlan, type PlannedAccount, type PlannedDeployment, type QuotaUse } from "./types";

import { DeploymentName, DeploymentSchema, FleetConfigSchema } from "../../stacks/config/fleet";
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";
import type { ModelCatalog } from "../catalog/catalog";
import { parseFleetConfig } from "./parse";
import { planFleet } from "./plan";
import type { FleetPlan } from "./types";

/**
 * Raw `aoai-fleet:fleet` value → FleetPlan, or FleetConfigError with every problem. When only some
 * deployments fail the schema, the others still go through the catalog checks, so one run reports
 * everything (spillover checks are left out then: their target may be one of the broken ones).
 */
export function planFromRawConfig(raw: unknown, options: { catalog: ModelCatalog; today: Date }): FleetPlan {
  let config;
  try {
    config = parseFleetConfig(raw, options.catalog);
  } catch (error) {
    if (!(error instanceof FleetConfigError)) throw error;
    throw new FleetConfigError([...error.issues, ...catalogIssuesOfValidPart(raw, options)]);
  }
  return planFleet(config, options);
}

function catalogIssuesOfValidPart(raw: unknown, options: { catalog: ModelCatalog; today: Date }): ConfigIssue[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return [];
  const deployments = (raw as { deployments?: unknown }).deployments;
  if (deployments === null || typeof deployments !== "object" || Array.isArray(deployments)) return [];
  const valid = Object.fromEntries(Object.entries(deployments).filter(([name, d]) => DeploymentName.safeParse(name).success && DeploymentSchema.safeParse(d).success));
  // Tags never affect the catalog checks; leaving them out lets those run when only a tag is wrong.
  const partial = FleetConfigSchema.safeParse({ ...raw, deployments: valid, tags: {} });
  if (!partial.success) return [];
  try {
    planFleet(partial.data, options);
    return [];
  } catch (error) {
    if (!(error instanceof FleetConfigError)) throw error;
    return error.issues.filter((i) => !i.path.endsWith(".spillover"));
  }
}
