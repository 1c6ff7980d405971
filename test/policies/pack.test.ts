import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { quotasFromFleetConfig } from "../../policies/fleet-quotas";
import { resolvePackConfig } from "../../policies/pack-config";
import { withStackQuotas } from "../../policies/sync-quotas";
import * as ruleModules from "../../policies/rules";
import { allRules } from "../../policies/rules";

const root = path.resolve(__dirname, "..", "..");
const rulesDir = path.join(root, "policies", "rules");
const verbs = ["missing", "disallow", "enable", "disable", "configure", "enforce"];
const camel = (name: string) => name.replace(/^aoai-/, "aoai-").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("policy pack registration", () => {
  const ruleFiles = fs.readdirSync(rulesDir).filter((f) => f.startsWith("aoai-") && f.endsWith(".ts"));

  it("registers every rule file exactly once, named after its file", () => {
    expect(allRules.map((r) => `${r.name}.ts`).sort()).toEqual([...ruleFiles].sort());
    expect(new Set(allRules.map((r) => r.name)).size).toBe(allRules.length);
  });

  it.each(ruleFiles)("%s follows aoai-<resource>-<verb>-<what> and exports the camelCase name", async (file) => {
    const name = file.replace(/\.ts$/, "");
    const [, , verb] = name.split("-");
    expect(verbs).toContain(verb);
    const mod = (await import(path.join(rulesDir, file))) as Record<string, { name: string }>;
    expect(Object.keys(mod)).toEqual([camel(name)]);
    expect(mod[camel(name)]?.name).toBe(name);
  });

  it("gives every rule a one-sentence description and an options schema that accepts {}", () => {
    for (const rule of allRules) {
      expect(rule.description).toMatch(/^[A-Z](?:(?!\. ).)*\.$/); // one sentence: no ". " inside
      expect(rule.options.safeParse({}).success).toBe(true);
    }
  });

  it("the entry point builds the pack from allRules (every rule is in the pack)", () => {
    const entry = fs.readFileSync(path.join(root, "policies", "index.ts"), "utf8");
    expect(entry).toContain("policies: allRules.map((rule) => toCrossGuardPolicy(rule,");
    expect(Object.keys(ruleModules)).toContain("allRules");
  });

  it("declares a nodejs pack with a main the Pulumi language host can load", () => {
    expect(parse(fs.readFileSync(path.join(root, "policies", "PulumiPolicy.yaml"), "utf8"))).toEqual({
      description: "aoai-fleet guardrails for Azure OpenAI model deployments, accounts and the APIM gateway",
      runtime: "nodejs",
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "policies", "package.json"), "utf8")) as { main: string; dependencies: Record<string, string> };
    const rootPkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.main).toBe("index.ts");
    for (const [dep, version] of Object.entries(pkg.dependencies)) expect(rootPkg.dependencies[dep]).toBe(version);
  });
});

