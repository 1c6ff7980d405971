/** Pure planning: config → validated plan → backend inventory. */
export { parseFleetConfig } from "./parse";
export { planFleet, quotaKeys, MAX_DEPLOYMENTS_PER_ACCOUNT, type PlanOptions } from "./plan";
export { spreadTotal, type SpreadSlot, type SpreadResult } from "./spread";
export { orderForCreation } from "./order";
export { SPILLOVER_TARGET_SKU } from "./spillover";
export { isoDate, daysBetween } from "./dates";
export { plannedInventory, type Backend, type FleetPlan, type PlannedAccount, type PlannedDeployment, type QuotaUse } from "./types";

import type { ModelCatalog } from "../catalog/catalog";
import { parseFleetConfig } from "./parse";
import { planFleet } from "./plan";
import type { FleetPlan } from "./types";

/** Raw `aoai-fleet:fleet` value → FleetPlan, or FleetConfigError with every problem. */
export function planFromRawConfig(raw: unknown, options: { catalog: ModelCatalog; today: Date }): FleetPlan {
  return planFleet(parseFleetConfig(raw, options.catalog), options);
}
