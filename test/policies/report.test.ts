import { describe, expect, it } from "vitest";
import type { ComplianceReport } from "../../policies/evaluate";
import { markdownReport, summaryLine, wrapName } from "../../policies/report";

const report: ComplianceReport = {
  stack: "prod",
  rulesEvaluated: ["aoai-a", "aoai-b"],
  rulesDisabled: ["aoai-c"],
  violations: [
    { ruleId: "aoai-a", enforcementLevel: "mandatory", resourceType: "azure-native:cognitiveservices:Deployment", resourceName: "chat|x", urn: undefined, message: "Deployment \"chat|x\" is bad;\nfix it." },
  ],
  mandatoryCount: 1,
  advisoryCount: 0,
};

describe("compliance report presentation", () => {
  it("summarizes counts with singular and plural", () => {
    expect(summaryLine(report)).toBe("2 rules evaluated, 1 disabled: 1 mandatory violation, 0 advisory violations.");
  });

  it("renders a Markdown section with escaped cells", () => {
    expect(markdownReport(report, "policies/config/prod.json")).toBe(
      [
        "### Guardrails for stack `prod`: ❌ failed",
        "",
        "Pack config: `policies/config/prod.json`. 2 rules evaluated, 1 disabled: 1 mandatory violation, 0 advisory violations.",
        "",
        "| rule | level | resource | violation |",
        "| --- | --- | --- | --- |",
        '| `aoai-a` | mandatory | `chat\\|x` | Deployment "chat\\|x" is bad; fix it. |',
        "",
      ].join("\n"),
    );
  });

  it("wraps long resource names after hyphens instead of truncating them", () => {
    expect(wrapName("contoso-ai-dev-gateway-chat-swedencentral", 30)).toBe("contoso-ai-dev-gateway-chat-\nswedencentral");
    expect(wrapName("short-name", 30)).toBe("short-name");
  });
});
