import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planCommand } from "../../cli/plan/command";
import { runOfflinePlan } from "../../cli/plan/runner";
import { ACCOUNT, DEPLOYMENT, expectSingleChainPerAccount, fleetResources, ofType, TODAY } from "../support/plan";

describe("dev stack offline plan", () => {
  it("creates exactly the resource group, 2 accounts with random subdomains and 4 deployments", async () => {
    const plan = await runOfflinePlan("dev", { today: TODAY });
    expect(fleetResources(plan).map((r) => `${r.type} ${r.name}`)).toEqual([
      "pulumi:pulumi:Stack aoai-fleet-dev",
      "aoai-fleet:index:AoaiFleet contoso-ai-dev",
      "azure-native:resources:ResourceGroup contoso-ai-dev-rg",
      "aoai-fleet:index:OpenAiAccount contoso-ai-dev-eastus2",
      "random:index/randomString:RandomString contoso-ai-dev-eastus2-subdomain",
      "azure-native:cognitiveservices:Account contoso-ai-dev-eastus2",
      "azure-native:cognitiveservices:Deployment contoso-ai-dev-eastus2-chat",
      "azure-native:cognitiveservices:Deployment contoso-ai-dev-eastus2-embeddings",
      "aoai-fleet:index:OpenAiAccount contoso-ai-dev-swedencentral",
      "random:index/randomString:RandomString contoso-ai-dev-swedencentral-subdomain",
      "azure-native:cognitiveservices:Account contoso-ai-dev-swedencentral",
      "azure-native:cognitiveservices:Deployment contoso-ai-dev-swedencentral-chat",
      "azure-native:cognitiveservices:Deployment contoso-ai-dev-swedencentral-embeddings",
    ]);
    expect(plan.warnings).toEqual([]);
    expect(fleetResources(plan).every((r) => !r.protect)).toBe(true);
  });

  it("sets the account and deployment properties exactly", async () => {
    const plan = await runOfflinePlan("dev", { today: TODAY });
    const [rg] = ofType(plan, "azure-native:resources:ResourceGroup");
    expect(rg?.inputs).toEqual({ resourceGroupName: "rg-contoso-ai-dev", location: "eastus2", tags: { environment: "dev", costCenter: "1234" } });
    const account = ofType(plan, ACCOUNT).find((a) => a.name === "contoso-ai-dev-eastus2");
    const subdomain = (account?.inputs.properties as { customSubDomainName: string }).customSubDomainName;
    expect(subdomain).toMatch(/^contoso-ai-dev-eastus2-[a-z0-9]{6}$/);
    expect(account?.inputs).toEqual({
      accountName: "contoso-ai-dev-eastus2",
      resourceGroupName: "rg-contoso-ai-dev",
      location: "eastus2",
      kind: "OpenAI",
      sku: { name: "S0" },
      identity: { type: "SystemAssigned" },
      properties: { customSubDomainName: subdomain, disableLocalAuth: true, publicNetworkAccess: "Enabled" },
      tags: { environment: "dev", costCenter: "1234" },
    });
    const chat = ofType(plan, DEPLOYMENT).find((d) => d.name === "contoso-ai-dev-swedencentral-chat");
    expect(chat?.inputs).toEqual({
      accountName: "contoso-ai-dev-swedencentral",
      resourceGroupName: "rg-contoso-ai-dev",
      deploymentName: "chat",
      sku: { name: "GlobalStandard", capacity: 50 },
      properties: {
        model: { format: "OpenAI", name: "gpt-4.1-mini", version: "2025-04-14" },
        versionUpgradeOption: "OnceCurrentVersionExpired",
        raiPolicyName: "Microsoft.DefaultV2",
      },
      tags: { environment: "dev", costCenter: "1234" },
    });
    expectSingleChainPerAccount(plan);
  });

  it("outputs the backend inventory with endpoints, TPM and RPM", async () => {
    const plan = await runOfflinePlan("dev", { today: TODAY });
    expect(plan.outputs.backends.map((b) => [b.region, b.name, b.capacity, b.tpm, b.rpm, b.accountName])).toEqual([
      ["eastus2", "chat", 50, 50_000, 50, "contoso-ai-dev-eastus2"],
      ["eastus2", "embeddings", 30, 30_000, 180, "contoso-ai-dev-eastus2"],
      ["swedencentral", "chat", 50, 50_000, 50, "contoso-ai-dev-swedencentral"],
      ["swedencentral", "embeddings", 30, 30_000, 180, "contoso-ai-dev-swedencentral"],
    ]);
    const account = ofType(plan, ACCOUNT).find((a) => a.name === "contoso-ai-dev-eastus2");
    const subdomain = (account?.inputs.properties as { customSubDomainName: string }).customSubDomainName;
    expect(plan.outputs.backends[0]?.endpoint).toBe(`https://${subdomain}.openai.azure.com/`);
    expect(plan.outputs.backends[0]?.accountId).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-contoso-ai-dev/providers/Microsoft.CognitiveServices/accounts/contoso-ai-dev-eastus2",
    );
  });

  it("is deterministic: two plans are identical", async () => {
    const a = await runOfflinePlan("dev", { today: TODAY });
    const b = await runOfflinePlan("dev", { today: TODAY });
    expect(JSON.stringify(b.resources)).toBe(JSON.stringify(a.resources));
  });

  it("the plan command prints the tables and writes plan.json in the documented format", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aoai-plan-"));
    const lines: string[] = [];
    const code = await planCommand("dev", { out, today: "2026-11-23" }, (l = "") => lines.push(l));
    expect(code).toBe(0);
    const text = lines.join("\n");
    const total = (await runOfflinePlan("dev", { today: TODAY })).resources.length;
    expect(text).toContain(`Offline plan of stack "dev" (Pulumi mocks; nothing was created): ${total} resources, 2 accounts, 4 deployments, resource group rg-contoso-ai-dev`);
    expect(text).toMatch(/│ eastus2\s+│ chat\s+│ gpt-4\.1-mini@2025-04-14\s+│ GlobalStandard\s+│\s+50 │\s+50,000 │\s+50 │ OnceCurrentVersionExpired/);
    expect(text).toMatch(/│ swedencentral │ text-embedding-3-small\/GlobalStandard │\s+30 │\s+100 │ 30% │ embeddings=30/);
    expect(text).toContain("Warnings: none.");
    const doc = JSON.parse(fs.readFileSync(path.join(out, "dev", "plan.json"), "utf8")) as { stack: string; resources: { type: string; name: string; urn: string; parent: string | null; dependsOn: string[]; inputs: unknown }[]; warnings: unknown[] };
    expect(Object.keys(doc).slice(0, 3)).toEqual(["stack", "resources", "warnings"]);
    expect(doc.stack).toBe("dev");
    expect(doc.resources).toHaveLength(total);
    const chat = doc.resources.find((r) => r.name === "contoso-ai-dev-eastus2-chat");
    expect(Object.keys(chat ?? {})).toEqual(["type", "name", "urn", "parent", "dependsOn", "protect", "inputs"]);
    expect(chat?.urn).toBe(
      "urn:pulumi:dev::aoai-fleet::aoai-fleet:index:AoaiFleet$aoai-fleet:index:OpenAiAccount$azure-native:cognitiveservices:Deployment::contoso-ai-dev-eastus2-chat",
    );
    expect(doc.warnings).toEqual([]);
  });
});
