import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../core/catalog/catalog";

const catalog = loadCatalog();

describe("model catalog data", () => {
  it("every fact names a known source and an as-of date", () => {
    const facts: { source: string; asOf: string }[] = [catalog.data.dataZones];
    for (const model of Object.values(catalog.data.models)) {
      facts.push(model.defaultVersion, model.rates, ...(model.ptu ? [model.ptu] : []));
      for (const v of Object.values(model.versions)) facts.push(v.lifecycle, v.retires, v.skus, ...(v.regions ? [v.regions] : []), ...(v.skuRetires ? [v.skuRetires] : []), ...(v.dataZones ? [v.dataZones] : []));
    }
    expect(facts.length).toBeGreaterThan(100);
    for (const f of facts) {
      expect(Object.keys(catalog.data.sources)).toContain(f.source);
      expect(f.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("default versions are versions of their model", () => {
    for (const name of catalog.modelNames()) {
      expect(catalog.versionNames(name), name).toContain(catalog.model(name)?.defaultVersion.value);
    }
  });

  it("answers the planner's lookups", () => {
    expect(catalog.retirementDate("gpt-4o", "2024-08-06", "Standard")).toBe("2026-03-31");
    expect(catalog.retirementDate("gpt-4o", "2024-08-06", "GlobalStandard")).toBe("2027-04-14");
    expect(catalog.regionalSkus("gpt-4.1", "2025-04-14", "italynorth")).toEqual(["GlobalStandard", "DataZoneStandard", "GlobalProvisionedManaged", "DataZoneProvisionedManaged"]);
    expect(catalog.regionalSkus("gpt-4.1", "2025-04-14", "mars")).toBeUndefined();
    expect(catalog.dataZoneOf("westeurope")).toBe("EU");
    expect(catalog.dataZoneOf("uksouth")).toBeUndefined();
    expect(catalog.throughput("gpt-4o", "GlobalStandard", 450)).toEqual({ tpm: 450_000, rpm: 2_700 });
    expect(catalog.throughput("gpt-4.1", "GlobalStandard", 100)).toEqual({ tpm: 100_000, rpm: 100 });
    expect(catalog.throughput("text-embedding-3-large", "DataZoneStandard", 10)).toEqual({ tpm: 10_000, rpm: 10 });
    expect(catalog.throughput("gpt-4.1", "GlobalProvisionedManaged", 15)).toEqual({ tpm: 45_000, rpm: null });
    expect(catalog.throughput("gpt-4.1", "GlobalBatch", 100)).toBeUndefined();
    expect(catalog.ptuShape("gpt-4.1-mini", "ProvisionedManaged")).toEqual({ minimum: 25, increment: 25 });
    expect(catalog.ptuShape("gpt-4.1", "DataZoneProvisionedManaged")).toEqual({ minimum: 15, increment: 5 });
    expect(catalog.ptuShape("text-embedding-3-small", "GlobalProvisionedManaged")).toBeUndefined();
  });
});
