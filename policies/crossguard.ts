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
import { canonicalType } from "./rules/resource-kinds";

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

/**
 * Wire sentinels Pulumi uses for values not known during a preview (one per kind; see
 * @pulumi/policy's proxy). CrossGuard hands policies a proxy that throws when one is read.
 */
const unknownSentinels = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);
/** Key under which CrossGuard's unknown-checking proxy returns the object it wraps. */
const proxyTargetKey = "__getSpecialProxyTarget";

/**
 * A plain copy of CrossGuard props with unknown values left out, which is how the rules read a
 * preview (a value not known yet is absent). Stack rules use it so one unknown input does not stop
 * the whole cross-resource check; resource rules keep CrossGuard's proxy, which turns a read of an
 * unknown value into an advisory "can't run during preview" note instead of a false violation.
 */
export function knownInputs(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const target = ((value as Record<string, unknown>)[proxyTargetKey] as object | undefined) ?? value;
  if (Array.isArray(target)) {
    return target.filter((v) => !(typeof v === "string" && unknownSentinels.has(v))).map(knownInputs);
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(target)) {
    if (typeof v === "string" && unknownSentinels.has(v)) continue;
    copy[key] = knownInputs(v);
  }
  return copy;
}

export function fromPolicyResource(r: PolicyResource): PlannedResource {
  const dependsOn = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()].map((d) => d.urn);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: knownInputs(r.props) as Record<string, unknown>,
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
      if (!rule.resourceTypes.includes(canonicalType(args.type))) return;
      const options = optionsFrom(args.getConfig<Record<string, unknown>>());
      for (const finding of rule.evaluate([fromResourceArgs(args)], options, context())) {
        reportViolation(finding.message);
      }
    },
  };
}
