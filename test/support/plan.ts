/**
 * Test helpers for offline plans. Each vitest file runs in its own fork (Pulumi's mock runtime is
 * process-wide), and plans inside one file run one after another.
 */
import { expect } from "vitest";
import { runOfflinePlan, type OfflinePlan } from "../../cli/plan/runner";
import type { PlannedResource } from "../../cli/plan/capture";
import { FleetConfigError, type ConfigIssue } from "../../stacks/config/errors";

/** The date the shipped catalog and stacks were checked against. */
export const TODAY = new Date("2026-11-23T00:00:00Z");

/** Plans a fleet config given as a plain object (the value of `aoai-fleet:fleet`). */
export function planFleetConfig(fleet: unknown, stack = "test", today = TODAY): Promise<OfflinePlan> {
  return runOfflinePlan(stack, { config: { "aoai-fleet:fleet": fleet }, today });
}

/** Runs a plan that must fail validation; returns its issues. */
export async function configIssues(fleet: unknown, today = TODAY): Promise<readonly ConfigIssue[]> {
  try {
    await planFleetConfig(fleet, "test", today);
  } catch (error) {
    expect(error).toBeInstanceOf(FleetConfigError);
    return (error as FleetConfigError).issues;
  }
  throw new Error("expected the plan to fail with a config error, but it succeeded");
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

/** A minimal valid fleet config to mutate in tests. */
export function baseFleet(): Record<string, unknown> & { regions: Record<string, unknown>; deployments: Record<string, Record<string, unknown>> } {
  return {
    name: "test-fleet",
    regions: { eastus2: {}, swedencentral: {} },
    deployments: {
      chat: { model: "gpt-4o", version: "2024-11-20", sku: "GlobalStandard", capacity: 100, upgrade: "NoAutoUpgrade" },
    },
  };
}

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
