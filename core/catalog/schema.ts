/**
 * Shape of the model catalog data file (`models.json`). Every fact carries its source and as-of
 * date, so a reader can tell a documented number from a stale one.
 */
import { z } from "zod";
import { DEPLOYMENT_SKUS } from "../../stacks/config/fleet";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a YYYY-MM-DD date" });
const Sku = z.enum(DEPLOYMENT_SKUS);

/** A value with where it came from and when that source was current. */
export function fact<T extends z.ZodType>(value: T) {
  return z.object({ value, source: z.string().min(1), asOf: IsoDate }).strict();
}

export const SourceSchema = z.object({ title: z.string(), url: z.string(), asOf: IsoDate }).strict();

const Tokens = z.number().int().positive();

/**
 * Request-size limits of a model version as Microsoft Learn's capability tables state them:
 * the context window (prompt + output), and where the table splits it, the input and output
 * maxima. Where the window depends on the deployment type (gpt-4.1: 300 K on standard, 128 K on
 * provisioned and batch) the per-type value wins.
 */
export const RequestLimitsSchema = z
  .object({
    contextTokens: Tokens.optional(),
    contextTokensByDeploymentType: z.partialRecord(z.enum(["standard", "provisioned", "batch"]), Tokens).optional(),
    maxInputTokens: Tokens.optional(),
    maxOutputTokens: Tokens.optional(),
  })
  .strict();

const PtuShape = z.object({ minimum: z.number().int().positive(), increment: z.number().int().positive() }).strict();

export const VersionSchema = z
  .object({
    lifecycle: fact(z.string()),
    /** Retirement date of the version (null: none announced). */
    retires: fact(IsoDate.nullable()),
    /** Per-SKU retirement dates that differ from the version's (e.g. gpt-4o Standard 2026-03-31). */
    skuRetires: fact(z.partialRecord(Sku, IsoDate)).optional(),
    /** Deployment SKUs offered for this version somewhere. */
    skus: fact(z.array(Sku)),
    /** Per-region SKUs where known; regions absent here are unknown, not unavailable. */
    regions: fact(z.record(z.string(), z.array(Sku))).optional(),
    /** Data zones where the data-zone SKUs exist, when narrower than every zone (e.g. US only). */
    dataZones: fact(z.array(z.string())).optional(),
    /** Context window and input/output maxima; absent where the source gives none (e.g. model-router). */
    limits: fact(RequestLimitsSchema).optional(),
  })
  .strict();

export const ModelSchema = z
  .object({
    format: z.string(),
    family: z.enum(["chat", "reasoning", "embeddings", "image", "audio", "router"]),
    defaultVersion: fact(z.string()),
    /** What one capacity unit of a standard SKU means. */
    rates: fact(
      z
        .object({
          tpmPerUnit: z.number().positive(),
          rpmPerUnit: z.number().positive(),
          rpmPerUnitBySku: z.partialRecord(Sku, z.number().positive()).optional(),
        })
        .strict(),
    ),
    /** Provisioned throughput: minimum and increment per shape, and input TPM per PTU. */
    ptu: fact(z.object({ global: PtuShape, dataZone: PtuShape, regional: PtuShape, inputTpmPerPtu: z.number().positive() }).strict()).optional(),
    versions: z.record(z.string(), VersionSchema),
  })
  .strict();

export const QuotaSnapshotSchema = z
  .object({
    asOf: IsoDate,
    source: z.string(),
    usages: z.array(z.object({ name: z.string(), currentValue: z.number(), limit: z.number(), unit: z.string() }).strict()),
  })
  .strict();

export const CatalogSchema = z
  .object({
    schemaVersion: z.literal(1),
    asOf: IsoDate,
    note: z.string(),
    sources: z.record(z.string(), SourceSchema),
    dataZones: fact(z.record(z.string(), z.array(z.string()))),
    models: z.record(z.string(), ModelSchema),
    /** Usage/limit snapshots per region from `catalog refresh` (ARM `usages`). */
    quotaSnapshots: z.record(z.string(), QuotaSnapshotSchema).optional(),
  })
  .strict();

export type CatalogData = z.output<typeof CatalogSchema>;
export type ModelEntry = z.output<typeof ModelSchema>;
export type VersionEntry = z.output<typeof VersionSchema>;
export type RequestLimitFacts = z.output<typeof RequestLimitsSchema>;
export type PtuFacts = NonNullable<ModelEntry["ptu"]>["value"];
