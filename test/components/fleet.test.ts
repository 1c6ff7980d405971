import { describe, expect, it } from "vitest";
import { runOfflineProgram } from "../../cli/plan/runner";
import { AoaiFleet } from "../../components/fleet";
import { loadCatalog } from "../../core/catalog/catalog";
import { planFromRawConfig } from "../../core/plan";
import type { Backend } from "../../core/plan/types";

const today = new Date("2026-11-23T00:00:00Z");
const plan = planFromRawConfig(
  {
    name: "unit-fleet",
    kind: "AIServices",
    protect: true,
    regions: { eastus2: {}, swedencentral: {} },
    deployments: {
      chat: { model: "gpt-4.1", version: "2025-04-14", sku: "GlobalStandard", capacity: { total: 101 }, upgrade: "NoAutoUpgrade" },
      emb: { model: "text-embedding-3-small", version: "1", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade", regions: ["swedencentral"] },
    },
  },
  { catalog: loadCatalog(), today },
);

describe("AoaiFleet", () => {
  it("uses a given resource group instead of creating one, and protects every child", async () => {
    const run = await runOfflineProgram("unit", async () => {
      const fleet = new AoaiFleet("f", { plan, resourceGroupName: "rg-existing" });
      return { backends: fleet.backends, rg: fleet.resourceGroupName };
    });
    expect(run.resources.filter((r) => r.type === "azure-native:resources:ResourceGroup")).toEqual([]);
    expect(run.outputs.rg).toBe("rg-existing");
    expect(run.resources.map((r) => `${r.type} ${r.name}`)).toEqual([
      "pulumi:pulumi:Stack aoai-fleet-unit",
      "aoai-fleet:index:AoaiFleet f",
      "aoai-fleet:index:OpenAiAccount f-eastus2",
      "random:index/randomString:RandomString f-eastus2-subdomain",
      "azure-native:cognitiveservices:Account f-eastus2",
      "azure-native:cognitiveservices:Deployment f-eastus2-chat",
      "aoai-fleet:index:OpenAiAccount f-swedencentral",
      "random:index/randomString:RandomString f-swedencentral-subdomain",
      "azure-native:cognitiveservices:Account f-swedencentral",
      "azure-native:cognitiveservices:Deployment f-swedencentral-chat",
      "azure-native:cognitiveservices:Deployment f-swedencentral-emb",
    ]);
    expect(run.resources.filter((r) => /^(azure-native|random):/.test(r.type)).every((r) => r.protect)).toBe(true);
  });

  it("outputs one backend per deployment × region with AIServices endpoints", async () => {
    const run = await runOfflineProgram("unit", async () => ({ backends: new AoaiFleet("f", { plan, resourceGroupName: "rg-existing" }).backends }));
    const backends = run.outputs.backends as Backend[];
    expect(backends.map((b) => [b.region, b.name, b.capacity, b.tpm, b.rpm, b.accountName])).toEqual([
      ["eastus2", "chat", 51, 51_000, 51, "unit-fleet-eastus2"],
      ["swedencentral", "chat", 50, 50_000, 50, "unit-fleet-swedencentral"],
      ["swedencentral", "emb", 10, 10_000, 60, "unit-fleet-swedencentral"],
    ]);
    for (const b of backends) expect(b.endpoint).toMatch(new RegExp(`^https://unit-fleet-${b.region}-[a-z0-9]{6}\\.cognitiveservices\\.azure\\.com/$`));
  });
});
