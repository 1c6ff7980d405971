// Azure's two rate limits for a standard deployment, as its `rateLimits` report them: requests
// in 10-second buckets and tokens in 60-second buckets (reference sheet §2.1, §7.1). Buckets are
// tumbling windows with a per-deployment phase, so deployments do not all reset in lock-step.

export class TumblingCounter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(
    readonly lengthMs: number,
    private readonly phaseMs: number,
  ) {}

  private roll(t: number): void {
    const start = Math.floor((t - this.phaseMs) / this.lengthMs) * this.lengthMs + this.phaseMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
  }

  usedAt(t: number): number {
    this.roll(t);
    return this.used;
  }

  add(t: number, amount: number): void {
    this.roll(t);
    this.used += amount;
  }

  /** Milliseconds from `t` until this window resets. */
  msToReset(t: number): number {
    this.roll(t);
    return this.windowStart + this.lengthMs - t;
  }
}
