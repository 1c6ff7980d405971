// Per scenario × strategy: every metric over the seeds as mean, standard deviation, min and max
// (nullable metrics over the seeds where they apply, with the count of seeds where they did not).
import { mean, sampleStandardDeviation } from "simple-statistics";
import type { CellMetrics } from "./cells";
import type { CellResult } from "./pool";

export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

export type NullableSpread = (Spread & { missing: number }) | { mean: null; missing: number };

export type StrategySummary = { [K in keyof CellMetrics]: null extends CellMetrics[K] ? NullableSpread : Spread } & { seeds: number[] };

function spread(xs: number[]): Spread {
  return { mean: mean(xs), sd: xs.length > 1 ? sampleStandardDeviation(xs) : 0, min: Math.min(...xs), max: Math.max(...xs) };
}

export function aggregate(results: CellResult[]): Record<string, Record<string, StrategySummary>> {
  const out: Record<string, Record<string, StrategySummary>> = {};
  for (const r of results) {
    out[r.scenario] ??= {};
  }
  const groups = new Map<string, CellResult[]>();
  for (const r of results) groups.set(`${r.scenario}\u0000${r.strategy}`, [...(groups.get(`${r.scenario}\u0000${r.strategy}`) ?? []), r]);
  for (const [key, cells] of groups) {
    const [scenario, strategy] = key.split("\u0000") as [string, string];
    const keys = Object.keys(cells[0]!.metrics) as Array<keyof CellMetrics>;
    const summary: Record<string, unknown> = {};
    for (const k of keys) {
      const values = cells.map((c) => c.metrics[k]);
      const present = values.filter((v): v is number => v !== null);
      const missing = values.length - present.length;
      const nullable = values.some((v) => v === null) || k === "failoverSeconds" || k === "recoverSeconds" || k === "ptuUtilization" || k === "canaryShare" || k === "stickyViolations";
      summary[k] = nullable ? (present.length === 0 ? { mean: null, missing } : { ...spread(present), missing }) : spread(present);
    }
    summary.seeds = cells.map((c) => c.seed).sort((a, b) => a - b);
    out[scenario]![strategy] = summary as StrategySummary;
  }
  return out;
}
