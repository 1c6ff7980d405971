/**
 * The model catalog: typed, validated data plus the lookups planning needs. Pure.
 */
import type { DeploymentSku } from "../../stacks/config/fleet";
import { CatalogSchema, type CatalogData, type ModelEntry, type VersionEntry } from "./schema";
import rawCatalog from "./models.json";

export type { CatalogData, ModelEntry, VersionEntry } from "./schema";

/** Per-request token limits of one deployment (model version × deployment type). */
export interface RequestLimits {
  /** Prompt + output may not exceed this. */
  readonly contextTokens?: number;
  /** The prompt alone may not exceed this. */
  readonly maxInputTokens?: number;
  /** `max_tokens` / `max_completion_tokens` may not exceed this. */
  readonly maxOutputTokens?: number;
  /**
   * Chat completions refuse `max_tokens` and take `max_completion_tokens` only (reasoning models: the
   * o-series and the gpt-5 family, the catalog's `reasoning` family; Learn "Azure OpenAI reasoning models").
   */
  readonly completionTokensOnly?: boolean;
}

export const PROVISIONED_SKUS: readonly DeploymentSku[] = ["ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged"];
export const STANDARD_SKUS: readonly DeploymentSku[] = ["Standard", "GlobalStandard", "DataZoneStandard"];
/** Batch SKUs take only Batch API jobs (files of requests, 24-hour target), never online requests. */
export const BATCH_SKUS: readonly DeploymentSku[] = ["GlobalBatch", "DataZoneBatch"];
export const DATA_ZONE_SKUS: readonly DeploymentSku[] = ["DataZoneStandard", "DataZoneProvisionedManaged", "DataZoneBatch"];

export function isProvisioned(sku: DeploymentSku): boolean {
  return PROVISIONED_SKUS.includes(sku);
}
export function isStandard(sku: DeploymentSku): boolean {
  return STANDARD_SKUS.includes(sku);
}
export function isDataZone(sku: DeploymentSku): boolean {
  return DATA_ZONE_SKUS.includes(sku);
}

/** Parses catalog data; a malformed file is a programming/refresh error, reported with its path. */
export function parseCatalog(data: unknown): ModelCatalog {
  const parsed = CatalogSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`core/catalog/models.json is malformed: ${first.join("; ")}`);
  }
  return new ModelCatalog(parsed.data);
}

let bundled: ModelCatalog | undefined;
/** The catalog shipped in `core/catalog/models.json`. */
export function loadCatalog(): ModelCatalog {
  bundled ??= parseCatalog(rawCatalog);
  return bundled;
}

/** Read-only view over catalog data with the lookups the planner needs. */
export class ModelCatalog {
  constructor(readonly data: CatalogData) {}

  modelNames(): string[] {
    return Object.keys(this.data.models).sort();
  }

  model(name: string): ModelEntry | undefined {
    return Object.hasOwn(this.data.models, name) ? this.data.models[name] : undefined;
  }

  version(model: string, version: string): VersionEntry | undefined {
    const entry = this.model(model);
    return entry && Object.hasOwn(entry.versions, version) ? entry.versions[version] : undefined;
  }

  versionNames(model: string): string[] {
    return Object.keys(this.model(model)?.versions ?? {}).sort();
  }

  /** Retirement date for a version on a SKU (per-SKU dates win over the version's). */
  retirementDate(model: string, version: string, sku: DeploymentSku): string | null {
    const entry = this.version(model, version);
    if (!entry) return null;
    return entry.skuRetires?.value[sku] ?? entry.retires.value;
  }

  /**
   * What a deployment of this version and SKU accepts per request (the simulator's 400s): the
   * context window for the SKU's deployment type, and the input/output maxima. Undefined when the
   * catalog has no limits for the version.
   */
  requestLimits(model: string, version: string, sku: DeploymentSku): RequestLimits | undefined {
    const facts = this.version(model, version)?.limits?.value;
    const reasoning = this.model(model)?.family === "reasoning";
    if (!facts) return reasoning ? { completionTokensOnly: true } : undefined;
    const type = isProvisioned(sku) ? "provisioned" : sku.endsWith("Batch") ? "batch" : "standard";
    const context = facts.contextTokensByDeploymentType?.[type] ?? facts.contextTokens;
    return {
      ...(reasoning ? { completionTokensOnly: true } : {}),
      ...(context !== undefined ? { contextTokens: context } : {}),
      ...(facts.maxInputTokens !== undefined ? { maxInputTokens: facts.maxInputTokens } : {}),
      ...(facts.maxOutputTokens !== undefined ? { maxOutputTokens: facts.maxOutputTokens } : {}),
    };
  }

  /** SKUs offered in a region when the catalog knows that region; undefined when unknown. */
  regionalSkus(model: string, version: string, region: string): DeploymentSku[] | undefined {
    const regions = this.version(model, version)?.regions?.value;
    return regions && Object.hasOwn(regions, region) ? regions[region] : undefined;
  }

  /** Every region any catalog fact names (data zones and per-version availability), sorted. */
  knownRegions(): string[] {
    const regions = new Set(Object.values(this.data.dataZones.value).flat());
    for (const model of Object.values(this.data.models)) {
      for (const version of Object.values(model.versions)) {
        for (const region of Object.keys(version.regions?.value ?? {})) regions.add(region);
      }
    }
    return [...regions].sort();
  }

  /** The data zone a region belongs to, if any. */
  dataZoneOf(region: string): string | undefined {
    return Object.entries(this.data.dataZones.value).find(([, members]) => members.includes(region))?.[0];
  }

  dataZoneNames(): string[] {
    return Object.keys(this.data.dataZones.value);
  }

  /**
   * Tokens and requests per minute for `capacity` units. Standard SKUs: the documented per-unit
   * rates. Provisioned SKUs: input TPM per PTU times PTUs, and no fixed RPM (null). Batch SKUs:
   * undefined — their capacity is an enqueued-token quota, not an online rate.
   */
  throughput(model: string, sku: DeploymentSku, capacity: number): { tpm: number; rpm: number | null } | undefined {
    const entry = this.model(model);
    if (!entry || sku === "GlobalBatch" || sku === "DataZoneBatch") return undefined;
    if (isProvisioned(sku)) {
      const ptu = entry.ptu?.value;
      return ptu ? { tpm: capacity * ptu.inputTpmPerPtu, rpm: null } : undefined;
    }
    const rates = entry.rates.value;
    const rpmPerUnit = rates.rpmPerUnitBySku?.[sku] ?? rates.rpmPerUnit;
    return { tpm: capacity * rates.tpmPerUnit, rpm: capacity * rpmPerUnit };
  }

  /** PTU minimum and increment for a provisioned SKU shape. */
  ptuShape(model: string, sku: DeploymentSku): { minimum: number; increment: number } | undefined {
    const ptu = this.model(model)?.ptu?.value;
    if (!ptu) return undefined;
    if (sku === "GlobalProvisionedManaged") return ptu.global;
    if (sku === "DataZoneProvisionedManaged") return ptu.dataZone;
    if (sku === "ProvisionedManaged") return ptu.regional;
    return undefined;
  }
}
