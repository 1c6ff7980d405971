// Azure's rate limits for simulated deployments (reference sheet azure-openai-models.md §2.1, §7).
//  - Standard-type deployments: a token limit over the last 60 s and a request limit over the last
//    10 s, both **sliding** windows, as Microsoft's own Azure OpenAI API simulator meters them
//    (microsoft/aoai-api-simulator `limiters.py`); a refused request gets Retry-After = the time until
//    it would fit (docs/simulator.md, "Rate limits and Retry-After").
//  - Provisioned deployments: a utilisation leaky bucket (§7.2).
// `TumblingCounter` is the fixed-window model this simulator used before; it stays for the
// side-by-side comparison (`npm run bench -- windows`), not for simulated deployments.

/** Sum of the amounts recorded in the last `lengthMs`; an entry at time s counts while t < s + length. */
export class SlidingWindow {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private total = 0;

  constructor(readonly lengthMs: number) {}

  private expire(t: number): void {
    const cutoff = t - this.lengthMs;
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) {
      this.total -= this.amounts[this.head]!;
      this.head++;
    }
    // Compact now and then so a long run does not keep every entry it ever saw.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
  }

  usedAt(t: number): number {
    this.expire(t);
    return this.total;
  }

  add(t: number, amount: number): void {
    this.expire(t);
    this.times.push(t);
    this.amounts.push(amount);
    this.total += amount;
  }

  /**
   * Milliseconds from `t` until `amount` more fits under `limit` if nothing else arrives: 0 when it
   * fits now; otherwise the time at which enough of the oldest entries have left the window;
   * Infinity when `amount` alone exceeds `limit` (it never fits).
   */
  msUntilFits(t: number, amount: number, limit: number): number {
    this.expire(t);
    if (this.total + amount <= limit) return 0;
    if (amount > limit) return Number.POSITIVE_INFINITY;
    let excess = this.total + amount - limit;
    for (let i = this.head; i < this.times.length; i++) {
      excess -= this.amounts[i]!;
      if (excess <= 0) return this.times[i]! + this.lengthMs - t;
    }
    return this.lengthMs;
  }
}

export interface Refusal {
  /** Time until the request would be admitted, ms (what retry-after-ms carries). */
  waitMs: number;
  /** Which limit refused it (the one that frees last). */
  limit: "token" | "call";
}

/**
 * A Standard-type deployment's two limits. A request is admitted when its token estimate fits the
 * last 60 s and one more request fits the last 10 s; only admitted requests are recorded (refusals
 * do not extend the windows, as in Microsoft's simulator). A request larger than the token limit
 * never fits: it is refused with the window length as its Retry-After.
 */
export class StandardLimiter {
  readonly tokens = new SlidingWindow(60_000);
  readonly requests = new SlidingWindow(10_000);

  admit(t: number, estimate: number, tokensPerMinute: number, requestsPer10s: number): Refusal | undefined {
    const callWait = this.requests.msUntilFits(t, 1, requestsPer10s);
    const tokenWait = this.tokens.msUntilFits(t, estimate, tokensPerMinute);
    if (callWait === 0 && tokenWait === 0) {
      this.requests.add(t, 1);
      this.tokens.add(t, estimate);
      return undefined;
    }
    if (!Number.isFinite(tokenWait)) return { waitMs: this.tokens.lengthMs, limit: "token" };
    if (!Number.isFinite(callWait)) return { waitMs: this.requests.lengthMs, limit: "call" };
    return callWait > tokenWait ? { waitMs: callWait, limit: "call" } : { waitMs: tokenWait, limit: "token" };
  }

  remaining(t: number, tokensPerMinute: number, requestsPer10s: number): { tokens: number; requests: number } {
    return { tokens: Math.max(0, tokensPerMinute - this.tokens.usedAt(t)), requests: Math.max(0, requestsPer10s - this.requests.usedAt(t)) };
  }
}

/** The earlier fixed-window model: a counter that resets every `lengthMs` from `phaseMs` (comparison only). */
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
  /** A moment whose level is kept when time first passes it (a run's end: see markAt). */
  private mark: number | undefined;
  private levelAtMark: number | undefined;

  constructor(private readonly tokensPerMinute: number) {}

  private drain(t: number, perMinute: number): void {
    if (this.mark !== undefined && this.levelAtMark === undefined && t > this.mark && this.last <= this.mark) {
      this.levelAtMark = Math.max(0, this.level - ((this.mark - this.last) * perMinute) / 60_000);
    }
    this.level = Math.max(0, this.level - ((t - this.last) * perMinute) / 60_000);
    this.last = t;
  }

  /**
   * Keep the level at `t` once time passes it: a run's end, read after the gateway has gone on
   * retrying requests that arrived before it (the bucket never moves back in time).
   */
  markAt(t: number): void {
    this.mark = t;
    this.levelAtMark = undefined;
  }

  /** Tokens in the bucket at the marked moment, without moving time; undefined when nothing is marked or time was already past it when marked. */
  tokensAtMark(): number | undefined {
    if (this.mark === undefined) return undefined;
    if (this.levelAtMark !== undefined) return this.levelAtMark;
    return this.last <= this.mark ? Math.max(0, this.level - ((this.mark - this.last) * this.tokensPerMinute) / 60_000) : undefined;
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

  /** Tokens still in the bucket at `t` (admitted but not yet drained); never moves time backwards. */
  tokensAt(t: number, perMinute = this.tokensPerMinute): number {
    this.drain(Math.max(t, this.last), perMinute);
    return this.level;
  }
}
