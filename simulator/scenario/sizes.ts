// Request sizes per scenario: how many prompt tokens callers send, the max_tokens they ask for, and
// how many tokens the simulated model then generates. One size for every request ("fixed"), a
// weighted mix of request classes ("mix"), or log-normal prompt and max_tokens ("lognormal").
import { z } from "zod";
import type { Rng } from "../rng";

const tokens = z.number().int().min(1).max(2_000_000);

const sizeClass = z
  .object({
    /** Label in reports (e.g. `chat`, `rag`, `long-context`). */
    name: z.string().min(1).optional(),
    /** Relative share of requests in this class. */
    weight: z.number().gt(0),
    /** Prompt size in tokens (sent as 4 characters per token). */
    promptTokens: tokens,
    /** max_tokens the caller sends (charged to the token limit on arrival). */
    maxTokens: tokens,
    /** Tokens the simulated model generates (≤ maxTokens). */
    completionTokens: z.number().int().min(0),
  })
  .strict()
  .refine((c) => c.completionTokens <= c.maxTokens, { message: "completionTokens must be ≤ maxTokens", path: ["completionTokens"] });

const logNormalTokens = z
  .object({
    /** Median, tokens. */
    median: tokens,
    /** Log-space sigma (0 = always the median). */
    sigma: z.number().min(0).max(3),
    /** Draws are clamped into [min, max]. */
    min: tokens.default(1),
    max: tokens.default(128_000),
  })
  .strict()
  .refine((d) => d.min <= d.median && d.median <= d.max, { message: "needs min ≤ median ≤ max" });

export const sizeSchema = z.discriminatedUnion("distribution", [
  z
    .object({
      distribution: z.literal("fixed"),
      promptTokens: tokens,
      maxTokens: tokens,
      completionTokens: z.number().int().min(0),
    })
    .strict()
    .refine((c) => c.completionTokens <= c.maxTokens, { message: "completionTokens must be ≤ maxTokens", path: ["completionTokens"] }),
  z
    .object({ distribution: z.literal("mix"), classes: z.array(sizeClass).min(1).max(50) })
    .strict()
    .superRefine((m, ctx) => {
      // The simulated model recognises a class by its (promptTokens, maxTokens): they must differ.
      const seen = new Map<string, number>();
      m.classes.forEach((c, i) => {
        const key = `${c.promptTokens}/${c.maxTokens}`;
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["classes", i], message: `same promptTokens and maxTokens as classes.${seen.get(key)}; merge them or change one` });
        seen.set(key, i);
      });
    }),
  z
    .object({
      distribution: z.literal("lognormal"),
      promptTokens: logNormalTokens,
      maxTokens: logNormalTokens,
      /** Completion = round(maxTokens × completionRatio). */
      completionRatio: z.number().min(0).max(1),
    })
    .strict(),
]);

export type SizeSpec = z.output<typeof sizeSchema>;

export interface RequestSize {
  promptTokens: number;
  maxTokens: number;
}

/** Draws request sizes for one run, and tells the simulated model how long each answer is. */
export class SizeModel {
  private readonly cumulative: number[] = [];

  constructor(readonly spec: SizeSpec) {
    if (spec.distribution === "mix") {
      let acc = 0;
      for (const c of spec.classes) this.cumulative.push((acc += c.weight));
    }
  }

  draw(rng: Rng): RequestSize {
    const s = this.spec;
    switch (s.distribution) {
      case "fixed":
        return { promptTokens: s.promptTokens, maxTokens: s.maxTokens };
      case "mix": {
        const r = rng.float() * this.cumulative[this.cumulative.length - 1]!;
        const i = this.cumulative.findIndex((c) => r < c);
        const c = s.classes[i < 0 ? s.classes.length - 1 : i]!;
        return { promptTokens: c.promptTokens, maxTokens: c.maxTokens };
      }
      case "lognormal": {
        const draw = (d: { median: number; sigma: number; min: number; max: number }) => Math.min(d.max, Math.max(d.min, Math.round(rng.logNormal(d.median, d.sigma))));
        return { promptTokens: draw(s.promptTokens), maxTokens: draw(s.maxTokens) };
      }
    }
  }

  /** Tokens the simulated model generates for a request of this size (capped by max_tokens). */
  completionFor(size: { promptTokens: number; maxTokens: number | undefined }): number {
    const s = this.spec;
    const max = size.maxTokens ?? 4096;
    switch (s.distribution) {
      case "fixed":
        return Math.min(max, s.completionTokens);
      case "mix": {
        const c = s.classes.find((k) => k.promptTokens === size.promptTokens && k.maxTokens === size.maxTokens);
        // A request outside the mix (another client through the same deployment) gets the mix's mean ratio.
        return Math.min(max, c ? c.completionTokens : Math.round(max * this.meanCompletionRatio()));
      }
      case "lognormal":
        return Math.round(max * s.completionRatio);
    }
  }

  private meanCompletionRatio(): number {
    if (this.spec.distribution !== "mix") return 0;
    const total = this.spec.classes.reduce((a, c) => a + c.weight, 0);
    return this.spec.classes.reduce((a, c) => a + (c.weight / total) * (c.completionTokens / c.maxTokens), 0);
  }

  /**
   * Mean tokens charged per request (prompt + max_tokens; prompt only for embeddings), which turns
   * percentOfCapacity into requests per second. Exact for fixed and mix; estimated from 20,000
   * seeded draws for lognormal (clamping makes the closed form wrong).
   */
  meanCharged(operation: "chat" | "embeddings", rng: Rng): number {
    const charge = (r: RequestSize) => r.promptTokens + (operation === "embeddings" ? 0 : r.maxTokens);
    const s = this.spec;
    if (s.distribution === "fixed") return charge(s);
    if (s.distribution === "mix") {
      const total = s.classes.reduce((a, c) => a + c.weight, 0);
      return s.classes.reduce((a, c) => a + (c.weight / total) * charge(c), 0);
    }
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += charge(this.draw(rng));
    return sum / n;
  }
}
