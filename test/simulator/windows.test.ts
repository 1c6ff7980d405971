// Sliding-window limits against their spec (docs/simulator.md "Rate limits and Retry-After"):
// a request is admitted when its estimate fits the tokens charged in the last 60 s and one more
// request fits the last 10 s; Retry-After is the time until it would fit; refusals are not recorded.
import { describe, expect, it } from "vitest";
import { LeakyBucket, SlidingWindow, StandardLimiter } from "../../simulator/azure/windows";

describe("SlidingWindow", () => {
  it("counts an entry at time s while t < s + length, and forgets it at s + length", () => {
    const w = new SlidingWindow(60_000);
    w.add(1_000, 300);
    w.add(30_000, 200);
    expect(w.usedAt(60_999)).toBe(500);
    expect(w.usedAt(61_000)).toBe(200);
    expect(w.usedAt(90_000)).toBe(0);
  });

  it("says how long until an amount fits: the time the oldest entries it must outlive leave", () => {
    const w = new SlidingWindow(60_000);
    w.add(0, 400);
    w.add(10_000, 400);
    w.add(20_000, 200);
    // Limit 1,000 at t = 30,000: 1,000 used. 300 more needs 300 freed: the entry at 0 (400) is enough.
    expect(w.msUntilFits(30_000, 300, 1_000)).toBe(30_000);
    // 500 more needs 500 freed: entries at 0 and 10,000 must leave, the later one at 70,000.
    expect(w.msUntilFits(30_000, 500, 1_000)).toBe(40_000);
    expect(w.msUntilFits(30_000, 0, 1_000)).toBe(0);
    expect(w.msUntilFits(30_000, 1_001, 1_000)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("StandardLimiter (Standard-type deployment)", () => {
  it("admits up to the token limit in any 60 s window, not per calendar minute", () => {
    const l = new StandardLimiter();
    // 10,000 TPM: ten 1,000-token requests at t = 50 s fill it; at t = 61 s they are all still inside.
    for (let i = 0; i < 10; i++) expect(l.admit(50_000 + i, 1_000, 10_000, 100)).toBeUndefined();
    expect(l.admit(61_000, 1_000, 10_000, 100)).toEqual({ waitMs: 49_000, limit: "token" });
    // The first one leaves at 110,000: the retry at exactly that time is admitted.
    expect(l.admit(110_000, 1_000, 10_000, 100)).toBeUndefined();
  });

  it("refusals do not consume the limits: a client that retries at Retry-After gets in", () => {
    const l = new StandardLimiter();
    expect(l.admit(0, 6_000, 10_000, 100)).toBeUndefined();
    for (let t = 1_000; t < 20_000; t += 1_000) expect(l.admit(t, 6_000, 10_000, 100)?.waitMs).toBe(60_000 - t);
    expect(l.admit(60_000, 6_000, 10_000, 100)).toBeUndefined();
  });

  it("reports the limit that frees last and its wait when both refuse", () => {
    const l = new StandardLimiter();
    // 2 requests per 10 s: two small requests at 0 and 5 s fill the request window.
    expect(l.admit(0, 10, 10_000, 2)).toBeUndefined();
    expect(l.admit(5_000, 10, 10_000, 2)).toBeUndefined();
    expect(l.admit(6_000, 10, 10_000, 2)).toEqual({ waitMs: 4_000, limit: "call" });
    // A 9,990-token request at 6 s: tokens free at 60 s (the entry at 0 leaves), requests at 10 s.
    expect(l.admit(6_000, 9_990, 10_000, 2)).toEqual({ waitMs: 54_000, limit: "token" });
    expect(l.remaining(6_000, 10_000, 2)).toEqual({ tokens: 9_980, requests: 0 });
  });

  it("refuses a request larger than the token limit with the window length as its wait", () => {
    expect(new StandardLimiter().admit(0, 10_001, 10_000, 100)).toEqual({ waitMs: 60_000, limit: "token" });
  });
});

describe("a PTU's utilisation bucket, read as of a run's end", () => {
  // 60,000 tokens a minute drain 1,000 a second.
  it("keeps the level at the marked moment when later admissions move time past it", () => {
    const bucket = new LeakyBucket(60_000);
    bucket.markAt(10_000);
    bucket.add(0, 30_000);
    bucket.add(5_000, 20_000); // 25,000 left at 5 s, then 45,000
    expect(bucket.tokensAtMark()).toBe(40_000); // 5 s more of draining, read without moving time
    bucket.add(12_000, 10_000); // a retry after the end: 38,000 + 10,000
    expect(bucket.tokensAtMark()).toBe(40_000);
    expect(bucket.tokensAt(12_000)).toBe(48_000);
  });

  it("has no level at a moment marked after time passed it, and none unmarked", () => {
    const bucket = new LeakyBucket(60_000);
    expect(bucket.tokensAtMark()).toBeUndefined();
    bucket.add(20_000, 1_000);
    bucket.markAt(10_000);
    expect(bucket.tokensAtMark()).toBeUndefined();
  });
});
