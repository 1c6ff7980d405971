import { describe, expect, it } from "vitest";
import { decideCanary, type CanaryPolicy } from "../../rollout/canary/decision";
import type { ArmSummary } from "../../rollout/stats/summary";

const policy: CanaryPolicy = { maxErrorRateIncreasePoints: 2, maxP95LatencyRatio: 1.5, minSamplesPerSide: 1000 };

/** `p95: null` means no successful request (no latency at all). */
function arm(requests: number, failures: number, p95: number | null = 1000): ArmSummary {
  return {
    requests,
    failures,
    errorRate: requests === 0 ? 0 : failures / requests,
    latencyP50Ms: p95 === null ? undefined : p95 / 2,
    latencyP95Ms: p95 === null ? undefined : p95,
    latencyMeanMs: p95 === null ? undefined : p95 / 2,
    promptTokens: 0,
    completionTokens: 0,
  };
}

describe("decideCanary boundaries", () => {
  it("error-rate delta exactly at the threshold promotes (rollback needs strictly more)", () => {
    // 3% − 1% computes as 2.0000000000000004 points in floating point; it must read as 2.
    const d = decideCanary(arm(1000, 10), arm(1000, 30), policy);
    expect(d.errorRateDeltaPoints).toBe(2);
    expect(d.verdict).toBe("promote");
    expect(d.reason).toBe("canary error rate 3.00% vs stable 1.00% (+2.00 points ≤ 2); canary p95 1000 ms vs stable 1000 ms (×1.00) ≤ ×1.5");
  });

  it("one more failure above the threshold rolls back", () => {
    const d = decideCanary(arm(1000, 10), arm(1000, 31), policy);
    expect(d.verdict).toBe("rollback");
    expect(d.reason).toBe("canary error rate 3.10% vs stable 1.00% (+2.10 points > 2 allowed)");
  });

  it("p95 ratio exactly at the limit promotes; just above rolls back", () => {
    expect(decideCanary(arm(1000, 0, 1000), arm(1000, 0, 1500), policy).verdict).toBe("promote");
    const d = decideCanary(arm(1000, 0, 1000), arm(1000, 0, 1501), policy);
    expect(d.verdict).toBe("rollback");
    // Two decimals would print "×1.50 > ×1.5": the shown ratio gets the digits that make it differ.
    expect(d.reason).toBe("canary p95 1501 ms vs stable 1000 ms (×1.501) > ×1.5 allowed");
  });

  it("a value just over its limit is printed with enough digits to differ from it; the comparison is unchanged (found by QA)", () => {
    // p95 ratio 1.024 against 1.02 printed as "×1.02 > ×1.02 allowed".
    const tight: CanaryPolicy = { ...policy, maxP95LatencyRatio: 1.02 };
    const slow = decideCanary(arm(1000, 0, 1000), arm(1000, 0, 1024), tight);
    expect(slow).toMatchObject({ verdict: "rollback", p95Ratio: 1.024, reason: "canary p95 1024 ms vs stable 1000 ms (×1.024) > ×1.02 allowed" });
    // At the limit it still promotes, with the usual two decimals.
    expect(decideCanary(arm(1000, 0, 1000), arm(1000, 0, 1020), tight).reason).toBe(
      "canary error rate 0.00% vs stable 0.00% (+0.00 points ≤ 2); canary p95 1020 ms vs stable 1000 ms (×1.02) ≤ ×1.02",
    );
    // Error points alike: 501 of 25,000 is +2.004 points, not "+2.00 points > 2 allowed".
    const errors = decideCanary(arm(1000, 0), arm(25_000, 501), policy);
    expect(errors).toMatchObject({ verdict: "rollback", reason: "canary error rate 2.004% vs stable 0.000% (+2.004 points > 2 allowed)" });
  });

  it("holds below the minimum sample on either side, and decides exactly at it", () => {
    const bad = (n: number): ArmSummary => arm(n, Math.round(n / 2));
    expect(decideCanary(arm(999, 0), bad(1000), policy)).toMatchObject({
      verdict: "hold",
      reason: "not enough samples: stable 999, canary 1000 requests; need 1000 on each side",
    });
    expect(decideCanary(arm(1000, 0), bad(998), policy).verdict).toBe("hold");
    expect(decideCanary(arm(1000, 0), bad(1000), policy).verdict).toBe("rollback");
  });

  it("a canary that never succeeds is rolled back on error rate, not held for missing latency", () => {
    expect(decideCanary(arm(1000, 0), arm(1000, 1000, null), policy).verdict).toBe("rollback");
  });

  it("holds when the stable side has no successful request to compare latency with", () => {
    const d = decideCanary(arm(1000, 1000, null), arm(1000, 0), policy);
    expect(d.verdict).toBe("hold");
    expect(d.reason).toBe("canary error rate 0.00% vs stable 100.00%; no successful request on one side to compare p95 latency");
  });

  it("a canary better than stable promotes", () => {
    expect(decideCanary(arm(1000, 50, 2000), arm(1000, 0, 900), policy).verdict).toBe("promote");
  });
});