describe("shipped pack configs", () => {
  it.each(["dev", "prod"])("policies/config/%s.json is valid for this pack", (stack) => {
    const file = path.join(root, "policies", "config", `${stack}.json`);
    expect(() => resolvePackConfig(JSON.parse(fs.readFileSync(file, "utf8")), file)).not.toThrow();
  });

  it.each(["dev", "prod"])("policies/config/%s.json declares the same quotas as Pulumi.%s.yaml", (stack) => {
    const config = JSON.parse(fs.readFileSync(path.join(root, "policies", "config", `${stack}.json`), "utf8")) as Record<string, { quotas?: unknown }>;
    const fleet = (parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config["aoai-fleet:fleet"];
    // On failure run `npx tsx policies/sync-quotas.ts ${stack}` to copy the stack's declarations.
    expect(config["aoai-deployment-enforce-capacity-quota"]?.quotas, `run: npx tsx policies/sync-quotas.ts ${stack}`).toEqual(quotasFromFleetConfig(fleet));
  });

  it("prod is strict: mandatory by default, data-zone residency in the US zone, no auto-upgrade to new defaults", () => {
    const prod = resolvePackConfig(JSON.parse(fs.readFileSync(path.join(root, "policies", "config", "prod.json"), "utf8")), "prod.json");
    const level = Object.fromEntries(prod.map((c) => [c.rule.name, c.enforcementLevel]));
    expect(Object.entries(level).filter(([, l]) => l !== "mandatory")).toEqual([]);
    const options = Object.fromEntries(prod.map((c) => [c.rule.name, c.options]));
    expect(options["aoai-account-enforce-private-endpoint"]).toEqual({ requireDnsZoneGroup: true });
    expect(options["aoai-account-configure-public-network"]).toEqual({ allowPublicNetworkAccess: false, allowWhenDefaultDeny: false });
    expect(options["aoai-deployment-enforce-upgrade-option"]).toEqual({ allowed: ["NoAutoUpgrade", "OnceCurrentVersionExpired"] });
    expect(options["aoai-deployment-enforce-residency-sku"]).toEqual({ residency: "dataZone" });
    expect(options["aoai-account-enforce-region-residency"]).toEqual({ allowedDataZones: ["US"] });
  });
});

// Loading the pack for real needs the Pulumi CLI (it starts the analyzer through the nodejs language host).
const pulumiCli = spawnSync("pulumi", ["version"], { encoding: "utf8" });
const cliMissing = pulumiCli.error !== undefined || pulumiCli.status !== 0;
const skipReason = "the Pulumi CLI is not on PATH, so `pulumi preview --policy-pack policies` cannot be run here";
if (cliMissing) console.info(`[policies] skipping the pack-loading test: ${skipReason}.`);

describe("policy pack under the Pulumi CLI", () => {
  it.skipIf(cliMissing)(`loads with \`pulumi preview --policy-pack policies\` and the prod config${cliMissing ? ` (skipped: ${skipReason})` : ""}`, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-pack-"));
    fs.writeFileSync(path.join(work, "Pulumi.yaml"), "name: pack-load\nruntime: yaml\nresources: {}\n");
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${work}`, PULUMI_CONFIG_PASSPHRASE: "offline-test" };
    execFileSync("pulumi", ["stack", "init", "test", "--non-interactive"], { cwd: work, env });
    const preview = spawnSync(
      "pulumi",
      ["preview", "--non-interactive", "--policy-pack", path.join(root, "policies"), "--policy-pack-config", path.join(root, "policies", "config", "prod.json")],
      { cwd: work, env, encoding: "utf8" },
    );
    expect(preview.status, `${preview.stdout}\n${preview.stderr}`).toBe(0);
    expect(preview.stdout).toContain("aoai-fleet-guardrails");
  });
});

describe("sync-quotas", () => {
  it("replaces only the capacity rule's quotas, keeping its level and other options", () => {
    const fleet = { regions: { eastus2: { quota: { "gpt-4.1/DataZoneStandard": 300, DataZoneProvisionedManaged: 100 } } } };
    const before = { all: "mandatory", "aoai-deployment-enforce-capacity-quota": { enforcementLevel: "advisory", requireDeclaredQuota: true, quotas: [] } };
    expect(withStackQuotas(before, fleet)).toEqual({
      all: "mandatory",
      "aoai-deployment-enforce-capacity-quota": {
        enforcementLevel: "advisory",
        requireDeclaredQuota: true,
        quotas: [
          { region: "eastus2", model: "gpt-4.1", sku: "DataZoneStandard", capacity: 300 },
          { region: "eastus2", sku: "DataZoneProvisionedManaged", capacity: 100 },
        ],
      },
    });
    expect(withStackQuotas({ "aoai-deployment-enforce-capacity-quota": "mandatory" }, fleet)["aoai-deployment-enforce-capacity-quota"]).toMatchObject({ enforcementLevel: "mandatory" });
  });
});

describe("docs/guardrails.md", () => {
  const docs = fs.readFileSync(path.join(root, "docs", "guardrails.md"), "utf8");
  it.each(allRules.map((r) => [r.name, r] as const))("documents %s and each of its options", (name, rule) => {
    expect(docs).toContain(`| \`${name}\` |`);
    for (const option of Object.keys(rule.options.shape)) expect(docs).toContain(`\`${option}\``);
  });
});
