import type { ArmSummary } from "../stats/summary";

/** Guard rails for `canary evaluate`; every comparison is documented at its boundary. */
export interface CanaryPolicy {
  /** Roll back when canary error rate − stable error rate is strictly greater than this many percentage points. */
  maxErrorRateIncreasePoints: number;
  /** Roll back when canary p95 / stable p95 is strictly greater than this ratio. */
  maxP95LatencyRatio: number;
  /** No decision until each side has at least this many requests in the window. */
  minSamplesPerSide: number;
}

export const defaultCanaryPolicy: CanaryPolicy = {
  maxErrorRateIncreasePoints: 2,
  maxP95LatencyRatio: 1.5,
  minSamplesPerSide: 200,
};

export type CanaryVerdict = "promote" | "hold" | "rollback";

export interface CanaryDecision {
  verdict: CanaryVerdict;
  /** One sentence with the numbers that drove the verdict. */
  reason: string;
  /** canary − stable error rate, in percentage points. */
  errorRateDeltaPoints: number;
  /** canary p95 / stable p95, undefined when either side has no successful request. */
  p95Ratio: number | undefined;
}

/**
 * Pure verdict from one window of stable vs canary aggregates.
 * - either side below the minimum sample → hold (never decide on noise, not even to roll back);
 * - error-rate delta > threshold, or p95 ratio > threshold → rollback (error rate checked first);
 * - otherwise → promote (advance to the next step of the schedule).
 */
export function decideCanary(stable: ArmSummary, canary: ArmSummary, policy: CanaryPolicy): CanaryDecision {
  const errorRateDeltaPoints = roundPoints((canary.errorRate - stable.errorRate) * 100);
  const p95Ratio =
    canary.latencyP95Ms !== undefined && stable.latencyP95Ms !== undefined && stable.latencyP95Ms > 0
      ? canary.latencyP95Ms / stable.latencyP95Ms
      : undefined;
  const base = { errorRateDeltaPoints, p95Ratio };
  const min = policy.minSamplesPerSide;
  if (stable.requests < min || canary.requests < min) {
    return {
      ...base,
      verdict: "hold",
      reason: `not enough samples: stable ${stable.requests}, canary ${canary.requests} requests; need ${min} on each side`,
    };
  }
  const errors = `canary error rate ${pct(canary.errorRate)} vs stable ${pct(stable.errorRate)}`;
  if (errorRateDeltaPoints > policy.maxErrorRateIncreasePoints) {
    // The rates get the points' digits, so the two rates visibly differ by the points shown.
    const d = decimalsAgainst(errorRateDeltaPoints, policy.maxErrorRateIncreasePoints, true);
    return {
      ...base,
      verdict: "rollback",
      reason: `canary error rate ${pct(canary.errorRate, d)} vs stable ${pct(stable.errorRate, d)} (+${errorRateDeltaPoints.toFixed(d)} points > ${policy.maxErrorRateIncreasePoints} allowed)`,
    };
  }
  if (p95Ratio === undefined) {
    // Enough requests but no success at all on one side: the error-rate rule above catches a
    // failing canary; a failing stable side leaves nothing to compare latency with.
    return { ...base, verdict: "hold", reason: `${errors}; no successful request on one side to compare p95 latency` };
  }
  const over = p95Ratio > policy.maxP95LatencyRatio;
  const latency = `canary p95 ${ms(canary.latencyP95Ms)} vs stable ${ms(stable.latencyP95Ms)} (×${p95Ratio.toFixed(decimalsAgainst(p95Ratio, policy.maxP95LatencyRatio, over))})`;
  if (over) {
    return { ...base, verdict: "rollback", reason: `${latency} > ×${policy.maxP95LatencyRatio} allowed` };
  }
  return {
    ...base,
    verdict: "promote",
    reason: `${errors} (${sign(errorRateDeltaPoints)} points ≤ ${policy.maxErrorRateIncreasePoints}); ${latency} ≤ ×${policy.maxP95LatencyRatio}`,
  };
}

/**
 * Decimals to print `value` with: two, or more when two would hide the comparison printed next to
 * it: a ratio of 1.024 over a limit of 1.02 shows as 1.024 (not "1.02 > 1.02"). `over` is the real
 * comparison's result (value > limit); the digits grow until the shown number agrees with it.
 */
export function decimalsAgainst(value: number, limit: number, over: boolean): number {
  let decimals = 2;
  // 17 significant digits identify any double, so 20 decimals always show the real relation.
  while (decimals < 20 && Number(value.toFixed(decimals)) > limit !== over) decimals++;
  return decimals;
}

/** Percentage points rounded to 1e-9 so 7.000000000000001 − 2 compares as the 5 a human reads. */
function roundPoints(points: number): number {
  return Math.round(points * 1e9) / 1e9;
}

function pct(rate: number, decimals = 2): string {
  return `${(rate * 100).toFixed(decimals)}%`;
}

function ms(value: number | undefined): string {
  return value === undefined ? "n/a" : `${Math.round(value)} ms`;
}

function sign(points: number): string {
  return `${points >= 0 ? "+" : ""}${points.toFixed(2)}`;
}
