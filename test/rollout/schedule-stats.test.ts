import { jStat } from "jstat";
import { describe, expect, it } from "vitest";
import { nextStep, parseSchedule } from "../../rollout/canary/schedule";
import { twoProportionZTest, welchTTest } from "../../rollout/stats/tests";

describe("canary schedule", () => {
  it("parses and steps", () => {
    expect(parseSchedule("5, 25,50,100")).toEqual([5, 25, 50, 100]);
    expect(nextStep([5, 25, 50, 100], 5)).toBe(25);
    expect(nextStep([5, 25, 50, 100], 30)).toBe(50);
    expect(nextStep([5, 25, 50, 100], 100)).toBe(100);
  });

  it("rejects schedules with one clear error", () => {
    const fix = "use whole percents, strictly increasing, ending at 100, e.g. --schedule 5,25,50,100";
    expect(() => parseSchedule("5,25,50")).toThrow(`--schedule: last step is 50, not 100; ${fix}`);
    expect(() => parseSchedule("5,5,100")).toThrow(`--schedule: 5 does not increase on 5; ${fix}`);
    expect(() => parseSchedule("0,100")).toThrow(`--schedule: "0" is not a whole percent between 1 and 100; ${fix}`);
    expect(() => parseSchedule("2.5,100")).toThrow(`--schedule: "2.5" is not a whole percent between 1 and 100; ${fix}`);
    expect(() => parseSchedule("5,,100")).toThrow(`--schedule: "" is not a whole percent between 1 and 100; ${fix}`);
  });
});

describe("statistical tests (distributions from jStat)", () => {
  it("two-proportion z-test matches the textbook computation", () => {
    // 45/100 vs 60/100: pooled p = 0.525, SE = sqrt(0.525 × 0.475 × 0.02) = 0.0706222, z = 2.12398.
    const r = twoProportionZTest(45, 100, 60, 100);
    expect(r.difference).toBeCloseTo(0.15, 12);
    expect(r.statistic).toBeCloseTo(2.12398, 4);
    expect(r.pValue).toBeCloseTo(0.03367, 4);
    // Wald interval: 0.15 ± 1.959964 × sqrt(0.45·0.55/100 + 0.6·0.4/100) = 0.15 ± 1.959964 × 0.0698212 = 0.15 ± 0.136847.
    expect(r.ciLow).toBeCloseTo(0.013153, 5);
    expect(r.ciHigh).toBeCloseTo(0.286847, 5);
  });

  it("identical all-success arms have p = 1", () => {
    expect(twoProportionZTest(100, 100, 50, 50)).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it("takes the p-value from its own z, so a 0% or 100% arm is a result, not a crash", () => {
    // 196/200 vs 0/200: pooled p = 0.49, SE = sqrt(0.49 × 0.51 × 0.01) = 0.0499900, z = -0.98 / SE = -19.6040.
    const r = twoProportionZTest(196, 200, 0, 200);
    expect(r.statistic).toBeCloseTo(-19.604, 3);
    expect(r.pValue).toBe(2 * (1 - jStat.normal.cdf(Math.abs(r.statistic), 0, 1)));
    expect(r.pValue).toBeLessThan(1e-12);
    // 45/100 vs 60/100 again: the same z gives the same p as the normal tail.
    const mid = twoProportionZTest(45, 100, 60, 100);
    expect(mid.pValue).toBeCloseTo(2 * (1 - jStat.normal.cdf(mid.statistic, 0, 1)), 12);
    // 0% vs 100%: pooled 0.5, SE = sqrt(0.25 × 0.02), z = 1 / SE = sqrt(200).
    const extreme = twoProportionZTest(0, 100, 100, 100);
    expect(extreme.difference).toBe(1);
    expect(extreme.statistic).toBeCloseTo(Math.sqrt(200), 10);
  });

  it("Welch's t-test reproduces the textbook example (t ≈ 2.46, df ≈ 25, p ≈ 0.021)", () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a, b);
    expect(r.statistic).toBeCloseTo(2.46, 2);
    expect(r.degreesOfFreedom).toBeCloseTo(24.99, 1);
    expect(r.pValue).toBeCloseTo(0.021, 3);
    expect(r.ciLow).toBeGreaterThan(0);
    expect(r.ciLow + r.ciHigh).toBeCloseTo(2 * r.difference, 10);
  });

  it("refuses samples too small to have a variance", () => {
    expect(() => welchTTest([1], [1, 2])).toThrow("Welch's t-test needs at least 2 values per side (got 1 and 2)");
  });
});
