/**
 * Test helpers for offline plans. Each vitest file runs in its own fork (Pulumi's mock runtime is
 * process-wide), and plans inside one file run one after another.
 */
import { expect } from "vitest";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/runner";
import type { PlannedResource } from "../../cli/plan/capture";

/** The date the shipped catalog and stacks were checked against. */
export const TODAY = new Date("2026-11-23T00:00:00Z");

/** Plans a fleet config given as a plain object (the value of `aoai-fleet:fleet`). */
export function planFleetConfig(fleet: unknown, stack = "test", today = TODAY): Promise<OfflinePlan> {
  return runOfflinePlan(stack, { config: { "aoai-fleet:fleet": fleet }, today });
}

/**
 * The stack root plus the fleet's subtree (AoaiFleet and everything under it). Other features
 * (the gateway) add their own resources to the shipped stacks; fleet tests assert this part exactly.
 */
export function fleetResources(plan: OfflinePlan): PlannedResource[] {
  return plan.resources.filter((r) => r.type === "pulumi:pulumi:Stack" || r.urn.includes("::aoai-fleet:index:AoaiFleet"));
}

export function ofType(plan: OfflinePlan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export const DEPLOYMENT = "azure-native:cognitiveservices:Deployment";
export const ACCOUNT = "azure-native:cognitiveservices:Account";

/** Asserts every deployment of one account hangs in a single dependsOn chain starting at the account. */
export function expectSingleChainPerAccount(plan: OfflinePlan): void {
  for (const account of ofType(plan, ACCOUNT)) {
    const deployments = ofType(plan, DEPLOYMENT).filter((d) => d.parent === account.parent);
    const byUrn = new Map(deployments.map((d) => [d.urn, d]));
    deployments.forEach((d) => expect(d.dependsOn).toHaveLength(1));
    const heads = deployments.filter((d) => d.dependsOn[0] === account.urn);
    expect(heads).toHaveLength(1);
    const seen = new Set<string>();
    let current = heads[0];
    while (current) {
      seen.add(current.urn);
      const next = deployments.filter((d) => d.dependsOn[0] === current?.urn);
      expect(next.length).toBeLessThanOrEqual(1);
      current = next[0];
    }
    expect(seen.size).toBe(byUrn.size);
  }
}
