import { describe, expect, it } from "vitest";
import { BackendConfigError, BackendRegistry, type BackendEntity, type CircuitBreakerRule } from "../../simulator/emulator/backends";
import { Rng } from "../../simulator/rng";

const rule: CircuitBreakerRule = {
  name: "throttle",
  count: 3,
  intervalMs: 60_000,
  statusCodeRanges: [{ min: 429, max: 429 }, { min: 500, max: 599 }],
  errorReasons: ["BackendConnectionFailure"],
  tripDurationMs: 30_000,
  acceptRetryAfter: true,
};

function registry(choice: "random" | "smooth-round-robin" = "random"): BackendRegistry {
  const entities = new Map<string, BackendEntity>([
    ["ptu", { type: "Single", url: "https://ptu.example/openai", circuitBreaker: { ...rule, count: 1 } }],
    ["east", { type: "Single", url: "https://east.example/openai", circuitBreaker: rule }],
    ["west", { type: "Single", url: "https://west.example/openai", circuitBreaker: rule }],
    ["pool", { type: "Pool", members: [{ id: "ptu", priority: 1 }, { id: "east", priority: 2, weight: 75 }, { id: "west", priority: 2, weight: 25 }] }],
  ]);
  return new BackendRegistry(entities, new Rng(7), choice);
}

describe("backend pools", () => {
  it("sends everything to the best priority tier while it is healthy", () => {
    const r = registry();
    const picks = new Set(Array.from({ length: 100 }, (_, i) => (r.select("pool", i) as { id: string }).id));
    expect([...picks]).toEqual(["ptu"]);
  });

  it("spills to the next tier only once every member above has tripped, and splits it by weight", () => {
    const r = registry();
    r.record("ptu", 0, { status: 429, retryAfterSeconds: 20 });
    const counts = { east: 0, west: 0 } as Record<string, number>;
    for (let i = 0; i < 10_000; i++) counts[(r.select("pool", 1000) as { id: string }).id]! += 1;
    expect(counts.east! / 10_000).toBeCloseTo(0.75, 1);
    expect(counts.west! + counts.east!).toBe(10_000);
  });

  it("smooth round-robin tracks the weights exactly over a full cycle", () => {
    const r = registry("smooth-round-robin");
    r.record("ptu", 0, { status: 503 });
    const seq = Array.from({ length: 8 }, () => (r.select("pool", 10) as { id: string }).id);
    expect(seq.filter((x) => x === "east")).toHaveLength(6);
    expect(seq.filter((x) => x === "west")).toHaveLength(2);
  });

  it("answers unavailable (the gateway's 503) when every member is tripped, with the earliest reopen time", () => {
    const r = registry();
    r.record("ptu", 0, { status: 429, retryAfterSeconds: 60 });
    for (const id of ["east", "west"]) for (let i = 0; i < 3; i++) r.record(id, 1000 + i, { transportReason: "BackendConnectionFailure" });
    expect(r.select("pool", 5000)).toEqual({
      ok: false,
      retryAfterMs: 26_002,
      reason: 'Backend pool "pool" is temporarily unavailable: every member\'s circuit breaker is open',
    });
  });

  it("rejects nested pools, unknown members and out-of-range weights", () => {
    const bad = (members: BackendEntity) => () => new BackendRegistry(new Map<string, BackendEntity>([["a", { type: "Single", url: "u" }], ["p", { type: "Pool", members: [{ id: "a" }] }], ["q", members]]), new Rng(1));
    expect(bad({ type: "Pool", members: [{ id: "p" }] })).toThrow(new BackendConfigError('Backend pool "q" names pool "p" as a member; APIM pools cannot be nested.'));
    expect(bad({ type: "Pool", members: [{ id: "zz" }] })).toThrow('Backend pool "q" names member "zz", which is not a defined backend.');
    expect(bad({ type: "Pool", members: [{ id: "a", weight: 101 }] })).toThrow('Backend pool "q" member "a" has weight 101; allowed: integers 0–100.');
  });
});

describe("circuit breaker", () => {
  it("trips when the failure count inside the interval reaches the rule's count, not before", () => {
    const r = registry();
    r.record("east", 0, { status: 500 });
    r.record("east", 10_000, { status: 200 });
    r.record("east", 20_000, { status: 429 });
    expect(r.isOpen("east", 20_001)).toBe(false);
    r.record("east", 30_000, { status: 503 });
    expect(r.isOpen("east", 30_001)).toBe(true);
  });

  it("forgets failures older than the interval", () => {
    const r = registry();
    r.record("east", 0, { status: 500 });
    r.record("east", 1, { status: 500 });
    r.record("east", 61_000, { status: 500 });
    expect(r.isOpen("east", 61_001)).toBe(false);
  });

  it("stays open for the trip duration, then closes by itself", () => {
    const r = registry();
    for (let i = 0; i < 3; i++) r.record("east", i, { status: 500 });
    expect(r.select("east", 30_001)).toMatchObject({ ok: false, retryAfterMs: 1 });
    expect(r.select("east", 30_002)).toEqual({ ok: true, id: "east", url: "https://east.example/openai" });
    expect(r.events.map((e) => `${e.kind}@${e.at}`)).toEqual(["trip@2", "reset@30002"]);
  });

  it("uses Retry-After as the trip duration when acceptRetryAfter is set, the rule's duration otherwise", () => {
    const r = registry();
    r.record("ptu", 0, { status: 429, retryAfterSeconds: 90 });
    expect(r.isOpen("ptu", 89_999)).toBe(true);
    expect(r.isOpen("ptu", 90_000)).toBe(false);
    const noRa = new BackendRegistry(new Map<string, BackendEntity>([["x", { type: "Single", url: "u", circuitBreaker: { ...rule, count: 1, acceptRetryAfter: false } }]]), new Rng(1));
    noRa.record("x", 0, { status: 429, retryAfterSeconds: 90 });
    expect(noRa.isOpen("x", 29_999)).toBe(true);
    expect(noRa.isOpen("x", 30_000)).toBe(false);
  });

  it("ignores statuses outside the rule's ranges and backends without a rule", () => {
    const r = registry();
    for (let i = 0; i < 10; i++) r.record("east", i, { status: 400 });
    expect(r.isOpen("east", 11)).toBe(false);
    const plain = new BackendRegistry(new Map<string, BackendEntity>([["x", { type: "Single", url: "u" }]]), new Rng(1));
    for (let i = 0; i < 10; i++) plain.record("x", i, { status: 429 });
    expect(plain.select("x", 11)).toEqual({ ok: true, id: "x", url: "u" });
  });

  it("trips on a failure percentage inside the interval", () => {
    const entities = new Map<string, BackendEntity>([["x", { type: "Single", url: "u", circuitBreaker: { ...rule, count: undefined, percentage: 50 } }]]);
    const r = new BackendRegistry(entities, new Rng(1));
    r.record("x", 0, { status: 200 });
    r.record("x", 1, { status: 200 });
    r.record("x", 2, { status: 500 });
    expect(r.isOpen("x", 3)).toBe(false);
    r.record("x", 3, { status: 500 });
    expect(r.isOpen("x", 4)).toBe(true);
  });
});
