// Reads a policy-pack config file in the format `pulumi preview --policy-pack-config` takes:
//   { "all": "advisory", "<rule>": "mandatory", "<rule>": { "enforcementLevel": "...", ...options } }
// and resolves it into an enforcement level plus validated options per rule, so the offline plan
// applies exactly what CrossGuard would. Every problem is collected and reported at once.
import { allRules } from "./rules";
import { isRecord } from "./rules/inputs";
import { enforcementLevels, parseRuleOptions, RuleOptionsError, type EnforcementLevel, type Rule } from "./rules/types";

/** A rule with the level and raw options one config gives it. */
export interface ConfiguredRule {
  rule: Rule;
  enforcementLevel: EnforcementLevel;
  /** Options as written (defaults are applied by the rule). */
  options: Record<string, unknown>;
}

export class PackConfigError extends Error {
  constructor(readonly source: string, readonly issues: string[]) {
    super(`${source}: ${issues.length === 1 ? issues[0] : `${issues.length} problems:\n  - ${issues.join("\n  - ")}`}`);
    this.name = "PackConfigError";
  }
}

const levelList = enforcementLevels.map((l) => `"${l}"`).join(", ");

function readLevel(value: unknown, path: string, issues: string[]): EnforcementLevel | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (enforcementLevels as readonly string[]).includes(value)) return value as EnforcementLevel;
  issues.push(`${path}: ${JSON.stringify(value)} is not an enforcement level; use ${levelList}`);
  return undefined;
}

/**
 * Resolves a parsed config object against the rules. `source` names the file in errors.
 * An absent config (undefined) means every rule at its default level with default options.
 */
export function resolvePackConfig(config: unknown, source: string, rules: readonly Rule[] = allRules): ConfiguredRule[] {
  const issues: string[] = [];
  const raw = config ?? {};
  if (!isRecord(raw)) throw new PackConfigError(source, ["the file must hold a JSON object keyed by policy name"]);
  const known = new Set(rules.map((r) => r.name));
  for (const key of Object.keys(raw)) {
    if (key !== "all" && !known.has(key)) {
      issues.push(`"${key}" is not a policy in this pack; known policies: all, ${[...known].join(", ")}`);
    }
  }
  const allValue = raw.all;
  if (isRecord(allValue)) {
    // Options belong to one rule; under "all" they were silently dropped.
    for (const key of Object.keys(allValue).filter((k) => k !== "enforcementLevel")) {
      issues.push(`all.${key}: "all" takes only enforcementLevel; set options in the rule's own entry ({ "<rule>": { "enforcementLevel": …, "${key}": … } })`);
    }
  }
  const allLevel = readLevel(isRecord(allValue) ? allValue.enforcementLevel : allValue, isRecord(allValue) ? "all.enforcementLevel" : "all", issues);
  const configured = rules.map((rule): ConfiguredRule => {
    const entry = raw[rule.name];
    let level: EnforcementLevel | undefined;
    let options: Record<string, unknown> = {};
    if (typeof entry === "string") {
      level = readLevel(entry, rule.name, issues);
    } else if (isRecord(entry)) {
      const { enforcementLevel, ...rest } = entry;
      level = readLevel(enforcementLevel, `${rule.name}.enforcementLevel`, issues);
      options = rest;
    } else if (entry !== undefined) {
      issues.push(`${rule.name}: must be an enforcement level (${levelList}) or an object of options`);
    }
    try {
      parseRuleOptions(rule.name, rule.options, options);
    } catch (error) {
      if (!(error instanceof RuleOptionsError)) throw error;
      issues.push(...error.issues);
    }
    return { rule, enforcementLevel: level ?? allLevel ?? rule.enforcementLevel, options };
  });
  if (issues.length > 0) throw new PackConfigError(source, issues);
  return configured;
}
