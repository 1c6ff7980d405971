// The offline side of the pack: load a stack's pack config, add the stack's own quota
// declarations, and evaluate the rules over planned resources. Used by the plan's compliance step.
import * as fs from "node:fs";
import * as path from "node:path";
import { catalogRetirements } from "./catalog-retirements";
import { evaluateCompliance, type ComplianceReport, type PlanDocument } from "./evaluate";
import { quotasFromFleetConfig, type QuotaDeclaration } from "./fleet-quotas";
import { PackConfigError, resolvePackConfig, type ConfiguredRule } from "./pack-config";
import { aoaiDeploymentEnforceCapacityQuota } from "./rules/aoai-deployment-enforce-capacity-quota";
import { normalizeRegion } from "./rules/inputs";

/** `policies/config/<stack>.json` under a repository root. */
export function packConfigFile(root: string, stack: string): string {
  return path.join(root, "policies", "config", `${stack}.json`);
}

/**
 * Reads and resolves a pack config file; a missing file means pack defaults. `source` names the file
 * in errors (default: `file`); the plan passes the path as the docs and the user write it
 * (`policies/config/<stack>.json`), not the absolute one.
 */
export function loadPackConfig(file: string, source = file): { rules: ConfiguredRule[]; found: boolean } {
  if (!fs.existsSync(file)) return { rules: resolvePackConfig(undefined, source), found: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PackConfigError(source, [`not valid JSON (${(error as Error).message})`]);
  }
  return { rules: resolvePackConfig(parsed, source), found: true };
}

const quotaKey = (q: QuotaDeclaration) => `${normalizeRegion(q.region)}|${q.model ?? "*"}|${q.sku}`;

/**
 * Lays the fleet config's quota declarations over the capacity rule's configured quotas: the stack
 * declares its own quota, and the pack config's copy (needed by CrossGuard, which cannot read stack
 * config) may only add combinations the stack does not declare.
 */
export function withFleetQuotas(rules: readonly ConfiguredRule[], fleet: unknown): ConfiguredRule[] {
  const declared = quotasFromFleetConfig(fleet);
  if (declared.length === 0) return [...rules];
  return rules.map((configured) => {
    if (configured.rule !== aoaiDeploymentEnforceCapacityQuota) return configured;
    const fromPack = Array.isArray(configured.options.quotas) ? (configured.options.quotas as QuotaDeclaration[]) : [];
    const stackKeys = new Set(declared.map(quotaKey));
    const quotas = [...declared, ...fromPack.filter((q) => !stackKeys.has(quotaKey(q)))];
    return { ...configured, options: { ...configured.options, quotas } };
  });
}

export interface OfflineComplianceInput {
  plan: PlanDocument;
  /** The stack's `aoai-fleet:fleet` value, for its quota declarations. */
  fleet: unknown;
  rules: readonly ConfiguredRule[];
  now: Date;
}

export function evaluateOffline(input: OfflineComplianceInput): ComplianceReport {
  return evaluateCompliance(input.plan, withFleetQuotas(input.rules, input.fleet), {
    now: input.now,
    retirements: catalogRetirements(),
  });
}
