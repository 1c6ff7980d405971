// APIM backend entities as the emulator sees them: Single backends with an optional circuit
// breaker rule, and load-balanced pools of Singles with priority tiers and weights. Selection and
// breaker semantics follow the reference sheet's §4.2–§4.4 (apim-policies.md).
import type { Rng } from "../rng";
import { TimestampWindow } from "./timestamps";

export interface StatusCodeRange {
  min: number;
  max: number;
}

export interface CircuitBreakerRule {
  /** Rule name (APIM allows one rule per backend). */
  name: string;
  /** Trip when this many failures fall inside the interval. */
  count?: number;
  /** Or trip when this percent of the calls inside the interval failed. */
  percentage?: number;
  /** Window for counting failures, ms (sliding). */
  intervalMs: number;
  /** Response codes that count as failures. */
  statusCodeRanges: StatusCodeRange[];
  /** Gateway error reasons (transport failures) that count as failures, e.g. BackendConnectionFailure. */
  errorReasons: string[];
  /** How long the circuit stays open, ms. */
  tripDurationMs: number;
  /** Use the failing response's Retry-After as the trip duration when present. */
  acceptRetryAfter: boolean;
}

export interface SingleBackend {
  type: "Single";
  /** Base URL requests are forwarded to. */
  url: string;
  circuitBreaker?: CircuitBreakerRule;
}

export interface PoolMember {
  /** Id of a Single backend. */
  id: string;
  /** Lower is preferred; absent counts as the same tier as every other absent priority. */
  priority?: number;
  /** Relative share inside the tier; absent means equal shares. */
  weight?: number;
}

export interface PoolBackend {
  type: "Pool";
  members: PoolMember[];
}

export type BackendEntity = SingleBackend | PoolBackend;

/** How a pool picks inside a priority tier (APIM does not document it; both are offered). */
export type WeightedChoice = "random" | "smooth-round-robin";

export class BackendConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendConfigError";
  }
}

interface BreakerState {
  failures: TimestampWindow;
  calls: TimestampWindow;
  openUntil: number;
  trips: number;
}

export type Selection = { ok: true; id: string; url: string } | { ok: false; retryAfterMs: number; reason: string };

export interface CallOutcome {
  status?: number;
  retryAfterSeconds?: number;
  transportReason?: string;
}

export interface BreakerEvent {
  backendId: string;
  at: number;
  kind: "trip" | "reset";
  openUntil: number;
}

export class BackendRegistry {
  private readonly breakers = new Map<string, BreakerState>();
  private readonly swrr = new Map<string, number>();
  /** Every breaker trip and reset, in time order (for reports). */
  readonly events: BreakerEvent[] = [];

