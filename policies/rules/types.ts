// Shared shapes for the guardrail rules. A rule sees resources exactly as CrossGuard's
// validateResource/validateStack hand them over and as `npm run plan` writes them to
// out/<stack>/plan.json, so one pure function serves the policy pack and the offline plan.
import { z } from "zod";
import { canonicalResource, canonicalType } from "./resource-kinds";

/** A resource as the rules see it: its Pulumi type token, logical name, URN and inputs. */
export interface PlannedResource {
  /** Pulumi type token, e.g. `azure-native:cognitiveservices:Deployment`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** Pulumi URN when known (CrossGuard and plan.json always carry one). */
  urn?: string;
  /** Resource inputs; values unknown during a preview are absent. */
  inputs: Record<string, unknown>;
  /** URN of the parent resource, when known. */
  parent?: string;
  /** URNs this resource depends on (explicit dependsOn plus property dependencies), when known. */
  dependsOn?: string[];
}

/** How a violated rule is treated: advisory prints a warning, mandatory fails the run. */
export const enforcementLevels = ["advisory", "mandatory", "disabled"] as const;
export type EnforcementLevel = (typeof enforcementLevels)[number];

/** Retirement facts for one model version (and SKU, since Azure retires per SKU). */
export interface RetirementInfo {
  /** ISO date (YYYY-MM-DD) on which inference on this version stops; null when none is announced. */
  retiresOn: string | null;
  /** Suggested replacement, e.g. `gpt-5.1 2025-11-13`, when the catalog names one. */
  replacement?: string;
}

/** The catalog lookup the retirement rules need; the model catalog in core/catalog provides it. */
export interface RetirementLookup {
  /** Retirement facts for a model version deployed with a SKU, or undefined when the catalog has no entry. */
  retirementOf(model: string, version: string, sku: string | undefined): RetirementInfo | undefined;
}

/** Everything a rule needs besides resources and options: the clock and the catalog. */
export interface RuleContext {
  /** The instant the evaluation runs at (injected so tests and plans are reproducible). */
  now: Date;
  /** Model retirement dates. */
  retirements: RetirementLookup;
}

/** One violation: the resource it concerns and a sentence stating the problem and the fix. */
export interface Finding {
  resource: PlannedResource;
  message: string;
}

export type Severity = "low" | "medium" | "high" | "critical";

/** A guardrail rule, independent of CrossGuard: options schema, default level and a pure evaluator. */
export interface Rule {
  /** Rule id, `aoai-<resource>-<verb>-<what>`. */
  readonly name: string;
  /** One sentence describing what the rule enforces. */
  readonly description: string;
  readonly severity: Severity;
  /** Level used when the pack config does not set one. */
  readonly enforcementLevel: EnforcementLevel;
  /** `resource` rules look at one resource at a time; `stack` rules need all resources. */
  readonly kind: "resource" | "stack";
  /** azure-native default type tokens a resource rule applies to (versioned and classic spellings match too; empty for stack rules). */
  readonly resourceTypes: readonly string[];
  /** zod schema of the rule's options; its JSON schema becomes the CrossGuard configSchema. */
  readonly options: z.ZodObject;
  /** Evaluates the rule over resources with raw (unparsed) options. Throws on invalid options. */
  evaluate(resources: readonly PlannedResource[], rawOptions: unknown, ctx: RuleContext): Finding[];
}

interface RuleHeader<S extends z.ZodObject> {
  name: string;
  description: string;
  severity: Severity;
  enforcementLevel: EnforcementLevel;
  options: S;
}

/** The header fields both rule kinds copy unchanged from their definition. */
function headerOf<S extends z.ZodObject>(def: RuleHeader<S>): RuleHeader<S> {
  return { name: def.name, description: def.description, severity: def.severity, enforcementLevel: def.enforcementLevel, options: def.options };
}

/** Defines a rule that checks resources of the given types one at a time. */
export function defineResourceRule<S extends z.ZodObject>(
  def: RuleHeader<S> & {
    resourceTypes: readonly string[];
    validate(resource: PlannedResource, options: z.output<S>, ctx: RuleContext): string[];
  },
): Rule {
  return {
    ...headerOf(def),
    kind: "resource",
    resourceTypes: def.resourceTypes,
    evaluate(resources, rawOptions, ctx) {
      const options = parseRuleOptions(def.name, def.options, rawOptions);
      return resources
        .filter((r) => def.resourceTypes.includes(canonicalType(r.type)))
        .flatMap((resource) => def.validate(canonicalResource(resource), options, ctx).map((message) => ({ resource, message })));
    },
  };
}

/** Defines a rule that needs the whole stack (cross-resource checks such as quota sums). */
export function defineStackRule<S extends z.ZodObject>(
  def: RuleHeader<S> & {
    validate(resources: readonly PlannedResource[], options: z.output<S>, ctx: RuleContext): Finding[];
  },
): Rule {
  return {
    ...headerOf(def),
    kind: "stack",
    resourceTypes: [],
    evaluate(resources, rawOptions, ctx) {
      return def.validate(resources.map(canonicalResource), parseRuleOptions(def.name, def.options, rawOptions), ctx);
    },
  };
}

/** Thrown when a rule's options do not match its schema; the message names every bad path. */
export class RuleOptionsError extends Error {
  constructor(readonly ruleName: string, readonly issues: string[]) {
    super(`Invalid policy options: ${issues.join("; ")}.`);
    this.name = "RuleOptionsError";
  }
}

/** Parses raw options (undefined means all defaults) or throws a RuleOptionsError naming each path. */
export function parseRuleOptions<S extends z.ZodObject>(ruleName: string, schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  // A misspelled option should say what the rule does take, not only what it does not.
  const known = Object.keys(schema.shape);
  const hint = (issue: z.core.$ZodIssue) =>
    issue.code === "unrecognized_keys" && issue.path.length === 0 ? `; this rule's options: ${known.length > 0 ? known.join(", ") : "none"} (besides enforcementLevel)` : "";
  throw new RuleOptionsError(
    ruleName,
    result.error.issues.map((issue) => `${[ruleName, ...issue.path.map(String)].join(".")}: ${issue.message}${hint(issue)}`),
  );
}
