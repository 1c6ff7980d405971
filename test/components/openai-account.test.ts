import { describe, expect, it } from "vitest";
import { runOfflineProgram } from "../../cli/plan/runner";
import { OpenAiAccount } from "../../components/openai-account";

const deployments = [
  { name: "std", model: "gpt-4.1", version: "2025-04-14", sku: "GlobalStandard" as const, capacity: 100, versionUpgradeOption: "NoAutoUpgrade" as const },
  { name: "ptu", model: "gpt-4.1", version: "2025-04-14", sku: "GlobalProvisionedManaged" as const, capacity: 15, versionUpgradeOption: "NoAutoUpgrade" as const, spilloverDeploymentName: "std", raiPolicyName: "Microsoft.DefaultV2" },
  { name: "emb", model: "text-embedding-3-small", version: "1", format: "OpenAI", sku: "GlobalStandard" as const, capacity: 30, versionUpgradeOption: "OnceCurrentVersionExpired" as const },
];

describe("OpenAiAccount", () => {
  it("defaults: kind OpenAI, key auth disabled, system identity, public access, random-suffixed subdomain", async () => {
    const run = await runOfflineProgram("unit", async () => {
      const account = new OpenAiAccount("acct", { resourceGroupName: "rg-x", location: "eastus2", deployments: [] });
      return { endpoint: account.endpoint, id: account.accountId };
    });
    const account = run.resources.find((r) => r.type === "azure-native:cognitiveservices:Account");
    expect(account?.inputs).toEqual({
      accountName: "acct",
      resourceGroupName: "rg-x",
      location: "eastus2",
      kind: "OpenAI",
      sku: { name: "S0" },
      identity: { type: "SystemAssigned" },
      properties: { customSubDomainName: expect.stringMatching(/^acct-[a-z0-9]{6}$/), disableLocalAuth: true, publicNetworkAccess: "Enabled" },
      tags: {},
    });
    const subdomain = (account?.inputs.properties as { customSubDomainName: string }).customSubDomainName;
    expect(run.outputs.endpoint).toBe(`https://${subdomain}.openai.azure.com/`);
    expect(run.outputs.id).toBe("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers/Microsoft.CognitiveServices/accounts/acct");
  });

  it("chains deployments with dependsOn in the given order and sets every property", async () => {
    const run = await runOfflineProgram("unit", async () => {
      new OpenAiAccount("acct", { resourceGroupName: "rg-x", location: "eastus2", kind: "AIServices", publicNetworkAccess: "Disabled", protect: true, tags: { a: "b" }, deployments });
      return {};
    });
    const byName = new Map(run.resources.map((r) => [r.name, r]));
    const account = byName.get("acct-std") && run.resources.find((r) => r.type === "azure-native:cognitiveservices:Account");
    expect(account?.inputs.kind).toBe("AIServices");
    expect((account?.inputs.properties as { publicNetworkAccess: string }).publicNetworkAccess).toBe("Disabled");
    expect(byName.get("acct-std")?.dependsOn).toEqual([account?.urn]);
    expect(byName.get("acct-ptu")?.dependsOn).toEqual([byName.get("acct-std")?.urn]);
    expect(byName.get("acct-emb")?.dependsOn).toEqual([byName.get("acct-ptu")?.urn]);
    expect(byName.get("acct-ptu")?.inputs).toEqual({
      accountName: "acct",
      resourceGroupName: "rg-x",
      deploymentName: "ptu",
      sku: { name: "GlobalProvisionedManaged", capacity: 15 },
      properties: { model: { format: "OpenAI", name: "gpt-4.1", version: "2025-04-14" }, versionUpgradeOption: "NoAutoUpgrade", raiPolicyName: "Microsoft.DefaultV2", spilloverDeploymentName: "std" },
      tags: { a: "b" },
    });
    expect((byName.get("acct-emb")?.inputs.properties as { versionUpgradeOption: string }).versionUpgradeOption).toBe("OnceCurrentVersionExpired");
    expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== "aoai-fleet:index:OpenAiAccount").every((r) => r.protect)).toBe(true);
    expect(run.resources.filter((r) => r.type === "azure-native:cognitiveservices:Deployment").every((r) => r.parent === byName.get("acct-std")?.parent)).toBe(true);
  });

  it("rejects a deployment listed twice", async () => {
    await expect(
      runOfflineProgram("unit", async () => {
        new OpenAiAccount("acct", { resourceGroupName: "rg-x", location: "eastus2", deployments: [deployments[0] as (typeof deployments)[0], deployments[0] as (typeof deployments)[0]] });
        return {};
      }),
    ).rejects.toThrow('OpenAiAccount acct: deployment "std" is listed twice');
  });
});
