// The scenario file format (YAML), validated with zod. Every error names the path inside the file.
import { z } from "zod";
import { SDK_DEFAULTS, SDK_PROFILE_NAMES } from "../client/sdk-retry";
import { costSchema, DEFAULT_COST } from "../cost/prices";
import { parseDuration } from "./duration";
import { sizeSchema } from "./sizes";
import { routingSchema } from "../../stacks/config/gateway-routing";

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `"${v}" is not a duration; write e.g. 90s, 10m, 1m30s, 250ms or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

const loadPoint = z
  .object({
    /** When this point applies, from the start of the run. */
    at: duration,
    /** Offered load as a percent of the route's aggregate token capacity. */
    percentOfCapacity: z.number().min(0).max(1000).optional(),
    /** Offered load in requests per second. */
    requestsPerSecond: z.number().min(0).optional(),
  })
  .strict()
  .refine((p) => (p.percentOfCapacity === undefined) !== (p.requestsPerSecond === undefined), {
    message: "give exactly one of percentOfCapacity or requestsPerSecond",
  });

const faultBase = {
  at: duration,
  for: duration,
  region: z.string().min(1).optional(),
  deployment: z.string().min(1).optional(),
};

const fault = z.discriminatedUnion("kind", [
  z.object({ ...faultBase, kind: z.literal("outage") }).strict(),
  z.object({ ...faultBase, kind: z.literal("errors"), rate: z.number().gt(0).max(1), status: z.number().int().min(500).max(599).default(500) }).strict(),
  z.object({ ...faultBase, kind: z.literal("throttle"), retryAfterSeconds: z.number().int().min(1).max(86_400) }).strict(),
  z.object({ ...faultBase, kind: z.literal("latency"), addMs: z.number().min(0).max(600_000) }).strict(),
  z.object({ ...faultBase, kind: z.literal("capacity"), factor: z.number().min(0).max(1) }).strict(),
]);

/** The fixed-size shorthand's defaults: max_tokens sent, and tokens the simulated model writes. */
const DEFAULT_MAX_TOKENS = 500;
const DEFAULT_COMPLETION_TOKENS = 300;

export const scenarioSchema = z
  .object({
    /** Short name used in reports and file names. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and dashes"),
    description: z.string().default(""),
    /** Seed for every random draw; one seed gives one run. */
    seed: z.number().int().default(1),
    /** Length of the run in virtual time. */
    duration: duration,
    /** Gateway route the callers hit (default: the first route). */
    route: z.string().min(1).optional(),
    /** Piecewise-linear offered load; Poisson arrivals at the interpolated rate. */
    load: z.array(loadPoint).min(1),
    request: z
      .object({
        operation: z.enum(["chat", "embeddings"]).default("chat"),
        /** Prompt size in tokens (sent as 4 characters per token); shorthand for a fixed size. */
        promptTokens: z.number().int().min(1).optional(),
        /** max_tokens sent by the caller (charged to the token limit on arrival); fixed-size shorthand. */
        maxTokens: z.number().int().min(1).optional(),
        /** Tokens the simulated model generates (≤ maxTokens; default 300, or maxTokens when smaller); fixed-size shorthand. */
        completionTokens: z.number().int().min(0).optional(),
        /** Request sizes: fixed, a weighted mix of classes, or log-normal (sizes.ts). */
        size: sizeSchema.optional(),
        apiVersion: z.string().default("2024-10-21"),
        /** Ask for a streamed answer (`stream: true` with usage); the report gets time to first and last token. */
        stream: z.boolean().default(false),
        /** Extra request headers every caller sends. */
        headers: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .superRefine((r, ctx) => {
        const shorthand = (["promptTokens", "maxTokens", "completionTokens"] as const).filter((k) => r[k] !== undefined);
        if (r.size && shorthand.length > 0) ctx.addIssue({ code: "custom", path: [shorthand[0]!], message: "give either request.size or the fixed-size shorthand (promptTokens, maxTokens, completionTokens), not both" });
        const max = r.maxTokens ?? DEFAULT_MAX_TOKENS;
        if (!r.size && r.completionTokens !== undefined && r.completionTokens > max)
          ctx.addIssue({ code: "custom", path: ["completionTokens"], message: `completionTokens (${r.completionTokens}) must be ≤ maxTokens (${max}${r.maxTokens === undefined ? ", the default" : ""})` });
      })
      .transform(({ promptTokens, maxTokens, completionTokens, size, ...rest }) => ({
        ...rest,
        // A model never writes more than max_tokens: a small maxTokens caps the default completion.
        size: size ?? {
          distribution: "fixed" as const,
          promptTokens: promptTokens ?? 500,
          maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
          completionTokens: completionTokens ?? Math.min(DEFAULT_COMPLETION_TOKENS, maxTokens ?? DEFAULT_MAX_TOKENS),
        },
      }))
      .prefault({}),
    callers: z
      .object({
        /** Distinct callers (subscriptions / users); each request picks one at random. */
        count: z.number().int().min(1).max(1_000_000).default(100),
      })
      .strict()
      .default({ count: 100 }),
    latency: z
      .object({
        baseMs: z.number().min(0),
        perOutputTokenMs: z.number().min(0),
        sigma: z.number().min(0).max(3),
        rejectMs: z.number().min(0),
        /** Region of the gateway; round trips are measured from it (default: the first backend's region). */
        gatewayRegion: z.string().min(1),
        /** Per-region round trip and service-time overrides (regions.ts). */
        regions: z.record(
          z.string().min(1),
          z
            .object({ rttMs: z.number().min(0).max(10_000), baseMs: z.number().min(0), perOutputTokenMs: z.number().min(0), sigma: z.number().min(0).max(3) })
            .partial()
            .strict(),
        ),
      })
      .partial()
      .strict()
      .default({}),
    /** Client behaviour: `none` (one attempt) or an openai SDK's default retries (client/sdk-retry.ts). */
    client: z
      .object({
        retries: z.enum(["none", ...SDK_PROFILE_NAMES]).default("none"),
        maxRetries: z.number().int().min(0).max(10).default(SDK_DEFAULTS.maxRetries),
        timeoutSeconds: z.number().gt(0).max(3600).default(SDK_DEFAULTS.timeoutSeconds),
      })
      .strict()
      .default({ retries: "none", maxRetries: SDK_DEFAULTS.maxRetries, timeoutSeconds: SDK_DEFAULTS.timeoutSeconds }),
    /** Prices for the cost metrics (cost/prices.ts); defaults are list prices. */
    cost: costSchema.default(DEFAULT_COST),
    /**
     * Options the benchmark applies to `ours`' route for this scenario: the gateway config's
     * `routes.<route>.routing` block (stacks/config/gateway-routing.ts), same keys and ranges; absent
     * keys keep their defaults. An option this version does not know is an error, never ignored.
     */
    strategy: routingSchema.default({}),
    faults: z.array(fault).default([]),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioFault = Scenario["faults"][number];
