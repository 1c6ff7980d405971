import { describe, expect, it } from "vitest";
import rawRegions from "../../core/catalog/azure-regions.json";
import { azureRegionNames, azureRegionNamesWith, closestNames, loadAzureRegions, parseAzureRegions } from "../../core/catalog/regions";
import { loadCatalog, parseCatalog, type CatalogData } from "../../core/catalog/catalog";
import { planFromRawConfig } from "../../core/plan";
import { normalizeRegion } from "../../policies/rules/inputs";

describe("core/catalog/azure-regions.json", () => {
  it("records its source and dates", () => {
    const list = loadAzureRegions();
    expect(list.source.url).toBe("https://learn.microsoft.com/en-us/azure/reliability/regions-list");
    expect(list.asOf).toBe("2025-09-23");
    expect(list.regions).toHaveLength(56);
  });

  // The two lists cannot drift silently: a catalog refresh that names a region this list lacks (a
  // region Azure opened since) fails here until the region is added from the source page.
  it("holds every region the model catalog names", () => {
    const missing = loadCatalog().knownRegions().filter((r) => !azureRegionNames().includes(r));
    expect(missing).toEqual([]);
  });

  // Pack options accept display names ("West US 3") by normalising them; every display name must
  // normalise to its own ARM name for that to hold.
  it("normalises each display name to its ARM name", () => {
    const mismatched = loadAzureRegions().regions.filter((r) => normalizeRegion(r.displayName) !== r.name);
    expect(mismatched).toEqual([]);
    expect(["West US 3", "westus3", "WestUS3", " West  US 3 "].map(normalizeRegion)).toEqual(["westus3", "westus3", "westus3", "westus3"]);
  });

  it("refuses an unsorted or malformed list, naming the file", () => {
    const regions = [...rawRegions.regions].reverse();
    expect(() => parseAzureRegions({ ...rawRegions, regions })).toThrow("core/catalog/azure-regions.json is malformed: regions must be sorted by name, each once");
    expect(() => parseAzureRegions({ ...rawRegions, regions: [{ ...rawRegions.regions[0], access: "open-ish" }] })).toThrow(
      'core/catalog/azure-regions.json is malformed: regions.0.access: Invalid option: expected one of "open"|"restricted"|"coming-soon"',
    );
  });

  it("names the closest regions for a typo (all at the smallest distance, at most three)", () => {
    const names = azureRegionNames();
    expect(closestNames("swedencentrl", names)).toEqual(["swedencentral"]);
    expect(closestNames("eastu2", names)).toEqual(["eastus", "eastus2"]);
    expect(closestNames("westus4", names)).toEqual(["westus", "westus2", "westus3"]);
  });

  // A refresh can name a region ARM answered for before this list is updated; the drift test above
  // then fails, but planning must not call that region a typo meanwhile.
  it("counts a region a refreshed catalog names as an Azure region before the list has it", () => {
    const data = structuredClone(loadCatalog().data) as CatalogData;
    const version = data.models["gpt-4o"]?.versions["2024-11-20"];
    if (!version?.regions) throw new Error("the shipped catalog lost gpt-4o 2024-11-20's regions");
    version.regions.value["atlantiscentral"] = ["GlobalStandard"];
    const catalog = parseCatalog(data);
    expect(azureRegionNames()).not.toContain("atlantiscentral");
    expect(azureRegionNamesWith(catalog)).toContain("atlantiscentral");
    const config = {
      name: "new-region",
      regions: { atlantiscentral: {} },
      deployments: { chat: { model: "gpt-4o", version: "2024-11-20", sku: "GlobalStandard", capacity: 10, upgrade: "NoAutoUpgrade" } },
    };
    expect(planFromRawConfig(config, { catalog, today: new Date("2026-11-23T00:00:00Z") }).accounts.map((a) => a.region)).toEqual(["atlantiscentral"]);
  });
});
