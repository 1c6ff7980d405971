/**
 * `catalog refresh` logic, pure: current catalog + ARM responses per region → new catalog data and a
 * summary. Facts read from ARM get source `arm-models`/`arm-usages` and today's date; facts ARM does
 * not report (PTU sizing, families) are kept with their original sources.
 */
import { DEPLOYMENT_SKUS, type DeploymentSku } from "../../stacks/config/fleet";
import { ArmModelSchema, ArmUsageSchema, type ArmModel, type RegionResponses } from "./arm";
import { CatalogSchema, type CatalogData, type ModelEntry, type VersionEntry } from "./schema";

export interface RefreshSummary {
  readonly regions: readonly string[];
  readonly modelsAdded: readonly string[];
  readonly versionsAdded: readonly string[];
  readonly versionsUpdated: readonly string[];
  readonly usagesRecorded: number;
  /** ARM items that did not match the expected shape (skipped, counted here). */
  readonly skipped: number;
}

const isSku = (name: string): name is DeploymentSku => (DEPLOYMENT_SKUS as readonly string[]).includes(name);
const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : undefined);

function familyOf(model: ArmModel["model"]): ModelEntry["family"] {
  const caps = model.capabilities ?? {};
  if (caps.embeddings === "true") return "embeddings";
  if (caps.imageGenerations === "true") return "image";
  if (caps.audio === "true" || caps.realtime === "true") return "audio";
  return "chat";
}

/** TPM/RPM per unit from a SKU's per-unit rate limits (token per 60 s, request per 10 s). */
function ratesFrom(sku: ArmModel["model"]["skus"] extends (infer S)[] | undefined ? S : never): { tpmPerUnit: number; rpmPerUnit: number } | undefined {
  const token = sku.rateLimits?.find((r) => r.key === "token");
  const request = sku.rateLimits?.find((r) => r.key === "request");
  if (!token?.count || !token.renewalPeriod || !request?.count || !request.renewalPeriod) return undefined;
  return { tpmPerUnit: (token.count * 60) / token.renewalPeriod, rpmPerUnit: (request.count * 60) / request.renewalPeriod };
}

export function refreshCatalog(current: CatalogData, responses: readonly RegionResponses[], today: string): { data: CatalogData; summary: RefreshSummary } {
  const data = structuredClone(current) as CatalogData;
  const fact = <T>(value: T, source: string) => ({ value, source, asOf: today });
  data.sources["arm-models"] = { title: "Azure Resource Manager Models_List (GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/models)", url: "https://learn.microsoft.com/en-us/rest/api/aiservices/accountmanagement/models/list", asOf: today };
  data.sources["arm-usages"] = { title: "Azure Resource Manager Usages_List (GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{location}/usages)", url: "https://learn.microsoft.com/en-us/rest/api/aiservices/accountmanagement/usages/list", asOf: today };
  const modelsAdded: string[] = [];
  const versionsAdded = new Set<string>();
  const versionsUpdated = new Set<string>();
  let skipped = 0;
  let usagesRecorded = 0;
  // Regional SKUs seen per model@version across every region answered.
  const seen = new Map<string, Map<string, Set<DeploymentSku>>>();

  for (const region of responses) {
    for (const raw of region.models) {
      const parsed = ArmModelSchema.safeParse(raw);
      if (!parsed.success) {
        skipped++;
        continue;
      }
      const item = parsed.data;
      if (item.kind !== undefined && item.kind !== "OpenAI") continue; // the same model is listed once per kind
      const m = item.model;
      const skus = (m.skus ?? []).filter((s) => isSku(s.name));
      let entry = data.models[m.name];
      if (!entry) {
        const rates = skus.map(ratesFrom).find((r) => r !== undefined) ?? { tpmPerUnit: 1000, rpmPerUnit: 6 };
        entry = { format: m.format, family: familyOf(m), defaultVersion: fact(m.version, "arm-models"), rates: fact(rates, "arm-models"), versions: {} };
        data.models[m.name] = entry;
        modelsAdded.push(m.name);
      }
      const key = `${m.name}@${m.version}`;
      let version: VersionEntry | undefined = entry.versions[m.version];
      if (!version) {
        version = { lifecycle: fact(m.lifecycleStatus ?? "Unknown", "arm-models"), retires: fact(null, "arm-models"), skus: fact([], "arm-models") };
        entry.versions[m.version] = version;
        versionsAdded.add(key);
      } else versionsUpdated.add(key);
      if (m.lifecycleStatus) version.lifecycle = fact(m.lifecycleStatus, "arm-models");
      const inference = day(m.deprecation?.inference);
      if (inference) version.retires = fact(inference, "arm-models");
      const skuRetires: Partial<Record<DeploymentSku, string>> = { ...(version.skuRetires?.value ?? {}) };
      for (const s of skus) {
        const date = day(s.deprecationDate);
        if (date && date !== (inference ?? version.retires.value)) skuRetires[s.name as DeploymentSku] = date;
      }
      if (Object.keys(skuRetires).length > 0) version.skuRetires = fact(skuRetires, "arm-models");
      if (m.isDefaultVersion) entry.defaultVersion = fact(m.version, "arm-models");
      const perRegion = seen.get(key) ?? new Map<string, Set<DeploymentSku>>();
      perRegion.set(region.location, new Set([...(perRegion.get(region.location) ?? []), ...skus.map((s) => s.name as DeploymentSku)]));
      seen.set(key, perRegion);
    }
    const usages = region.usages.flatMap((raw) => {
      const parsed = ArmUsageSchema.safeParse(raw);
      if (!parsed.success) {
        skipped++;
        return [];
      }
      const u = parsed.data;
      return [{ name: u.name.value, currentValue: u.currentValue, limit: u.limit, unit: u.unit ?? "Count" }];
    });
    usagesRecorded += usages.length;
    data.quotaSnapshots = { ...(data.quotaSnapshots ?? {}), [region.location]: { asOf: today, source: "arm-usages", usages } };
  }

  for (const [key, perRegion] of seen) {
    const [model, version] = key.split("@") as [string, string];
    const entry = data.models[model]?.versions[version];
    if (!entry) continue;
    const regions: Record<string, DeploymentSku[]> = { ...(entry.regions?.value ?? {}) };
    perRegion.forEach((skus, location) => (regions[location] = DEPLOYMENT_SKUS.filter((s) => skus.has(s))));
    entry.regions = fact(regions, "arm-models");
    const union = new Set<DeploymentSku>([...entry.skus.value, ...[...perRegion.values()].flatMap((s) => [...s])]);
    entry.skus = fact(DEPLOYMENT_SKUS.filter((s) => union.has(s)), "arm-models");
  }
  data.asOf = today;
  // The result must still be a valid catalog; a refresh never writes a file the planner cannot read.
  const checked = CatalogSchema.parse(data);
  return {
    data: checked,
    summary: { regions: responses.map((r) => r.location), modelsAdded, versionsAdded: [...versionsAdded], versionsUpdated: [...versionsUpdated], usagesRecorded, skipped },
  };
}
