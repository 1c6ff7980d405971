import type { RequestRecord } from "../metrics/records";
import { summarize, type ArmSummary } from "../stats/summary";

/** Sends smoke requests to one blue-green slot, bypassing the active-slot choice. */
export interface SmokeTarget {
  readonly description: string;
  send(route: string, slot: "blue" | "green", requests: number): Promise<RequestRecord[]>;
}

/** Pass criteria of a smoke test. */
export interface SmokeCriteria {
  /** Number of requests to send. */
  requests: number;
  /** Minimum share of successful requests (0–1); equal passes. */
  minSuccessRate: number;
  /** Maximum p95 latency of successful requests, ms; equal passes. */
  maxP95Ms: number;
}

export const defaultSmokeCriteria: SmokeCriteria = { requests: 50, minSuccessRate: 0.98, maxP95Ms: 10_000 };

export interface SmokeVerdict {
  passed: boolean;
  summary: ArmSummary;
  successRate: number;
  reason: string;
}

/** Pure verdict: success rate and p95 latency against the criteria. */
export function judgeSmoke(records: readonly RequestRecord[], criteria: SmokeCriteria): SmokeVerdict {
  const summary = summarize(records);
  const successRate = summary.requests === 0 ? 0 : 1 - summary.errorRate;
  const p95 = summary.latencyP95Ms;
  const numbers = `${summary.requests - summary.failures}/${summary.requests} succeeded (${(successRate * 100).toFixed(1)}%, need ≥ ${(criteria.minSuccessRate * 100).toFixed(1)}%), p95 ${p95 === undefined ? "n/a" : `${Math.round(p95)} ms`} (need ≤ ${criteria.maxP95Ms} ms)`;
  if (summary.requests === 0) return { passed: false, summary, successRate, reason: "no smoke request got an answer" };
  if (successRate < criteria.minSuccessRate) return { passed: false, summary, successRate, reason: `success rate too low: ${numbers}` };
  if (p95 === undefined || p95 > criteria.maxP95Ms) return { passed: false, summary, successRate, reason: `too slow: ${numbers}` };
  return { passed: true, summary, successRate, reason: numbers };
}
