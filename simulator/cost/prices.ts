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

/** Data Zone and regional Standard are listed about 10% above Global on the pricing page. */
const REGIONAL_MARKUP = 1.1;

/**
 * A model's pay-as-you-go price on the three per-token SKUs, from its Global price in dollars per
 * million tokens (the way the pricing page and its copies quote it). Rounded to a millionth of a
 * dollar per 1K so that 1.1 × 0.0025 reads 0.00275, not 0.0027500000000000002.
 */
function perTokenSkus(model: string, inputPerMillion: number, outputPerMillion: number): PriceEntry[] {
  const per1K = (perMillion: number, factor: number) => Math.round(perMillion * factor * 1000) / 1_000_000;
  return PAYG_SKUS.map((sku) => {
    const factor = sku === "GlobalStandard" ? 1 : REGIONAL_MARKUP;
    return { model, sku, payg: { inputPer1K: per1K(inputPerMillion, factor), outputPer1K: per1K(outputPerMillion, factor) }, source: PRICING_PAGE, uncertain: true };
  });
}

/**
 * Global list prices per million tokens (input, output) of the models the shipped stacks, the
 * scenarios and the benchmark use, with Data Zone and regional Standard 10% above. PTU: the pricing
 * page lists PTUs per hour and monthly / yearly reservations by deployment type, not by model. Every
 * figure is marked uncertain: the pricing page itself was not readable offline, only 2026 copies
 * (docs/simulator.md, "Cost model", names them).
 */
export const DEFAULT_PRICES: PriceEntry[] = [
  ...perTokenSkus("gpt-4o", 2.5, 10),
  ...perTokenSkus("gpt-4.1", 2, 8),
  ...perTokenSkus("gpt-4.1-mini", 0.4, 1.6),
  ...perTokenSkus("gpt-4.1-nano", 0.1, 0.4),
  ...perTokenSkus("gpt-5.4", 2.5, 15),
  ...perTokenSkus("gpt-5.4-mini", 0.75, 4.5),
  ...perTokenSkus("gpt-5.4-nano", 0.2, 1.25),
  // Embeddings bill input only; their answers carry no completion tokens.
  ...perTokenSkus("text-embedding-3-small", 0.02, 0),
  ...perTokenSkus("text-embedding-3-large", 0.13, 0),
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