  constructor(
    readonly entities: ReadonlyMap<string, BackendEntity>,
    private readonly rng: Rng,
    private readonly choice: WeightedChoice = "random",
  ) {
    for (const [id, e] of entities) {
      if (e.type !== "Pool") continue;
      if (e.members.length === 0 || e.members.length > 30) throw new BackendConfigError(`Backend pool "${id}" has ${e.members.length} members; APIM allows 1–30.`);
      for (const m of e.members) {
        const target = entities.get(m.id);
        if (!target) throw new BackendConfigError(`Backend pool "${id}" names member "${m.id}", which is not a defined backend.`);
        if (target.type !== "Single") throw new BackendConfigError(`Backend pool "${id}" names pool "${m.id}" as a member; APIM pools cannot be nested.`);
        for (const [field, v] of [["priority", m.priority], ["weight", m.weight]] as const) {
          if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 100)) throw new BackendConfigError(`Backend pool "${id}" member "${m.id}" has ${field} ${v}; allowed: integers 0–100.`);
        }
      }
    }
  }

  has(id: string): boolean {
    return this.entities.has(id);
  }

  isOpen(id: string, now: number): boolean {
    const b = this.breakers.get(id);
    if (!b || b.openUntil === 0) return false;
    if (now < b.openUntil) return true;
    // The trip has ended: the circuit closes and counting starts afresh (no half-open state is documented).
    this.events.push({ backendId: id, at: b.openUntil, kind: "reset", openUntil: b.openUntil });
    b.openUntil = 0;
    b.failures.clear();
    b.calls.clear();
    return false;
  }

  /** Resolves a backend-id to the Single backend to call now, or why none can be called. */
  select(id: string, now: number): Selection {
    const entity = this.entities.get(id);
    if (!entity) throw new BackendConfigError(`set-backend-service names backend-id "${id}", which is not a defined backend.`);
    if (entity.type === "Single") {
      if (this.isOpen(id, now)) return { ok: false, retryAfterMs: this.breakers.get(id)!.openUntil - now, reason: `Backend "${id}" circuit breaker is open` };
      return { ok: true, id, url: entity.url };
    }
    const healthy = entity.members.filter((m) => !this.isOpen(m.id, now));
    if (healthy.length === 0) {
      const reopen = Math.min(...entity.members.map((m) => this.breakers.get(m.id)?.openUntil ?? now));
      return { ok: false, retryAfterMs: Math.max(0, reopen - now), reason: `Backend pool "${id}" is temporarily unavailable: every member's circuit breaker is open` };
    }
    const tierOf = (m: PoolMember): number => m.priority ?? Number.MAX_SAFE_INTEGER;
    const best = Math.min(...healthy.map(tierOf));
    const tier = healthy.filter((m) => tierOf(m) === best);
    const chosen = this.pickWeighted(id, best, tier);
    return { ok: true, id: chosen.id, url: (this.entities.get(chosen.id) as SingleBackend).url };
  }

  private pickWeighted(poolId: string, tierKey: number, tier: PoolMember[]): PoolMember {
    const anyWeight = tier.some((m) => (m.weight ?? 0) > 0);
    const weightOf = (m: PoolMember): number => (anyWeight ? (m.weight ?? 0) : 1);
    const total = tier.reduce((s, m) => s + weightOf(m), 0);
    if (this.choice === "random") {
      let r = this.rng.float() * total;
      for (const m of tier) {
        r -= weightOf(m);
        if (r < 0) return m;
      }
      return tier[tier.length - 1]!;
    }
    // Smooth weighted round-robin (nginx): add each weight to its running score, pick the highest,
    // subtract the total from the winner. Gives an even interleaving that tracks the weights exactly.
    let winner = tier[0]!;
    let winnerScore = Number.NEGATIVE_INFINITY;
    for (const m of tier) {
      const key = `${poolId}|${tierKey}|${m.id}`;
      const score = (this.swrr.get(key) ?? 0) + weightOf(m);
      this.swrr.set(key, score);
      if (score > winnerScore) {
        winner = m;
        winnerScore = score;
      }
    }
    const wKey = `${poolId}|${tierKey}|${winner.id}`;
    this.swrr.set(wKey, winnerScore - total);
    return winner;
  }

  /** Records a call's outcome against a Single backend's breaker; trips it when the rule says so. */
  record(id: string, now: number, outcome: CallOutcome): void {
    const entity = this.entities.get(id);
    if (!entity || entity.type !== "Single" || !entity.circuitBreaker) return;
    const rule = entity.circuitBreaker;
    const b = this.breakers.get(id) ?? { failures: new TimestampWindow(), calls: new TimestampWindow(), openUntil: 0, trips: 0 };
    this.breakers.set(id, b);
    if (this.isOpen(id, now)) return;
    const failed =
      (outcome.status !== undefined && rule.statusCodeRanges.some((r) => outcome.status! >= r.min && outcome.status! <= r.max)) ||
      (outcome.transportReason !== undefined && rule.errorReasons.includes(outcome.transportReason));
    const since = now - rule.intervalMs;
    b.calls.expire(since);
    b.failures.expire(since);
    b.calls.push(now);
    if (!failed) return;
    b.failures.push(now);
    const byCount = rule.count !== undefined && b.failures.size >= rule.count;
    const byPercent = rule.percentage !== undefined && (100 * b.failures.size) / b.calls.size >= rule.percentage;
    if (!byCount && !byPercent) return;
    const duration = rule.acceptRetryAfter && outcome.retryAfterSeconds !== undefined && outcome.retryAfterSeconds > 0 ? outcome.retryAfterSeconds * 1000 : rule.tripDurationMs;
    b.openUntil = now + duration;
    b.trips++;
    this.events.push({ backendId: id, at: now, kind: "trip", openUntil: b.openUntil });
  }
}
