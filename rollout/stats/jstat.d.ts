// jstat ships no type declarations; this declares only the part of its API rollout uses.
declare module "jstat" {
  interface ContinuousDistribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const jStat: {
    normal: ContinuousDistribution;
    studentt: ContinuousDistribution;
    /** p-value of a z score: the normal tail beyond |z|, doubled when `sides` is 2. */
    ztest(zscore: number, sides: 1 | 2): number;
  };
}
