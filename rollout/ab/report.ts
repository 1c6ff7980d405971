import * as ss from "simple-statistics";
import { isClientAnswer, isFailure, type RequestRecord } from "../metrics/records";
import { twoProportionZTest, welchTTest, type DifferenceTest } from "../stats/tests";

export interface AbOptions {
  /** Confidence level of intervals; significance is p < 1 − confidence. */
  confidence: number;
  /** Fewer requests (or values) than this in a variant and the comparison says "too small". */
  minSamplesPerVariant: number;
}

export const defaultAbOptions: AbOptions = { confidence: 0.95, minSamplesPerVariant: 100 };

export interface VariantStats {
  variant: string;
  deployments: string[];
  requests: number;
  successRate: number;
  latencyMeanMs: number | undefined;
  latencyP95Ms: number | undefined;
  /** Mean prompt + completion tokens per successful request. */
  tokensMean: number | undefined;
  /** Mean of each recorded outcome over the requests that recorded it. */
  outcomes: Record<string, { n: number; mean: number }>;
}

export interface Comparison {
  metric: string;
  test: "two-proportion z" | "Welch t";
  baseline: string;
  variant: string;
  /** Absent when the sample is too small to test. */
  result?: DifferenceTest;
  significant: boolean;
  /** Why no conclusion is possible, when the sample is too small. */
  tooSmall?: string;
}

export interface AbReport {
  experiment: string;
  baseline: string;
  variants: VariantStats[];
  comparisons: Comparison[];
  /** One line: what differs significantly, or why nothing can be concluded. */
  conclusion: string;
}

/**
 * Per-variant statistics and tests of every other variant against the baseline (the first variant
 * in name order, usually `a`): success rate and binary outcomes with a two-proportion z-test;
 * latency, tokens and numeric outcomes with Welch's t-test.
 */
