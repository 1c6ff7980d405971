import { describe, expect, it } from "vitest";
import { runOfflinePlan } from "../../cli/plan/runner";
import { ACCOUNT, DEPLOYMENT, expectSingleChainPerAccount, fleetResources, ofType, TODAY } from "../support/plan";

type DeploymentInputs = {
  sku: { name: string; capacity: number };
  properties: { model: { format: string; name: string; version: string }; versionUpgradeOption: string; raiPolicyName?: string; spilloverDeploymentName?: string };
};

describe("prod stack offline plan", () => {
  it("has exactly 3 accounts and 11 deployments, everything protected, no resource group created", async () => {
    const plan = await runOfflinePlan("prod", { today: TODAY });
    expect(plan.warnings).toEqual([]);
    const counts: Record<string, number> = {};
    fleetResources(plan).forEach((r) => (counts[r.type] = (counts[r.type] ?? 0) + 1));
    expect(counts).toEqual({
      "pulumi:pulumi:Stack": 1,
      "aoai-fleet:index:AoaiFleet": 1,
      "aoai-fleet:index:OpenAiAccount": 3,
      "random:index/randomString:RandomString": 3,
      "azure-native:cognitiveservices:Account": 3,
      "azure-native:cognitiveservices:Deployment": 11,
    });
    for (const r of fleetResources(plan).filter((x) => x.type.startsWith("azure-native:") || x.type.startsWith("random:"))) {
      expect(r.protect, r.name).toBe(true);
    }
    expect(plan.outputs.resourceGroupName).toBe("rg-contoso-ai-prod");
  });

  it("every deployment pins model.version, NoAutoUpgrade and an explicit sku", async () => {
    const plan = await runOfflinePlan("prod", { today: TODAY });
    for (const d of ofType(plan, DEPLOYMENT)) {
      const inputs = d.inputs as DeploymentInputs;
      expect(inputs.properties.model.version, d.name).toMatch(/^(\d{4}-\d{2}-\d{2}|\d+)$/);
      expect(inputs.properties.versionUpgradeOption, d.name).toBe("NoAutoUpgrade");
      expect(inputs.sku.name, d.name).toMatch(/^DataZone/);
      expect(inputs.sku.capacity, d.name).toBeGreaterThan(0);
    }
  });

  it("places deployments per region in creation order with spillover targets first", async () => {
    const plan = await runOfflinePlan("prod", { today: TODAY });
    const rows = ofType(plan, DEPLOYMENT).map((d) => {
      const i = d.inputs as DeploymentInputs & { accountName: string; deploymentName: string };
      return [i.accountName, i.deploymentName, i.sku.name, i.sku.capacity, i.properties.model.name, i.properties.spilloverDeploymentName ?? null];
    });
    expect(rows).toEqual([
      ["contoso-ai-eastus2", "chat-std", "DataZoneStandard", 200, "gpt-5.4", null],
      ["contoso-ai-eastus2", "chat", "DataZoneProvisionedManaged", 50, "gpt-5.4", "chat-std"],
      ["contoso-ai-eastus2", "chat-mini", "DataZoneStandard", 500, "gpt-5.4-mini", null],
      ["contoso-ai-eastus2", "embeddings", "DataZoneStandard", 350, "text-embedding-3-large", null],
      ["contoso-ai-eastus", "chat-std", "DataZoneStandard", 200, "gpt-5.4", null],
      ["contoso-ai-eastus", "chat", "DataZoneProvisionedManaged", 25, "gpt-5.4", "chat-std"],
      ["contoso-ai-eastus", "chat-mini", "DataZoneStandard", 500, "gpt-5.4-mini", null],
      ["contoso-ai-eastus", "embeddings", "DataZoneStandard", 350, "text-embedding-3-large", null],
      ["contoso-ai-westus3", "chat-mini", "DataZoneStandard", 500, "gpt-5.4-mini", null],
      ["contoso-ai-westus3", "chat-std", "DataZoneStandard", 200, "gpt-5.4", null],
      ["contoso-ai-westus3", "embeddings", "DataZoneStandard", 350, "text-embedding-3-large", null],
    ]);
    expectSingleChainPerAccount(plan);
  });

  it("accounts disable local auth and carry the prod tags", async () => {
    const plan = await runOfflinePlan("prod", { today: TODAY });
    const accounts = ofType(plan, ACCOUNT);
    expect(accounts.map((a) => a.inputs.location)).toEqual(["eastus2", "eastus", "westus3"]);
    for (const a of accounts) {
      expect((a.inputs.properties as { disableLocalAuth: boolean }).disableLocalAuth).toBe(true);
      expect(a.inputs.identity).toEqual({ type: "SystemAssigned" });
      expect(a.inputs.resourceGroupName).toBe("rg-contoso-ai-prod");
      expect(a.inputs.tags).toEqual({ environment: "prod", costCenter: "1234", dataResidency: "us" });
    }
  });

  it("reports quota use per region against the declared quota", async () => {
    const plan = await runOfflinePlan("prod", { today: TODAY });
    expect(plan.outputs.quota.filter((q) => q.region === "eastus")).toEqual([
      { region: "eastus", key: "DataZoneProvisionedManaged", used: 25, limit: 50, deployments: ["chat=25"] },
      { region: "eastus", key: "gpt-5.4-mini/DataZoneStandard", used: 500, limit: 2000, deployments: ["chat-mini=500"] },
      { region: "eastus", key: "gpt-5.4/DataZoneProvisionedManaged", used: 25, limit: 50, deployments: ["chat=25"] },
      { region: "eastus", key: "gpt-5.4/DataZoneStandard", used: 200, limit: 300, deployments: ["chat-std=200"] },
      { region: "eastus", key: "text-embedding-3-large/DataZoneStandard", used: 350, limit: 1000, deployments: ["embeddings=350"] },
    ]);
    const ptu = plan.outputs.backends.find((b) => b.name === "chat" && b.region === "eastus2");
    expect(ptu).toMatchObject({ sku: "DataZoneProvisionedManaged", capacity: 50, tpm: 120_000, rpm: null, spillover: "chat-std", retires: "2027-09-02" });
  });
});
