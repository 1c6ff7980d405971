import { isFailure, type RequestRecord } from "../metrics/records";
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
  // A 4xx the canary statistics call "the caller's fault" (401 without a key, 404 for a wrong
  // route) means the slot itself was never exercised: that is not a passing smoke test.
  const refused = records.filter((r) => r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429);
  if (refused.length > 0) {
    const statuses = [...new Set(refused.map((r) => r.status))].sort().join(", ");
    const hint = refused.some((r) => r.status === 401 || r.status === 403) ? "; pass the gateway's credentials (e.g. --api-key-env with its subscription key)" : "";
    return { passed: false, summary, successRate, reason: `the slot was not tested: ${refused.length} of ${summary.requests} smoke requests were refused with ${statuses}${hint}` };
  }
  if (successRate < criteria.minSuccessRate) return { passed: false, summary, successRate, reason: `success rate too low: ${numbers}${failureBreakdown(records)}` };
  if (p95 === undefined || p95 > criteria.maxP95Ms) return { passed: false, summary, successRate, reason: `too slow: ${numbers}` };
  return { passed: true, summary, successRate, reason: numbers };
}

/**
 * What the failed smoke requests were answered with (`; failed: 12 × 429, 3 × 503`), so a verdict
 * says why. Every smoke request comes from one caller, so 429s may be the gateway's own per-caller
 * token limit rather than the slot: the hint names it.
 */
function failureBreakdown(records: readonly RequestRecord[]): string {
  const counts = new Map<number, number>();
  for (const r of records) if (isFailure(r)) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  if (counts.size === 0) return "";
  const parts = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([status, n]) => `${n} × ${status === 0 ? "no response" : status}`);
  const hint = counts.has(429)
    ? " (429: throttled by the slot's deployments, or by the gateway's per-caller limits in aoai-fleet:gateway.limits, which every smoke request counts against as one caller: send fewer --requests)"
    : "";
  return `; failed: ${parts.join(", ")}${hint}`;
}
