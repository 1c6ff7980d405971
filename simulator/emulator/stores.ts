// Gateway-instance state shared by all requests: the internal cache, token-limit counters and
// rate-limit counters. All time comes from the emulator's clock.
import { TimestampWindow } from "./timestamps";

export class VolatileCache {
  private readonly entries = new Map<string, { value: string | number | boolean; expires: number }>();
  get(key: string, now: number): string | number | boolean | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now >= e.expires) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: string | number | boolean, durationMs: number, now: number): void {
    this.entries.set(key, { value, expires: now + durationMs });
  }
}

/** Per-key token counters in 60-s tumbling windows (azure-openai-token-limit's tokens-per-minute). */
export class TokenCounters {
  private readonly counters = new Map<string, { start: number; used: number }>();
  private window(key: string, now: number): { start: number; used: number } {
    const start = Math.floor(now / 60_000) * 60_000;
    let c = this.counters.get(key);
    if (!c || c.start !== start) {
      c = { start, used: 0 };
      this.counters.set(key, c);
    }
    return c;
  }
  used(key: string, now: number): number {
    return this.window(key, now).used;
  }
  add(key: string, tokens: number, now: number): void {
    this.window(key, now).used += tokens;
  }
  msToReset(now: number): number {
    return Math.floor(now / 60_000) * 60_000 + 60_000 - now;
  }
}

export type QuotaPeriod = "Hourly" | "Daily" | "Weekly" | "Monthly" | "Yearly";

/** Start (ms, UTC) of the fixed quota window holding `now`; weeks start on Monday 00:00 UTC. */
export function quotaWindowStart(period: QuotaPeriod, now: number): number {
  const d = new Date(now);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  switch (period) {
    case "Hourly":
      return Math.floor(now / 3_600_000) * 3_600_000;
    case "Daily":
      return Date.UTC(y, m, day);
    case "Weekly":
      return Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7));
    case "Monthly":
      return Date.UTC(y, m, 1);
    case "Yearly":
      return Date.UTC(y, 0, 1);
  }
}

/** Per-key token totals in fixed quota windows (token-quota / token-quota-period). */
export class QuotaCounters {
  private readonly counters = new Map<string, { start: number; used: number }>();
  private window(key: string, period: QuotaPeriod, now: number): { start: number; used: number } {
    const start = quotaWindowStart(period, now);
    let c = this.counters.get(key);
    if (!c || c.start !== start) {
      c = { start, used: 0 };
      this.counters.set(key, c);
    }
    return c;
  }
  used(key: string, period: QuotaPeriod, now: number): number {
    return this.window(key, period, now).used;
  }
  add(key: string, period: QuotaPeriod, tokens: number, now: number): void {
    this.window(key, period, now).used += tokens;
  }
}

/** Per-key call timestamps for rate-limit-by-key's sliding window. */
export class SlidingCounters {
  private readonly calls = new Map<string, TimestampWindow>();
  /** Records a call if it fits; returns ms until the oldest call leaves the window when it does not. */
  tryAdd(key: string, limit: number, windowMs: number, now: number, increment: boolean): { ok: true } | { ok: false; retryAfterMs: number } {
    let list = this.calls.get(key);
    if (!list) {
      list = new TimestampWindow();
      this.calls.set(key, list);
    }
    list.expire(now - windowMs);
    if (list.size >= limit) return { ok: false, retryAfterMs: list.oldest! + windowMs - now };
    if (increment) list.push(now);
    return { ok: true };
  }
}
