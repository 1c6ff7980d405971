import { jStat } from "jstat";
import * as ss from "simple-statistics";

/** Result of a two-sided hypothesis test on a difference between arm B and arm A (B − A). */
export interface DifferenceTest {
  /** Point estimate of B − A. */
  difference: number;
  /** Confidence interval of B − A at the requested level. */
  ciLow: number;
  ciHigh: number;
  /** Test statistic (z or t). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Welch–Satterthwaite degrees of freedom (t-test only). */
  degreesOfFreedom?: number;
}

/**
 * Two-proportion z-test (pooled standard error for the test) with a Wald interval on the difference
 * (unpooled standard error). The p-value is the two-sided normal tail of that z (jStat.ztest), so a
 * 0% or 100% arm is a valid input: only two arms with no variance at all (both 0% or both 100%)
 * have no standard error, and then there is no evidence of a difference (z = 0, p = 1).
 */
export function twoProportionZTest(
  successesA: number,
  nA: number,
  successesB: number,
  nB: number,
  confidence = 0.95,
): DifferenceTest {
  if (nA <= 0 || nB <= 0) throw new Error(`two-proportion z-test needs samples on both sides (got ${nA} and ${nB})`);
  const pA = successesA / nA;
  const pB = successesB / nB;
  const pooled = (successesA + successesB) / (nA + nB);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const difference = pB - pA;
  // Identical all-success or all-failure arms: no variance, no evidence of a difference.
  const statistic = pooledSe === 0 ? 0 : difference / pooledSe;
  const pValue = pooledSe === 0 ? 1 : jStat.ztest(statistic, 2);
  const se = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  const zCrit = jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);
  return { difference, ciLow: difference - zCrit * se, ciHigh: difference + zCrit * se, statistic, pValue };
}

/**
 * Welch's unequal-variance t-test on the means of two samples, with the Welch–Satterthwaite
 * degrees of freedom; the t distribution (cdf and quantile) comes from jStat.
 */
export function welchTTest(a: readonly number[], b: readonly number[], confidence = 0.95): DifferenceTest {
  if (a.length < 2 || b.length < 2) {
    throw new Error(`Welch's t-test needs at least 2 values per side (got ${a.length} and ${b.length})`);
  }
  const meanA = ss.mean([...a]);
  const meanB = ss.mean([...b]);
  const varA = ss.sampleVariance([...a]);
  const varB = ss.sampleVariance([...b]);
  const qA = varA / a.length;
  const qB = varB / b.length;
  const se = Math.sqrt(qA + qB);
  const difference = meanB - meanA;
  if (se === 0) {
    // No variance on either side (e.g. fixed token counts): any difference is certain, none is none.
    const statistic = difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
    return { difference, ciLow: difference, ciHigh: difference, statistic, pValue: difference === 0 ? 1 : 0, degreesOfFreedom: a.length + b.length - 2 };
  }
  const df = (qA + qB) ** 2 / (qA ** 2 / (a.length - 1) + qB ** 2 / (b.length - 1));
  const statistic = difference / se;
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(statistic), df)));
  const tCrit = jStat.studentt.inv(1 - (1 - confidence) / 2, df);
  return { difference, ciLow: difference - tCrit * se, ciHigh: difference + tCrit * se, statistic, pValue, degreesOfFreedom: df };
}
