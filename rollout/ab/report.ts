import * as ss from "simple-statistics";
import { isClientAnswer, isFailure, type RequestRecord } from "../metrics/records";
import { twoProportionZTest, welchTTest, type DifferenceTest } from "../stats/tests";

export interface AbOptions {
  /** Confidence level of intervals; significance is p < 1 − confidence. */
  confidence: number;
  /** Fewer requests (or values) than this in a variant and the per-request test says "too small". */
  minSamplesPerVariant: number;
  /** Fewer callers than this in a variant and the per-caller test says "too small". */
  minCallersPerVariant: number;
}

export const defaultAbOptions: AbOptions = { confidence: 0.95, minSamplesPerVariant: 100, minCallersPerVariant: 20 };

export interface VariantStats {
  variant: string;
  deployments: string[];
  requests: number;
  /** Distinct callers (records without a caller id count one each); undefined when no record names one. */
  callers: number | undefined;
  successRate: number;
  latencyMeanMs: number | undefined;
  latencyP95Ms: number | undefined;
  /** Mean prompt + completion tokens per successful request. */
  tokensMean: number | undefined;
  /** Mean of each recorded outcome over the requests that recorded it. */
  outcomes: Record<string, { n: number; mean: number }>;
}

/** One test of one metric at one unit of analysis. */
export interface UnitTest {
  test: "two-proportion z" | "Welch t";
  /** Observations per side: requests (or values), or callers. */
  n: [number, number];
  /** Absent when the sample is too small to test. */
  result?: DifferenceTest;
  /** Why no conclusion is possible, when the sample is too small. */
  tooSmall?: string;
  significant: boolean;
}

export interface Comparison {
  metric: string;
  baseline: string;
  variant: string;
  /**
   * Cluster-level test: each caller is one observation (its success rate, its mean latency, …),
   * compared with Welch's t-test. Variants are assigned per caller, so this is the honest test;
   * undefined when the records carry no caller ids.
   */
  perCaller?: UnitTest;
  /** Each request one observation (z-test for rates, Welch for means): shown beside, overstates significance when callers differ. */
  perRequest: UnitTest;
  /** The verdict: per caller when caller ids exist, per request otherwise. */
  significant: boolean;
  basis: "caller" | "request";
}

export interface AbReport {
  experiment: string;
  /** Confidence level of the intervals. */
  confidence: number;
  baseline: string;
  variants: VariantStats[];
  comparisons: Comparison[];
  /** One line: what differs significantly, or why nothing can be concluded. */
  conclusion: string;
}

/** A request's value for one metric; undefined when the request does not count for it. */
type MetricValue = (record: RequestRecord) => number | undefined;

interface Metric {
  name: string;
  value: MetricValue;
  /** 0/1 values: the per-request test is a two-proportion z-test. */
  binary: boolean;
}

/**
 * Per-variant statistics and tests of every other variant against the baseline (the first variant
 * in name order, usually `a`). Assignment is per caller, so requests of one caller are not
 * independent: significance is decided per caller (each caller's success rate, mean latency, mean
 * tokens and mean outcomes, Welch's t-test across callers), with the per-request tests shown beside.
 */