export function abReport(records: readonly RequestRecord[], experiment: string, options: AbOptions = defaultAbOptions): AbReport {
  const byVariant = new Map<string, RequestRecord[]>();
  for (const r of records) {
    if (r.experiment !== experiment || r.variant === undefined || !isClientAnswer(r)) continue;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const names = [...byVariant.keys()].sort();
  if (names.length < 2) {
    const found = names.length === 0 ? "no records" : `records of variant ${names[0]} only`;
    return { experiment, baseline: names[0] ?? "", variants: names.map((n) => variantStats(n, byVariant.get(n)!)), comparisons: [], conclusion: `cannot compare: ${found} for experiment ${experiment}` };
  }
  const baseline = names[0]!;
  const base = byVariant.get(baseline)!;
  const comparisons = names.slice(1).flatMap((name) => compareVariants(baseline, base, name, byVariant.get(name)!, options));
  return { experiment, baseline, variants: names.map((n) => variantStats(n, byVariant.get(n)!)), comparisons, conclusion: conclude(comparisons, options) };
}

function variantStats(variant: string, records: RequestRecord[]): VariantStats {
  const ok = records.filter((r) => !isFailure(r));
  const latencies = ok.map((r) => r.latencyMs);
  const outcomes: VariantStats["outcomes"] = {};
  for (const name of outcomeNames(records)) {
    const values = outcomeValues(records, name);
    outcomes[name] = { n: values.length, mean: ss.mean(values) };
  }
  return {
    variant,
    deployments: [...new Set(records.map((r) => r.deployment))].sort(),
    requests: records.length,
    successRate: ok.length / records.length,
    latencyMeanMs: latencies.length > 0 ? ss.mean(latencies) : undefined,
    latencyP95Ms: latencies.length > 0 ? ss.quantile(latencies, 0.95) : undefined,
    tokensMean: ok.length > 0 ? ss.mean(ok.map((r) => r.promptTokens + r.completionTokens)) : undefined,
    outcomes,
  };
}

function compareVariants(baseline: string, a: RequestRecord[], variant: string, b: RequestRecord[], options: AbOptions): Comparison[] {
  const okA = a.filter((r) => !isFailure(r));
  const okB = b.filter((r) => !isFailure(r));
  const out: Comparison[] = [proportion("success rate", baseline, okA.length, a.length, variant, okB.length, b.length, options)];
  out.push(means("latency ms", baseline, okA.map((r) => r.latencyMs), variant, okB.map((r) => r.latencyMs), options));
  out.push(means("tokens/request", baseline, okA.map((r) => r.promptTokens + r.completionTokens), variant, okB.map((r) => r.promptTokens + r.completionTokens), options));
  for (const name of [...new Set([...outcomeNames(a), ...outcomeNames(b)])].sort()) {
    const va = outcomeValues(a, name);
    const vb = outcomeValues(b, name);
    const binary = [...va, ...vb].every((v) => v === 0 || v === 1);
    out.push(
      binary
        ? proportion(`outcome ${name}`, baseline, va.filter((v) => v === 1).length, va.length, variant, vb.filter((v) => v === 1).length, vb.length, options)
        : means(`outcome ${name}`, baseline, va, variant, vb, options),
    );
  }
  return out;
}

function proportion(metric: string, baseline: string, xA: number, nA: number, variant: string, xB: number, nB: number, options: AbOptions): Comparison {
  const head = { metric, test: "two-proportion z" as const, baseline, variant };
  const pooled = (xA + xB) / Math.max(1, nA + nB);
  const minN = Math.min(nA, nB);
  // The normal approximation needs enough events on both sides as well as enough requests.
  const minExpected = Math.min(minN * pooled, minN * (1 - pooled));
  if (minN < options.minSamplesPerVariant) return { ...head, significant: false, tooSmall: `${minN} samples in the smaller variant, need ${options.minSamplesPerVariant}` };
  if (minExpected < 5) return { ...head, significant: false, tooSmall: `about ${minExpected.toFixed(1)} expected events in the smaller variant, need 5 for the z-test` };
  const result = twoProportionZTest(xA, nA, xB, nB, options.confidence);
  return { ...head, result, significant: result.pValue < 1 - options.confidence };
}

function means(metric: string, baseline: string, a: number[], variant: string, b: number[], options: AbOptions): Comparison {
  const head = { metric, test: "Welch t" as const, baseline, variant };
  const minN = Math.min(a.length, b.length);
  if (minN < options.minSamplesPerVariant) return { ...head, significant: false, tooSmall: `${minN} values in the smaller variant, need ${options.minSamplesPerVariant}` };
  const result = welchTTest(a, b, options.confidence);
  return { ...head, result, significant: result.pValue < 1 - options.confidence };
}

function outcomeNames(records: readonly RequestRecord[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r.outcomes ?? {})))].sort();
}

function outcomeValues(records: readonly RequestRecord[], name: string): number[] {
  return records.map((r) => r.outcomes?.[name]).filter((v): v is number => v !== undefined);
}

function conclude(comparisons: Comparison[], options: AbOptions): string {
  const level = `${Math.round(options.confidence * 100)}%`;
  const significant = comparisons.filter((c) => c.significant);
  const tooSmall = comparisons.filter((c) => c.tooSmall);
  if (significant.length > 0) {
    return `significant at ${level}: ${significant.map((c) => `${c.metric} (${c.variant} − ${c.baseline} = ${fmt(c.result!.difference)}, p = ${fmtP(c.result!.pValue)})`).join("; ")}`;
  }
  if (tooSmall.length === comparisons.length) return `sample too small to conclude: ${tooSmall[0]!.tooSmall}`;
  const small = tooSmall.length > 0 ? `; too small to test: ${tooSmall.map((c) => c.metric).join(", ")}` : "";
  return `no significant difference at ${level}${small}`;
}

export function fmt(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(4);
}

export function fmtP(p: number): string {
  return p < 0.0001 ? "<0.0001" : p.toFixed(4);
}
