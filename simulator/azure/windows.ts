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

/**
 * A provisioned (PTU) deployment's utilisation (reference sheet §7.2): a leaky bucket that drains
 * continuously at the deployment's tokens-per-minute. 100% utilisation is one minute of throughput
 * in the bucket (our reading of "utilization reported per minute"). A request arriving above 100%
 * is refused with the time until utilisation is back below 100%; otherwise its estimate is added,
 * so short bursts just over 100% get through.
 */
export class LeakyBucket {
  private level = 0;
  private last = 0;

  constructor(private readonly tokensPerMinute: number) {}

  private drain(t: number, perMinute: number): void {
    this.level = Math.max(0, this.level - ((t - this.last) * perMinute) / 60_000);
    this.last = t;
  }

  /** Utilisation in [0, ∞) at `t` for a capacity of `perMinute` (scaled by capacity faults). */
  utilisation(t: number, perMinute = this.tokensPerMinute): number {
    this.drain(t, perMinute);
    return perMinute > 0 ? this.level / perMinute : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds until utilisation drops back to 100%. */
  msUntilBelowFull(t: number, perMinute = this.tokensPerMinute): number {
    this.drain(t, perMinute);
    return perMinute > 0 ? Math.max(0, ((this.level - perMinute) * 60_000) / perMinute) : Number.POSITIVE_INFINITY;
  }

  add(t: number, tokens: number, perMinute = this.tokensPerMinute): void {
    this.drain(t, perMinute);
    this.level += tokens;
  }
}
