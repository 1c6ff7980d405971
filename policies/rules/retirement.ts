// Shared by the two retirement rules: resolve a deployment's retirement facts from the catalog.
import { deploymentFacts } from "./inputs";
import type { PlannedResource, RetirementInfo, RuleContext } from "./types";

const dayMs = 24 * 60 * 60 * 1000;

export interface DeploymentRetirement {
  model: string;
  version: string;
  sku: string | undefined;
  /** Retirement facts, or undefined when the catalog does not list this model version. */
  info: RetirementInfo | undefined;
  /** Whole days from now until retirement (negative or zero once retired). */
  daysLeft: number | undefined;
}

/** Undefined when the deployment names no model or version (other rules report that). */
export function retirementOf(resource: PlannedResource, ctx: RuleContext): DeploymentRetirement | undefined {
  const { model, version, skuName } = deploymentFacts(resource);
  if (model === undefined || typeof version !== "string" || version.trim() === "") return undefined;
  const info = ctx.retirements.retirementOf(model, version, skuName);
  const daysLeft =
    info?.retiresOn == null ? undefined : Math.ceil((Date.parse(`${info.retiresOn}T00:00:00Z`) - ctx.now.getTime()) / dayMs);
  return { model, version, sku: skuName, info, daysLeft };
}

/** `gpt-4o version 2024-05-13 (GlobalStandard)` */
export function describeModel(r: DeploymentRetirement): string {
  return `${r.model} version ${r.version}${r.sku ? ` (${r.sku})` : ""}`;
}

export function replacementHint(info: RetirementInfo): string {
  return info.replacement ? `, e.g. ${info.replacement}` : "";
}
