// Time for the emulator and the simulated deployments. The same async code runs on a real clock
// (the HTTP gateway) and on a virtual clock (the discrete-event simulator), where `sleep` parks the
// caller on an event queue and the run loop jumps straight to the next event.
import { setImmediate as drainMicrotasks } from "node:timers/promises";

export interface Clock {
  /** Milliseconds since the clock started. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
  /** The Unix time (ms) this clock's 0 stands for; absent: VIRTUAL_EPOCH_UNIX_MS. */
  readonly epochUnixMs?: number;
}

/** What a virtual clock's 0 stands for: 2025-12-01T00:00:00Z, fixed so simulated runs reproduce. */
export const VIRTUAL_EPOCH_UNIX_MS = 1_764_547_200_000;
/** Milliseconds from 0001-01-01 to 1970-01-01: .NET's `DateTime.UtcNow.Ticks / 10000` at the Unix epoch. */
export const DOTNET_MS_AT_UNIX_EPOCH = 62_135_596_800_000;

/** The clock's current Unix time in ms. */
export const unixMsOf = (clock: Clock): number => (clock.epochUnixMs ?? VIRTUAL_EPOCH_UNIX_MS) + clock.now();

export class RealClock implements Clock {
  private readonly origin = performance.now();
  /** The wall clock when this clock started: what the local gateway's answers and policy expressions see. */
  readonly epochUnixMs = Date.now();
  now(): number {
    return performance.now() - this.origin;
  }
  sleep(ms: number): Promise<void> {
    // No timer for zero: setTimeout(0) costs about a millisecond, which would swamp overhead measurements.
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** A real clock that can be moved forward (tests: let a breaker's trip duration pass instantly). */
export class SkewableClock extends RealClock {
  private skew = 0;
  override now(): number {
    return super.now() + this.skew;
  }
  advance(ms: number): void {
    this.skew += ms;
  }
}

interface TimedEvent {
  at: number;
  seq: number;
  fire: () => void;
}

/** Binary min-heap ordered by (time, insertion order), so equal-time events keep FIFO order. */
class EventHeap {
  private readonly items: TimedEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): TimedEvent | undefined {
    return this.items[0];
  }
  push(e: TimedEvent): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): TimedEvent | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(x: TimedEvent, y: TimedEvent): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private readonly heap = new EventHeap();
  /** Events fired so far (for reports and runaway guards). */
  eventsFired = 0;

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(this.current + Math.max(0, ms), resolve));
  }

  /** Runs `fire` at virtual time `at` (never in the past). */
  schedule(at: number, fire: () => void): void {
    this.heap.push({ at: Math.max(at, this.current), seq: this.seq++, fire });
  }

  get pending(): number {
    return this.heap.size;
  }

  /**
   * Fires events in time order until the queue is empty or `maxEvents` have fired. After each
   * batch of same-time events the microtask queue is drained, so every async continuation woken at
   * time t runs (and schedules its own next event) before the clock moves past t.
   */
  async run(maxEvents = 50_000_000): Promise<void> {
    for (;;) {
      // Let every pending continuation run first: it may schedule the next event.
      await drainMicrotasks();
      const next = this.heap.peek();
      if (!next) return;
      const at = next.at;
      this.current = at;
      while (this.heap.size > 0 && this.heap.peek()!.at === at) {
        this.heap.pop()!.fire();
        if (++this.eventsFired > maxEvents) {
          throw new Error(`Simulation exceeded ${maxEvents} events at t=${Math.round(at)} ms; the scenario or policy loops without bound.`);
        }
      }
    }
  }
}
