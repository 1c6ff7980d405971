// jstat ships no type declarations; this declares only the part of its API rollout uses.
declare module "jstat" {
  interface ContinuousDistribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const jStat: {
    normal: ContinuousDistribution;
    studentt: ContinuousDistribution;
    ztest(zscore: number, sides: 1 | 2): number;
    fn: {
      /** Two-sided p-value of the pooled two-proportion z-test. */
      twoSidedDifferenceOfProportions(p1: number, n1: number, p2: number, n2: number): number;
    };
  };
}
