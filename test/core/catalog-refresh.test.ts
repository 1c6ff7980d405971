import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { RegionResponses } from "../../core/catalog/arm";
import { loadCatalog, parseCatalog } from "../../core/catalog/catalog";
import { refreshCatalog } from "../../core/catalog/refresh";

const dir = path.join(__dirname, "fixtures", "arm");
const recorded = (location: string): RegionResponses => ({
  location,
  models: (JSON.parse(fs.readFileSync(path.join(dir, `${location}.models.json`), "utf8")) as { value: unknown[] }).value,
  usages: (JSON.parse(fs.readFileSync(path.join(dir, `${location}.usages.json`), "utf8")) as { value: unknown[] }).value,
});

describe("catalog refresh from recorded ARM responses", () => {
  const before = loadCatalog().data;
  const { data, summary } = refreshCatalog(before, [recorded("eastus2"), recorded("swedencentral")], "2026-11-23");
  const after = parseCatalog(data);

  it("summarises what changed", () => {
    expect(summary).toEqual({
      regions: ["eastus2", "swedencentral"],
      modelsAdded: ["gpt-5.6-sol"],
      versionsAdded: ["gpt-5.6-sol@2026-07-09"],
      versionsUpdated: ["gpt-4.1@2025-04-14", "gpt-4o@2024-11-20"],
      usagesRecorded: 4,
      skipped: 1,
    });
  });

  it("moves retirement dates and records per-SKU dates, with the ARM source and today's date", () => {
    expect(after.version("gpt-4.1", "2025-04-14")?.retires).toEqual({ value: "2027-10-14", source: "arm-models", asOf: "2026-11-23" });
    expect(after.retirementDate("gpt-4o", "2024-11-20", "Standard")).toBe("2027-01-15");
    expect(after.retirementDate("gpt-4o", "2024-11-20", "GlobalStandard")).toBe("2027-04-14");
    expect(after.version("gpt-4.1", "2025-04-14")?.lifecycle.value).toBe("GenerallyAvailable");
  });

  it("records the regional SKUs each region reported (AIServices duplicates and unknown SKUs ignored)", () => {
    expect(after.regionalSkus("gpt-4.1", "2025-04-14", "eastus2")).toEqual(["ProvisionedManaged", "GlobalStandard", "DataZoneStandard"]);
    expect(after.regionalSkus("gpt-4.1", "2025-04-14", "swedencentral")).toEqual(["GlobalStandard", "DataZoneProvisionedManaged"]);
    // Regions the refresh did not read keep what the documented matrix said.
    expect(after.regionalSkus("gpt-4.1", "2025-04-14", "italynorth")).toEqual(loadCatalog().regionalSkus("gpt-4.1", "2025-04-14", "italynorth"));
  });

  it("adds new models with rates from the per-unit rate limits", () => {
    const sol = after.model("gpt-5.6-sol");
    expect(sol?.defaultVersion.value).toBe("2026-07-09");
    expect(sol?.rates.value).toEqual({ tpmPerUnit: 1000, rpmPerUnit: 6 });
    expect(after.version("gpt-5.6-sol", "2026-07-09")?.skus.value).toEqual(["GlobalStandard"]);
  });

  it("keeps quota snapshots per region", () => {
    expect(data.quotaSnapshots?.swedencentral).toEqual({
      asOf: "2026-11-23",
      source: "arm-usages",
      usages: [{ name: "OpenAI.GlobalStandard.gpt4.1", currentValue: 0, limit: 450, unit: "Count" }],
    });
  });

  it("does not mutate the catalog it was given", () => {
    expect(loadCatalog().version("gpt-4.1", "2025-04-14")?.retires.value).toBe("2027-04-14");
    expect(before.quotaSnapshots).toBeUndefined();
  });
});
