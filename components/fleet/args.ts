import type * as pulumi from "@pulumi/pulumi";
import type { FleetPlan } from "../../core/plan/types";

/** Arguments of an Azure OpenAI fleet: one account per region, deployments placed by a plan. */
export interface AoaiFleetArgs {
  /**
   * The validated plan (`planFleet` / `planFromRawConfig` in core/plan): accounts per region,
   * deployments in creation order with resolved capacities, resource group, tags and protection.
   */
  readonly plan: FleetPlan;
  /**
   * Existing resource group to use instead of the plan's. Optional. Defaults to the plan's group,
   * which is created when the config names none.
   */
  readonly resourceGroupName?: pulumi.Input<string>;
}
