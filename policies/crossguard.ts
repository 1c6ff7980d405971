// Adapts the pure rules to CrossGuard policies: the resource or stack CrossGuard hands over becomes
// a PlannedResource, the policy's config becomes the rule's options, findings become violations.
// Only types come from @pulumi/policy here, so tests can exercise the adapter without a server.
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import type { PlannedResource, Rule, RuleContext } from "./rules/types";

/** The rule's zod options as the JSON schema CrossGuard validates policy config against. */
export function configSchemaOf(rule: Rule): PolicyConfigSchema {
  const schema = z.toJSONSchema(rule.options, { io: "input", target: "draft-7" }) as {
    properties?: PolicyConfigSchema["properties"];
    required?: string[];
  };
  return { properties: schema.properties ?? {}, ...(schema.required ? { required: schema.required } : {}) };
}

/** CrossGuard passes enforcementLevel alongside options in some versions; the rule schema is strict. */
function optionsFrom(config: Record<string, unknown>): Record<string, unknown> {
  const { enforcementLevel: _level, ...options } = config;
  return options;
}

export function fromPolicyResource(r: PolicyResource): PlannedResource {
  const dependsOn = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()].map((d) => d.urn);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.props,
    ...(r.parent ? { parent: r.parent.urn } : {}),
    ...(dependsOn.length > 0 ? { dependsOn: [...new Set(dependsOn)] } : {}),
  };
}

export function fromResourceArgs(args: ResourceValidationArgs): PlannedResource {
  return {
    type: args.type,
    name: args.name,
    urn: args.urn,
    inputs: args.props,
    ...(args.opts.parent ? { parent: args.opts.parent } : {}),
  };
}

/** Builds the CrossGuard policy for a rule; `context` is called per evaluation (fresh clock). */
export function toCrossGuardPolicy(
  rule: Rule,
  context: () => RuleContext,
): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    severity: rule.severity,
    configSchema: configSchemaOf(rule),
  };
  if (rule.kind === "stack") {
    return {
      ...base,
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const options = optionsFrom(args.getConfig<Record<string, unknown>>());
        for (const finding of rule.evaluate(args.resources.map(fromPolicyResource), options, context())) {
          reportViolation(finding.message, finding.resource.urn);
        }
      },
    };
  }
  return {
    ...base,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!rule.resourceTypes.includes(args.type)) return;
      const options = optionsFrom(args.getConfig<Record<string, unknown>>());
      for (const finding of rule.evaluate([fromResourceArgs(args)], options, context())) {
        reportViolation(finding.message);
      }
    },
  };
}
