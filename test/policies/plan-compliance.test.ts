// `npm run plan` runs the pack's rules offline through the compliance plan step.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planCommand } from "../../cli/plan/command";
import { allRules } from "../../policies/rules";
import type { FleetConfigInput } from "../../stacks/config/fleet";
import { TODAY_ENV } from "../../stacks/program";

const root = path.resolve(__dirname, "..", "..");
let out: string;

beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-compliance-"));
  process.env[TODAY_ENV] = "2026-11-23";
});
afterEach(() => {
  delete process.env[TODAY_ENV];
});

async function plan(stack: string, config?: string): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await planCommand(stack, { out, ...(config ? { config } : {}) }, (l = "") => lines.push(l));
  return { code, text: lines.join("\n") };
}

/** Writes a copy of Pulumi.<stack>.yaml with one change to the fleet config. */
function variant(stack: string, edit: (fleet: FleetConfigInput) => void): string {
  const doc = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  edit(doc.config["aoai-fleet:fleet"] as FleetConfigInput);
  const file = path.join(out, `Pulumi.${stack}.variant.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

describe("plan compliance step", () => {
  it("passes the dev stack as shipped (exit 0) and writes the report", async () => {
    const { code, text } = await plan("dev");
    expect(code).toBe(0);
    expect(text).toContain("Guardrails (policies/config/dev.json): 14 rules evaluated, 1 disabled: 0 mandatory violations, 0 advisory violations.");
    const report = JSON.parse(fs.readFileSync(path.join(out, "dev", "compliance.json"), "utf8")) as { config: string; violations: unknown[]; mandatoryCount: number };
    expect(report).toMatchObject({ config: "policies/config/dev.json", violations: [], mandatoryCount: 0 });
    expect(fs.readFileSync(path.join(out, "dev", "compliance.md"), "utf8")).toBe(
      "### Guardrails for stack `dev`: ✅ passed\n\nPack config: `policies/config/dev.json`. 14 rules evaluated, 1 disabled: 0 mandatory violations, 0 advisory violations.\n\nDisabled by the pack config: `aoai-account-enforce-private-endpoint`.\n",
    );
  });

  it("passes the prod stack as shipped (exit 0): private accounts satisfy both network rules, mandatory in prod", async () => {
    const { code, text } = await plan("prod");
    expect(code).toBe(0);
    expect(text).toContain("Guardrails (policies/config/prod.json): 15 rules evaluated: 0 mandatory violations, 0 advisory violations.");
    expect(text).not.toContain("Guardrails failed");
  });

  it("fails prod (exit 1) with the rule id and resource when a deployment may auto-upgrade to new defaults", async () => {
    const config = variant("prod", (fleet) => {
      (fleet.deployments["chat-mini"] as { upgrade: string }).upgrade = "OnceNewDefaultVersionAvailable";
    });
    const { code, text } = await plan("prod", config);
    expect(code).toBe(1);
    expect(text).toContain("Guardrails (policies/config/prod.json): 15 rules evaluated: 3 mandatory violations, 0 advisory violations.");
    for (const region of ["eastus2", "eastus", "westus3"]) {
      expect(text).toMatch(new RegExp(`│ aoai-deployment-enforce-upgrade-option\\s+│ mandatory\\s+│ contoso-ai-${region}-chat-mini\\s+│ Deployment "contoso-ai-${region}-chat-mini" sets`));
    }
    expect(text).toContain("Guardrails failed: 3 mandatory violations; the plan exits 1.");
    const report = JSON.parse(fs.readFileSync(path.join(out, "prod", "compliance.json"), "utf8")) as { violations: { ruleId: string; resourceName: string; message: string }[] };
    expect(report.violations.filter((v) => v.ruleId === "aoai-deployment-enforce-upgrade-option")).toEqual(
      ["eastus2", "eastus", "westus3"].map((region) => ({
        ruleId: "aoai-deployment-enforce-upgrade-option",
        enforcementLevel: "mandatory",
        severity: "high",
        resourceType: "azure-native:cognitiveservices:Deployment",
        resourceName: `contoso-ai-${region}-chat-mini`,
        urn: expect.stringMatching(new RegExp(`::contoso-ai-${region}-chat-mini$`)),
        message: `Deployment "contoso-ai-${region}-chat-mini" sets properties.versionUpgradeOption to "OnceNewDefaultVersionAvailable", which this environment does not allow; use NoAutoUpgrade or OnceCurrentVersionExpired.`,
      })),
    );
  });

  it("fails prod (exit 1) when a pinned version retires within 90 days", async () => {
    // gpt-5.4 2026-03-05 retires on 2027-09-02 (63 days after 2027-07-01), gpt-5.4-mini on 2027-09-21 (82 days).
    process.env[TODAY_ENV] = "2027-07-01";
    const { code, text } = await plan("prod");
    expect(code).toBe(1);
    expect(text).toMatch(/│ aoai-deployment-disallow-retiring-version\s+│ mandatory\s+│ contoso-ai-eastus2-chat\s+│ Deployment "contoso-ai-eastus2-chat" uses gpt-5\.4 version 2026-03-05/);
    const report = JSON.parse(fs.readFileSync(path.join(out, "prod", "compliance.json"), "utf8")) as { violations: { ruleId: string; resourceName: string; message: string }[] };
    const retiring = report.violations.filter((v) => v.ruleId === "aoai-deployment-disallow-retiring-version");
    expect(retiring.map((v) => v.resourceName)).toEqual([
      "contoso-ai-eastus2-chat-std",
      "contoso-ai-eastus2-chat",
      "contoso-ai-eastus2-chat-mini",
      "contoso-ai-eastus-chat-std",
      "contoso-ai-eastus-chat",
      "contoso-ai-eastus-chat-mini",
      "contoso-ai-westus3-chat-mini",
      "contoso-ai-westus3-chat-std",
    ]);
    expect(retiring[1]?.message).toBe(
      'Deployment "contoso-ai-eastus2-chat" uses gpt-5.4 version 2026-03-05 (DataZoneProvisionedManaged), which retires on 2027-09-02 (in 63 days, within the 90-day window); move to a newer version before then.',
    );
  });

  it("fails prod (exit 1) on a config that pins a version retiring within 90 days", async () => {
    // o3-pro 2025-06-10 retires on 2026-12-17, 24 days after 2026-11-23; it is GlobalStandard-only.
    const config = variant("prod", (fleet) => {
      fleet.deployments.reasoning = { model: "o3-pro", version: "2025-06-10", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade", regions: ["eastus2"] };
      (fleet.regions.eastus2?.quota as Record<string, number>)["o3-pro/GlobalStandard"] = 10;
    });
    const { code, text } = await plan("prod", config);
    expect(code).toBe(1);
    expect(text).toContain("Guardrails (policies/config/prod.json): 15 rules evaluated: 3 mandatory violations, 0 advisory violations.");
    expect(text).toMatch(/│ aoai-deployment-disallow-retiring-version\s+│ mandatory\s+│ contoso-ai-eastus2-reasoning\s+│ Deployment "contoso-ai-eastus2-reasoning" uses o3-pro version/);
    const report = JSON.parse(fs.readFileSync(path.join(out, "prod", "compliance.json"), "utf8")) as { violations: { ruleId: string; enforcementLevel: string; resourceName: string; message: string }[] };
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => [v.ruleId, v.resourceName, v.message])).toEqual([
      ["aoai-deployment-disallow-retiring-version", "contoso-ai-eastus2-reasoning", 'Deployment "contoso-ai-eastus2-reasoning" uses o3-pro version 2025-06-10 (GlobalStandard), which retires on 2026-12-17 (in 24 days, within the 90-day window); move to a newer version before then.'],
      ["aoai-deployment-enforce-residency-sku", "contoso-ai-eastus2-reasoning", 'Deployment "contoso-ai-eastus2-reasoning" uses SKU GlobalStandard, which may process data in any Azure region, but this environment requires data-zone residency; use DataZoneStandard instead.'],
      ["aoai-deployment-enforce-allowed-sku", "contoso-ai-eastus2-reasoning", 'Deployment "contoso-ai-eastus2-reasoning" uses SKU GlobalStandard, which this environment does not allow; use DataZoneStandard, DataZoneProvisionedManaged, Standard or ProvisionedManaged.'],
    ]);
  });

  it("agrees with the config default: a public stack plans with exit 0 under the default pack (network rules advisory)", async () => {
    const file = variant("prod", (fleet) => {
      delete fleet.publicNetworkAccess;
      delete fleet.network;
    });
    // A stack without policies/config/<stack>.json is evaluated with every rule at its defaults.
    const { code, text } = await plan("reference", file);
    expect(code).toBe(0);
    expect(text).toContain("Guardrails (policies/config/reference.json; absent: every rule at its default level and options): 15 rules evaluated: 0 mandatory violations, 6 advisory violations.");
    expect(text).toMatch(/│ aoai-account-enforce-private-endpoint\s+│ advisory\s+│ contoso-ai-eastus2\s+│ Account "contoso-ai-eastus2" sets publicNetworkAccess to "Enabled",/);
  });

  it("fails prod (exit 1) when its accounts are made public: both network rules are mandatory there", async () => {
    const file = variant("prod", (fleet) => {
      fleet.publicNetworkAccess = "Enabled";
      delete fleet.network;
    });
    const { code, text } = await plan("prod", file);
    expect(code).toBe(1);
    expect(text).toContain("Guardrails (policies/config/prod.json): 15 rules evaluated: 6 mandatory violations, 0 advisory violations.");
    const report = JSON.parse(fs.readFileSync(path.join(out, "prod", "compliance.json"), "utf8")) as { violations: { ruleId: string; resourceName: string }[] };
    expect(report.violations.map((v) => [v.ruleId, v.resourceName])).toEqual(
      ["aoai-account-configure-public-network", "aoai-account-enforce-private-endpoint"].flatMap((rule) => ["eastus2", "eastus", "westus3"].map((region) => [rule, `contoso-ai-${region}`])),
    );
  });

  it("uses the plan's --today for the guardrails too, not only for the program", async () => {
    delete process.env[TODAY_ENV];
    const lines: string[] = [];
    const code = await planCommand("prod", { out, today: "2027-07-01" }, (l = "") => lines.push(l));
    expect(code).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(out, "prod", "compliance.json"), "utf8")) as { violations: { ruleId: string; resourceName: string; message: string }[] };
    expect(report.violations.find((v) => v.resourceName === "contoso-ai-eastus2-chat" && v.ruleId === "aoai-deployment-disallow-retiring-version")?.message).toBe(
      'Deployment "contoso-ai-eastus2-chat" uses gpt-5.4 version 2026-03-05 (DataZoneProvisionedManaged), which retires on 2027-09-02 (in 63 days, within the 90-day window); move to a newer version before then.',
    );
  });

  it("only warns in dev for the same retiring versions (advisory there)", async () => {
    process.env[TODAY_ENV] = "2027-02-01";
    const { code, text } = await plan("dev");
    expect(code).toBe(0);
    expect(text).toContain("Guardrails (policies/config/dev.json): 14 rules evaluated, 1 disabled: 0 mandatory violations, 2 advisory violations.");
  });

  // It used to run the whole program first, print the tables, write the policy XML under out/ and only
  // then fail, naming the absolute path where the docs write policies/config/<stack>.json.
  it("stops with exit code 2 before the program runs, naming the file as the docs do, when the pack config is invalid", async () => {
    const configDir = path.join(root, "policies", "config");
    const file = path.join(configDir, "compliance-test-bad.json");
    fs.writeFileSync(file, JSON.stringify({ "aoai-deployment-disallow-retiring-version": { withinDays: 0 }, "aoai-no-such-rule": "mandatory" }));
    try {
      const yaml = path.join(out, "bad.yaml");
      fs.copyFileSync(path.join(root, "Pulumi.dev.yaml"), yaml);
      const lines: string[] = [];
      await expect(planCommand("compliance-test-bad", { out, config: yaml }, (l = "") => lines.push(l))).rejects.toMatchObject({
        exitCode: 2,
        message: [
          "policies/config/compliance-test-bad.json: 2 problems:",
          `  - "aoai-no-such-rule" is not a policy in this pack; known policies: all, ${allRules.map((r) => r.name).join(", ")}`,
          "  - aoai-deployment-disallow-retiring-version.withinDays: Too small: expected number to be >=1",
          "Fix the policy pack config and run the plan again.",
        ].join("\n"),
      });
      expect(lines).toEqual([]);
      expect(fs.readdirSync(out)).toEqual(["bad.yaml"]);
    } finally {
      fs.rmSync(file);
    }
  });

  it("stops with exit code 2 before the program runs when the pack config is not JSON", async () => {
    const file = path.join(root, "policies", "config", "compliance-test-json.json");
    fs.writeFileSync(file, "{ \"all\": ");
    try {
      const yaml = path.join(out, "bad.yaml");
      fs.copyFileSync(path.join(root, "Pulumi.dev.yaml"), yaml);
      const failure = planCommand("compliance-test-json", { out, config: yaml }, () => undefined);
      await expect(failure).rejects.toMatchObject({ exitCode: 2 });
      await expect(failure).rejects.toThrow(/^policies\/config\/compliance-test-json\.json: not valid JSON \(/);
      expect(fs.readdirSync(out)).toEqual(["bad.yaml"]);
    } finally {
      fs.rmSync(file);
    }
  });
});

describe("plan compliance step on the gateway", () => {
  it("reports pool members without a circuit breaker (advisory in dev)", async () => {
    const config = variant("dev", () => undefined);
    const doc = parse(fs.readFileSync(config, "utf8")) as { config: Record<string, Record<string, unknown>> };
    const gateway = doc.config["aoai-fleet:gateway"];
    if (gateway === undefined) return expect.fail("Pulumi.dev.yaml has no aoai-fleet:gateway to test against");
    delete gateway.circuitBreaker;
    fs.writeFileSync(config, stringify(doc));
    const { code } = await plan("dev", config);
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, "dev", "compliance.json"), "utf8")) as { violations: { ruleId: string; enforcementLevel: string; resourceName: string; message: string }[] };
    // Every pool member once: chat and embeddings in both regions, and chat's Responses API account twins
    // (embeddings deployments have none: the embeddings route answers Responses creates itself).
    const deploymentMembers = ["chat-eastus2", "chat-swedencentral", "embeddings-eastus2", "embeddings-swedencentral"];
    const expected = [...deploymentMembers, "chat-eastus2-resp", "chat-swedencentral-resp"];
    expect(report.violations.map((v) => [v.ruleId, v.enforcementLevel, v.resourceName]).sort()).toEqual(
      expected.map((id) => ["aoai-backend-enforce-pool-resilience", "advisory", `contoso-ai-dev-gateway-${id}`]).sort(),
    );
    // A deployment member is in its route's stable pool and both avoid twins (routing.avoidSlow): one finding names all three.
    expect(report.violations.find((v) => v.resourceName === "contoso-ai-dev-gateway-chat-eastus2")?.message).toBe(
      'Backend "contoso-ai-dev-gateway-chat-eastus2" is a member of 3 pools: "contoso-ai-dev-gateway-chat-stable" (2 backends), "contoso-ai-dev-gateway-chat-stable-avoid-chat-eastus2" (2 backends), "contoso-ai-dev-gateway-chat-stable-avoid-chat-swedencentral" (2 backends) but has no circuit breaker, so none of them fails over away from it; add a circuitBreaker rule (for example 429 and 5xx with acceptRetryAfter: true).',
    );
  });
});
