// Presents a compliance report: a console table and a Markdown section (for $GITHUB_STEP_SUMMARY).
import { consoleTable } from "../core/console/table";
import type { ComplianceReport } from "./evaluate";

export function summaryLine(report: ComplianceReport): string {
  const disabled = report.rulesDisabled.length > 0 ? `, ${report.rulesDisabled.length} disabled` : "";
  const count = (n: number, what: string) => `${n} ${what} violation${n === 1 ? "" : "s"}`;
  return `${report.rulesEvaluated.length} rules evaluated${disabled}: ${count(report.mandatoryCount, "mandatory")}, ${count(report.advisoryCount, "advisory")}.`;
}

/** Breaks a long resource name after hyphens so the table shows it whole instead of truncating it. */
export function wrapName(name: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const part of name.split(/(?<=-)/)) {
    if (line !== "" && line.length + part.length > width) {
      lines.push(line);
      line = "";
    }
    line += part;
  }
  lines.push(line);
  return lines.join("\n");
}

/** Console table: rule id, level, resource, message (wrapped). */
export function violationsTable(report: ComplianceReport): string {
  const table = consoleTable(["rule", "level", "resource", "violation"], { widths: [42, 9, 30, 70], lines: "rows" });
  for (const v of report.violations) {
    table.push([v.ruleId, v.enforcementLevel, `${wrapName(v.resourceName, 30)}\n(${v.resourceType.split(":").pop()})`, v.message]);
  }
  return table.toString();
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A Markdown section for CI job summaries. `configFile` is shown as code and `note` after it; a
 * reviewer sees the blocking (mandatory) rows first, each rule's severity, and which rules the
 * pack config switched off.
 */
export function markdownReport(report: ComplianceReport, configFile: string, note?: string): string {
  const status = report.mandatoryCount > 0 ? "❌ failed" : "✅ passed";
  const config = `\`${configFile}\`${note ? ` (${note})` : ""}`;
  const lines = [`### Guardrails for stack \`${report.stack}\`: ${status}`, "", `Pack config: ${config}. ${summaryLine(report)}`, ""];
  if (report.rulesDisabled.length > 0) {
    lines.push(`Disabled by the pack config: ${report.rulesDisabled.map((r) => `\`${cell(r)}\``).join(", ")}.`, "");
  }
  if (report.violations.length > 0) {
    const rows = [...report.violations].sort((a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory"));
    lines.push("| rule | level | severity | resource | violation |", "| --- | --- | --- | --- | --- |");
    for (const v of rows) {
      lines.push(`| \`${cell(v.ruleId)}\` | ${v.enforcementLevel} | ${v.severity} | \`${cell(v.resourceName)}\` | ${cell(v.message)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
