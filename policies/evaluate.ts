// Offline compliance: evaluates the guardrail rules over a planned stack (plan.json's resources)
// with a stack's pack config, the same pure functions the CrossGuard pack runs.
import type { ConfiguredRule } from "./pack-config";
import type { EnforcementLevel, PlannedResource, RuleContext, Severity } from "./rules/types";

/** The plan.json shape this step reads (other fields are ignored). */
export interface PlanDocument {
  stack: string;
  resources: readonly {
    type: string;
    name: string;
    urn?: string;
    parent?: string | null;
    dependsOn?: readonly string[];
    inputs?: Record<string, unknown>;
  }[];
}

export interface Violation {
  ruleId: string;
  enforcementLevel: Exclude<EnforcementLevel, "disabled">;
  /** The rule's severity, as CrossGuard reports it. */
  severity: Severity;
  resourceType: string;
  resourceName: string;
  urn: string | undefined;
  message: string;
}

export interface ComplianceReport {
  stack: string;
  /** Rules evaluated (not disabled), in pack order. */
  rulesEvaluated: string[];
  /** Rules the config disabled. */
  rulesDisabled: string[];
  violations: Violation[];
  /** Count of violations of mandatory rules; the plan fails when it is above zero. */
  mandatoryCount: number;
  advisoryCount: number;
}

/** plan.json resources → the shape the rules read (null parents dropped, inputs defaulted). */
export function toPlannedResources(plan: PlanDocument): PlannedResource[] {
  return plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    ...(r.urn !== undefined ? { urn: r.urn } : {}),
    ...(typeof r.parent === "string" ? { parent: r.parent } : {}),
    ...(r.dependsOn !== undefined ? { dependsOn: [...r.dependsOn] } : {}),
    inputs: r.inputs ?? {},
  }));
}

export function evaluateCompliance(plan: PlanDocument, rules: readonly ConfiguredRule[], ctx: RuleContext): ComplianceReport {
  const resources = toPlannedResources(plan);
  const violations: Violation[] = [];
  const evaluated: string[] = [];
  const disabled: string[] = [];
  for (const { rule, enforcementLevel, options } of rules) {
    if (enforcementLevel === "disabled") {
      disabled.push(rule.name);
      continue;
    }
    evaluated.push(rule.name);
    for (const finding of rule.evaluate(resources, options, ctx)) {
      violations.push({
        ruleId: rule.name,
        enforcementLevel,
        severity: rule.severity,
        resourceType: finding.resource.type,
        resourceName: finding.resource.name,
        urn: finding.resource.urn,
        message: finding.message,
      });
    }
  }
  const mandatoryCount = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    stack: plan.stack,
    rulesEvaluated: evaluated,
    rulesDisabled: disabled,
    violations,
    mandatoryCount,
    advisoryCount: violations.length - mandatoryCount,
  };
}
