// Default prices for the cost model, per model and deployment SKU, in US dollars. Scenario files
// override any of them (`cost.prices`). Figures and their sources are listed in docs/simulator.md
// ("Cost model"); every figure here is a list price as published or quoted at the stated date and
// is marked `uncertain` where only third-party copies of the Azure pricing page were available.
import { z } from "zod";

export const PTU_SKUS = ["ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged"] as const;
export const PAYG_SKUS = ["Standard", "GlobalStandard", "DataZoneStandard"] as const;

export interface PaygPrice {
  /** Dollars per 1,000 input (prompt) tokens. */
  inputPer1K: number;
  /** Dollars per 1,000 output (completion) tokens. */
  outputPer1K: number;
}

export interface PtuPrice {
  /** Dollars per PTU per hour, billed hourly with no commitment. */
  perPtuHour: number;
  /** Dollars per PTU per month with a monthly reservation. */
  perPtuMonth: number;
  /** Dollars per PTU per year with a yearly reservation. */
  perPtuYear: number;
}

export interface PriceEntry {
  model: string;
  sku: string;
  payg?: PaygPrice;
  ptu?: PtuPrice;
  source: string;
  uncertain: boolean;
}

const PRICING_PAGE = "https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/";

/**
 * gpt-4o (2024-08-06 and later) pay-as-you-go: $2.50 / 1M input, $10 / 1M output for Global; Data
 * Zone and regional Standard are listed about 10% higher. PTU: the pricing page lists PTUs per hour
 * and monthly / yearly reservations by deployment type, not by model.
 */
export const DEFAULT_PRICES: PriceEntry[] = [
  { model: "gpt-4o", sku: "GlobalStandard", payg: { inputPer1K: 0.0025, outputPer1K: 0.01 }, source: PRICING_PAGE, uncertain: true },
  { model: "gpt-4o", sku: "DataZoneStandard", payg: { inputPer1K: 0.00275, outputPer1K: 0.011 }, source: PRICING_PAGE, uncertain: true },
  { model: "gpt-4o", sku: "Standard", payg: { inputPer1K: 0.00275, outputPer1K: 0.011 }, source: PRICING_PAGE, uncertain: true },
  { model: "*", sku: "GlobalProvisionedManaged", ptu: { perPtuHour: 1, perPtuMonth: 260, perPtuYear: 2652 }, source: PRICING_PAGE, uncertain: true },
  { model: "*", sku: "DataZoneProvisionedManaged", ptu: { perPtuHour: 1.1, perPtuMonth: 260, perPtuYear: 2652 }, source: PRICING_PAGE, uncertain: true },
  { model: "*", sku: "ProvisionedManaged", ptu: { perPtuHour: 2, perPtuMonth: 260, perPtuYear: 2652 }, source: PRICING_PAGE, uncertain: true },
];

const money = z.number().min(0, "prices cannot be negative");

export const priceOverrideSchema = z
  .object({
    /** Model name, or `*` for every model (PTU prices do not depend on the model). */
    model: z.string().min(1),
    /** Deployment SKU, e.g. GlobalStandard or ProvisionedManaged. */
    sku: z.enum([...PAYG_SKUS, ...PTU_SKUS]),
    inputPer1K: money.optional(),
    outputPer1K: money.optional(),
    perPtuHour: money.optional(),
    perPtuMonth: money.optional(),
    perPtuYear: money.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ptu = (PTU_SKUS as readonly string[]).includes(p.sku);
    const wrong = ptu ? (["inputPer1K", "outputPer1K"] as const) : (["perPtuHour", "perPtuMonth", "perPtuYear"] as const);
    for (const k of wrong) if (p[k] !== undefined) ctx.addIssue({ code: "custom", path: [k], message: `${p.sku} is ${ptu ? "billed per PTU" : "billed per token"}; ${k} does not apply` });
  });

export const costSchema = z
  .object({
    /** How the provisioned deployments are paid for. */
    ptuBilling: z.enum(["hourly", "monthly", "yearly"]).default("monthly"),
    /** Price overrides; anything not listed keeps its default (DEFAULT_PRICES). */
    prices: z.array(priceOverrideSchema).default([]),
  })
  .strict();

export type CostSpec = z.output<typeof costSchema>;
export const DEFAULT_COST: CostSpec = { ptuBilling: "monthly", prices: [] };

/** The PAYG price of a model on a SKU, with the scenario's overrides applied; undefined if unknown. */
export function paygPrice(spec: CostSpec, model: string, sku: string): PaygPrice | undefined {
  const base = DEFAULT_PRICES.find((p) => p.model === model && p.sku === sku)?.payg;
  const o = spec.prices.find((p) => (p.model === model || p.model === "*") && p.sku === sku);
  const input = o?.inputPer1K ?? base?.inputPer1K;
  const output = o?.outputPer1K ?? base?.outputPer1K;
  return input === undefined || output === undefined ? undefined : { inputPer1K: input, outputPer1K: output };
}

/** Dollars per PTU per hour for a provisioned SKU under the chosen billing, overrides applied. */
export function ptuHourlyRate(spec: CostSpec, model: string, sku: string): number | undefined {
  const base = DEFAULT_PRICES.find((p) => (p.model === model || p.model === "*") && p.sku === sku)?.ptu;
  const o = spec.prices.find((p) => (p.model === model || p.model === "*") && p.sku === sku);
  const hour = o?.perPtuHour ?? base?.perPtuHour;
  const month = o?.perPtuMonth ?? base?.perPtuMonth;
  const year = o?.perPtuYear ?? base?.perPtuYear;
  // A month is 730 hours and a year 8,760 on Azure's price sheets.
  const rate = spec.ptuBilling === "hourly" ? hour : spec.ptuBilling === "monthly" ? (month === undefined ? undefined : month / 730) : year === undefined ? undefined : year / 8760;
  return rate;
}
