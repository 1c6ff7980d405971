import * as fs from "node:fs";
import * as path from "node:path";
import { loadPackConfig, packConfigFile, evaluateOffline } from "../../../policies/offline";
import { PackConfigError } from "../../../policies/pack-config";
import { markdownReport, summaryLine, violationsTable } from "../../../policies/report";
import { CliError } from "../../registry";
import { REPO_ROOT } from "../stack-config";
import { definePlanStep } from "../steps";

/**
 * The stack's pack config, resolved, with the path as the docs write it (relative to the repository).
 * A bad file is exit 2 naming that path, each problem and the fix.
 */
function stackPackConfig(stack: string): { rules: ReturnType<typeof loadPackConfig>["rules"]; found: boolean; label: string } {
  const file = packConfigFile(REPO_ROOT, stack);
  const label = path.relative(REPO_ROOT, file);
  try {
    return { ...loadPackConfig(file, label), label };
  } catch (error) {
    if (error instanceof PackConfigError) throw new CliError(`${error.message}\nFix the policy pack config and run the plan again.`, 2);
    throw error;
  }
}

/**
 * Evaluates the CrossGuard pack's rules offline on the planned resources with the stack's pack
 * config (policies/config/<stack>.json), prints violations, writes compliance.json and compliance.md
 * (the CI job summary) next to plan.json, and fails the plan (exit 1) on any mandatory violation.
 * The pack config is checked before the program runs (`check`), so a bad one fails fast.
 */
export const complianceStep = definePlanStep({
  name: "compliance",
  order: 40,
  check({ stack }) {
    stackPackConfig(stack);
  },
  run({ plan, outDir, print }) {
    const loaded = stackPackConfig(plan.stack);
    const label = loaded.label;
    const note = loaded.found ? undefined : "absent: every rule at its default level and options";
    // "Guardrails (x.json (absent: …))" nested its parentheses; the note follows a semicolon instead.
    const configLabel = note === undefined ? label : `${label}; ${note}`;
    const report = evaluateOffline({
      plan: { stack: plan.stack, resources: plan.resources },
      fleet: plan.config["aoai-fleet:fleet"],
      rules: loaded.rules,
      now: plan.today,
    });
    print(`Guardrails (${configLabel}): ${summaryLine(report)}`);
    if (report.violations.length > 0) print(violationsTable(report));
    fs.writeFileSync(path.join(outDir, "compliance.md"), markdownReport(report, label, note));
    fs.writeFileSync(path.join(outDir, "compliance.json"), `${JSON.stringify({ config: label, ...report }, null, 2)}\n`);
    if (report.mandatoryCount === 0) return;
    print(`Guardrails failed: ${report.mandatoryCount} mandatory violation${report.mandatoryCount === 1 ? "" : "s"}; the plan exits 1.`);
    return { exitCode: 1 };
  },
});
