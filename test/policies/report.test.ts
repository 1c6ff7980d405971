import { describe, expect, it } from "vitest";
import type { ComplianceReport } from "../../policies/evaluate";
import { markdownReport, summaryLine, wrapName } from "../../policies/report";

const report: ComplianceReport = {
  stack: "prod",
  rulesEvaluated: ["aoai-a", "aoai-b"],
  rulesDisabled: ["aoai-c"],
  violations: [
    { ruleId: "aoai-b", enforcementLevel: "advisory", severity: "medium", resourceType: "azure-native:cognitiveservices:Account", resourceName: "acct", urn: undefined, message: "Account \"acct\" is so-so." },
    { ruleId: "aoai-a", enforcementLevel: "mandatory", severity: "critical", resourceType: "azure-native:cognitiveservices:Deployment", resourceName: "chat|x", urn: undefined, message: "Deployment \"chat|x\" is bad;\nfix it." },
  ],
  mandatoryCount: 1,
  advisoryCount: 1,
};

describe("compliance report presentation", () => {
  it("summarizes counts with singular and plural", () => {
    expect(summaryLine(report)).toBe("2 rules evaluated, 1 disabled: 1 mandatory violation, 1 advisory violation.");
  });

  // A reviewer reads the blocking rows first, with each rule's severity, and sees which rules were off.
  it("renders a Markdown section: mandatory rows first, severity, disabled rules named, escaped cells", () => {
    expect(markdownReport(report, "policies/config/prod.json")).toBe(
      [
        "### Guardrails for stack `prod`: ❌ failed",
        "",
        "Pack config: `policies/config/prod.json`. 2 rules evaluated, 1 disabled: 1 mandatory violation, 1 advisory violation.",
        "",
        "Disabled by the pack config: `aoai-c`.",
        "",
        "| rule | level | severity | resource | violation |",
        "| --- | --- | --- | --- | --- |",
        '| `aoai-a` | mandatory | critical | `chat\\|x` | Deployment "chat\\|x" is bad; fix it. |',
        '| `aoai-b` | advisory | medium | `acct` | Account "acct" is so-so. |',
        "",
      ].join("\n"),
    );
  });

  it("keeps a note about the config file outside its code span", () => {
    const clean: ComplianceReport = { ...report, rulesDisabled: [], violations: [], mandatoryCount: 0, advisoryCount: 0 };
    expect(markdownReport(clean, "policies/config/qa.json", "absent: every rule at its default level and options")).toBe(
      "### Guardrails for stack `prod`: ✅ passed\n\nPack config: `policies/config/qa.json` (absent: every rule at its default level and options). 2 rules evaluated: 0 mandatory violations, 0 advisory violations.\n",
    );
  });

  it("wraps long resource names after hyphens instead of truncating them", () => {
    expect(wrapName("contoso-ai-dev-gateway-chat-swedencentral", 30)).toBe("contoso-ai-dev-gateway-chat-\nswedencentral");
    expect(wrapName("short-name", 30)).toBe("short-name");
  });
});
