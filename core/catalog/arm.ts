/**
 * The ARM response shapes `catalog refresh` reads (Models_List and Usages_List, see the reference
 * sheet §6.4), validated leniently: unknown fields pass through, dates may be strings or Date
 * objects (the Azure SDK deserialises some of them).
 */
import { z } from "zod";

const DateLike = z.union([z.string(), z.date()]).transform((d) => (typeof d === "string" ? d : d.toISOString()));

const RateLimit = z.looseObject({ key: z.string().optional(), renewalPeriod: z.number().optional(), count: z.number().optional() });

export const ArmModelSkuSchema = z.looseObject({
  name: z.string(),
  usageName: z.string().optional(),
  deprecationDate: DateLike.optional(),
  capacity: z.looseObject({ minimum: z.number().optional(), maximum: z.number().optional(), step: z.number().optional(), default: z.number().optional() }).optional(),
  rateLimits: z.array(RateLimit).optional(),
});

export const ArmModelSchema = z.looseObject({
  kind: z.string().optional(),
  skuName: z.string().optional(),
  model: z.looseObject({
    format: z.string(),
    name: z.string(),
    version: z.string(),
    isDefaultVersion: z.boolean().optional(),
    lifecycleStatus: z.string().optional(),
    capabilities: z.record(z.string(), z.string()).optional(),
    deprecation: z.looseObject({ inference: DateLike.optional(), fineTune: DateLike.optional() }).optional(),
    skus: z.array(ArmModelSkuSchema).optional(),
  }),
});

export const ArmUsageSchema = z.looseObject({
  name: z.looseObject({ value: z.string(), localizedValue: z.string().optional() }),
  unit: z.string().optional(),
  currentValue: z.number(),
  limit: z.number(),
});

export type ArmModel = z.output<typeof ArmModelSchema>;
export type ArmUsage = z.output<typeof ArmUsageSchema>;

/** What one region answered. */
export interface RegionResponses {
  readonly location: string;
  readonly models: readonly unknown[];
  readonly usages: readonly unknown[];
}

/** Reads the live ARM APIs (or recorded responses in tests). */
export interface ArmCatalogSource {
  listModels(location: string): Promise<unknown[]>;
  listUsages(location: string): Promise<unknown[]>;
}