export function abReport(records: readonly RequestRecord[], experiment: string, options: AbOptions = defaultAbOptions): AbReport {
  const byVariant = new Map<string, RequestRecord[]>();
  for (const r of records) {
    if (r.experiment !== experiment || r.variant === undefined || !isClientAnswer(r)) continue;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const names = [...byVariant.keys()].sort();
  const hasCallers = records.some((r) => r.experiment === experiment && r.caller !== undefined);
  const stats = names.map((n) => variantStats(n, byVariant.get(n)!, hasCallers));
  if (names.length < 2) {
    const found = names.length === 0 ? "no records" : `records of variant ${names[0]} only`;
    return { experiment, confidence: options.confidence, baseline: names[0] ?? "", variants: stats, comparisons: [], conclusion: `cannot compare: ${found} for experiment ${experiment}` };
  }
  const baseline = names[0]!;
  const base = byVariant.get(baseline)!;
  const comparisons = names.slice(1).flatMap((name) => metricsOf(base, byVariant.get(name)!).map((metric) => compare(metric, baseline, base, name, byVariant.get(name)!, hasCallers, options)));
  return { experiment, confidence: options.confidence, baseline, variants: stats, comparisons, conclusion: conclude(comparisons, hasCallers, options) };
}

function variantStats(variant: string, records: RequestRecord[], hasCallers: boolean): VariantStats {
  const ok = records.filter((r) => !isFailure(r));
  const latencies = ok.map((r) => r.latencyMs);
  const outcomes: VariantStats["outcomes"] = {};
  for (const name of outcomeNames(records)) {
    const values = records.map((r) => r.outcomes?.[name]).filter((v): v is number => v !== undefined);
    outcomes[name] = { n: values.length, mean: ss.mean(values) };
  }
  return {
    variant,
    deployments: [...new Set(records.map((r) => r.deployment))].sort(),
    requests: records.length,
    callers: hasCallers ? clusters(records, () => 1).length : undefined,
    successRate: ok.length / records.length,
    latencyMeanMs: latencies.length > 0 ? ss.mean(latencies) : undefined,
    latencyP95Ms: latencies.length > 0 ? ss.quantile(latencies, 0.95) : undefined,
    tokensMean: ok.length > 0 ? ss.mean(ok.map((r) => r.promptTokens + r.completionTokens)) : undefined,
    outcomes,
  };
}

function metricsOf(a: readonly RequestRecord[], b: readonly RequestRecord[]): Metric[] {
  const succeeded = (value: (r: RequestRecord) => number): MetricValue => (r) => (isFailure(r) ? undefined : value(r));
  const metrics: Metric[] = [
    { name: "success rate", value: (r) => (isFailure(r) ? 0 : 1), binary: true },
    { name: "latency ms", value: succeeded((r) => r.latencyMs), binary: false },
    { name: "tokens/request", value: succeeded((r) => r.promptTokens + r.completionTokens), binary: false },
  ];
  for (const name of [...new Set([...outcomeNames(a), ...outcomeNames(b)])].sort()) {
    const value: MetricValue = (r) => r.outcomes?.[name];
    const binary = [...a, ...b].map(value).every((v) => v === undefined || v === 0 || v === 1);
    metrics.push({ name: `outcome ${name}`, value, binary });
  }
  return metrics;
}

function compare(metric: Metric, baseline: string, a: RequestRecord[], variant: string, b: RequestRecord[], hasCallers: boolean, options: AbOptions): Comparison {
  const valuesA = a.map(metric.value).filter((v): v is number => v !== undefined);
  const valuesB = b.map(metric.value).filter((v): v is number => v !== undefined);
  const perRequest = metric.binary ? proportionTest(valuesA, valuesB, options) : meansTest(valuesA, valuesB, options.minSamplesPerVariant, "values", options);
  const head = { metric: metric.name, baseline, variant, perRequest };
  if (!hasCallers) return { ...head, significant: perRequest.significant, basis: "request" };
  const perCaller = meansTest(clusters(a, metric.value), clusters(b, metric.value), options.minCallersPerVariant, "callers", options);
  return { ...head, perCaller, significant: perCaller.significant, basis: "caller" };
}

/** Per-caller means of a metric (callers with no value for it are left out). */
function clusters(records: readonly RequestRecord[], value: MetricValue): number[] {
  const byCaller = new Map<string, number[]>();
  records.forEach((r, index) => {
    const v = value(r);
    if (v === undefined) return;
    // A record without a caller id is its own cluster (nothing ties it to other requests).
    const key = r.caller ?? `\u0000request ${index}`;
    byCaller.set(key, [...(byCaller.get(key) ?? []), v]);
  });
  return [...byCaller.values()].map((values) => ss.mean(values));
}

function proportionTest(a: number[], b: number[], options: AbOptions): UnitTest {
  const [xA, nA, xB, nB] = [a.filter((v) => v === 1).length, a.length, b.filter((v) => v === 1).length, b.length];
  const head = { test: "two-proportion z" as const, n: [nA, nB] as [number, number] };
  const pooled = (xA + xB) / Math.max(1, nA + nB);
  const minN = Math.min(nA, nB);
  // The normal approximation needs enough events on both sides as well as enough requests.
  const minExpected = Math.min(minN * pooled, minN * (1 - pooled));
  if (minN < options.minSamplesPerVariant) return { ...head, significant: false, tooSmall: `${minN} samples in the smaller variant, need ${options.minSamplesPerVariant}` };
  if (minExpected < 5) return { ...head, significant: false, tooSmall: `about ${minExpected.toFixed(1)} expected events in the smaller variant, need 5 for the z-test` };
  const result = twoProportionZTest(xA, nA, xB, nB, options.confidence);
  return { ...head, result, significant: result.pValue < 1 - options.confidence };
}

function meansTest(a: number[], b: number[], minimum: number, unit: "values" | "callers", options: AbOptions): UnitTest {
  const head = { test: "Welch t" as const, n: [a.length, b.length] as [number, number] };
  const minN = Math.min(a.length, b.length);
  if (minN < Math.max(2, minimum)) return { ...head, significant: false, tooSmall: `${minN} ${unit} in the smaller variant, need ${Math.max(2, minimum)}` };
  const result = welchTTest(a, b, options.confidence);
  return { ...head, result, significant: result.pValue < 1 - options.confidence };
}

function outcomeNames(records: readonly RequestRecord[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r.outcomes ?? {})))].sort();
}

