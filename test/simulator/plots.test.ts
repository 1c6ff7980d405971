// outcomes.svg is a stacked step area per 10-s bucket: every bucket must have a row for every outcome
// that occurs (a lone 429 needs its bucket's width), and the last bucket must be drawn to the run's end.
import { describe, expect, it } from "vitest";
import { outcomeRows, renderRunPlots } from "../../simulator/report/plots";
import type { RunRecord } from "../../simulator/run/runner";

/** The fields the outcome plot reads: when each request was sent and how it ended. */
function run(durationMs: number, requests: Array<{ atMs: number; status: number }>): RunRecord {
  return { scenario: { duration: durationMs }, requests, deployments: [] } as unknown as RunRecord;
}

describe("outcomes plot rows", () => {
  it("zero-fills buckets, keeps a lone 429's bucket, and closes the last bucket at the run's end", () => {
    const requests = [
      ...Array.from({ length: 30 }, (_, i) => ({ atMs: i * 1000, status: 200 })),
      { atMs: 19_500, status: 429 },
    ];
    const rows = outcomeRows(run(30_000, requests));
    expect(rows).toEqual([
      { t: 0, outcome: "success", rps: 1 },
      { t: 0, outcome: "429", rps: 0 },
      { t: 10, outcome: "success", rps: 1 },
      { t: 10, outcome: "429", rps: 0.1 },
      { t: 20, outcome: "success", rps: 1 },
      { t: 20, outcome: "429", rps: 0 },
      { t: 30, outcome: "success", rps: 1 },
      { t: 30, outcome: "429", rps: 0 },
    ]);
  });

  it("renders an area for the lone 429 that spans its bucket", async () => {
    const requests = [...Array.from({ length: 30 }, (_, i) => ({ atMs: i * 1000, status: 200 })), { atMs: 19_500, status: 429 }];
    const svg = (await renderRunPlots(run(30_000, requests), "t"))["outcomes.svg"]!;
    const path = /aria-label="[^"]*outcome: 429"[^>]*\sd="([^"]+)"/.exec(svg)?.[1] ?? "";
    const xs = [...path.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThan(0);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(100);
  });
});