/** The test that decides a comparison. */
export function decidingTest(c: Comparison): UnitTest {
  return c.basis === "caller" && c.perCaller ? c.perCaller : c.perRequest;
}

function conclude(comparisons: Comparison[], hasCallers: boolean, options: AbOptions): string {
  const level = `${Math.round(options.confidence * 100)}%`;
  const basis = hasCallers ? "per caller" : "per request (the records carry no caller id, so requests are treated as independent, which overstates significance)";
  const significant = comparisons.filter((c) => c.significant);
  const tooSmall = comparisons.filter((c) => decidingTest(c).tooSmall);
  if (significant.length > 0) {
    return `significant at ${level} ${basis}: ${significant.map((c) => `${c.metric} (${c.variant} − ${c.baseline} = ${fmt(decidingTest(c).result!.difference)}, ${pClause(decidingTest(c).result!.pValue)})`).join("; ")}`;
  }
  if (tooSmall.length === comparisons.length) return `sample too small to conclude ${basis}: ${decidingTest(tooSmall[0]!).tooSmall}`;
  const small = tooSmall.length > 0 ? `; too small to test: ${tooSmall.map((c) => c.metric).join(", ")}` : "";
  return `no significant difference at ${level} ${basis}${small}`;
}

/** Decimals for a number shown alone: 0 from 100 up, 2 from 1 up, 4 below. */
function decimalsFor(value: number): number {
  return Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4;
}

export function fmt(value: number): string {
  return value.toFixed(decimalsFor(value));
}

/**
 * A confidence interval: both bounds with the same decimals, the finer of what each would get
 * alone, so `[-144.00, -61.41]` rather than `[-144, -61.41]`, and no bound loses a digit (a bound
 * near zero keeps showing which side of zero it is on). Negative numbers use "-", as everywhere else
 * in the report.
 */
export function fmtInterval(low: number, high: number): string {
  const decimals = Math.max(decimalsFor(low), decimalsFor(high));
  return `[${low.toFixed(decimals)}, ${high.toFixed(decimals)}]`;
}

/** A p-value on its own (a table's p-value column): `0.0123` or `<0.0001`. */
export function fmtP(p: number): string {
  return p < 0.0001 ? "<0.0001" : p.toFixed(4);
}

/** A p-value in a sentence: `p = 0.0123` or `p < 0.0001` (never "p = <0.0001"). */
export function pClause(p: number): string {
  return p < 0.0001 ? "p < 0.0001" : `p = ${p.toFixed(4)}`;
}
